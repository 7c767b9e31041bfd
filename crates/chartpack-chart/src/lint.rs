//! `helm lint`'s rules that need no template engine: Chart.yaml, values.yaml, the templates
//! directory, dependencies and CRDs. Mirrors helm pkg/chart/v2/lint/rules (chartfile.go,
//! values.go, the first steps of template.go, dependencies.go, crds.go).
//!
//! Not covered yet: rendering templates (and the per-template checks that follow it).

use chartpack_encoding::yaml::{self, Value};

use crate::load::{Chart, LoadError};
use crate::metadata::{Metadata, Strictness, API_V1, API_V2};
use crate::values::check_values_for_lint;

/// Severity of a lint finding, in helm's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Information only.
    Info,
    /// Fails with `--strict`.
    Warning,
    /// Fails the lint.
    Error,
}

impl Severity {
    /// helm's label (`INFO`, `WARNING`, `ERROR`).
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "INFO",
            Severity::Warning => "WARNING",
            Severity::Error => "ERROR",
        }
    }
}

/// One lint finding: data, not an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// File or directory concerned, as helm names it (`Chart.yaml`, `templates/`, `crds/x.yaml`,
    /// the chart directory for dependency findings, or empty).
    pub path: String,
    /// helm's message.
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {}: {}", self.severity.label(), self.path, self.message)
    }
}

/// Whether a directory of the chart exists and is a directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirState {
    /// Absent.
    Missing,
    /// A directory.
    Directory,
    /// Present but a file.
    NotDirectory,
}

/// What lint looks at, gathered by the caller (the CLI from disk, the browser from files).
#[derive(Debug, Clone, Copy)]
pub struct LintInput<'a> {
    /// How the chart directory is named in dependency findings (helm prints the path given).
    pub chart_dir: &'a str,
    /// Raw `Chart.yaml` (BOM not stripped: helm's lint reads the file directly), if a file.
    pub chart_yaml: Option<&'a [u8]>,
    /// Whether `Chart.yaml` is a directory.
    pub chart_yaml_is_dir: bool,
    /// Raw `values.yaml`, if present.
    pub values_yaml: Option<&'a [u8]>,
    /// Raw `values.schema.json`, if present.
    pub values_schema: Option<&'a [u8]>,
    /// State of `templates/`.
    pub templates_dir: DirState,
    /// State of `crds/`.
    pub crds_dir: DirState,
    /// The chart as helm's loader sees it (with `.helmignore`), or why it failed.
    pub loaded: Result<&'a Chart, &'a LoadError>,
}

/// Runs the rules in helm's order and returns the findings.
pub fn lint(input: &LintInput<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    chartfile_rules(input, &mut out);
    values_rules(input, &mut out);
    templates_rules(input, &mut out);
    dependency_rules(input, &mut out);
    crd_rules(input, &mut out);
    out
}

fn push(out: &mut Vec<Diagnostic>, severity: Severity, path: &str, message: impl Into<String>) {
    out.push(Diagnostic { severity, path: path.to_owned(), message: message.into() });
}

