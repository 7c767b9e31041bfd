//! Validation errors as santhosh-tekuri/jsonschema v6 builds and prints them: one tree of
//! [`ValidationError`]s whose text (`- at '/a': minimum: got -5, want 0`, nested causes indented
//! by two spaces) is what helm shows.

use std::fmt;

use crate::number::{localized_float, localized_int};

/// The library's `quote`: Go's `%q`, then `\"` → `"` and `'` → `\'` over the whole quoted
/// text, then the outer quotes swapped for `'`. (A trailing backslash therefore loses its
/// escape: `\` prints as `'\'`, as in helm.)
pub(crate) fn quote(s: &str) -> String {
    let q = chartpack_encoding::gofmt::quote(s).replace("\\\"", "\"").replace('\'', "\\'");
    format!("'{}'", q.get(1..q.len() - 1).unwrap_or(""))
}

fn join_quoted(items: &[String]) -> String {
    items.iter().map(|s| quote(s)).collect::<Vec<_>>().join(", ")
}

/// A JSON pointer (`/a/0`) from instance-location tokens.
pub(crate) fn json_ptr(tokens: &[String]) -> String {
    let mut out = String::new();
    for t in tokens {
        out.push('/');
        out.push_str(&crate::url::escape_token(t));
    }
    out
}

/// What failed, with the data the library's message is made from (one variant per
/// `kind.*` type of santhosh-tekuri/jsonschema v6).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The root of a report: `jsonschema validation failed with '<schema>'`.
    Schema {
        /// Absolute location of the schema validated against.
        location: String,
    },
    /// Several errors of one subschema (printed `validation failed`).
    Group,
    /// `not` matched.
    Not,
    /// Some `allOf` subschemas failed.
    AllOf,
    /// No `anyOf` subschema matched.
    AnyOf,
    /// `oneOf`: none matched (`None`) or these two did.
    OneOf {
        /// The first two matching subschema indexes.
        matched: Option<(usize, usize)>,
    },
    /// The `false` schema.
    FalseSchema,
    /// A `$ref` chain came back to the same schema without consuming input.
    RefCycle {
        /// The schema reached twice.
        url: String,
        /// Keyword location of the second visit.
        keyword_location1: String,
        /// Keyword location of the first visit.
        keyword_location2: String,
    },
    /// `type`.
    Type {
        /// The instance's JSON type.
        got: String,
        /// The allowed types, in the library's order.
        want: Vec<String>,
    },
    /// `enum`.
    Enum {
        /// The allowed values as the library displays them.
        want: Vec<String>,
        /// Whether every allowed value is a primitive (else the message is `'enum' failed`).
        primitive: bool,
    },
    /// `const`.
    Const {
        /// The value as displayed; `None` for arrays and objects.
        want: Option<String>,
    },
    /// `format`.
    Format {
        /// The instance as displayed.
        got: String,
        /// The format name.
        want: String,
        /// Why it is not valid.
        reason: String,
    },
    /// A `$ref` (or `$dynamicRef`, `$recursiveRef`) target failed.
    Reference {
        /// The keyword.
        keyword: String,
        /// The target schema's location.
        url: String,
    },
    /// `minProperties`.
    MinProperties {
        /// Number of properties.
        got: i64,
        /// Limit.
        want: i64,
    },
    /// `maxProperties`.
    MaxProperties {
        /// Number of properties.
        got: i64,
        /// Limit.
        want: i64,
    },
    /// `minItems`.
    MinItems {
        /// Number of items.
        got: i64,
        /// Limit.
        want: i64,
    },
    /// `maxItems`.
    MaxItems {
        /// Number of items.
        got: i64,
        /// Limit.
        want: i64,
    },
    /// `additionalItems: false`.
    AdditionalItems {
        /// Items beyond the tuple.
        count: i64,
    },
    /// `required`.
    Required {
        /// Missing properties, in schema order.
        missing: Vec<String>,
    },
    /// `dependencies` (array form).
    Dependency {
        /// The property that is present.
        property: String,
        /// Properties it requires that are missing.
        missing: Vec<String>,
    },
    /// `dependentRequired`.
    DependentRequired {
        /// The property that is present.
        property: String,
        /// Properties it requires that are missing.
        missing: Vec<String>,
    },
    /// `additionalProperties: false`.
    AdditionalProperties {
        /// The extra properties.
        properties: Vec<String>,
    },
    /// `propertyNames`.
    PropertyNames {
        /// The offending name.
        property: String,
    },
    /// `uniqueItems`.
    UniqueItems {
        /// Indexes of the first equal pair.
        duplicates: (usize, usize),
    },
    /// `contains` matched nothing.
    Contains,
    /// `minContains`.
    MinContains {
        /// Indexes that matched.
        got: Vec<usize>,
        /// Limit.
        want: i64,
    },
    /// `maxContains`.
    MaxContains {
        /// Indexes that matched.
        got: Vec<usize>,
        /// Limit.
        want: i64,
    },
    /// `minLength` (Unicode code points).
    MinLength {
        /// Length.
        got: i64,
        /// Limit.
        want: i64,
    },
    /// `maxLength` (Unicode code points).
    MaxLength {
        /// Length.
        got: i64,
        /// Limit.
        want: i64,
    },
    /// `pattern`.
    Pattern {
        /// The string.
        got: String,
        /// The regular expression.
        want: String,
    },
    /// `minimum`.
    Minimum {
        /// The value (as `float64`).
        got: f64,
        /// The limit (as `float64`).
        want: f64,
    },
    /// `maximum`.
    Maximum {
        /// The value (as `float64`).
        got: f64,
        /// The limit (as `float64`).
        want: f64,
    },
    /// `exclusiveMinimum` (either form).
    ExclusiveMinimum {
        /// The value (as `float64`).
        got: f64,
        /// The limit (as `float64`).
        want: f64,
    },
    /// `exclusiveMaximum` (either form).
    ExclusiveMaximum {
        /// The value (as `float64`).
        got: f64,
        /// The limit (as `float64`).
        want: f64,
    },
    /// `multipleOf`.
    MultipleOf {
        /// The value (as `float64`).
        got: f64,
        /// The divisor (as `float64`).
        want: f64,
    },
}

