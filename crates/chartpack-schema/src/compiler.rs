//! Schema compilation as santhosh-tekuri/jsonschema v6 does it: documents are scanned for
//! resources (`$id`) and anchors, checked against their draft's metaschema, then compiled
//! lazily from the root along keywords and `$ref`s into an arena of [`Node`]s.
//!
//! Unlike the library, nothing is ever loaded from outside: the only documents are the one
//! given to [`crate::compile`] and the embedded metaschemas.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;
use std::sync::OnceLock;

use crate::draft::{metaschema_text, Draft, Pos};
use crate::format::Format;
use crate::instance::{Inst, Numbers};
use crate::number::Decimal;
use crate::regex::GoRegex;
use crate::url;
use crate::validator::{self, MetaContext};
use crate::{Limits, SchemaError};

/// The URL helm registers `values.schema.json` under.
pub(crate) const ROOT_URL: &str = "file:///values.schema.json";

pub(crate) type NodeId = usize;
pub(crate) type DocId = usize;

/// Type bits in the library's order (`Types.ToStrings`).
pub(crate) const TYPE_NAMES: [(u8, &str); 7] =
    [(1, "null"), (2, "boolean"), (4, "number"), (8, "integer"), (16, "string"), (32, "array"), (64, "object")];
pub(crate) const T_NUMBER: u8 = 4;
pub(crate) const T_INTEGER: u8 = 8;

pub(crate) fn type_bit(inst: &Inst) -> u8 {
    match inst {
        Inst::Null => 1,
        Inst::Bool(_) => 2,
        Inst::Num(_) => 4,
        Inst::Str(_) => 16,
        Inst::Arr(_) => 32,
        Inst::Obj(_) => 64,
    }
}

fn type_from_name(name: &str) -> u8 {
    TYPE_NAMES.iter().find(|(_, n)| *n == name).map_or(0, |(b, _)| *b)
}

/// `additionalProperties` / `additionalItems`: a boolean or a schema.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Additional {
    Bool(bool),
    Schema(NodeId),
}

/// `dependencies` values: required names or a schema.
#[derive(Debug, Clone)]
pub(crate) enum Dependency {
    Props(Vec<String>),
    Schema(NodeId),
}

/// draft < 2020 `items`.
#[derive(Debug, Clone)]
pub(crate) enum Items {
    Schema(NodeId),
    Tuple(Vec<NodeId>),
}

/// One compiled schema (the library's `Schema`).
#[derive(Debug, Default)]
pub(crate) struct Node {
    pub(crate) location: String,
    doc: DocId,
    ptr: String,
    pub(crate) draft: u32,
    pub(crate) resource: NodeId,
    pub(crate) dynamic_anchors: Vec<(String, NodeId)>,
    pub(crate) boolean: Option<bool>,

    pub(crate) reference: Option<NodeId>,
    pub(crate) recursive_ref: Option<NodeId>,
    pub(crate) recursive_anchor: bool,
    pub(crate) dynamic_ref: Option<(NodeId, String)>,
    pub(crate) dynamic_anchor: String,

    pub(crate) types: u8,
    pub(crate) constant: Option<Inst>,
    pub(crate) enumeration: Option<(Vec<Inst>, u8)>,
    pub(crate) format: Option<Format>,

    pub(crate) all_of: Vec<NodeId>,
    pub(crate) any_of: Vec<NodeId>,
    pub(crate) one_of: Vec<NodeId>,
    pub(crate) not: Option<NodeId>,
    pub(crate) if_: Option<NodeId>,
    pub(crate) then: Option<NodeId>,
    pub(crate) else_: Option<NodeId>,

    pub(crate) min_properties: Option<i64>,
    pub(crate) max_properties: Option<i64>,
    pub(crate) required: Vec<String>,
    pub(crate) properties: BTreeMap<String, NodeId>,
    pub(crate) pattern_properties: Vec<(GoRegex, NodeId)>,
    pub(crate) additional_properties: Option<Additional>,
    pub(crate) dependencies: Vec<(String, Dependency)>,
    pub(crate) property_names: Option<NodeId>,
    pub(crate) dependent_schemas: Vec<(String, NodeId)>,
    pub(crate) dependent_required: Vec<(String, Vec<String>)>,
    pub(crate) unevaluated_properties: Option<NodeId>,

    pub(crate) min_items: Option<i64>,
    pub(crate) max_items: Option<i64>,
    pub(crate) unique_items: bool,
    pub(crate) items: Option<Items>,
    pub(crate) additional_items: Option<Additional>,
    pub(crate) prefix_items: Vec<NodeId>,
    pub(crate) items2020: Option<NodeId>,
    pub(crate) contains: Option<NodeId>,
    pub(crate) min_contains: Option<i64>,
    pub(crate) max_contains: Option<i64>,
    pub(crate) unevaluated_items: Option<NodeId>,

