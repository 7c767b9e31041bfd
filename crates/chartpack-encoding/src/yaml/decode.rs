//! yaml.v2's `Unmarshal` into `interface{}`: events → node tree → [`Value`] (decode.go, v2.4).
//!
//! The node tree is built iteratively (no recursion on input depth) and capped at
//! [`MAX_DEPTH`]. Decoding follows yaml.v2 step by step: the same `decodeCount`/`aliasCount`
//! billion-laughs rule, merge keys applied in place (so a later `<<` overrides earlier keys),
//! the same error texts.

use std::collections::{BTreeMap, BTreeSet};

use super::resolve::{self, Resolved, BINARY_TAG, MERGE_TAG};
use super::{go_lossy, go_lossy_owned, Value, YamlError};
use crate::ffi::{self, Event, Located, Mark, Parser, ScalarStyle, Stage};

/// Deepest collection nesting accepted (yaml.v2 allows 10 000 flow levels or indents; chartpack
/// stops earlier so that recursive consumers stay far from the stack limit, also on wasm).
pub const MAX_DEPTH: usize = 512;

/// Bytes of scalar text that alias expansion may copy. yaml.v2 shares Go strings between
/// aliases; a Rust tree copies them, so this bounds memory where yaml.v2 needs no bound.
pub const MAX_ALIAS_BYTES: u64 = 64 << 20;

enum Kind {
    Scalar {
        /// Index into [`Tree::texts`].
        text: usize,
        tag: Option<String>,
        implicit: bool,
    },
    Sequence(Vec<usize>),
    /// Keys and values interleaved.
    Mapping(Vec<usize>),
    Alias {
        target: usize,
        name: String,
    },
}

struct Node {
    kind: Kind,
    /// Zero-based line of the node's first event (yaml.v2's `node.line`).
    line: u64,
    /// Inside an anchored subtree, so possibly decoded more than once (through aliases);
    /// other scalars are decoded once and can give their text away instead of copying it.
    shared: bool,
}

/// One document's node tree.
struct Tree {
    nodes: Vec<Node>,
    texts: Vec<String>,
    root: Option<usize>,
}

/// yaml.v2's `parser.fail`: line from `problem_mark` (+1 for scanner errors) or
/// `context_mark`, omitted when zero.
fn failure_error(f: ffi::ParseFailure) -> YamlError {
    let line = if f.problem_line != 0 {
        Some(f.problem_line + u64::from(f.stage == Stage::Scanner))
    } else if f.context_line != 0 {
        Some(f.context_line)
    } else {
        None
    };
    let problem = if f.problem.is_empty() {
        "unknown problem parsing YAML content".to_owned()
    } else if f.problem == "did not find expected hexadecimal number" {
        // yaml.v2's spelling.
        "did not find expected hexdecimal number".to_owned()
    } else {
        f.problem
    };
    YamlError { line, problem }
}

/// Failure of one parse attempt: libyaml's own error (possibly one yaml.v2 would not raise,
/// see [`documents`]) or an error decided by chartpack.
enum Failure {
    Libyaml(ffi::ParseFailure),
    Yaml(YamlError),
}

impl From<YamlError> for Failure {
    fn from(e: YamlError) -> Self {
        Failure::Yaml(e)
    }
}

fn next(parser: &mut Parser<'_>) -> Result<Located, Failure> {
    parser.next_event().map_err(Failure::Libyaml)
}

/// The input as libyaml sees it. libyaml's mark index counts bytes of its internal UTF-8
/// buffer, which for UTF-8 input is the input itself minus a BOM; UTF-16 input skips the
/// source checks below.
struct Source<'a> {
    text: &'a [u8],
    base: usize,
    utf8: bool,
}

impl<'a> Source<'a> {
    fn new(text: &'a [u8]) -> Self {
        let utf16 = text.starts_with(&[0xFE, 0xFF]) || text.starts_with(&[0xFF, 0xFE]);
        let base = if text.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
        Source { text, base, utf8: !utf16 }
    }

    /// Byte offset of mark index `index`.
    fn byte_of(&self, index: u64) -> usize {
        usize::try_from(index).map_or(self.text.len(), |i| self.base.saturating_add(i)).min(self.text.len())
    }