fn go_int_list(items: &[usize]) -> String {
    items.iter().map(usize::to_string).collect::<Vec<_>>().join(" ")
}

impl ErrorKind {
    /// The keyword path below the failing schema (`["minimum"]`, `["dependentRequired", "a"]`),
    /// empty for kinds not tied to one keyword.
    pub fn keyword_path(&self) -> Vec<String> {
        let k = |s: &str| vec![s.to_owned()];
        match self {
            ErrorKind::Schema { .. }
            | ErrorKind::Group
            | ErrorKind::Not
            | ErrorKind::FalseSchema
            | ErrorKind::RefCycle { .. } => Vec::new(),
            ErrorKind::AllOf => k("allOf"),
            ErrorKind::AnyOf => k("anyOf"),
            ErrorKind::OneOf { .. } => k("oneOf"),
            ErrorKind::Type { .. } => k("type"),
            ErrorKind::Enum { .. } => k("enum"),
            ErrorKind::Const { .. } => k("const"),
            ErrorKind::Format { .. } => k("format"),
            ErrorKind::Reference { keyword, .. } => vec![keyword.clone()],
            ErrorKind::MinProperties { .. } => k("minProperties"),
            ErrorKind::MaxProperties { .. } => k("maxProperties"),
            ErrorKind::MinItems { .. } => k("minItems"),
            ErrorKind::MaxItems { .. } => k("maxItems"),
            ErrorKind::AdditionalItems { .. } => k("additionalItems"),
            ErrorKind::Required { .. } => k("required"),
            ErrorKind::Dependency { property, .. } => vec!["dependency".to_owned(), property.clone()],
            ErrorKind::DependentRequired { property, .. } => vec!["dependentRequired".to_owned(), property.clone()],
            ErrorKind::AdditionalProperties { .. } => k("additionalProperties"),
            ErrorKind::PropertyNames { .. } => k("propertyNames"),
            ErrorKind::UniqueItems { .. } => k("uniqueItems"),
            ErrorKind::Contains => k("contains"),
            ErrorKind::MinContains { .. } => k("minContains"),
            ErrorKind::MaxContains { .. } => k("maxContains"),
            ErrorKind::MinLength { .. } => k("minLength"),
            ErrorKind::MaxLength { .. } => k("maxLength"),
            ErrorKind::Pattern { .. } => k("pattern"),
            ErrorKind::Minimum { .. } => k("minimum"),
            ErrorKind::Maximum { .. } => k("maximum"),
            ErrorKind::ExclusiveMinimum { .. } => k("exclusiveMinimum"),
            ErrorKind::ExclusiveMaximum { .. } => k("exclusiveMaximum"),
            ErrorKind::MultipleOf { .. } => k("multipleOf"),
        }
    }