    pub(crate) min_length: Option<i64>,
    pub(crate) max_length: Option<i64>,
    pub(crate) pattern: Option<GoRegex>,

    pub(crate) minimum: Option<Decimal>,
    pub(crate) maximum: Option<Decimal>,
    pub(crate) exclusive_minimum: Option<Decimal>,
    pub(crate) exclusive_maximum: Option<Decimal>,
    pub(crate) multiple_of: Option<Decimal>,

    pub(crate) all_props_evaluated: bool,
    pub(crate) all_items_evaluated: bool,
    pub(crate) num_items_evaluated: usize,
}

/// A resource: a schema with an id (or a document root).
#[derive(Debug, Clone)]
pub(crate) struct Resource {
    ptr: String,
    id: String,
    pub(crate) draft: Draft,
    anchors: BTreeMap<String, String>,
    dynamic_anchors: Vec<String>,
}

/// The resources of a document, indexed by location and by id.
#[derive(Debug, Default)]
struct Resources {
    list: Vec<Resource>,
    by_ptr: HashMap<String, usize>,
    by_id: HashMap<String, usize>,
    /// Pointer → draft, for the metaschema switch during validation.
    drafts: BTreeMap<String, Draft>,
}

impl Resources {
    fn push(&mut self, r: Resource) {
        let i = self.list.len();
        self.by_ptr.insert(r.ptr.clone(), i);
        self.by_id.entry(r.id.clone()).or_insert(i);
        self.drafts.insert(r.ptr.clone(), r.draft);
        self.list.push(r);
    }

    fn root(&self) -> usize {
        self.by_ptr.get("").copied().unwrap_or(0)
    }

    /// `root.resource(ptr)`: the innermost resource containing `ptr`.
    fn at(&self, ptr: &str) -> usize {
        let mut p = ptr;
        loop {
            if let Some(&i) = self.by_ptr.get(p) {
                return i;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return self.root(),
            }
        }
    }

    fn by_id(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }
}

/// One JSON document (the library's `root`).
#[derive(Debug)]
pub(crate) struct Doc {
    url: String,
    root: Rc<Inst>,
    resources: Resources,
    processed: BTreeSet<String>,
}

fn url_ptr(url: &str, ptr: &str) -> String {
    format!("{url}#{}", url::encode_fragment(ptr))
}

fn append(ptr: &str, tok: &str) -> String {
    format!("{ptr}/{}", url::escape_token(tok))
}

/// `urlPtr.lookup`.
fn lookup<'a>(root: &'a Inst, url: &str, ptr: &str) -> Result<&'a Inst, SchemaError> {
    let mut v = root;
    if ptr.is_empty() {
        return Ok(v);
    }
    for raw in ptr.split('/').skip(1) {
        let tok = url::unescape_token(raw).ok_or_else(|| SchemaError::InvalidPointer { url: url_ptr(url, ptr) })?;
        let next = match v {
            Inst::Obj(_) => v.get(&tok),
            Inst::Arr(items) => go_atoi(&tok).and_then(|i| usize::try_from(i).ok()).and_then(|i| items.get(i)),
            _ => None,
        };
        v = next.ok_or_else(|| SchemaError::PointerNotFound { url: url_ptr(url, ptr) })?;
    }
    Ok(v)
}

/// `strconv.Atoi`.
fn go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn str_val<'a>(obj: &'a Inst, key: &str) -> Option<&'a str> {
    obj.get(key).and_then(Inst::as_str)
}

/// `draft.getID`.
fn get_id(draft: Draft, obj: &Inst) -> Option<String> {
    if draft < Draft::Draft2019 && obj.get("$ref").is_some() {
        return None;
    }
    let id = str_val(obj, draft.id_keyword())?;
    let (u, _) = url::split(id);
    (!u.is_empty()).then(|| u.to_owned())
}

/// The compiled form of a schema document.
#[derive(Debug)]
pub(crate) struct Compiled {
    pub(crate) nodes: Vec<Node>,
    pub(crate) root: NodeId,
}

/// Documents, resources and the compile queue (the library's `Compiler` + `roots`).
pub(crate) struct Compiler<'l> {
    docs: Vec<Doc>,
    /// Documents added but not yet scanned (`AddResource`).
    pending: Vec<(String, Inst)>,
    nodes: Vec<Node>,
    index: HashMap<(DocId, String), NodeId>,
    /// Metaschemas are compiled with `AssertFormat`; user schemas assert `format` only below 2019-09.
    assert_format_all: bool,
    /// Metaschema validation of loaded documents (absent when compiling metaschemas).
    meta: Option<&'static MetaSchemas>,
    limits: &'l Limits,
}

