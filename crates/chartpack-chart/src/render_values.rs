//! The values helm renders with, as far as `helm lint` needs them: dependency conditions, tags,
//! aliases and import-values (`ProcessDependencies`), values coalescing
//! (`CoalesceValues`) and the schema check of every enabled chart (`ValidateAgainstSchema`).
//! Mirrors helm pkg/chart/v2/util/dependencies.go and pkg/chart/common/util/coalesce.go.

use chartpack_encoding::json::Value as Json;

use crate::load::Chart;
use crate::values::load_values;

type Map = Vec<(String, Json)>;

fn get<'m>(map: &'m Map, key: &str) -> Option<&'m Json> {
    map.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn set(map: &mut Map, key: &str, value: Json) {
    match map.iter_mut().find(|(k, _)| k == key) {
        Some(slot) => slot.1 = value,
        None => map.push((key.to_owned(), value)),
    }
}

fn remove(map: &mut Map, key: &str) -> Option<Json> {
    let index = map.iter().position(|(k, _)| k == key)?;
    Some(map.remove(index).1)
}

/// A chart as helm sees it while rendering: its (possibly aliased) name, its values, its
/// enabled subcharts and the `Chart.yaml` dependencies still enabled.
#[derive(Debug, Clone)]
struct Node<'c> {
    chart: &'c Chart,
    name: String,
    values: Map,
    deps: Vec<Node<'c>>,
    /// `Chart.yaml` dependencies helm keeps in `Metadata.Dependencies` (disabled ones are
    /// dropped by `processDependencyEnabled`), with their names after aliasing.
    reqs: Vec<&'c crate::metadata::Dependency>,
}