    fn slice(&self, start: Mark, end: Mark) -> &'a [u8] {
        let a = self.byte_of(start.index);
        let b = self.byte_of(end.index).max(a);
        &self.text[a..b]
    }
}

/// Line breaks libyaml counts (`\r\n` once, `\r`, `\n`, NEL, LS, PS) in `bytes`.
fn count_breaks(bytes: &[u8]) -> u64 {
    let mut n = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                n += 1;
                i += 1;
            }
            b'\r' | b'\n' => n += 1,
            0xC2 if bytes.get(i + 1) == Some(&0x85) => n += 1,
            0xE2 if bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)) => n += 1,
            _ => {}
        }
        i += 1;
    }
    n
}

/// A scanner-error line as yaml.v2 prints it (`problem_mark.line + 1`, omitted on line 0 when
/// the context starts on line 0 too).
fn scanner_line(problem_line: u64, context_line: u64) -> Option<u64> {
    if problem_line != 0 {
        Some(problem_line + 1)
    } else if context_line != 0 {
        Some(context_line)
    } else {
        None
    }
}

/// An open collection while building the tree.
struct Frame {
    id: usize,
    flow: bool,
    sequence: bool,
    start: Mark,
    shared: bool,
}

/// yaml.v2 (a port of an older libyaml) rejects two things libyaml 0.2.5 accepts; reproduce
/// those errors from the scalar's source text.
fn check_scalar(
    source: &Source<'_>,
    scalar: &ffi::Scalar,
    start: Mark,
    end: Mark,
    stack: &[Frame],
) -> Result<(), YamlError> {
    if !source.utf8 {
        return Ok(());
    }
    match scalar.style {
        // `\/` is a YAML 1.2 escape: "found unknown escape character" at the backslash.
        ScalarStyle::DoubleQuoted if scalar.value.contains(&b'/') => {
            let raw = source.slice(start, end);
            let mut i = 1;
            while i < raw.len() {
                if raw[i] == b'\\' {
                    if raw.get(i + 1) == Some(&b'/') {
                        let line = start.line + count_breaks(&raw[..i]);
                        return Err(YamlError {
                            line: scanner_line(line, start.line),
                            problem: "found unknown escape character".to_owned(),
                        });
                    }
                    i += 1;
                }
                i += 1;
            }
            Ok(())
        }
        // In flow context yaml.v2 ends a plain scalar at `?` and then finds a KEY token where
        // it expects `,` or the closing bracket.
        ScalarStyle::Plain if scalar.value.contains(&b'?') => {
            let Some(frame_at) = stack.iter().rposition(|f| f.flow) else {
                return Ok(());
            };
            let raw = source.slice(start, end);
            let Some(q) = raw.iter().position(|&c| c == b'?') else {
                return Ok(());
            };
            let line = start.line + count_breaks(&raw[..q]);
            // An implicit single-pair mapping (`[a: b]`) reports for its flow sequence.
            let frame = &stack[frame_at];
            let explicit_map = !frame.sequence && {
                let at = source.byte_of(frame.start.index);
                source.text.get(at) == Some(&b'{')
            };
            let closing = if explicit_map { '}' } else { ']' };
            Err(YamlError {
                line: (line != 0).then_some(line),
                problem: format!("did not find expected ',' or '{closing}'"),
            })
        }
        _ => Ok(()),
    }
}