/// The draft metaschemas, compiled once per [`crate::compile`] with format assertions on.
pub(crate) struct MetaSchemas {
    compiled: Compiled,
    roots: BTreeMap<Draft, NodeId>,
}

/// The metaschemas are the same for every compile: built once.
static META: OnceLock<Result<MetaSchemas, SchemaError>> = OnceLock::new();

impl MetaSchemas {
    fn get() -> Result<&'static MetaSchemas, SchemaError> {
        META.get_or_init(|| MetaSchemas::new(&crate::DEFAULT_LIMITS)).as_ref().map_err(Clone::clone)
    }

    fn new(limits: &Limits) -> Result<MetaSchemas, SchemaError> {
        let mut c = Compiler::new(true, None, limits);
        let mut roots = BTreeMap::new();
        for d in [Draft::Draft4, Draft::Draft6, Draft::Draft7, Draft::Draft2019, Draft::Draft2020] {
            let id = c.compile_url(d.url())?;
            roots.insert(d, id);
        }
        Ok(MetaSchemas { compiled: Compiled { nodes: std::mem::take(&mut c.nodes), root: 0 }, roots })
    }

    pub(crate) fn nodes(&self) -> &[Node] {
        &self.compiled.nodes
    }

    pub(crate) fn root(&self, draft: Draft) -> NodeId {
        self.roots.get(&draft).copied().unwrap_or(0)
    }
}

impl<'l> Compiler<'l> {
    fn new(assert_format_all: bool, meta: Option<&'static MetaSchemas>, limits: &'l Limits) -> Self {
        Compiler {
            docs: Vec::new(),
            pending: Vec::new(),
            nodes: Vec::new(),
            index: HashMap::new(),
            assert_format_all,
            meta,
            limits,
        }
    }

    /// Compiles `doc` registered as [`ROOT_URL`], as helm does.
    pub(crate) fn compile_document(doc: Inst, limits: &Limits) -> Result<Compiled, SchemaError> {
        let meta = MetaSchemas::get()?;
        let mut c = Compiler::new(false, Some(meta), limits);
        c.pending.push((ROOT_URL.to_owned(), doc));
        let root = c.compile_url(ROOT_URL)?;
        Ok(Compiled { nodes: c.nodes, root })
    }

    fn compile_url(&mut self, loc: &str) -> Result<NodeId, SchemaError> {
        let (u, frag) = url::split(loc);
        let frag = url::path_unescape(frag).map_err(|e| SchemaError::ParseUrl {
            message: format!("error in parsing {}: {e}", chartpack_encoding::gofmt::quote(loc)),
        })?;
        let (doc, ptr) = self.resolve_fragment(u, &frag)?;
        self.do_compile(doc, &ptr)
    }

    fn doc_by_url(&self, url: &str) -> Option<DocId> {
        self.docs.iter().position(|d| d.url == url)
    }

    /// `roots.orLoad`: a scanned document, or scans a pending or embedded one. Anything
    /// else would be loaded from a file or the network by helm; chartpack refuses.
    fn or_load(&mut self, u: &str) -> Result<DocId, SchemaError> {
        if let Some(d) = self.doc_by_url(u) {
            return Ok(d);
        }
        let doc = if let Some(i) = self.pending.iter().position(|(pu, _)| pu == u) {
            self.pending.swap_remove(i).1
        } else if let Some(text) = metaschema_text(u) {
            let value = chartpack_encoding::json::parse(text.as_bytes())
                .map_err(|e| SchemaError::ParseUrl { message: format!("embedded metaschema {u}: {e}") })?;
            Inst::from_value(&value, Numbers::Literal, self.limits.max_depth)
                .map_err(|_| SchemaError::TooDeep { limit: self.limits.max_depth })?
        } else {
            return Err(SchemaError::External { url: u.to_owned() });
        };
        self.add_root(u, doc)
    }

    fn add_root(&mut self, u: &str, root: Inst) -> Result<DocId, SchemaError> {
        let mut resources = Resources::default();
        let mut processed = BTreeSet::new();
        self.collect_resources(u, &mut resources, &mut processed, &root, u, "", Draft::Draft2020, 0)?;
        let doc = Doc { url: u.to_owned(), root: Rc::new(root), resources, processed };
        let id = self.docs.len();
        self.docs.push(doc);
        if !u.starts_with("http://json-schema.org/") && !u.starts_with("https://json-schema.org/") {
            self.meta_validate(id, "")?;
        }
        Ok(id)
    }