impl<'c> Node<'c> {
    fn new(chart: &'c Chart) -> Result<Node<'c>, String> {
        let values = match &chart.values {
            Some(file) => match load_values(&file.data)? {
                Json::Object(map) => as_go_numbers(map),
                _ => Map::new(),
            },
            None => Map::new(),
        };
        let deps = chart.dependencies.iter().map(Node::new).collect::<Result<_, _>>()?;
        let reqs = chart.metadata.dependencies.iter().flatten().collect();
        Ok(Node { chart, name: chart.name().to_owned(), values, deps, reqs })
    }
}

/// Numbers as helm holds values read from YAML (sigs.k8s.io/yaml into `interface{}`): every
/// number is a `float64`, so integers beyond 2^53 lose precision exactly as in helm.
fn as_go_numbers(map: Map) -> Map {
    fn number(value: Json) -> Json {
        match value {
            Json::Number(n) => match n.as_f64().and_then(chartpack_encoding::json::Number::from_f64) {
                Some(f) => Json::Number(f),
                None => Json::Number(n),
            },
            Json::Array(items) => Json::Array(items.into_iter().map(number).collect()),
            Json::Object(map) => Json::Object(as_go_numbers(map)),
            other => other,
        }
    }
    map.into_iter().map(|(k, v)| (k, number(v))).collect()
}

/// The dependency's name after aliasing (helm renames `req.Name` to the alias).
fn req_name(r: &crate::metadata::Dependency) -> &str {
    if r.alias.is_empty() {
        &r.name
    } else {
        &r.alias
    }
}

/// helm's `processDependencyImportValues` (merge mode, as `ProcessDependencies` runs it),
/// bottom-up: every chart with dependencies gets the merged values of its tree, with the
/// subcharts' imported tables filling the gaps.
fn process_import_values(node: &mut Node<'_>) -> Result<(), String> {
    for dep in &mut node.deps {
        process_import_values(dep)?;
    }
    if node.reqs.is_empty() {
        return Ok(());
    }
    let mut cvals = Map::new();
    coalesce(node, &mut cvals, true)?;
    let mut imported = Map::new();
    for r in &node.reqs {
        let name = req_name(r);
        for entry in &r.import_values {
            match entry {
                Json::Object(map) => {
                    let child = go_format_v(get(map, "child"));
                    let parent = go_format_v(get(map, "parent"));
                    if let Some(table) = table(&cvals, &format!("{name}.{child}")) {
                        coalesce_tables(&mut imported, path_to_map(&parent, table.clone()), true);
                    }
                }
                Json::String(export) => {
                    if let Some(table) = table(&cvals, &format!("{name}.exports.{export}")) {
                        coalesce_tables(&mut imported, table.clone(), true);
                    }
                }
                _ => {}
            }
        }
    }
    coalesce_tables(&mut cvals, imported, true);
    node.values = cvals;
    Ok(())
}

/// Go's `fmt.Sprintf("%v", x)` for the scalars an import-values entry holds.
fn go_format_v(value: Option<&Json>) -> String {
    match value {
        None | Some(Json::Null) => "<nil>".to_owned(),
        Some(Json::String(s)) => s.clone(),
        Some(Json::Bool(b)) => b.to_string(),
        Some(Json::Number(n)) => n.as_str().to_owned(),
        Some(other) => String::from_utf8_lossy(&chartpack_encoding::json::to_vec(other)).into_owned(),
    }
}

/// Go's `fmt.Sprintf("%t", x)` for a value helm holds: `true`, `%!t(string=x)`,
/// `%!t(<nil>)`, `[%!t(float64=1)]`, `map[%!t(string=k):%!t(string=v)]`. Numbers print as
/// `float64` (what values files hold); an `int64` from `--set` would print as `int64` in helm.
fn go_format_t(value: &Json) -> String {
    match value {
        Json::Null => "%!t(<nil>)".to_owned(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => match n.as_f64() {
            Some(f) => format!("%!t(float64={})", chartpack_encoding::gofmt::format_float(f, 64)),
            None => format!("%!t(float64={n})"),
        },
        Json::String(s) => format!("%!t(string={s})"),
        Json::Array(items) => format!("[{}]", items.iter().map(go_format_t).collect::<Vec<_>>().join(" ")),
        Json::Object(members) => {
            let mut sorted: Vec<&(String, Json)> = members.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            let parts: Vec<String> =
                sorted.iter().map(|(k, v)| format!("%!t(string={k}):{}", go_format_t(v))).collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

/// helm's `Values.Table`: the mapping at a dotted path.
fn table<'m>(map: &'m Map, path: &str) -> Option<&'m Map> {
    let mut current = map;
    for part in path.split('.') {
        match get(current, part) {
            Some(Json::Object(inner)) => current = inner,
            _ => return None,
        }
    }
    Some(current)
}

/// helm's `pathToMap`: `data` nested under the dotted `path` (`.` is the root).
fn path_to_map(path: &str, data: Map) -> Map {
    if path == "." {
        return data;
    }
    let mut current = data;
    for part in path.split('.').rev() {
        current = vec![(part.to_owned(), Json::Object(current))];
    }
    current
}

/// helm's `IsCompatibleRange`: the constraint parses and the version satisfies it.
fn compatible(constraint: &str, version: &str) -> bool {
    match (chartpack_semver::Constraints::parse(constraint), chartpack_semver::Version::parse(version)) {
        (Ok(c), Ok(v)) => c.matches(&v),
        _ => false,
    }
}

/// helm's `processDependencyEnabled`: resolves aliases, then drops subcharts disabled by tags
/// or conditions, recursively.
fn process_enabled(node: &mut Node<'_>, values: &Map, path: &str) -> Result<(), String> {
    let reqs: Vec<&crate::metadata::Dependency> = node.chart.metadata.dependencies.iter().flatten().collect();
    if node.chart.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let existing = std::mem::take(&mut node.deps);
    let mut deps: Vec<Node<'_>> = existing
        .iter()
        .filter(|e| !reqs.iter().any(|r| e.name == r.name && compatible(&r.version, &e.chart.metadata.version)))
        .cloned()
        .collect();
    // (name after aliasing, enabled)
    let mut states: Vec<(String, bool)> = Vec::with_capacity(reqs.len());
    for r in &reqs {
        if let Some(found) =
            existing.iter().find(|c| c.name == r.name && compatible(&r.version, &c.chart.metadata.version))
        {
            let mut copy = found.clone();
            if !r.alias.is_empty() {
                copy.name = r.alias.clone();
            }
            deps.push(copy);
        }
        states.push((if r.alias.is_empty() { r.name.clone() } else { r.alias.clone() }, true));
    }
    node.deps = deps;
    let mut cvals = values.clone();
    coalesce(node, &mut cvals, false)?;
    apply_tags(&reqs, &mut states, &cvals);
    apply_conditions(&reqs, &mut states, &cvals, path);
    let disabled = |name: &str| states.iter().any(|(n, enabled)| !enabled && n == name);
    node.deps.retain(|d| !disabled(&d.name));
    node.reqs.retain(|r| !disabled(req_name(r)));
    for dep in &mut node.deps {
        let subpath = format!("{path}{}.", dep.name);
        process_enabled(dep, &cvals, &subpath)?;
    }
    Ok(())
}

fn apply_tags(reqs: &[&crate::metadata::Dependency], states: &mut [(String, bool)], cvals: &Map) {
    let Some(Json::Object(tags)) = get(cvals, "tags") else { return };
    for (r, state) in reqs.iter().zip(states.iter_mut()) {
        let (mut has_true, mut has_false) = (false, false);
        for tag in &r.tags {
            match get(tags, tag) {
                Some(Json::Bool(true)) => has_true = true,
                Some(Json::Bool(false)) => has_false = true,
                _ => {}
            }
        }
        state.1 = has_true || !has_false;
    }
}

fn apply_conditions(reqs: &[&crate::metadata::Dependency], states: &mut [(String, bool)], cvals: &Map, path: &str) {
    for (r, state) in reqs.iter().zip(states.iter_mut()) {
        for condition in r.condition.trim().split(',') {
            if condition.is_empty() {
                continue;
            }
            if let Some(Json::Bool(b)) = path_value(cvals, &format!("{path}{condition}")) {
                state.1 = *b;
                break;
            }
        }
    }
}

/// helm's `Values.PathValue`: the non-table value at a dotted path.
fn path_value<'m>(map: &'m Map, path: &str) -> Option<&'m Json> {
    let mut parts: Vec<&str> = path.split('.').collect();
    let last = parts.pop()?;
    let mut table = map;
    for part in parts {
        match get(table, part) {
            Some(Json::Object(inner)) => table = inner,
            _ => return None,
        }
    }
    get(table, last).filter(|v| !matches!(v, Json::Object(_)))
}

/// helm's `coalesce`: the chart's values under `dest`, then its subcharts' (`merge` keeps
/// `null`s, as `MergeValues` does; `CoalesceValues` lets them delete defaults).
fn coalesce(node: &Node<'_>, dest: &mut Map, merge: bool) -> Result<(), String> {
    coalesce_values(node, dest, merge);
    for sub in &node.deps {
        let mut sub_values = match remove(dest, &sub.name) {
            None => Map::new(),
            Some(Json::Object(map)) => map,
            Some(other) => {
                let text = go_format_t(&other);
                set(dest, &sub.name, other);
                return Err(format!("type mismatch on {}: {text}", sub.name));
            }
        };
        coalesce_globals(&mut sub_values, dest);
        coalesce(sub, &mut sub_values, merge)?;
        set(dest, &sub.name, Json::Object(sub_values));
    }
    Ok(())
}

fn coalesce_values(node: &Node<'_>, v: &mut Map, merge: bool) {
    for (key, val) in &node.values {
        match get(v, key) {
            None => set(v, key, val.clone()),
            Some(Json::Null) if !merge => {
                remove(v, key);
            }
            Some(Json::Object(_)) => {
                if let Json::Object(src) = val {
                    let merge = merge || node.deps.iter().any(|d| d.name == *key);
                    if let Some(Json::Object(dest)) = v.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v) {
                        coalesce_tables(dest, src.clone(), merge);
                    }
                }
            }
            Some(_) => {}
        }
    }
}