    /// The library's message for this kind (English `message.Printer`).
    pub fn message(&self) -> String {
        let int = |v: &i64| localized_int(*v);
        match self {
            ErrorKind::Schema { location } => format!("jsonschema validation failed with {}", quote(location)),
            ErrorKind::Group | ErrorKind::Reference { .. } => "validation failed".to_owned(),
            ErrorKind::Not => "'not' failed".to_owned(),
            ErrorKind::AllOf => "'allOf' failed".to_owned(),
            ErrorKind::AnyOf => "'anyOf' failed".to_owned(),
            ErrorKind::OneOf { matched: None } => "'oneOf' failed, none matched".to_owned(),
            ErrorKind::OneOf { matched: Some((a, b)) } => {
                format!("'oneOf' failed, subschemas {}, {} matched", localized_int(*a as i64), localized_int(*b as i64))
            }
            ErrorKind::FalseSchema => "false schema".to_owned(),
            ErrorKind::RefCycle { url, keyword_location1, keyword_location2 } => format!(
                "both {keyword_location1} and {keyword_location2} resolve to {} causing reference cycle",
                chartpack_encoding::gofmt::quote(url)
            ),
            ErrorKind::Type { got, want } => format!("got {got}, want {}", want.join(" or ")),
            ErrorKind::Enum { primitive: false, .. } => "'enum' failed".to_owned(),
            ErrorKind::Enum { want, .. } => match want.as_slice() {
                [one] => format!("value must be {one}"),
                _ => format!("value must be one of {}", want.join(", ")),
            },
            ErrorKind::Const { want: None } => "'const' failed".to_owned(),
            ErrorKind::Const { want: Some(w) } => format!("value must be {w}"),
            ErrorKind::Format { got, want, reason } => format!("{got} is not valid {want}: {reason}"),
            ErrorKind::MinProperties { got, want } => format!("minProperties: got {}, want {}", int(got), int(want)),
            ErrorKind::MaxProperties { got, want } => format!("maxProperties: got {}, want {}", int(got), int(want)),
            ErrorKind::MinItems { got, want } => format!("minItems: got {}, want {}", int(got), int(want)),
            ErrorKind::MaxItems { got, want } => format!("maxItems: got {}, want {}", int(got), int(want)),
            ErrorKind::AdditionalItems { count } => format!("last {} additionalItem(s) not allowed", int(count)),
            ErrorKind::Required { missing } => match missing.as_slice() {
                [one] => format!("missing property {}", quote(one)),
                _ => format!("missing properties {}", join_quoted(missing)),
            },
            ErrorKind::Dependency { property, missing } | ErrorKind::DependentRequired { property, missing } => {
                format!("properties {} required, if {} exists", join_quoted(missing), quote(property))
            }
            ErrorKind::AdditionalProperties { properties } => {
                format!("additional properties {} not allowed", join_quoted(properties))
            }
            ErrorKind::PropertyNames { property } => format!("invalid propertyName {}", quote(property)),
            ErrorKind::UniqueItems { duplicates: (a, b) } => {
                format!("items at {} and {} are equal", localized_int(*a as i64), localized_int(*b as i64))
            }
            ErrorKind::Contains => "no items match contains schema".to_owned(),
            ErrorKind::MinContains { got, want } if got.is_empty() => {
                format!("min {} items required to match contains schema, but none matched", int(want))
            }
            ErrorKind::MinContains { got, want } => format!(
                "min {} items required to match contains schema, but matched {} items at {}",
                int(want),
                localized_int(got.len() as i64),
                go_int_list(got)
            ),
            ErrorKind::MaxContains { got, want } => format!(
                "max {} items required to match contains schema, but matched {} items at {}",
                int(want),
                localized_int(got.len() as i64),
                go_int_list(got)
            ),
            ErrorKind::MinLength { got, want } => format!("minLength: got {}, want {}", int(got), int(want)),
            ErrorKind::MaxLength { got, want } => format!("maxLength: got {}, want {}", int(got), int(want)),
            ErrorKind::Pattern { got, want } => format!("{} does not match pattern {}", quote(got), quote(want)),
            ErrorKind::Minimum { got, want } => {
                format!("minimum: got {}, want {}", localized_float(*got), localized_float(*want))
            }
            ErrorKind::Maximum { got, want } => {
                format!("maximum: got {}, want {}", localized_float(*got), localized_float(*want))
            }
            ErrorKind::ExclusiveMinimum { got, want } => {
                format!("exclusiveMinimum: got {}, want {}", localized_float(*got), localized_float(*want))
            }
            ErrorKind::ExclusiveMaximum { got, want } => {
                format!("exclusiveMaximum: got {}, want {}", localized_float(*got), localized_float(*want))
            }
            ErrorKind::MultipleOf { got, want } => {
                format!("multipleOf: got {}, want {}", localized_float(*got), localized_float(*want))
            }
        }
    }
}