/// Reads one document's events (after its DOCUMENT-START) through DOCUMENT-END.
fn build(parser: &mut Parser<'_>, source: &Source<'_>, placeholder: Option<char>) -> Result<Tree, Failure> {
    let mut nodes: Vec<Node> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    let mut anchors: BTreeMap<String, usize> = BTreeMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut root = None;
    loop {
        let Located { event, start, end } = next(parser)?;
        let (kind, anchor, opens) = match event {
            Event::DocumentEnd if stack.is_empty() => break,
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
                continue;
            }
            Event::Scalar(s) => {
                check_scalar(source, &s, start, end, &stack)?;
                let mut value = go_lossy_owned(s.value);
                if let Some(p) = placeholder {
                    if value.contains(p) {
                        value = value.replace(p, ":");
                    }
                }
                texts.push(value);
                let kind = Kind::Scalar { text: texts.len() - 1, tag: s.tag, implicit: s.plain_implicit };
                (kind, s.anchor, None)
            }
            Event::Alias { anchor } => {
                let Some(&target) = anchors.get(&anchor) else {
                    return Err(YamlError::decode(format!("unknown anchor '{anchor}' referenced")).into());
                };
                (Kind::Alias { target, name: anchor }, None, None)
            }
            Event::SequenceStart { anchor, flow } => (Kind::Sequence(Vec::new()), anchor, Some((flow, true))),
            Event::MappingStart { anchor, flow } => (Kind::Mapping(Vec::new()), anchor, Some((flow, false))),
            Event::StreamStart | Event::StreamEnd | Event::DocumentStart { .. } | Event::DocumentEnd => {
                // libyaml never produces these inside a document; yaml.v2 would panic.
                return Err(
                    YamlError::decode("attempted to go past the end of stream; corrupted value?".to_owned()).into()
                );
            }
        };
        let id = nodes.len();
        let shared = anchor.is_some() || stack.last().is_some_and(|f| f.shared);
        nodes.push(Node { kind, shared, line: start.line });
        if let Some(name) = anchor {
            anchors.insert(name, id);
        }
        match stack.last() {
            Some(parent) => match &mut nodes[parent.id].kind {
                Kind::Sequence(children) | Kind::Mapping(children) => children.push(id),
                Kind::Scalar { .. } | Kind::Alias { .. } => {}
            },
            None => root = Some(id),
        }
        if let Some((flow, sequence)) = opens {
            if stack.len() >= MAX_DEPTH {
                return Err(YamlError {
                    line: scanner_line(start.line, 0),
                    problem: format!("exceeded max depth of {MAX_DEPTH}"),
                }
                .into());
            }
            stack.push(Frame { id, flow, sequence, start, shared });
        }
    }
    Ok(Tree { nodes, texts, root })
}

/// yaml.v2's alias-ratio limits.
fn allowed_alias_ratio(decode_count: u64) -> f64 {
    const LOW: u64 = 400_000;
    const HIGH: u64 = 4_000_000;
    if decode_count <= LOW {
        0.99
    } else if decode_count >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decode_count - LOW) as f64 / (HIGH - LOW) as f64)
    }
}

struct Decoder<'t> {
    nodes: &'t [Node],
    texts: Vec<String>,
    active: Vec<bool>,
    decode_count: u64,
    alias_count: u64,
    alias_depth: u32,
    alias_bytes: u64,
    /// yaml.v2's `UnmarshalStrict`: a key repeated in one mapping is recorded in `terrors`.
    strict: bool,
    /// yaml.v2's `decoder.terrors`: problems that do not stop decoding.
    terrors: Vec<String>,
}

/// A mapping key as Go compares `interface{}` map keys (same dynamic type and value; NaN never
/// equals anything, `-0.0` equals `0.0`). `None` for keys that never collide.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum KeyId {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(u64),
    String(String),
}

fn key_id(key: &Value) -> Option<KeyId> {
    Some(match key {
        Value::Null => KeyId::Null,
        Value::Bool(b) => KeyId::Bool(*b),
        Value::Int(i) => KeyId::Int(*i),
        Value::Uint(u) => KeyId::Uint(*u),
        Value::Float(f) if f.is_nan() => return None,
        Value::Float(f) => KeyId::Float(if *f == 0.0 { 0 } else { f.to_bits() }),
        Value::String(s) => KeyId::String(s.clone()),
        Value::Seq(_) | Value::Map(_) => return None,
    })
}

fn excessive() -> YamlError {
    YamlError::decode("document contains excessive aliasing".to_owned())
}

fn want_map() -> YamlError {
    YamlError::decode("map merge requires map or sequence of maps as the value".to_owned())
}

