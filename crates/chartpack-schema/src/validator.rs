//! Validation, step for step as santhosh-tekuri/jsonschema v6's `validator.go`: the same
//! keyword order, the same early returns, the same error tree (and the same quirks, such as
//! `items` after `prefixItems` reporting indexes relative to the first unchecked item).
//!
//! Go iterates maps in random order; here objects are visited in sorted key order and
//! keyword maps (`patternProperties`, `dependencies`, …) in sorted order, so where helm's
//! output order varies between runs, chartpack prints one of helm's orders, always the same.
//!
//! Work is bounded: every schema visit counts against [`Limits::max_steps`] and recursion
//! against [`Limits::max_depth`].

use std::collections::{BTreeMap, BTreeSet};

use crate::compiler::{
    type_bit, Additional, Compiled, Dependency, Items, MetaSchemas, Node, NodeId, TYPE_NAMES, T_INTEGER, T_NUMBER,
};
use crate::draft::Draft;
use crate::instance::Inst;
use crate::output::{json_ptr, ErrorKind, ValidationError, ValidationErrors};
use crate::Limits;

/// A validation error on its way up (boxed: results stay small on the recursive path).
type VErr = Box<ValidationError>;

/// Why validation did not succeed.
#[derive(Debug)]
pub(crate) enum Failure {
    Invalid(ValidationErrors),
    TooDeep,
    TooComplex,
}

/// Metaschema validation context: the compiled metaschemas and the document's resources
/// (pointer → draft), for the library's switch to a nested resource's own metaschema.
pub(crate) struct MetaContext<'m> {
    pub(crate) meta: &'m MetaSchemas,
    pub(crate) resources: &'m BTreeMap<String, Draft>,
}

struct Shared<'s> {
    nodes: &'s [Node],
    meta: Option<&'s MetaContext<'s>>,
    steps: u64,
    depth: usize,
    limits: &'s Limits,
    abort: Option<Abort>,
}

#[derive(Debug, Clone, Copy)]
enum Abort {
    TooDeep,
    TooComplex,
}

/// Validates `instance` against a compiled document.
pub(crate) fn validate_document(compiled: &Compiled, instance: &Inst, limits: &Limits) -> Result<(), Failure> {
    let mut sh = Shared { nodes: &compiled.nodes, meta: None, steps: 0, depth: 0, limits, abort: None };
    top_validate(&mut sh, compiled.root, instance, None)
}

/// Validates a schema document against the metaschema `root`.
pub(crate) fn validate_meta(
    ctx: &MetaContext<'_>,
    root: NodeId,
    instance: &Inst,
    limits: &Limits,
) -> Result<(), Failure> {
    let mut sh = Shared { nodes: ctx.meta.nodes(), meta: Some(ctx), steps: 0, depth: 0, limits, abort: None };
    top_validate(&mut sh, root, instance, Some(root))
}

fn top_validate(sh: &mut Shared<'_>, root: NodeId, instance: &Inst, meta: Option<NodeId>) -> Result<(), Failure> {
    let result = schema_validate(sh, root, instance, meta);
    match sh.abort {
        Some(Abort::TooDeep) => Err(Failure::TooDeep),
        Some(Abort::TooComplex) => Err(Failure::TooComplex),
        None => match result {
            Ok(()) => Ok(()),
            Err(root) => Err(Failure::Invalid(ValidationErrors { root })),
        },
    }
}

/// `Schema.validate`: a fresh validator; the error is wrapped in the `Schema` root kind.
fn schema_validate(sh: &mut Shared<'_>, sch: NodeId, v: &Inst, meta: Option<NodeId>) -> Result<(), VErr> {
    let scope = Scope { sch, ref_kw: "", vid: 0, parent: None };
    let root = Loc::Root;
    let uneval = Uneval::from(v, &sh.nodes[sch], false);
    let mut vd = Vd { v, vloc: &root, sch, scp: &scope, uneval, errors: Vec::new(), bool_result: false, meta };
    match vd.run(sh) {
        Ok(_) => Ok(()),
        Err(verr) => {
            let location = sh.nodes[sch].location.clone();
            let causes = if matches!(verr.kind, ErrorKind::Group) { verr.causes } else { vec![*verr] };
            Err(Box::new(ValidationError {
                instance_location: Vec::new(),
                schema_location: location.clone(),
                kind: ErrorKind::Schema { location },
                causes,
            }))
        }
    }
}