/// One node of the error tree: where in the instance, which schema, what, and why (causes).
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationError {
    pub(crate) instance_location: Vec<String>,
    pub(crate) schema_location: String,
    pub(crate) kind: ErrorKind,
    pub(crate) causes: Vec<ValidationError>,
}

impl ValidationError {
    /// Instance location as tokens (`["a", "0"]`).
    pub fn instance_location(&self) -> &[String] {
        &self.instance_location
    }

    /// Instance location as a JSON pointer (`/a/0`; empty for the root).
    pub fn instance_pointer(&self) -> String {
        json_ptr(&self.instance_location)
    }

    /// Absolute location of the schema that failed (`file:///values.schema.json#/properties/a`).
    pub fn schema_location(&self) -> &str {
        &self.schema_location
    }

    /// What failed.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The first keyword of [`ErrorKind::keyword_path`] (`minimum`), if any.
    pub fn keyword(&self) -> Option<String> {
        self.kind.keyword_path().into_iter().next()
    }

    /// The message after `at '<pointer>': `.
    pub fn message(&self) -> String {
        self.kind.message()
    }

    /// Nested errors (subschema failures of `anyOf`, `$ref`, …).
    pub fn causes(&self) -> &[ValidationError] {
        &self.causes
    }

    /// A `$ref` error with a single cause is not printed: its cause stands in its place.
    fn skip(&self) -> bool {
        self.causes.len() == 1 && matches!(self.kind, ErrorKind::Reference { .. })
    }

    /// The library's `display`.
    pub(crate) fn display(&self, out: &mut String, mut indent: usize) {
        if !self.skip() {
            if indent > 0 {
                out.push('\n');
                for _ in 0..indent - 1 {
                    out.push_str("  ");
                }
                out.push_str("- ");
            }
            indent += 1;
            if let ErrorKind::Schema { .. } = self.kind {
                out.push_str(&self.kind.message());
            } else {
                out.push_str("at ");
                out.push_str(&quote(&json_ptr(&self.instance_location)));
                out.push_str(": ");
                out.push_str(&self.kind.message());
            }
        }
        for cause in &self.causes {
            cause.display(out, indent);
        }
    }

    /// Every error in the tree, depth first, skipping the `$ref` wrappers the text skips.
    fn collect<'a>(&'a self, out: &mut Vec<&'a ValidationError>) {
        if !self.skip() {
            out.push(self);
        }
        for c in &self.causes {
            c.collect(out);
        }
    }

    /// The leaves of the tree: the concrete failures (for a UI listing one line per problem).
    fn collect_leaves<'a>(&'a self, out: &mut Vec<&'a ValidationError>) {
        if self.causes.is_empty() {
            out.push(self);
        }
        for c in &self.causes {
            c.collect_leaves(out);
        }
    }
}

/// A failed validation: the errors under the library's root line
/// (`jsonschema validation failed with 'file:///values.schema.json#'`).
///
/// `Display` is exactly what helm prints after removing that first line, *without* the
/// trailing `"\n"` helm appends (`JSONSchemaValidationError.Error`).
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationErrors {
    pub(crate) root: Box<ValidationError>,
}

impl ValidationErrors {
    /// The top-level errors (each printed as `- at …`).
    pub fn errors(&self) -> &[ValidationError] {
        &self.root.causes
    }

    /// Every printed error, depth first, in output order.
    pub fn iter(&self) -> impl Iterator<Item = &ValidationError> {
        let mut all = Vec::new();
        for c in &self.root.causes {
            c.collect(&mut all);
        }
        all.into_iter()
    }

    /// The concrete failures (errors without causes), in output order.
    pub fn leaves(&self) -> Vec<&ValidationError> {
        let mut all = Vec::new();
        for c in &self.root.causes {
            c.collect_leaves(&mut all);
        }
        all
    }

    /// The full library text, root line included (what the library's `Error()` returns).
    pub fn full_text(&self) -> String {
        let mut out = String::new();
        self.root.display(&mut out, 0);
        out
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        for cause in &self.root.causes {
            cause.display(&mut out, 1);
        }
        f.write_str(out.strip_prefix('\n').unwrap_or(&out))
    }
}

impl std::error::Error for ValidationErrors {}