fn chartfile_rules(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    const P: &str = "Chart.yaml";
    if input.chart_yaml_is_dir {
        push(out, Severity::Error, P, "should be a file, not a directory");
    }
    let text = input.chart_yaml.unwrap_or_default();
    let chart = match Metadata::parse(text, Strictness::Lenient) {
        Ok(m) => m,
        Err(e) => {
            push(out, Severity::Error, P, format!("unable to parse YAML\n\t{e}"));
            return;
        }
    };
    if let Err(e) = Metadata::parse(text, Strictness::Strict) {
        push(out, Severity::Warning, P, format!("failed to strictly parse chart metadata file\n\t{e}"));
    }
    let untyped = yaml::parse_bytes(text).ok();
    if chart.name.is_empty() {
        push(out, Severity::Error, P, "name is required");
    } else if chart.name.contains('/') {
        push(out, Severity::Error, P, format!("chart name {} is invalid", crate::metadata::go_quote(&chart.name)));
    }
    if chart.api_version.is_empty() {
        push(out, Severity::Error, P, "apiVersion is required. The value must be either \"v1\" or \"v2\"");
    } else if chart.api_version != API_V1 && chart.api_version != API_V2 {
        push(
            out,
            Severity::Error,
            P,
            format!("apiVersion '{}' is not valid. The value must be either \"v1\" or \"v2\"", chart.api_version),
        );
    }
    if let Some(e) = untyped.as_ref().and_then(|v| go_type_unless_string(v, "version")) {
        push(out, Severity::Error, P, e);
    }
    if chart.version.is_empty() {
        push(out, Severity::Error, P, "version is required");
    } else {
        match chartpack_semver::Version::parse(&chart.version) {
            Err(_) => push(out, Severity::Error, P, format!("version '{}' is not a valid SemVer", chart.version)),
            Ok(v) => {
                let above_zero = chartpack_semver::Constraints::parse(">0.0.0-0").map(|c| c.matches(&v));
                if above_zero == Ok(false) {
                    push(out, Severity::Error, P, format!("version {v} is less than or equal to 0.0.0-0"));
                }
            }
        }
    }
    if let Some(e) = untyped.as_ref().and_then(|v| go_type_unless_string(v, "appVersion")) {
        push(out, Severity::Error, P, e);
    }
    if let Some(e) = maintainer_problem(&chart) {
        push(out, Severity::Error, P, e);
    }
    if let Some(bad) = chart.sources.iter().find(|s| !is_request_url(s)) {
        push(out, Severity::Error, P, format!("invalid source URL '{bad}'"));
    }
    if chart.icon.is_empty() {
        push(out, Severity::Info, P, "icon is recommended");
    } else if !is_request_url(&chart.icon) {
        push(out, Severity::Error, P, format!("invalid icon URL '{}'", chart.icon));
    }
    if !chart.chart_type.is_empty() && chart.api_version != API_V2 {
        push(
            out,
            Severity::Error,
            P,
            format!("chart type is not valid in apiVersion '{}'. It is valid in apiVersion 'v2'", chart.api_version),
        );
    }
    if !chart.dependencies.is_empty() && chart.api_version != API_V2 {
        push(
            out,
            Severity::Error,
            P,
            format!(
                "dependencies are not valid in the Chart file with apiVersion '{}'. They are valid in apiVersion 'v2'",
                chart.api_version
            ),
        );
    }
    if chartpack_semver::Version::parse_strict(&chart.version).is_err() {
        push(out, Severity::Warning, P, format!("version '{}' is not a valid SemVerV2", chart.version));
    }
}

/// helm's `isStringValue`: the Go type (`%T`) a JSON-decoded value has, when not a string.
fn go_type_unless_string(doc: &Value, key: &str) -> Option<String> {
    let Value::Map(pairs) = doc else { return None };
    let members = crate::decode::members(pairs);
    let (_, value) = members.iter().find(|(k, _)| k == key)?;
    let go_type = match value {
        Value::String(_) => return None,
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Uint(_) | Value::Float(_) => "float64",
        Value::Seq(_) => "[]interface {}",
        Value::Map(_) => "map[string]interface {}",
    };
    Some(format!("{key} should be of type string but it's of type {go_type}"))
}

fn maintainer_problem(chart: &Metadata) -> Option<String> {
    for m in &chart.maintainers {
        let Some(m) = m else {
            return Some("a maintainer entry is empty".to_owned());
        };
        if m.name.is_empty() {
            return Some("each maintainer requires a name".to_owned());
        } else if !m.email.is_empty() && !is_email(&m.email) {
            return Some(format!("invalid email '{}' for maintainer '{}'", m.email, m.name));
        } else if !m.url.is_empty() && !is_url(&m.url) {
            return Some(format!("invalid url '{}' for maintainer '{}'", m.url, m.name));
        }
    }
    None
}