    /// `loader.getDraft`: the draft named by `$schema`, else `fallback`. An unknown
    /// `$schema` would make helm load that URL as a metaschema; chartpack refuses.
    fn get_draft(&self, doc_url: &str, ptr: &str, obj: &Inst, fallback: Draft) -> Result<Draft, SchemaError> {
        let Some(s) = str_val(obj, "$schema") else {
            return Ok(fallback);
        };
        if let Some(d) = Draft::from_url(s) {
            return Ok(d);
        }
        let (u, _) = url::split(s);
        if let Err(e) = url::parse(u) {
            return Err(SchemaError::InvalidMetaschemaUrl { url: url_ptr(doc_url, ptr), reason: e.to_string() });
        }
        if ptr.is_empty() && u == doc_url {
            return Err(SchemaError::UnsupportedDraft { url: u.to_owned() });
        }
        Err(SchemaError::External { url: u.to_owned() })
    }

    #[allow(clippy::too_many_arguments)]
    fn collect_resources(
        &self,
        doc_url: &str,
        resources: &mut Resources,
        processed: &mut BTreeSet<String>,
        sch: &Inst,
        base: &str,
        sch_ptr: &str,
        fallback: Draft,
        depth: usize,
    ) -> Result<(), SchemaError> {
        if processed.contains(sch_ptr) {
            return Ok(());
        }
        if depth > self.limits.max_depth {
            return Err(SchemaError::TooDeep { limit: self.limits.max_depth });
        }
        if !matches!(sch, Inst::Obj(_)) {
            // v6.0.2 registers a root resource for any root value (`5` is then reported by
            // the metaschema: `got number, want boolean or object`).
            if sch_ptr.is_empty() {
                resources.push(Resource {
                    ptr: String::new(),
                    id: base.to_owned(),
                    draft: fallback,
                    anchors: BTreeMap::new(),
                    dynamic_anchors: Vec::new(),
                });
            }
            processed.insert(sch_ptr.to_owned());
            return Ok(());
        }
        let mut has_schema = str_val(sch, "$schema").is_some();
        let mut draft = self.get_draft(doc_url, sch_ptr, sch, fallback)?;
        let mut id = get_id(draft, sch);
        if id.is_none() && !sch_ptr.is_empty() {
            draft = fallback;
            has_schema = false;
            id = get_id(draft, sch);
        }
        let mut base = base.to_owned();
        let mut new_res = false;
        if let Some(id) = &id {
            let (u, _) = url::join(&base, id).map_err(|_| SchemaError::ParseId { url: url_ptr(doc_url, sch_ptr) })?;
            base = u;
            new_res = true;
        } else if sch_ptr.is_empty() {
            new_res = true;
        }
        if new_res {
            match resources.by_id(&base) {
                Some(i) if resources.list[i].ptr != sch_ptr => {
                    return Err(SchemaError::DuplicateId {
                        id: base.clone(),
                        url: doc_url.to_owned(),
                        ptr1: sch_ptr.to_owned(),
                        ptr2: resources.list[i].ptr.clone(),
                    });
                }
                Some(_) => {}
                None => resources.push(Resource {
                    ptr: sch_ptr.to_owned(),
                    id: base.clone(),
                    draft: if has_schema { draft } else { fallback },
                    anchors: BTreeMap::new(),
                    dynamic_anchors: Vec::new(),
                }),
            }
        }
        let Some(base_res) = resources.by_id(&base) else {
            return Err(SchemaError::ParseId { url: url_ptr(doc_url, sch_ptr) });
        };
        collect_anchors(doc_url, sch, sch_ptr, &mut resources.list[base_res])?;
        let dialect = resources.list[base_res].draft;

        for path in draft.subschema_paths() {
            let mut found = Vec::new();
            collect_path(sch, sch_ptr.to_owned(), path, &mut found);
            for (ptr, v) in found {
                self.collect_resources(doc_url, resources, processed, v, &base, &ptr, dialect, depth + 1)?;
            }
        }
        processed.insert(sch_ptr.to_owned());
        Ok(())
    }

    /// `roots.resolveFragment`.
    fn resolve_fragment(&mut self, u: &str, frag: &str) -> Result<(DocId, String), SchemaError> {
        let d = self.or_load(u)?;
        let doc = &self.docs[d];
        let ptr = resolve_fragment_in(doc, frag, doc.resources.root())?;
        Ok((d, ptr))
    }

    fn enqueue(&mut self, doc: DocId, ptr: &str, queue: &mut Vec<NodeId>) -> NodeId {
        if let Some(&id) = self.index.get(&(doc, ptr.to_owned())) {
            return id;
        }
        let id = self.nodes.len();
        let location = url_ptr(&self.docs[doc].url, ptr);
        self.nodes.push(Node { location, doc, ptr: ptr.to_owned(), ..Node::default() });
        self.index.insert((doc, ptr.to_owned()), id);
        queue.push(id);
        id
    }