/// The dynamic scope: schemas entered on the way here (`scope` in the library).
struct Scope<'s> {
    sch: NodeId,
    ref_kw: &'static str,
    vid: usize,
    parent: Option<&'s Scope<'s>>,
}

impl Scope<'_> {
    fn check_cycle(&self) -> Option<&Scope<'_>> {
        let mut scp = self.parent;
        while let Some(s) = scp {
            if s.vid != self.vid {
                break;
            }
            if s.sch == self.sch {
                return Some(s);
            }
            scp = s.parent;
        }
        None
    }

    fn kw_loc(&self, nodes: &[Node]) -> String {
        let mut loc = String::new();
        let mut sc = self;
        while let Some(parent) = sc.parent {
            if !sc.ref_kw.is_empty() {
                loc = format!("/{}{loc}", crate::url::escape_token(sc.ref_kw));
            } else {
                let cur = &nodes[sc.sch].location;
                let plen = nodes[parent.sch].location.len();
                loc = format!("{}{loc}", cur.get(plen..).unwrap_or(""));
            }
            sc = parent;
        }
        loc
    }
}

/// Instance location as a linked list (cheap to extend while descending).
enum Loc<'a> {
    Root,
    Key(&'a Loc<'a>, &'a str),
    Index(&'a Loc<'a>, usize),
}

impl Loc<'_> {
    fn tokens(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut l = self;
        loop {
            match l {
                Loc::Root => break,
                Loc::Key(p, k) => {
                    out.push((*k).to_owned());
                    l = p;
                }
                Loc::Index(p, i) => {
                    out.push(i.to_string());
                    l = p;
                }
            }
        }
        out.reverse();
        out
    }
}

/// Properties and items not yet evaluated (for `unevaluated*`).
#[derive(Default)]
struct Uneval<'a> {
    props: BTreeSet<&'a str>,
    items: BTreeSet<usize>,
}

impl<'a> Uneval<'a> {
    /// `unevalFrom`.
    fn from(v: &'a Inst, sch: &Node, caller_needs: bool) -> Uneval<'a> {
        let mut ue = Uneval::default();
        match v {
            Inst::Obj(members)
                if !sch.all_props_evaluated && (caller_needs || sch.unevaluated_properties.is_some()) =>
            {
                ue.props = members.iter().map(|(k, _)| k.as_str()).collect();
            }
            Inst::Arr(items)
                if !sch.all_items_evaluated
                    && (caller_needs || sch.unevaluated_items.is_some())
                    && sch.num_items_evaluated < items.len() =>
            {
                ue.items = (sch.num_items_evaluated..items.len()).collect();
            }
            _ => {}
        }
        ue
    }

    fn merge(&mut self, other: &Uneval<'_>) {
        self.props.retain(|k| other.props.contains(k));
        self.items.retain(|i| other.items.contains(i));
    }

    fn is_empty(&self) -> bool {
        self.props.is_empty() && self.items.is_empty()
    }
}

/// One validator: a value against a schema (`validator` in the library).
struct Vd<'a, 's> {
    v: &'a Inst,
    vloc: &'s Loc<'a>,
    sch: NodeId,
    scp: &'s Scope<'s>,
    uneval: Uneval<'a>,
    errors: Vec<ValidationError>,
    bool_result: bool,
    meta: Option<NodeId>,
}

/// The placeholder error of "valid or not" mode (`&ValidationError{}`).
fn empty_error() -> VErr {
    Box::new(ValidationError {
        instance_location: Vec::new(),
        schema_location: String::new(),
        kind: ErrorKind::FalseSchema,
        causes: Vec::new(),
    })
}

fn types_to_strings(types: u8) -> Vec<String> {
    TYPE_NAMES.iter().filter(|(b, _)| types & b != 0).map(|(_, n)| (*n).to_owned()).collect()
}

impl<'a, 's> Vd<'a, 's> {
    fn run(&mut self, sh: &mut Shared<'_>) -> Result<Uneval<'a>, VErr> {
        if sh.abort.is_some() {
            return Err(empty_error());
        }
        sh.steps += 1;
        if sh.steps > sh.limits.max_steps {
            sh.abort = Some(Abort::TooComplex);
            return Err(empty_error());
        }
        sh.depth += 1;
        if sh.depth > sh.limits.max_depth {
            sh.abort = Some(Abort::TooDeep);
            sh.depth -= 1;
            return Err(empty_error());
        }
        let r = self.validate(sh);
        sh.depth -= 1;
        r
    }

    #[inline(never)]
    fn error(&self, sh: &Shared<'_>, kind: ErrorKind) -> VErr {
        if self.bool_result {
            return empty_error();
        }
        Box::new(ValidationError {
            instance_location: self.vloc.tokens(),
            schema_location: sh.nodes[self.sch].location.clone(),
            kind,
            causes: Vec::new(),
        })
    }

    #[inline(never)]
    fn add_error(&mut self, sh: &Shared<'_>, kind: ErrorKind) {
        let e = self.error(sh, kind);
        self.errors.push(*e);
    }

    #[inline(never)]
    fn add_errors(&mut self, sh: &Shared<'_>, errors: Vec<ValidationError>, kind: ErrorKind) {
        let mut e = self.error(sh, kind);
        e.causes = errors;
        self.errors.push(*e);
    }

    fn add_err(&mut self, r: Result<(), VErr>) {
        if let Err(e) = r {
            self.errors.push(*e);
        }
    }

    fn take_uneval(&mut self) -> Uneval<'a> {
        std::mem::take(&mut self.uneval)
    }