/// govalidator's `IsRequestURL`: Go's `url.ParseRequestURI` succeeds and a scheme is present.
pub fn is_request_url(s: &str) -> bool {
    if s.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return false;
    }
    // getScheme: letters, then letters, digits, `+`, `-`, `.` up to the first `:`.
    let Some(colon) = s.find(':') else { return false };
    let scheme = &s[..colon];
    let valid_scheme = scheme.bytes().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'));
    if !valid_scheme {
        return false;
    }
    let rest = &s[colon + 1..];
    let rest = match rest.split_once('?') {
        Some((before, _query)) => before,
        None => rest,
    };
    if !rest.starts_with('/') {
        return true; // opaque (`mailto:x`, `x:y`, `http:`)
    }
    let path = if let Some(after) = rest.strip_prefix("//") {
        let (authority, path) = after.split_at(after.find('/').unwrap_or(after.len()));
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        if !valid_host(host) {
            return false;
        }
        path
    } else {
        rest
    };
    valid_escapes(path)
}

/// Go's `parseHost` checks: bracketed IPv6 literals, allowed host characters, a numeric port.
fn valid_host(host: &str) -> bool {
    let (name, port) = if let Some(after) = host.strip_prefix('[') {
        let Some(end) = after.find(']') else { return false };
        (&after[..end], &after[end + 1..])
    } else {
        match host.rfind(':') {
            Some(i) => (&host[..i], &host[i..]),
            None => (host, ""),
        }
    };
    let port_ok = port.is_empty() || (port.starts_with(':') && port[1..].bytes().all(|b| b.is_ascii_digit()));
    let chars_ok =
        name.bytes().all(|b| b >= 0x80 || b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:[]<>\"%".contains(&b));
    port_ok && chars_ok && valid_escapes(name)
}

/// Every `%` starts a two-digit hex escape (Go's `unescape`).
fn valid_escapes(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit) && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit)) {
                return false;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    true
}

// govalidator (a9d515a, the version helm v4.1.4 pins) decides maintainer emails and URLs with
// these two regular expressions; they are its behaviour, so chartpack uses them verbatim.
const GOVALIDATOR_EMAIL: &str = "^(((([a-zA-Z]|\\d|[!#\\$%&'\\*\\+\\-\\/=\\?\\^_`{\\|}~]|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])+(\\.([a-zA-Z]|\\d|[!#\\$%&'\\*\\+\\-\\/=\\?\\^_`{\\|}~]|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])+)*)|((\\x22)((((\\x20|\\x09)*(\\x0d\\x0a))?(\\x20|\\x09)+)?(([\\x01-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]|\\x21|[\\x23-\\x5b]|[\\x5d-\\x7e]|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])|(\\([\\x01-\\x09\\x0b\\x0c\\x0d-\\x7f]|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}]))))*(((\\x20|\\x09)*(\\x0d\\x0a))?(\\x20|\\x09)+)?(\\x22)))@((([a-zA-Z]|\\d|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])|(([a-zA-Z]|\\d|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])([a-zA-Z]|\\d|-|\\.|_|~|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])*([a-zA-Z]|\\d|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])))\\.)+(([a-zA-Z]|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])|(([a-zA-Z]|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])([a-zA-Z]|\\d|-|_|~|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])*([a-zA-Z]|[\\x{00A0}-\\x{D7FF}\\x{F900}-\\x{FDCF}\\x{FDF0}-\\x{FFEF}])))\\.?$";
const GOVALIDATOR_IP6: &str = r"(([0-9a-fA-F]{1,4}:){7,7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:)|fe80:(:[0-9a-fA-F]{0,4}){0,4}%[0-9a-zA-Z]{1,}|::(ffff(:0{1,4}){0,1}:){0,1}((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])|([0-9a-fA-F]{1,4}:){1,4}:((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9]))";