    fn do_compile(&mut self, doc: DocId, ptr: &str) -> Result<NodeId, SchemaError> {
        let mut queue = Vec::new();
        let first = self.enqueue(doc, ptr, &mut queue);
        let mut i = 0;
        while i < queue.len() {
            if self.nodes.len() > self.limits.max_schema_nodes {
                return Err(SchemaError::TooComplex { limit: self.limits.max_schema_nodes as u64 });
            }
            let id = queue[i];
            let (d, p) = (self.nodes[id].doc, self.nodes[id].ptr.clone());
            self.ensure_subschema(d, &p)?;
            self.compile_node(id, &mut queue)?;
            i += 1;
        }
        Ok(first)
    }

    /// `roots.ensureSubschema`: a schema at a place the resource scan did not visit is
    /// scanned and checked against the metaschema now.
    fn ensure_subschema(&mut self, d: DocId, ptr: &str) -> Result<(), SchemaError> {
        if self.docs[d].processed.contains(ptr) {
            return Ok(());
        }
        // Taken out for the scan and put back: a failure ends the compile anyway.
        let mut resources = std::mem::take(&mut self.docs[d].resources);
        let mut processed = std::mem::take(&mut self.docs[d].processed);
        let root = Rc::clone(&self.docs[d].root);
        let url = self.docs[d].url.clone();
        let v = lookup(&root, &url, ptr)?;
        let base_res = resources.at(ptr);
        let (base, dialect) = (resources.list[base_res].id.clone(), resources.list[base_res].draft);
        self.collect_resources(&url, &mut resources, &mut processed, v, &base, ptr, dialect, 0)?;
        if !resources.by_ptr.contains_key(ptr) {
            let i = resources.at(ptr);
            collect_anchors(&url, v, ptr, &mut resources.list[i])?;
        }
        let doc = &mut self.docs[d];
        doc.resources = resources;
        doc.processed = processed;
        self.meta_validate(d, ptr)
    }

    /// `roots.validate`: checks the schema at `ptr` against its draft's metaschema.
    fn meta_validate(&self, d: DocId, ptr: &str) -> Result<(), SchemaError> {
        let Some(meta) = self.meta else {
            return Ok(());
        };
        let doc = &self.docs[d];
        let v = lookup(&doc.root, &doc.url, ptr)?;
        let draft = doc.resources.list[doc.resources.at(ptr)].draft;
        let ctx = MetaContext { meta, resources: &doc.resources.drafts };
        let root = meta.root(draft);
        match validator::validate_meta(&ctx, root, v, self.limits) {
            Ok(()) => Ok(()),
            Err(validator::Failure::Invalid(errors)) => {
                Err(SchemaError::Metaschema { location: url_ptr(&doc.url, ptr), errors })
            }
            Err(validator::Failure::TooDeep) => Err(SchemaError::TooDeep { limit: self.limits.max_depth }),
            Err(validator::Failure::TooComplex) => Err(SchemaError::TooComplex { limit: self.limits.max_steps }),
        }
    }

    fn compile_node(&mut self, id: NodeId, queue: &mut Vec<NodeId>) -> Result<(), SchemaError> {
        let (d, ptr) = (self.nodes[id].doc, self.nodes[id].ptr.clone());
        let res_index = self.docs[d].resources.at(&ptr);
        let res = &self.docs[d].resources.list[res_index];
        let (draft, res_ptr) = (res.draft, res.ptr.clone());
        let dyn_anchor_ptrs: Vec<(String, String)> = if draft >= Draft::Draft2020 && res_ptr == ptr {
            res.anchors
                .iter()
                .filter(|(a, _)| res.dynamic_anchors.contains(a))
                .map(|(a, p)| (a.clone(), p.clone()))
                .collect()
        } else {
            Vec::new()
        };
        let res_id = res.id.clone();
        self.nodes[id].draft = draft.version();
        let res_node = self.enqueue(d, &res_ptr, queue);
        self.nodes[id].resource = res_node;
        if !dyn_anchor_ptrs.is_empty() {
            let dyn_anchors = dyn_anchor_ptrs.into_iter().map(|(a, p)| (a, self.enqueue(d, &p, queue))).collect();
            self.nodes[id].dynamic_anchors = dyn_anchors;
        }
        // The document stays shared while keywords are compiled (compiling needs `&mut self`).
        let root = Rc::clone(&self.docs[d].root);
        let v = lookup(&root, &self.docs[d].url, &ptr)?;
        match v {
            Inst::Bool(b) => self.nodes[id].boolean = Some(*b),
            Inst::Obj(members) if members.is_empty() => self.nodes[id].boolean = Some(true),
            Inst::Obj(_) => {
                let mut oc = ObjCompiler { c: self, obj: v, doc: d, ptr: &ptr, res_id: &res_id, draft, queue };
                let node = oc.compile()?;
                let keep = std::mem::take(&mut self.nodes[id]);
                self.nodes[id] = Node {
                    location: keep.location,
                    doc: keep.doc,
                    ptr: keep.ptr,
                    draft: keep.draft,
                    resource: keep.resource,
                    dynamic_anchors: keep.dynamic_anchors,
                    ..node
                };
            }
            _ => {}
        }
        let n = &mut self.nodes[id];
        n.all_props_evaluated = n.additional_properties.is_some();
        if draft < Draft::Draft2020 {
            n.all_items_evaluated = n.additional_items.is_some();
            match &n.items {
                Some(Items::Schema(_)) => n.all_items_evaluated = true,
                Some(Items::Tuple(t)) => n.num_items_evaluated = t.len(),
                None => {}
            }
        } else {
            n.all_items_evaluated = n.items2020.is_some();
            n.num_items_evaluated = n.prefix_items.len();
        }
        Ok(())
    }
}