impl Decoder<'_> {
    /// The bookkeeping at the top of yaml.v2's `unmarshal`.
    fn count(&mut self) -> Result<(), YamlError> {
        self.decode_count += 1;
        if self.alias_depth > 0 {
            self.alias_count += 1;
        }
        if self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64 > allowed_alias_ratio(self.decode_count)
        {
            return Err(excessive());
        }
        Ok(())
    }

    /// Runs `f` on an alias target with yaml.v2's self-containment check.
    fn via_alias<T>(
        &mut self,
        id: usize,
        target: usize,
        name: &str,
        f: impl FnOnce(&mut Self, usize) -> Result<T, YamlError>,
    ) -> Result<T, YamlError> {
        if self.active[id] {
            return Err(YamlError::decode(format!("anchor '{name}' value contains itself")));
        }
        self.active[id] = true;
        self.alias_depth += 1;
        let result = f(self, target);
        self.alias_depth -= 1;
        self.active[id] = false;
        result
    }

    fn unmarshal(&mut self, id: usize, depth: usize) -> Result<Value, YamlError> {
        self.count()?;
        match &self.nodes[id].kind {
            Kind::Alias { target, name } => self.via_alias(id, *target, name, |d, t| d.unmarshal(t, depth)),
            Kind::Scalar { text, tag, implicit } => {
                if self.alias_depth > 0 {
                    self.alias_bytes += self.texts[*text].len() as u64;
                    if self.alias_bytes > MAX_ALIAS_BYTES {
                        return Err(excessive());
                    }
                }
                let value = if self.nodes[id].shared {
                    self.texts[*text].clone()
                } else {
                    std::mem::take(&mut self.texts[*text])
                };
                scalar(value, tag.as_deref(), *implicit)
            }
            Kind::Sequence(children) => {
                let depth = self.deeper(depth)?;
                let mut items = Vec::with_capacity(children.len());
                for &child in children {
                    items.push(self.unmarshal(child, depth)?);
                }
                Ok(Value::Seq(items))
            }
            Kind::Mapping(_) => {
                let depth = self.deeper(depth)?;
                let mut entries = Vec::new();
                self.mapping(id, &mut entries, depth)?;
                Ok(Value::Map(entries))
            }
        }
    }

    fn deeper(&self, depth: usize) -> Result<usize, YamlError> {
        if depth >= MAX_DEPTH {
            return Err(YamlError::decode(format!("exceeded max depth of {MAX_DEPTH}")));
        }
        Ok(depth + 1)
    }

    /// yaml.v2's `unmarshal` with an existing map as `out` (used by merges).
    fn unmarshal_into(&mut self, id: usize, entries: &mut Vec<(Value, Value)>, depth: usize) -> Result<(), YamlError> {
        self.count()?;
        match &self.nodes[id].kind {
            Kind::Alias { target, name } => {
                self.via_alias(id, *target, name, |d, t| d.unmarshal_into(t, entries, depth))
            }
            Kind::Mapping(_) => self.mapping(id, entries, depth),
            // merge() only passes mappings or aliases of mappings.
            Kind::Scalar { .. } | Kind::Sequence(_) => Err(want_map()),
        }
    }

    fn mapping(&mut self, id: usize, entries: &mut Vec<(Value, Value)>, depth: usize) -> Result<(), YamlError> {
        let Kind::Mapping(children) = &self.nodes[id].kind else {
            return Ok(());
        };
        let keys_of =
            |entries: &[(Value, Value)]| entries.iter().filter_map(|(k, _)| key_id(k)).collect::<BTreeSet<_>>();
        let mut seen = self.strict.then(|| keys_of(entries));
        for pair in children.chunks(2) {
            let [key, value] = *pair else { break };
            if self.is_merge(key) {
                self.merge(value, entries, depth)?;
                if let Some(seen) = &mut seen {
                    *seen = keys_of(entries);
                }
                continue;
            }
            let k = self.unmarshal(key, depth)?;
            if matches!(k, Value::Seq(_) | Value::Map(_)) {
                return Err(YamlError::decode(format!("invalid map key: {}", k.go_syntax())));
            }
            let v = self.unmarshal(value, depth)?;
            // yaml.v2 `setMapIndex`: in strict mode a repeated key is an error (reported with the
            // value's line) and the first value stays.
            if let (Some(seen), Some(id)) = (&mut seen, key_id(&k)) {
                if !seen.insert(id) {
                    let line = self.nodes[value].line + 1;
                    self.terrors.push(format!("line {line}: key {} already set in map", k.go_syntax()));
                    continue;
                }
            }
            entries.push((k, v));
        }
        Ok(())
    }

    fn is_merge(&self, id: usize) -> bool {
        match &self.nodes[id].kind {
            Kind::Scalar { text, tag, implicit } => {
                self.texts[*text] == "<<" && (*implicit || tag.as_deref() == Some(MERGE_TAG))
            }
            _ => false,
        }
    }

    fn is_mapping_or_alias_of_one(&self, id: usize) -> bool {
        match &self.nodes[id].kind {
            Kind::Mapping(_) => true,
            Kind::Alias { target, .. } => matches!(self.nodes[*target].kind, Kind::Mapping(_)),
            _ => false,
        }
    }

    fn merge(&mut self, id: usize, entries: &mut Vec<(Value, Value)>, depth: usize) -> Result<(), YamlError> {
        match &self.nodes[id].kind {
            Kind::Mapping(_) | Kind::Alias { .. } => {
                if !self.is_mapping_or_alias_of_one(id) {
                    return Err(want_map());
                }
                self.unmarshal_into(id, entries, depth)
            }
            Kind::Sequence(children) => {
                // Backwards: earlier maps take precedence, being set last.
                for &child in children.iter().rev() {
                    if !self.is_mapping_or_alias_of_one(child) {
                        return Err(want_map());
                    }
                    self.unmarshal_into(child, entries, depth)?;
                }
                Ok(())
            }
            Kind::Scalar { .. } => Err(want_map()),
        }
    }
}