fn govalidator_url_regex() -> Option<&'static regex_lite::Regex> {
    static RX: std::sync::OnceLock<Option<regex_lite::Regex>> = std::sync::OnceLock::new();
    RX.get_or_init(|| {
        let schema = r"((ftp|tcp|udp|wss?|https?):\/\/)";
        let username = r"(\S+(:\S*)?@)";
        let path = r"((\/|\?|#)[^\s]*)";
        let port = r"(:(\d{1,5}))";
        let ip = r"([1-9]\d?|1\d\d|2[01]\d|22[0-3]|24\d|25[0-5])(\.(\d{1,2}|1\d\d|2[0-4]\d|25[0-5])){2}(?:\.([0-9]\d?|1\d\d|2[0-4]\d|25[0-5]))";
        let subdomain = r"((www\.)|([a-zA-Z0-9]+([-_\.]?[a-zA-Z0-9])*[a-zA-Z0-9]\.[a-zA-Z0-9]+))";
        let pattern = format!(
            r"^{schema}?{username}?(({ip}|(\[{GOVALIDATOR_IP6}\])|(([a-zA-Z0-9]([a-zA-Z0-9-_]+)?[a-zA-Z0-9]([-\.][a-zA-Z0-9]+)*)|({subdomain}?))?(([a-zA-Z\x{{00a1}}-\x{{ffff}}0-9]+-?-?)*[a-zA-Z\x{{00a1}}-\x{{ffff}}0-9]+)(?:\.([a-zA-Z\x{{00a1}}-\x{{ffff}}]{{1,}}))?))\.?{port}?{path}?$"
        );
        regex_lite::Regex::new(&pattern).ok()
    })
    .as_ref()
}

fn govalidator_email_regex() -> Option<&'static regex_lite::Regex> {
    static RX: std::sync::OnceLock<Option<regex_lite::Regex>> = std::sync::OnceLock::new();
    RX.get_or_init(|| regex_lite::Regex::new(GOVALIDATOR_EMAIL).ok()).as_ref()
}

/// govalidator's `IsURL` (maintainer URLs): length bounds, Go's `url.Parse` of the text (with
/// `http://` prepended when it has a `:` but no `://`), a host or a dotted path, then its regex.
pub fn is_url(s: &str) -> bool {
    let runes = s.chars().count();
    if s.is_empty() || runes >= 2083 || s.len() <= 3 || s.starts_with('.') {
        return false;
    }
    let parsed =
        if s.contains(':') && !s.contains("://") { go_url_parse(&format!("http://{s}")) } else { go_url_parse(s) };
    let Some((host, path)) = parsed else { return false };
    if host.starts_with('.') || (host.is_empty() && !path.is_empty() && !path.contains('.')) {
        return false;
    }
    govalidator_url_regex().is_some_and(|rx| rx.is_match(s))
}

/// Go's `url.Parse`, reduced to what `IsURL` needs: `Some((host, path))` when it succeeds.
fn go_url_parse(s: &str) -> Option<(String, String)> {
    if s.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return None;
    }
    let s = s.split_once('#').map_or(s, |(before, _)| before);
    let (scheme, rest) = match s.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))) {
        Some(0) if s.starts_with(':') => return None, // missing protocol scheme
        Some(i) if s[i..].starts_with(':') && s.as_bytes()[0].is_ascii_alphabetic() => (&s[..i], &s[i + 1..]),
        _ => ("", s),
    };
    let rest = rest.split_once('?').map_or(rest, |(before, _)| before);
    if !scheme.is_empty() && !rest.starts_with('/') {
        return Some((String::new(), String::new())); // opaque
    }
    if (!scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let after = &rest[2..];
        let (authority, path) = after.split_at(after.find('/').unwrap_or(after.len()));
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        if !valid_host(host) || !valid_escapes(path) {
            return None;
        }
        return Some((host.to_owned(), path.to_owned()));
    }
    if scheme.is_empty() {
        // "first path segment in URL cannot contain colon"
        let first = rest.split('/').next().unwrap_or_default();
        if first.contains(':') {
            return None;
        }
    }
    valid_escapes(rest).then(|| (String::new(), rest.to_owned()))
}

/// govalidator's `IsEmail` (maintainer emails).
pub fn is_email(s: &str) -> bool {
    govalidator_email_regex().is_some_and(|rx| rx.is_match(s))
}