fn coalesce_globals(dest: &mut Map, src: &Map) {
    let mut dg = match get(dest, "global") {
        None => Map::new(),
        Some(Json::Object(map)) => map.clone(),
        Some(_) => return,
    };
    let sg = match get(src, "global") {
        None => Map::new(),
        Some(Json::Object(map)) => map.clone(),
        Some(_) => return,
    };
    for (key, val) in sg {
        match (val, get(&dg, &key).cloned()) {
            (Json::Object(vmap), None) => set(&mut dg, &key, Json::Object(vmap)),
            (Json::Object(mut vmap), Some(Json::Object(destv))) => {
                coalesce_tables(&mut vmap, destv, true);
                set(&mut dg, &key, Json::Object(vmap));
            }
            (Json::Object(_), Some(_)) | (_, Some(Json::Object(_))) => {}
            (val, _) => set(&mut dg, &key, val),
        }
    }
    set(dest, "global", Json::Object(dg));
}

/// helm's `coalesceTablesFullKey`: `src` under `dst`; a `null` in `dst` deletes the key when
/// `src` had a value (unless merging).
fn coalesce_tables(dst: &mut Map, mut src: Map, merge: bool) {
    let src_non_null: Vec<String> =
        src.iter().filter(|(_, v)| !matches!(v, Json::Null)).map(|(k, _)| k.clone()).collect();
    let null_keys: Vec<String> = dst.iter().filter(|(_, v)| matches!(v, Json::Null)).map(|(k, _)| k.clone()).collect();
    for key in null_keys {
        set(&mut src, &key, Json::Null);
    }
    for (key, val) in src {
        match dst.iter_mut().find(|(k, _)| *k == key) {
            Some((_, Json::Null)) if !merge && src_non_null.contains(&key) => {
                remove(dst, &key);
            }
            None => dst.push((key, val)),
            Some((_, Json::Object(dv))) => {
                if let Json::Object(sv) = val {
                    coalesce_tables(dv, sv, merge);
                }
            }
            Some(_) => {}
        }
    }
}