/// `SchemaPath.collect`.
fn collect_path<'a>(v: &'a Inst, ptr: String, path: &[Pos], out: &mut Vec<(String, &'a Inst)>) {
    let Some((first, rest)) = path.split_first() else {
        out.push((ptr, v));
        return;
    };
    match first {
        Pos::Prop(k) => {
            if let Some(child) = v.get(k) {
                collect_path(child, append(&ptr, k), rest, out);
            }
        }
        Pos::AllProp => {
            if let Inst::Obj(members) = v {
                for (k, child) in members {
                    collect_path(child, append(&ptr, k), rest, out);
                }
            }
        }
        Pos::AllItem => {
            if let Inst::Arr(items) = v {
                for (i, child) in items.iter().enumerate() {
                    collect_path(child, append(&ptr, &i.to_string()), rest, out);
                }
            }
        }
    }
}

/// `root.collectAnchors`.
fn collect_anchors(doc_url: &str, sch: &Inst, sch_ptr: &str, res: &mut Resource) -> Result<(), SchemaError> {
    let Inst::Obj(_) = sch else {
        return Ok(());
    };
    let add = |res: &mut Resource, anchor: &str| -> Result<(), SchemaError> {
        if let Some(p1) = res.anchors.get(anchor) {
            if p1 == sch_ptr {
                return Ok(());
            }
            return Err(SchemaError::DuplicateAnchor {
                anchor: anchor.to_owned(),
                url: doc_url.to_owned(),
                ptr1: p1.clone(),
                ptr2: sch_ptr.to_owned(),
            });
        }
        res.anchors.insert(anchor.to_owned(), sch_ptr.to_owned());
        Ok(())
    };
    if res.draft < Draft::Draft2019 {
        if sch.get("$ref").is_some() {
            return Ok(());
        }
        if let Some(id) = str_val(sch, res.draft.id_keyword()) {
            let (_, f) = url::split(id);
            let frag =
                url::path_unescape(f).map_err(|_| SchemaError::ParseAnchor { url: url_ptr(doc_url, sch_ptr) })?;
            if !frag.is_empty() && !frag.starts_with('/') {
                add(res, &frag)?;
            }
        }
    }
    if res.draft >= Draft::Draft2019 {
        if let Some(a) = str_val(sch, "$anchor") {
            add(res, a)?;
        }
    }
    if res.draft >= Draft::Draft2020 {
        if let Some(a) = str_val(sch, "$dynamicAnchor") {
            add(res, a)?;
            res.dynamic_anchors.push(a.to_owned());
        }
    }
    Ok(())
}

/// `root.resolveFragmentIn`: a JSON pointer relative to the resource, or an anchor.
fn resolve_fragment_in(doc: &Doc, frag: &str, res: usize) -> Result<String, SchemaError> {
    let r = &doc.resources.list[res];
    if frag.is_empty() || frag.starts_with('/') {
        return Ok(format!("{}{}", r.ptr, frag));
    }
    match r.anchors.get(frag) {
        Some(p) => Ok(p.clone()),
        None => Err(SchemaError::AnchorNotFound {
            url: doc.url.clone(),
            reference: format!("{}#{}", r.id, url::encode_fragment(frag)),
        }),
    }
}

/// Compiles the keywords of one schema object (the library's `objCompiler`).
struct ObjCompiler<'c, 'l, 'a> {
    c: &'c mut Compiler<'l>,
    obj: &'a Inst,
    doc: DocId,
    ptr: &'a str,
    res_id: &'a str,
    draft: Draft,
    queue: &'a mut Vec<NodeId>,
}