fn values_rules(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    const P: &str = "values.yaml";
    let Some(values) = input.values_yaml else {
        push(out, Severity::Info, P, "file does not exist");
        return;
    };
    if let Err(e) = check_values_for_lint(values) {
        push(out, Severity::Error, P, format!("unable to parse YAML: {e}"));
        return;
    }
    if let Some(problem) = input.values_schema.and_then(|schema| schema_problem(values, schema)) {
        push(out, Severity::Error, P, problem);
    }
}

/// helm's `ValidateAgainstSingleSchema` of the raw values.yaml: `None` when valid or when the
/// schema file is empty; otherwise helm's text (validation failures end with a newline, as
/// helm's `JSONSchemaValidationError` adds one).
fn schema_problem(values: &[u8], schema: &[u8]) -> Option<String> {
    let instance = yaml::parse_bytes(values).ok().and_then(|v| yaml::to_json(&v).ok())?;
    let instance = match instance {
        chartpack_encoding::json::Value::Null => chartpack_encoding::json::Value::Object(Vec::new()),
        other => other,
    };
    validate_against(schema, &instance)
}

/// Parses, compiles and applies a `values.schema.json`: `None` when the values pass or the
/// schema file is empty (helm skips empty schemas); otherwise helm's text (violations end with
/// a newline, as helm's `JSONSchemaValidationError` adds one).
pub(crate) fn validate_against(schema: &[u8], values: &chartpack_encoding::json::Value) -> Option<String> {
    if schema.is_empty() {
        return None;
    }
    let schema = match chartpack_encoding::json::parse(schema) {
        Ok(schema) => schema,
        Err(e) => return Some(e.to_string()),
    };
    let compiled = match chartpack_schema::compile(&schema) {
        Ok(compiled) => compiled,
        Err(e) => return Some(e.to_string()),
    };
    match compiled.validate(values) {
        Ok(()) => None,
        Err(chartpack_schema::ValidateError::Invalid(errors)) => Some(format!("{errors}\n")),
        Err(other) => Some(other.to_string()),
    }
}

fn templates_rules(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    const P: &str = "templates/";
    match input.templates_dir {
        DirState::Missing => push(out, Severity::Warning, P, "directory does not exist"),
        DirState::NotDirectory => push(out, Severity::Error, P, "not a directory"),
        DirState::Directory => match input.loaded {
            Err(e) => push(out, Severity::Error, P, e.to_string()),
            Ok(chart) => {
                if let Some(problem) = crate::render_values::render_values_problem(chart) {
                    push(out, Severity::Error, P, problem);
                }
            }
        },
    }
}

fn dependency_rules(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    let chart = match input.loaded {
        Ok(chart) => chart,
        Err(e) => {
            push(out, Severity::Error, "", format!("unable to load chart\n\t{e}"));
            return;
        }
    };
    let declared: Vec<&crate::metadata::Dependency> = chart.metadata.dependencies.iter().flatten().collect();
    let missing_in_metadata: Vec<&str> =
        chart.dependencies.iter().map(Chart::name).filter(|name| !declared.iter().any(|d| d.name == *name)).collect();
    if !missing_in_metadata.is_empty() {
        push(
            out,
            Severity::Error,
            input.chart_dir,
            format!("chart metadata is missing these dependencies: {}", missing_in_metadata.join(",")),
        );
    }
    let mut seen: Vec<&str> = Vec::new();
    let mut shadowing: Vec<&str> = Vec::new();
    for d in &declared {
        let key = if d.alias.is_empty() { d.name.as_str() } else { d.alias.as_str() };
        if seen.contains(&key) {
            shadowing.push(key);
        }
        seen.push(key);
    }
    if !shadowing.is_empty() {
        push(
            out,
            Severity::Error,
            input.chart_dir,
            format!("multiple dependencies with name or alias: {}", shadowing.join(",")),
        );
    }
    let missing_in_dir: Vec<&str> = declared
        .iter()
        .map(|d| d.name.as_str())
        .filter(|name| !chart.dependencies.iter().any(|c| c.name() == *name))
        .collect();
    if !missing_in_dir.is_empty() {
        push(
            out,
            Severity::Warning,
            input.chart_dir,
            format!("chart directory is missing these dependencies: {}", missing_in_dir.join(",")),
        );
    }
}