/// yaml.v2's `decoder.scalar` into `interface{}`.
fn scalar(value: String, tag: Option<&str>, implicit: bool) -> Result<Value, YamlError> {
    let tag = tag.unwrap_or("");
    if tag.is_empty() && !implicit {
        return Ok(Value::String(value));
    }
    let resolved = resolve::resolve(tag, &value).map_err(YamlError::decode)?;
    Ok(match resolved {
        None if tag == BINARY_TAG => match base64_decode(&value) {
            Some(bytes) => Value::String(go_lossy(&bytes)),
            None => return Err(YamlError::decode("!!binary value contains invalid base64 data".to_owned())),
        },
        Some(Resolved::Null) => Value::Null,
        Some(Resolved::Bool(b)) => Value::Bool(b),
        Some(Resolved::Int(i)) => Value::Int(i),
        Some(Resolved::Uint(u)) => Value::Uint(u),
        Some(Resolved::Float(f)) => Value::Float(f),
        None | Some(Resolved::Str | Resolved::Timestamp | Resolved::Merge) => Value::String(value),
    })
}

/// Go's `base64.StdEncoding.DecodeString`: padded standard alphabet, `\r`/`\n` ignored.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let symbols: Vec<u8> = text.bytes().filter(|&c| c != b'\r' && c != b'\n').collect();
    if !symbols.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(symbols.len() / 4 * 3);
    let quads = symbols.chunks(4);
    let last = symbols.len() / 4;
    for (n, quad) in quads.enumerate() {
        let mut acc: u32 = 0;
        let mut pad = 0;
        for (i, &c) in quad.iter().enumerate() {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'+' => 62,
                b'/' => 63,
                // Padding only in the last quad, at positions 2..4, and contiguous.
                b'=' if n + 1 == last && i >= 2 => {
                    pad += 1;
                    0
                }
                _ => return None,
            };
            if c != b'=' && pad > 0 {
                return None;
            }
            acc = acc << 6 | u32::from(v);
        }
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..4 - pad]);
        // Go rejects non-zero bits in the discarded part of the final quad only in strict mode.
    }
    Some(out)
}

fn decode_tree(tree: Tree, strict: bool) -> Result<Value, YamlError> {
    let Some(root) = tree.root else {
        return Ok(Value::Null);
    };
    let mut d = Decoder {
        nodes: &tree.nodes,
        texts: tree.texts,
        active: vec![false; tree.nodes.len()],
        // yaml.v2 also counts the document node.
        decode_count: 1,
        alias_count: 0,
        alias_depth: 0,
        alias_bytes: 0,
        strict,
        terrors: Vec::new(),
    };
    let value = d.unmarshal(root, 0)?;
    if d.terrors.is_empty() {
        Ok(value)
    } else {
        // yaml.v2's `TypeError`.
        Err(YamlError::decode(format!("unmarshal errors:\n  {}", d.terrors.join("\n  "))))
    }
}