    fn validate(&mut self, sh: &mut Shared<'_>) -> Result<Uneval<'a>, VErr> {
        let nodes = sh.nodes;
        let s = &nodes[self.sch];
        let v = self.v;

        // boolean --
        if let Some(b) = s.boolean {
            if b {
                return Ok(self.take_uneval());
            }
            return Err(self.error(sh, ErrorKind::FalseSchema));
        }

        // check cycle, type, const, enum, format (each returns at once) --
        if let Some(e) = self.early_checks(sh) {
            return Err(e);
        }

        // $ref --
        if let Some(r) = s.reference {
            let res = self.validate_ref(sh, r, "$ref");
            if s.draft < 2019 {
                return match res {
                    Ok(()) => Ok(self.take_uneval()),
                    Err(e) => Err(e),
                };
            }
            self.add_err(res);
        }

        // type specific validations --
        match v {
            Inst::Obj(obj) => self.obj_validate(sh, obj),
            Inst::Arr(arr) => self.arr_validate(sh, arr),
            Inst::Str(st) => self.str_validate(sh, st),
            Inst::Num(_) => self.num_validate(sh),
            _ => {}
        }

        if self.errors.is_empty() || !self.bool_result {
            if s.draft >= 2019 {
                self.validate_refs(sh);
            }
            self.cond_validate(sh);
            if s.draft >= 2019 {
                self.uneval_validate(sh);
            }
        }

        match self.errors.len() {
            0 => Ok(self.take_uneval()),
            _ => Err(self.result_error(sh)),
        }
    }

    /// The one error, or a `Group` of them.
    #[inline(never)]
    fn result_error(&mut self, sh: &Shared<'_>) -> VErr {
        if self.errors.len() == 1 {
            return self.errors.pop().map_or_else(empty_error, Box::new);
        }
        let mut e = self.error(sh, ErrorKind::Group);
        e.causes = std::mem::take(&mut self.errors);
        e
    }

    /// The keywords that fail the value at once: cycle, `type`, `const`, `enum`, `format`.
    #[inline(never)]
    fn early_checks(&self, sh: &Shared<'_>) -> Option<VErr> {
        let nodes = sh.nodes;
        let s = &nodes[self.sch];
        let v = self.v;
        // check cycle --
        if let Some(prev) = self.scp.check_cycle() {
            let kind = ErrorKind::RefCycle {
                url: s.location.clone(),
                keyword_location1: self.scp.kw_loc(nodes),
                keyword_location2: prev.kw_loc(nodes),
            };
            return Some(self.error(sh, kind));
        }

        // type --
        if s.types != 0 {
            let t = type_bit(v);
            let matched = s.types & t != 0
                || (s.types & T_INTEGER != 0 && t == T_NUMBER && matches!(v, Inst::Num(n) if n.value.is_integer()));
            if !matched {
                let kind = ErrorKind::Type { got: v.type_name().to_owned(), want: types_to_strings(s.types) };
                return Some(self.error(sh, kind));
            }
        }

        // const --
        if let Some(c) = &s.constant {
            if !v.equals(c) {
                let want = match c {
                    Inst::Arr(_) | Inst::Obj(_) => None,
                    _ => Some(c.display()),
                };
                return Some(self.error(sh, ErrorKind::Const { want }));
            }
        }

        // enum --
        if let Some((values, types)) = &s.enumeration {
            let matched = types & type_bit(v) != 0 && values.iter().any(|item| v.equals(item));
            if !matched {
                let primitive = !values.iter().any(|x| matches!(x, Inst::Arr(_) | Inst::Obj(_)));
                let want = if primitive { values.iter().map(Inst::display).collect() } else { Vec::new() };
                return Some(self.error(sh, ErrorKind::Enum { want, primitive }));
            }
        }

        // format --
        if let Some(f) = s.format {
            if let Err(reason) = f.validate(v) {
                let kind = ErrorKind::Format { got: v.display(), want: f.name().to_owned(), reason };
                return Some(self.error(sh, kind));
            }
        }

        None
    }

    #[inline(never)]
    fn obj_validate(&mut self, sh: &mut Shared<'_>, obj: &'a [(String, Inst)]) {
        let nodes = sh.nodes;
        let s = &nodes[self.sch];
        let len = obj.len() as i64;

        if let Some(min) = s.min_properties {
            if len < min {
                self.add_error(sh, ErrorKind::MinProperties { got: len, want: min });
            }
        }
        if let Some(max) = s.max_properties {
            if len > max {
                self.add_error(sh, ErrorKind::MaxProperties { got: len, want: max });
            }
        }
        if !s.required.is_empty() {
            if let Some(missing) = self.find_missing(obj, &s.required) {
                self.add_error(sh, ErrorKind::Required { missing });
            }
        }
        if self.bool_result && !self.errors.is_empty() {
            return;
        }

        // dependencies --
        for (pname, dep) in &s.dependencies {
            if self.v.get(pname).is_some() {
                match dep {
                    Dependency::Props(props) => {
                        if let Some(missing) = self.find_missing(obj, props) {
                            self.add_error(sh, ErrorKind::Dependency { property: pname.clone(), missing });
                        }
                    }
                    Dependency::Schema(sch) => {
                        let r = self.validate_self(sh, *sch, "", false);
                        self.add_err(r);
                    }
                }
            }
        }

        let mut additional: Vec<String> = Vec::new();
        for (pname, pvalue) in obj {
            if self.bool_result && !self.errors.is_empty() {
                return;
            }
            let mut evaluated = false;
            if let Some(&sch) = s.properties.get(pname) {
                evaluated = true;
                let r = self.validate_val(sh, sch, pvalue, Tok::Key(pname));
                self.add_err(r);
            }
            for (re, sch) in &s.pattern_properties {
                if re.is_match(pname) {
                    evaluated = true;
                    let r = self.validate_val(sh, *sch, pvalue, Tok::Key(pname));
                    self.add_err(r);
                }
            }
            if !evaluated {
                if let Some(ap) = s.additional_properties {
                    evaluated = true;
                    match ap {
                        Additional::Bool(false) => additional.push(pname.clone()),
                        Additional::Bool(true) => {}
                        Additional::Schema(sch) => {
                            let r = self.validate_val(sh, sch, pvalue, Tok::Key(pname));
                            self.add_err(r);
                        }
                    }
                }
            }
            if evaluated {
                self.uneval.props.remove(pname.as_str());
            }
        }
        if !additional.is_empty() {
            self.add_error(sh, ErrorKind::AdditionalProperties { properties: additional });
        }

        if s.draft == 4 {
            return;
        }

        // propertyNames --
        if let Some(pn) = s.property_names {
            for (pname, _) in obj {
                let (mut sch, mut meta) = (pn, self.meta);
                if let Some(m) = self.meta_resource(sh, pn) {
                    meta = Some(m);
                    sch = m;
                }
                let name = Inst::Str(pname.clone());
                if let Err(mut verr) = schema_validate(sh, sch, &name, meta) {
                    verr.schema_location = nodes[pn].location.clone();
                    verr.kind = ErrorKind::PropertyNames { property: pname.clone() };
                    self.errors.push(*verr);
                }
            }
        }

        if s.draft == 6 {
            return;
        }

        // dependentSchemas --
        for (pname, sch) in &s.dependent_schemas {
            if self.v.get(pname).is_some() {
                let r = self.validate_self(sh, *sch, "", false);
                self.add_err(r);
            }
        }

        // dependentRequired --
        for (pname, reqd) in &s.dependent_required {
            if self.v.get(pname).is_some() {
                if let Some(missing) = self.find_missing(obj, reqd) {
                    self.add_error(sh, ErrorKind::DependentRequired { property: pname.clone(), missing });
                }
            }
        }
    }

    #[inline(never)]
    fn arr_validate(&mut self, sh: &mut Shared<'_>, arr: &'a [Inst]) {
        let nodes = sh.nodes;
        let s = &nodes[self.sch];
        let len = arr.len() as i64;

        if let Some(min) = s.min_items {
            if len < min {
                self.add_error(sh, ErrorKind::MinItems { got: len, want: min });
            }
        }
        if let Some(max) = s.max_items {
            if len > max {
                self.add_error(sh, ErrorKind::MaxItems { got: len, want: max });
            }
        }
        if s.unique_items && arr.len() > 1 {
            if let Some(d) = duplicates(sh, arr) {
                self.add_error(sh, ErrorKind::UniqueItems { duplicates: d });
            }
        }

        if s.draft < 2020 {
            let mut evaluated = 0;
            match &s.items {
                Some(Items::Schema(sch)) => {
                    for (i, item) in arr.iter().enumerate() {
                        let r = self.validate_val(sh, *sch, item, Tok::Index(i));
                        self.add_err(r);
                    }
                    evaluated = arr.len();
                }
                Some(Items::Tuple(schemas)) => {
                    let n = arr.len().min(schemas.len());
                    for (i, item) in arr[..n].iter().enumerate() {
                        let r = self.validate_val(sh, schemas[i], item, Tok::Index(i));
                        self.add_err(r);
                    }
                    evaluated = n;
                }
                None => {}
            }
            match s.additional_items {
                Some(Additional::Bool(false)) if evaluated != arr.len() => {
                    self.add_error(sh, ErrorKind::AdditionalItems { count: (arr.len() - evaluated) as i64 });
                }
                Some(Additional::Schema(sch)) => {
                    // The library numbers these from 0, not from their index in the array.
                    for (i, item) in arr[evaluated..].iter().enumerate() {
                        let r = self.validate_val(sh, sch, item, Tok::Index(i));
                        self.add_err(r);
                    }
                }
                _ => {}
            }
        } else {
            let evaluated = s.prefix_items.len().min(arr.len());
            for (i, item) in arr[..evaluated].iter().enumerate() {
                let r = self.validate_val(sh, s.prefix_items[i], item, Tok::Index(i));
                self.add_err(r);
            }
            if let Some(sch) = s.items2020 {
                // The library numbers these from 0, not from their index in the array.
                for (i, item) in arr[evaluated..].iter().enumerate() {
                    let r = self.validate_val(sh, sch, item, Tok::Index(i));
                    self.add_err(r);
                }
            }
        }

        if let Some(contains) = s.contains {
            let mut errors = Vec::new();
            let mut matched = Vec::new();
            for (i, item) in arr.iter().enumerate() {
                match self.validate_val(sh, contains, item, Tok::Index(i)) {
                    Err(e) => errors.push(*e),
                    Ok(()) => {
                        matched.push(i);
                        if s.draft >= 2020 {
                            self.uneval.items.remove(&i);
                        }
                    }
                }
            }
            if let Some(min) = s.min_contains {
                if (matched.len() as i64) < min {
                    self.add_errors(sh, errors, ErrorKind::MinContains { got: matched.clone(), want: min });
                }
            } else if matched.is_empty() {
                self.add_errors(sh, errors, ErrorKind::Contains);
            }
            if let Some(max) = s.max_contains {
                if matched.len() as i64 > max {
                    self.add_error(sh, ErrorKind::MaxContains { got: matched, want: max });
                }
            }
        }
    }

    #[inline(never)]
    fn str_validate(&mut self, sh: &mut Shared<'_>, st: &str) {
        let s = &sh.nodes[self.sch];
        let len = if s.min_length.is_some() || s.max_length.is_some() { st.chars().count() as i64 } else { -1 };
        if let Some(min) = s.min_length {
            if len < min {
                self.add_error(sh, ErrorKind::MinLength { got: len, want: min });
            }
        }
        if let Some(max) = s.max_length {
            if len > max {
                self.add_error(sh, ErrorKind::MaxLength { got: len, want: max });
            }
        }
        if let Some(re) = &s.pattern {
            if !re.is_match(st) {
                self.add_error(sh, ErrorKind::Pattern { got: st.to_owned(), want: re.as_str().to_owned() });
            }
        }
        // contentEncoding/contentMediaType/contentSchema: the library asserts them only with
        // `AssertContent`, which helm does not call.
    }

    #[inline(never)]
    fn num_validate(&mut self, sh: &mut Shared<'_>) {
        let Inst::Num(n) = self.v else {
            return;
        };
        let s = &sh.nodes[self.sch];
        let num = &n.value;
        let got = || num.to_f64();
        if let Some(min) = &s.minimum {
            if num < min {
                self.add_error(sh, ErrorKind::Minimum { got: got(), want: min.to_f64() });
            }
        }
        if let Some(max) = &s.maximum {
            if num > max {
                self.add_error(sh, ErrorKind::Maximum { got: got(), want: max.to_f64() });
            }
        }
        if let Some(min) = &s.exclusive_minimum {
            if num <= min {
                self.add_error(sh, ErrorKind::ExclusiveMinimum { got: got(), want: min.to_f64() });
            }
        }
        if let Some(max) = &s.exclusive_maximum {
            if num >= max {
                self.add_error(sh, ErrorKind::ExclusiveMaximum { got: got(), want: max.to_f64() });
            }
        }
        if let Some(m) = &s.multiple_of {
            if !num.is_multiple_of(m) {
                self.add_error(sh, ErrorKind::MultipleOf { got: got(), want: m.to_f64() });
            }
        }
    }

    #[inline(never)]
    fn cond_validate(&mut self, sh: &mut Shared<'_>) {
        let nodes = sh.nodes;
        let s = &nodes[self.sch];

        if let Some(not) = s.not {
            if self.validate_self(sh, not, "", true).is_ok() {
                self.add_error(sh, ErrorKind::Not);
            }
        }

        if !s.all_of.is_empty() {
            let mut errors = Vec::new();
            for &sch in &s.all_of {
                if let Err(e) = self.validate_self(sh, sch, "", false) {
                    errors.push(*e);
                    if self.bool_result {
                        break;
                    }
                }
            }
            if !errors.is_empty() {
                self.add_errors(sh, errors, ErrorKind::AllOf);
            }
        }

        if !s.any_of.is_empty() {
            let mut matched = false;
            let mut errors = Vec::new();
            for &sch in &s.any_of {
                match self.validate_self(sh, sch, "", false) {
                    Err(e) => errors.push(*e),
                    Ok(()) => {
                        matched = true;
                        // for uneval, all schemas must be evaluated
                        if self.uneval.is_empty() {
                            break;
                        }
                    }
                }
            }
            if !matched {
                self.add_errors(sh, errors, ErrorKind::AnyOf);
            }
        }

        if !s.one_of.is_empty() {
            let mut matched: Option<usize> = None;
            let mut errors = Vec::new();
            for (i, &sch) in s.one_of.iter().enumerate() {
                match self.validate_self(sh, sch, "", matched.is_some()) {
                    Err(e) => {
                        if matched.is_none() {
                            errors.push(*e);
                        }
                    }
                    Ok(()) => match matched {
                        None => matched = Some(i),
                        Some(first) => {
                            self.add_error(sh, ErrorKind::OneOf { matched: Some((first, i)) });
                            break;
                        }
                    },
                }
            }
            if matched.is_none() {
                self.add_errors(sh, errors, ErrorKind::OneOf { matched: None });
            }
        }

        if let Some(if_) = s.if_ {
            if self.validate_self(sh, if_, "", true).is_ok() {
                if let Some(then) = s.then {
                    let r = self.validate_self(sh, then, "", false);
                    self.add_err(r);
                }
            } else if let Some(else_) = s.else_ {
                let r = self.validate_self(sh, else_, "", false);
                self.add_err(r);
            }
        }
    }

    #[inline(never)]
    fn uneval_validate(&mut self, sh: &mut Shared<'_>) {
        let s = &sh.nodes[self.sch];
        if let (Inst::Obj(_), Some(sch)) = (self.v, s.unevaluated_properties) {
            let props: Vec<&'a str> = std::mem::take(&mut self.uneval.props).into_iter().collect();
            for pname in props {
                if let Some(pvalue) = self.v.get(pname) {
                    let r = self.validate_val(sh, sch, pvalue, Tok::Key(pname));
                    self.add_err(r);
                }
            }
        }
        if let (Inst::Arr(arr), Some(sch)) = (self.v, s.unevaluated_items) {
            let items: Vec<usize> = std::mem::take(&mut self.uneval.items).into_iter().collect();
            for i in items {
                if let Some(item) = arr.get(i) {
                    let r = self.validate_val(sh, sch, item, Tok::Index(i));
                    self.add_err(r);
                }
            }
        }
    }

    // validation helpers --

    fn validate_self(
        &mut self,
        sh: &mut Shared<'_>,
        sch: NodeId,
        ref_kw: &'static str,
        bool_result: bool,
    ) -> Result<(), VErr> {
        let scope = Scope { sch, ref_kw, vid: self.scp.vid, parent: Some(self.scp) };
        let uneval = Uneval::from(self.v, &sh.nodes[sch], !self.uneval.is_empty());
        let mut sub = Vd {
            v: self.v,
            vloc: self.vloc,
            sch,
            scp: &scope,
            uneval,
            errors: Vec::new(),
            bool_result: self.bool_result || bool_result,
            meta: self.meta,
        };
        sub.handle_meta(sh);
        let r = sub.run(sh);
        match r {
            Ok(ue) => {
                self.uneval.merge(&ue);
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    fn validate_val(&mut self, sh: &mut Shared<'_>, sch: NodeId, v: &'a Inst, tok: Tok<'a>) -> Result<(), VErr> {
        let loc = match tok {
            Tok::Key(k) => Loc::Key(self.vloc, k),
            Tok::Index(i) => Loc::Index(self.vloc, i),
        };
        let scope = Scope { sch, ref_kw: "", vid: self.scp.vid + 1, parent: Some(self.scp) };
        let uneval = Uneval::from(v, &sh.nodes[sch], false);
        let mut sub = Vd {
            v,
            vloc: &loc,
            sch,
            scp: &scope,
            uneval,
            errors: Vec::new(),
            bool_result: self.bool_result,
            meta: self.meta,
        };
        sub.handle_meta(sh);
        sub.run(sh).map(|_| ())
    }

    /// `metaResource`: when `sch` is the metaschema root and the instance location is a
    /// resource of the document, that resource's own metaschema.
    fn meta_resource(&self, sh: &Shared<'_>, sch: NodeId) -> Option<NodeId> {
        let ctx = sh.meta?;
        if Some(sch) != self.meta {
            return None;
        }
        let ptr = json_ptr(&self.vloc.tokens());
        ctx.resources.get(&ptr).map(|d| ctx.meta.root(*d))
    }

    fn handle_meta(&mut self, sh: &Shared<'_>) {
        if let Some(m) = self.meta_resource(sh, self.sch) {
            self.meta = Some(m);
            self.sch = m;
        }
    }

    // reference validation --

    fn validate_ref(&mut self, sh: &mut Shared<'_>, sch: NodeId, kw: &'static str) -> Result<(), VErr> {
        match self.validate_self(sh, sch, kw, false) {
            Ok(()) => Ok(()),
            Err(verr) => Err(self.ref_error(sh, sch, kw, *verr)),
        }
    }

    #[inline(never)]
    fn ref_error(&self, sh: &Shared<'_>, sch: NodeId, kw: &'static str, verr: ValidationError) -> VErr {
        let kind = ErrorKind::Reference { keyword: kw.to_owned(), url: sh.nodes[sch].location.clone() };
        let mut ref_err = self.error(sh, kind);
        if matches!(verr.kind, ErrorKind::Group) && !self.bool_result {
            ref_err.causes = verr.causes;
        } else {
            ref_err.causes.push(verr);
        }
        ref_err
    }

    fn resolve_recursive_anchor(&self, sh: &Shared<'_>, fallback: NodeId) -> NodeId {
        let mut sch = fallback;
        let mut scp = Some(self.scp);
        while let Some(s) = scp {
            if sh.nodes[sh.nodes[s.sch].resource].recursive_anchor {
                sch = s.sch;
            }
            scp = s.parent;
        }
        sch
    }

    fn resolve_dynamic_anchor(&self, sh: &Shared<'_>, name: &str, fallback: NodeId) -> NodeId {
        let mut sch = fallback;
        let mut scp = Some(self.scp);
        while let Some(s) = scp {
            let res = &sh.nodes[sh.nodes[s.sch].resource];
            if let Some((_, d)) = res.dynamic_anchors.iter().find(|(a, _)| a == name) {
                sch = *d;
            }
            scp = s.parent;
        }
        sch
    }

    #[inline(never)]
    fn validate_refs(&mut self, sh: &mut Shared<'_>) {
        let nodes = sh.nodes;
        let s = &nodes[self.sch];
        if let Some(mut sch) = s.recursive_ref {
            if nodes[sch].recursive_anchor {
                sch = self.resolve_recursive_anchor(sh, sch);
            }
            let r = self.validate_ref(sh, sch, "$recursiveRef");
            self.add_err(r);
        }
        if let Some((target, anchor)) = &s.dynamic_ref {
            let mut sch = *target;
            if !anchor.is_empty() && nodes[sch].dynamic_anchor == *anchor {
                sch = self.resolve_dynamic_anchor(sh, anchor, sch);
            }
            let r = self.validate_ref(sh, sch, "$dynamicRef");
            self.add_err(r);
        }
    }

    fn find_missing(&self, obj: &[(String, Inst)], reqd: &[String]) -> Option<Vec<String>> {
        let mut missing = Vec::new();
        for pname in reqd {
            if obj.binary_search_by(|(k, _)| k.as_str().cmp(pname)).is_err() {
                if self.bool_result {
                    return Some(Vec::new());
                }
                missing.push(pname.clone());
            }
        }
        (!missing.is_empty()).then_some(missing)
    }
}

#[derive(Clone, Copy)]
enum Tok<'a> {
    Key(&'a str),
    Index(usize),
}

/// `duplicates`: the first `(j, i)` with `arr[j] == arr[i]`, `j < i`, smallest `i` then
/// smallest `j` (the library's scan order), found through canonical keys in linear time.
fn duplicates(sh: &mut Shared<'_>, arr: &[Inst]) -> Option<(usize, usize)> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, item) in arr.iter().enumerate() {
        sh.steps += 1;
        if sh.steps > sh.limits.max_steps {
            sh.abort = Some(Abort::TooComplex);
            return None;
        }
        let mut key = String::new();
        item.canonical(&mut key);
        if let Some(&j) = seen.get(&key) {
            return Some((j, i));
        }
        seen.insert(key, i);
    }
    None
}