fn crd_rules(input: &LintInput<'_>, out: &mut Vec<Diagnostic>) {
    match input.crds_dir {
        DirState::Missing => return,
        DirState::NotDirectory => {
            push(out, Severity::Error, "crds/", "not a directory");
            return;
        }
        DirState::Directory => {}
    }
    let chart = match input.loaded {
        Ok(chart) => chart,
        Err(e) => {
            push(out, Severity::Error, "crds/", e.to_string());
            return;
        }
    };
    for crd in chart.crd_files() {
        let text = String::from_utf8_lossy(&crd.data);
        let documents = match yaml::parse_all(&text) {
            Ok(docs) => docs,
            Err(e) => {
                push(out, Severity::Error, &crd.path, format!("unable to parse YAML: {e}"));
                return;
            }
        };
        for doc in documents {
            let Value::Map(pairs) = &doc else { continue };
            let members = crate::decode::members(pairs);
            let field = |name: &str| {
                members
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .and_then(|(_, v)| v.to_go_string())
                    .unwrap_or_default()
            };
            if !field("apiVersion").starts_with("apiextensions.k8s.io") {
                push(out, Severity::Error, &crd.path, "apiVersion is not in 'apiextensions.k8s.io'");
            }
            if field("kind") != "CustomResourceDefinition" {
                push(out, Severity::Error, &crd.path, "object kind is not 'CustomResourceDefinition'");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_urls_like_go() {
        assert!(is_request_url("https://example.com/64x64.png"));
        assert!(is_request_url("http://example.com"));
        assert!(!is_request_url("example.com/icon.png"));
        assert!(!is_request_url(""));
        // Confirmed with helm v4.1.4 lint (icon field).
        for (url, valid) in [
            ("mailto:a@b.c", true),
            ("x:y", true),
            ("a b:c", false),
            ("http:", true),
            ("http://", true),
            ("1http://x", false),
            ("http://x/%zz", false),
            ("http://[::1]:80/", true),
            ("HTTP://X", true),
            ("http://exa mple.com/x.png", false),
            ("//host/path", false),
            ("https://ok.example/a b", true),
            ("ftp:/x", true),
        ] {
            assert_eq!(is_request_url(url), valid, "{url}");
        }
    }

    // Each verdict confirmed with helm v4.1.4 lint (maintainer url/email).
    #[test]
    fn govalidator_urls_and_emails() {
        for (url, valid) in [
            ("https://example.com/x", true),
            ("example.com", true),
            ("not a url", false),
            ("http://localhost:8080", true),
            ("ftp://x.y", true),
            ("foo", false),
            ("http://1.2.3.4", true),
            ("https://x_y.example.com", true),
            ("git@github.com:a/b", false),
            ("https://a.b/c?d=e#f", true),
            ("mailto:a@b.c", true),
            ("http://-x.com", false),
            ("https://.com", false),
            ("www.example.com/path", true),
            ("http://example", true),
            ("https://exa_mple.com", true),
        ] {
            assert_eq!(is_url(url), valid, "url {url}");
        }
        for (email, valid) in [
            ("a@b.c", true),
            ("a@b", false),
            ("a.b@c.d", true),
            ("a b@c.d", false),
            ("a@b..c", false),
            ("\"q\"@x.y", true),
            ("a+b@x.co.uk", true),
            ("@x.y", false),
            ("a@-x.y", false),
            ("a@x.y.", true),
            ("ä@x.y", true),
            ("a@x_y.z", true),
        ] {
            assert_eq!(is_email(email), valid, "email {email}");
        }
    }

    #[test]
    fn emails_and_urls() {
        assert!(is_email("helm@example.com"));
        assert!(!is_email("helm-at-example"));
        assert!(is_url("https://example.com/x"));
        assert!(is_url("example.com"));
        assert!(!is_url("not a url"));
    }
}