/// Restarts allowed for libyaml errors that yaml.v2 would not raise (see [`documents`]).
const MAX_PATCHES: usize = 64;

/// One parse of (possibly patched) `bytes`.
fn attempt(bytes: &[u8], all: bool, strict: bool, placeholder: Option<char>) -> Result<Vec<Value>, Failure> {
    // yaml.v2 feeds "\n" for empty input; libyaml treats both the same.
    let mut parser = Parser::new(bytes);
    let source = Source::new(bytes);
    let mut out = Vec::new();
    next(&mut parser)?; // STREAM-START
    loop {
        let Located { event, start, .. } = next(&mut parser)?;
        match event {
            // yaml.v2 accepts only `%YAML 1.1`; libyaml 0.2.5 also takes 1.2.
            Event::DocumentStart { version: Some((major, minor)) } if (major, minor) != (1, 1) => {
                return Err(YamlError {
                    line: (start.line != 0).then_some(start.line),
                    problem: "found incompatible YAML document".to_owned(),
                }
                .into());
            }
            Event::DocumentStart { .. } => {}
            _ => break,
        }
        let tree = build(&mut parser, &source, placeholder)?;
        out.push(decode_tree(tree, strict)?);
        if !all {
            break;
        }
    }
    Ok(out)
}

/// Decodes documents from `bytes`: only the first when `all` is false (yaml.v2 `Unmarshal`
/// never looks past it), every one otherwise (yaml.v2 `Decoder`).
///
/// libyaml 0.2.5 rejects two constructs yaml.v2 accepts: the escape `\'` in double-quoted
/// scalars and a `:` directly followed by a flow indicator inside a plain scalar in flow
/// context (`[a:]`). When libyaml stops on one, the input is patched at that spot (`\'` →
/// `\x27`; `:` → a private-use placeholder turned back into `:` in scalar values) and parsed
/// again, up to [`MAX_PATCHES`] times. Patches stay on the same line, so reported lines hold.
/// (libyaml's mark index counts bytes; `\x27` adds two, which only matters for its 1024-byte
/// simple-key limit.)
///
/// With `strict`, a key repeated within one mapping fails as in yaml.v2's `UnmarshalStrict`
/// (`yaml: unmarshal errors:\n  line N: key "k" already set in map`).
pub(super) fn documents(bytes: &[u8], all: bool, strict: bool) -> Result<Vec<Value>, YamlError> {
    let mut input: Vec<u8> = Vec::new();
    let mut placeholder: Option<char> = None;
    let mut patches = 0;
    loop {
        let text: &[u8] = if patches == 0 { bytes } else { &input };
        let failure = match attempt(text, all, strict, placeholder) {
            Ok(values) => return Ok(values),
            Err(Failure::Yaml(e)) => return Err(e),
            Err(Failure::Libyaml(f)) => f,
        };
        if patches < MAX_PATCHES {
            if let Some(patched) = patch(text, &failure, &mut placeholder) {
                input = patched;
                patches += 1;
                continue;
            }
        }
        return Err(failure_error(failure));
    }
}

/// The patched input for a libyaml-only error, if `f` is one.
fn patch(text: &[u8], f: &ffi::ParseFailure, placeholder: &mut Option<char>) -> Option<Vec<u8>> {
    let source = Source::new(text);
    if !source.utf8 || f.stage != Stage::Scanner {
        return None;
    }
    let at = source.byte_of(f.problem_index);
    let rest = &text[at..];
    let (cut, replacement): (usize, String) = match f.problem.as_str() {
        "found unknown escape character" if rest.starts_with(b"\\'") => (2, "\\x27".to_owned()),
        "found unexpected ':'" if rest.starts_with(b":") => {
            let p = match *placeholder {
                Some(p) => p,
                None => {
                    let text = String::from_utf8_lossy(text);
                    let p = ('\u{E000}'..='\u{F8FF}').find(|c| !text.contains(*c))?;
                    *placeholder = Some(p);
                    p
                }
            };
            (1, p.to_string())
        }
        _ => return None,
    };
    let mut out = Vec::with_capacity(text.len() + 4);
    out.extend_from_slice(&text[..at]);
    out.extend_from_slice(replacement.as_bytes());
    out.extend_from_slice(&text[at + cut..]);
    Some(out)
}