impl ObjCompiler<'_, '_, '_> {
    fn enqueue_ptr(&mut self, ptr: &str) -> NodeId {
        self.c.enqueue(self.doc, ptr, self.queue)
    }

    fn enqueue_prop(&mut self, name: &str) -> Option<NodeId> {
        self.obj.get(name)?;
        let ptr = append(self.ptr, name);
        Some(self.enqueue_ptr(&ptr))
    }

    fn enqueue_arr(&mut self, name: &str) -> Option<Vec<NodeId>> {
        let n = self.obj.get(name)?.as_arr()?.len();
        Some((0..n).map(|i| self.enqueue_ptr(&append(&append(self.ptr, name), &i.to_string()))).collect())
    }

    fn enqueue_map(&mut self, name: &str) -> Option<Vec<(String, NodeId)>> {
        let keys: Vec<String> = self.obj.get(name)?.as_obj()?.iter().map(|(k, _)| k.clone()).collect();
        Some(keys.into_iter().map(|k| (k.clone(), self.enqueue_ptr(&append(&append(self.ptr, name), &k)))).collect())
    }

    fn enqueue_additional(&mut self, name: &str) -> Option<Additional> {
        if let Some(Inst::Bool(b)) = self.obj.get(name) {
            return Some(Additional::Bool(*b));
        }
        self.enqueue_prop(name).map(Additional::Schema)
    }

    /// `enqueueRef`: local targets are queued, embedded metaschemas loaded, anything else refused.
    fn enqueue_ref(&mut self, name: &str) -> Result<Option<NodeId>, SchemaError> {
        let Some(reference) = str_val(self.obj, name) else {
            return Ok(None);
        };
        let (u, frag) = url::join(self.res_id, reference).map_err(|message| SchemaError::ParseUrl { message })?;
        let doc = &self.c.docs[self.doc];
        let local = if u == doc.url { Some(doc.resources.root()) } else { doc.resources.by_id(&u) };
        if let Some(res) = local {
            let ptr = resolve_fragment_in(doc, &frag, res)?;
            return Ok(Some(self.enqueue_ptr(&ptr)));
        }
        let (d, ptr) = match self.c.resolve_fragment(&u, &frag) {
            Err(SchemaError::External { url }) => {
                return Err(SchemaError::ExternalRef { url, reference: reference.to_owned() })
            }
            other => other?,
        };
        Ok(Some(self.c.enqueue(d, &ptr, self.queue)))
    }

    fn num(&self, name: &str) -> Option<Decimal> {
        match self.obj.get(name) {
            Some(Inst::Num(n)) => Some(n.value.clone()),
            _ => None,
        }
    }

    fn int(&self, name: &str) -> Option<i64> {
        self.num(name).and_then(|d| d.to_count())
    }

    fn boolean(&self, name: &str) -> bool {
        matches!(self.obj.get(name), Some(Inst::Bool(true)))
    }

    fn bool_val(&self, name: &str) -> Option<bool> {
        match self.obj.get(name) {
            Some(Inst::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    fn strings(&self, name: &str) -> Option<Vec<String>> {
        let arr = self.obj.get(name)?.as_arr()?;
        Some(arr.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
    }

    fn regex(&self, keyword: &str, pattern: &str) -> Result<GoRegex, SchemaError> {
        GoRegex::new(pattern).map_err(|reason| SchemaError::InvalidRegex {
            url: format!(
                "{}/{}",
                url_ptr(&self.c.docs[self.doc].url, self.ptr),
                url::path_escape(&url::escape_token(keyword))
            ),
            regex: pattern.to_owned(),
            reason: reason.to_string(),
        })
    }

    /// The draft-4 keywords (`compileDraft4` after `$ref`).
    fn compile_draft4(&mut self, s: &mut Node) -> Result<(), SchemaError> {
        let v = self.draft.version();
        s.all_of = self.enqueue_arr("allOf").unwrap_or_default();
        s.any_of = self.enqueue_arr("anyOf").unwrap_or_default();
        s.one_of = self.enqueue_arr("oneOf").unwrap_or_default();
        s.not = self.enqueue_prop("not");
        if v < 2020 {
            if let Some(items) = self.obj.get("items") {
                if items.as_arr().is_some() {
                    s.items = self.enqueue_arr("items").map(Items::Tuple);
                    s.additional_items = self.enqueue_additional("additionalItems");
                } else {
                    s.items = self.enqueue_prop("items").map(Items::Schema);
                }
            }
        }
        if let Some(m) = self.enqueue_map("properties") {
            s.properties = m.into_iter().collect();
        }
        if let Some(m) = self.enqueue_map("patternProperties") {
            for (pattern, node) in m {
                let re = self.regex("patternProperties", &pattern)?;
                s.pattern_properties.push((re, node));
            }
        }
        s.additional_properties = self.enqueue_additional("additionalProperties");
        if let Some(deps) = self.obj.get("dependencies").and_then(Inst::as_obj) {
            let deps: Vec<(String, Option<Vec<String>>)> = deps
                .iter()
                .map(|(k, v)| {
                    let props = v.as_arr().map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect());
                    (k.clone(), props)
                })
                .collect();
            for (k, props) in deps {
                let dep = match props {
                    Some(p) => Dependency::Props(p),
                    None => Dependency::Schema(self.enqueue_ptr(&append(&append(self.ptr, "dependencies"), &k))),
                };
                s.dependencies.push((k, dep));
            }
        }

        if let Some(t) = self.obj.get("type") {
            s.types = match t {
                Inst::Str(name) => type_from_name(name),
                Inst::Arr(items) => items.iter().filter_map(Inst::as_str).fold(0, |acc, n| acc | type_from_name(n)),
                _ => 0,
            };
        }
        if let Some(Inst::Arr(values)) = self.obj.get("enum") {
            let types = values.iter().fold(0, |acc, v| acc | type_bit(v));
            s.enumeration = Some((values.clone(), types));
        }
        s.multiple_of = self.num("multipleOf");
        s.maximum = self.num("maximum");
        if self.boolean("exclusiveMaximum") {
            s.exclusive_maximum = s.maximum.take();
        } else {
            s.exclusive_maximum = self.num("exclusiveMaximum");
        }
        s.minimum = self.num("minimum");
        if self.boolean("exclusiveMinimum") {
            s.exclusive_minimum = s.minimum.take();
        } else {
            s.exclusive_minimum = self.num("exclusiveMinimum");
        }
        s.min_length = self.int("minLength");
        s.max_length = self.int("maxLength");
        if let Some(p) = str_val(self.obj, "pattern") {
            s.pattern = Some(self.regex("pattern", p)?);
        }
        s.min_items = self.int("minItems");
        s.max_items = self.int("maxItems");
        s.unique_items = self.boolean("uniqueItems");
        s.max_properties = self.int("maxProperties");
        s.min_properties = self.int("minProperties");
        s.required = self.strings("required").unwrap_or_default();

        // format: asserted by default only before 2019-09 (helm does not call AssertFormat).
        if self.c.assert_format_all || v < 2019 {
            if let Some(f) = str_val(self.obj, "format") {
                s.format = Format::named(f);
            }
        }

        Ok(())
    }

    fn compile(&mut self) -> Result<Node, SchemaError> {
        let mut s = Node::default();
        let v = self.draft.version();

        // draft 4 --
        s.reference = self.enqueue_ref("$ref")?;
        // Before 2019-09 "all other properties in a $ref object MUST be ignored": the library
        // skips the rest of its draft-4 keywords but still compiles the draft-6/7 ones.
        if v >= 2019 || s.reference.is_none() {
            self.compile_draft4(&mut s)?;
        }

        // draft 6 --
        if v >= 6 {
            s.contains = self.enqueue_prop("contains");
            s.property_names = self.enqueue_prop("propertyNames");
            s.constant = self.obj.get("const").cloned();
        }

        // draft 7 --
        if v >= 7 {
            s.if_ = self.enqueue_prop("if");
            if s.if_.is_some() {
                let b = self.bool_val("if");
                if b != Some(false) {
                    s.then = self.enqueue_prop("then");
                }
                if b != Some(true) {
                    s.else_ = self.enqueue_prop("else");
                }
            }
        }

        // draft 2019 --
        if v >= 2019 {
            s.recursive_ref = self.enqueue_ref("$recursiveRef")?;
            s.recursive_anchor = self.boolean("$recursiveAnchor");
            if s.contains.is_some() {
                s.min_contains = self.int("minContains");
                s.max_contains = self.int("maxContains");
            }
            if let Some(m) = self.obj.get("dependentRequired").and_then(Inst::as_obj) {
                for (k, val) in m {
                    if let Some(arr) = val.as_arr() {
                        s.dependent_required
                            .push((k.clone(), arr.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect()));
                    }
                }
            }
            s.dependent_schemas = self.enqueue_map("dependentSchemas").unwrap_or_default();
            s.unevaluated_items = self.enqueue_prop("unevaluatedItems");
            s.unevaluated_properties = self.enqueue_prop("unevaluatedProperties");
        }

        // draft 2020 --
        if v >= 2020 {
            if let Some(target) = self.enqueue_ref("$dynamicRef")? {
                let dref = str_val(self.obj, "$dynamicRef").unwrap_or_default();
                let (_, f) = url::split(dref);
                let frag = url::path_unescape(f).map_err(|e| SchemaError::ParseUrl {
                    message: format!("error in parsing {}: {e}", chartpack_encoding::gofmt::quote(dref)),
                })?;
                let anchor = if frag.is_empty() || frag.starts_with('/') { String::new() } else { frag };
                s.dynamic_ref = Some((target, anchor));
            }
            s.dynamic_anchor = str_val(self.obj, "$dynamicAnchor").unwrap_or_default().to_owned();
            s.prefix_items = self.enqueue_arr("prefixItems").unwrap_or_default();
            s.items2020 = self.enqueue_prop("items");
        }
        Ok(s)
    }
}