/// helm's `ValidateAgainstSchema`: each enabled chart's schema against its part of `values`.
fn validate(node: &Node<'_>, values: &Map, out: &mut String) {
    if let Some(schema) = node.chart.schema.as_ref().filter(|s| !s.data.is_empty()) {
        if let Some(problem) = crate::lint::validate_against(&schema.data, &Json::Object(values.clone())) {
            out.push_str(&format!("{}:\n{problem}", node.name));
        }
    }
    for sub in &node.deps {
        match get(values, &sub.name) {
            None | Some(Json::Null) => {}
            Some(Json::Object(map)) => validate(sub, map, out),
            Some(other) => {
                let go_type = match other {
                    Json::Bool(_) => "bool",
                    Json::Number(_) => "float64",
                    Json::String(_) => "string",
                    _ => "[]interface {}",
                };
                out.push_str(&format!(
                    "{}:\ninvalid type for values: expected object (map), got {go_type}\n",
                    sub.name
                ));
            }
        }
    }
}

/// What `helm lint`'s templates rule reports about the values it would render with, with no
/// values given on the command line: `None` when they pass (or when processing fails, which
/// helm's rule skips silently); otherwise helm's message.
pub(crate) fn render_values_problem(chart: &Chart) -> Option<String> {
    let mut root = Node::new(chart).ok()?;
    process_enabled(&mut root, &Map::new(), "").ok()?;
    process_import_values(&mut root).ok()?;
    let mut cvals = Map::new();
    coalesce(&root, &mut cvals, false).ok()?;
    // ToRenderValuesWithSchemaValidation coalesces once more, then validates.
    let mut render = cvals;
    if let Err(e) = coalesce(&root, &mut render, false) {
        return Some(e);
    }
    let mut out = String::new();
    validate(&root, &render, &mut out);
    (!out.is_empty())
        .then(|| format!("values don't meet the specifications of the schema(s) in the following chart(s):\n{out}"))
}

/// Why [`render_values`] failed, in helm's words (the caller adds no prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RenderFailure {
    /// A chart's own `values.yaml` does not load.
    ChartValues(String),
    /// `ProcessDependencies` failed (`chart dependencies processing failed: …`).
    Dependencies(String),
    /// `CoalesceValues` failed (`type mismatch on …`).
    Coalesce(String),
    /// `ValidateAgainstSchema` failed: the per-chart report.
    Schema(String),
}

/// `.Values` as `helm install`/`helm template` render with them for the user values `user`
/// (the result of helm's `MergeValues`): `ProcessDependencies` (conditions, tags, aliases,
/// import-values) then `ToRenderValuesWithSchemaValidation` (`CoalesceValues`, globals, and
/// the schema check unless `skip_schema`). Mirrors helm pkg/action/install.go `RunWithContext`.
pub(crate) fn render_values(chart: &Chart, user: Map, skip_schema: bool) -> Result<Json, RenderFailure> {
    let mut root = Node::new(chart).map_err(RenderFailure::ChartValues)?;
    process_enabled(&mut root, &user, "").map_err(RenderFailure::Dependencies)?;
    process_import_values(&mut root).map_err(RenderFailure::Dependencies)?;
    let mut values = user;
    coalesce(&root, &mut values, false).map_err(RenderFailure::Coalesce)?;
    if !skip_schema {
        let mut report = String::new();
        validate(&root, &values, &mut report);
        if !report.is_empty() {
            return Err(RenderFailure::Schema(report));
        }
    }
    Ok(Json::Object(values))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(json: &str) -> Map {
        match chartpack_encoding::json::parse(json.as_bytes()) {
            Ok(Json::Object(map)) => map,
            other => panic!("not an object: {other:?}"),
        }
    }

    fn text(map: Map) -> String {
        String::from_utf8_lossy(&chartpack_encoding::json::to_vec(&Json::Object(map))).into_owned()
    }

    // helm's coalesceTablesFullKey: user null deletes a default; defaults fill gaps; tables merge.
    #[test]
    fn tables_coalesce_like_helm() {
        let mut dst = obj(r#"{"a":null,"b":{"x":1},"c":2}"#);
        coalesce_tables(&mut dst, obj(r#"{"a":5,"b":{"x":9,"y":3},"d":4}"#), false);
        assert_eq!(text(dst), r#"{"b":{"x":1,"y":3},"c":2,"d":4}"#);
        let mut dst = obj(r#"{"a":null}"#);
        coalesce_tables(&mut dst, obj(r#"{"a":5}"#), true);
        assert_eq!(text(dst), r#"{"a":null}"#);
    }

    #[test]
    fn path_values() {
        let map = obj(r#"{"a":{"b":{"c":true}},"t":{"x":1}}"#);
        assert_eq!(path_value(&map, "a.b.c"), Some(&Json::Bool(true)));
        assert_eq!(path_value(&map, "a.b"), None);
        assert_eq!(path_value(&map, "t.y"), None);
    }
}
