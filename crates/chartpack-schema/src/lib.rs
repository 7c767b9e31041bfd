//! chartpack-schema: `values.schema.json` validation the way helm does it.
//!
//! helm (pkg/chart/common/util/jsonschema.go) adds the schema as `file:///values.schema.json`
//! to a santhosh-tekuri/jsonschema v6 compiler and validates the values against it. This
//! crate reproduces that validator: the draft rules (draft-04 … 2020-12, 2020-12 when
//! `$schema` is absent), the metaschema check of the schema itself, and the exact message
//! text helm prints:
//!
//! ```text
//! - at '': missing property 'employmentInfo'
//! - at '/age': minimum: got -5, want 0
//! ```
//!
//! ```
//! use chartpack_encoding::{json, yaml};
//! let schema = json::parse(br#"{"properties": {"age": {"minimum": 0}}}"#).unwrap();
//! let values = yaml::to_json(&yaml::parse("age: -5").unwrap()).unwrap();
//! let err = chartpack_schema::compile(&schema).unwrap().validate(&values).unwrap_err();
//! assert_eq!(err.to_string(), "- at '/age': minimum: got -5, want 0");
//! ```
//!
//! How helm wraps these texts (v4.1.4, for the callers that rebuild its output):
//! * a validation error is the library's text minus its first line
//!   (`jsonschema validation failed with 'file:///values.schema.json#'`) plus `"\n"`;
//!   [`ValidationErrors`]'s `Display` is that text *without* the `"\n"`;
//! * a schema error ([`SchemaError`]) is printed as is, with no `"\n"` added;
//! * `helm template`/`install` print `values don't meet the specifications of the schema(s)
//!   in the following chart(s):\n<chart>:\n<text>` (subcharts follow, each `<name>:\n…`);
//!   `helm lint` prints `[ERROR] values.yaml: <text>` for the chart's own values.yaml.
//!
//! Differences from helm, on purpose:
//! * Nothing is ever fetched or read. A `$ref` (or `$schema`) naming anything but this
//!   document or an embedded json-schema.org metaschema fails with
//!   [`SchemaError::ExternalRef`] / [`SchemaError::External`]; helm would read the file or
//!   fetch the URL (GHSA-67fx-wx78-jx33, GHSA-5xqw-8hwv-wg92, GHSA-9h84-qmv7-982p).
//! * Work is bounded ([`Limits`]): a `$ref` loop that consumes no input is the library's
//!   `reference cycle` error, and runaway nesting or exponential `anyOf` trees end with
//!   [`ValidateError::TooComplex`] / [`ValidateError::TooDeep`] instead of running forever.
//! * Go iterates maps in random order, so helm prints errors about several properties in a
//!   varying order; chartpack always uses sorted key order (one of helm's orders).
//! * Regular expressions run on `regex-lite`; see `regex.rs` for the dialect gaps
//!   (Unicode classes such as `\pL` are refused with [`SchemaError::InvalidRegex`]).
//!
//! Pure: no I/O, clock or environment; builds for `wasm32-unknown-unknown`.

mod compiler;
mod draft;
mod format;
mod instance;
mod number;
mod output;
mod regex;
mod url;
mod validator;

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod helm_cases;
#[cfg(test)]
mod tests;

use chartpack_encoding::gofmt::quote as go_quote;
use chartpack_encoding::json::Value;

pub use draft::Draft;
pub use output::{ErrorKind, ValidationError, ValidationErrors};

use compiler::{Compiled, Compiler};
use instance::{Inst, Numbers};

/// Bounds on the work one schema or one validation may cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of the schema document and of the values, and deepest recursion of
    /// the validator (each `$ref`, applicator or property step is one level).
    pub max_depth: usize,
    /// Most schema visits (plus `uniqueItems` comparisons) in one validation or one
    /// metaschema check.
    pub max_steps: u64,
    /// Most compiled subschemas in one schema.
    pub max_schema_nodes: usize,
}

/// Limits that accept every chart in the corpus with a wide margin (the deepest metaschema
/// check, otel's schema, reaches 43 levels) while keeping the stack within wasm's 1 MiB
/// (about 1.3 KiB per level in release builds).
pub const DEFAULT_LIMITS: Limits = Limits { max_depth: 256, max_steps: 2_000_000, max_schema_nodes: 200_000 };

/// A compiled `values.schema.json`.
#[derive(Debug)]
pub struct Schema {
    compiled: Compiled,
    limits: Limits,
}

/// Why a schema cannot be compiled. `Display` is the library's error text where helm has
/// one (helm prints it after `<chart>:`), chartpack's own text otherwise.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// The schema (or the part at `location`) violates its draft's metaschema.
    #[error("{} is not valid against metaschema: {}", go_quote(location), errors.full_text())]
    Metaschema {
        /// `file:///values.schema.json#` or the location of a `$ref` target.
        location: String,
        /// The metaschema errors (root line: `jsonschema validation failed with '<metaschema>'`).
        errors: ValidationErrors,
    },
    /// A `$ref` JSON pointer leads nowhere.
    #[error("json-pointer in {} not found", go_quote(url))]
    PointerNotFound {
        /// The target, `file:///values.schema.json#/$defs/x`.
        url: String,
    },
    /// A `$ref` JSON pointer has a `~` not followed by `0` or `1`.
    #[error("invalid json-pointer {}", go_quote(url))]
    InvalidPointer {
        /// The target.
        url: String,
    },
    /// A `$ref` names an anchor that does not exist.
    #[error("anchor in {} not found in schema {}", go_quote(reference), go_quote(url))]
    AnchorNotFound {
        /// The document.
        url: String,
        /// The resolved reference.
        reference: String,
    },
    /// Two subschemas declare the same id.
    #[error("duplicate id {} in {} at {} and {}", go_quote(id), go_quote(url), go_quote(ptr1), go_quote(ptr2))]
    DuplicateId {
        /// The id.
        id: String,
        /// The document.
        url: String,
        /// One location.
        ptr1: String,
        /// The other location.
        ptr2: String,
    },
    /// Two subschemas of one resource declare the same anchor.
    #[error("duplicate anchor {} in {} at {} and {}", go_quote(anchor), go_quote(url), go_quote(ptr1), go_quote(ptr2))]
    DuplicateAnchor {
        /// The anchor.
        anchor: String,
        /// The document.
        url: String,
        /// One location.
        ptr1: String,
        /// The other location.
        ptr2: String,
    },
    /// An `$id` is not a URL reference.
    #[error("error in parsing id at {}", go_quote(url))]
    ParseId {
        /// Where the id is.
        url: String,
    },
    /// An anchor in an `id` fragment cannot be decoded.
    #[error("error in parsing anchor at {}", go_quote(url))]
    ParseAnchor {
        /// Where the id is.
        url: String,
    },
    /// A `$ref` is not a URL reference (`error in parsing "<ref>": …`).
    #[error("{message}")]
    ParseUrl {
        /// The library's message.
        message: String,
    },
    /// `$schema` is not a URL.
    #[error("invalid $schema in {}: {reason}", go_quote(url))]
    InvalidMetaschemaUrl {
        /// Where the `$schema` is.
        url: String,
        /// Why it does not parse.
        reason: String,
    },
    /// `$schema` names the document itself.
    #[error("draft {} is not supported", go_quote(url))]
    UnsupportedDraft {
        /// The URL.
        url: String,
    },
    /// A `pattern` or `patternProperties` regex that Go accepts but chartpack's engine cannot
    /// run (invalid ones are caught by the metaschema first, with Go's message).
    #[error("invalid regex {} at {}: {reason}", go_quote(regex), go_quote(url))]
    InvalidRegex {
        /// Where the regex is.
        url: String,
        /// The regex.
        regex: String,
        /// Why it cannot be used.
        reason: String,
    },
    /// A `$schema` naming an unknown metaschema, which helm would load from `url`;
    /// chartpack never loads anything.
    #[error(
        "failing loading {}: chartpack does not load external schemas (helm would read or fetch it)",
        go_quote(url)
    )]
    External {
        /// The resource helm would load.
        url: String,
    },
    /// A `$ref` to another document, which helm would read from disk or fetch;
    /// chartpack never loads anything.
    #[error(
        "failing loading {} for $ref {}: chartpack does not load external schemas (helm would read or fetch it)",
        go_quote(url),
        go_quote(reference)
    )]
    ExternalRef {
        /// The resolved URL.
        url: String,
        /// The `$ref` as written.
        reference: String,
    },
    /// The schema nests deeper than [`Limits::max_depth`].
    #[error("schema nests deeper than {limit} levels")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// Compiling or checking the schema needs more than the limits allow.
    #[error("schema is too complex: more than {limit} steps or subschemas")]
    TooComplex {
        /// The limit exceeded.
        limit: u64,
    },
}

impl SchemaError {
    /// Stable identifier of the error kind (`"schema.metaschema"`, …).
    pub fn code(&self) -> &'static str {
        match self {
            SchemaError::Metaschema { .. } => "schema.metaschema",
            SchemaError::PointerNotFound { .. } => "schema.pointer_not_found",
            SchemaError::InvalidPointer { .. } => "schema.invalid_pointer",
            SchemaError::AnchorNotFound { .. } => "schema.anchor_not_found",
            SchemaError::DuplicateId { .. } => "schema.duplicate_id",
            SchemaError::DuplicateAnchor { .. } => "schema.duplicate_anchor",
            SchemaError::ParseId { .. } => "schema.parse_id",
            SchemaError::ParseAnchor { .. } => "schema.parse_anchor",
            SchemaError::ParseUrl { .. } => "schema.parse_url",
            SchemaError::InvalidMetaschemaUrl { .. } => "schema.invalid_metaschema_url",
            SchemaError::UnsupportedDraft { .. } => "schema.unsupported_draft",
            SchemaError::InvalidRegex { .. } => "schema.invalid_regex",
            SchemaError::External { .. } => "schema.external",
            SchemaError::ExternalRef { .. } => "schema.external_ref",
            SchemaError::TooDeep { .. } => "schema.too_deep",
            SchemaError::TooComplex { .. } => "schema.too_complex",
        }
    }
}

/// Why values do not pass.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ValidateError {
    /// The values violate the schema; `Display` is helm's text (see [`ValidationErrors`]).
    #[error("{0}")]
    Invalid(ValidationErrors),
    /// The values, or the validator's recursion, nest deeper than [`Limits::max_depth`].
    #[error("values validation nests deeper than {limit} levels")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// Validation needs more than [`Limits::max_steps`] steps (a schema whose `anyOf`/`$ref`
    /// structure explodes).
    #[error("values validation needs more than {limit} steps")]
    TooComplex {
        /// The limit.
        limit: u64,
    },
}

impl ValidateError {
    /// Stable identifier of the error kind.
    pub fn code(&self) -> &'static str {
        match self {
            ValidateError::Invalid(_) => "schema.invalid_values",
            ValidateError::TooDeep { .. } => "schema.values_too_deep",
            ValidateError::TooComplex { .. } => "schema.values_too_complex",
        }
    }

    /// The validation errors, when the values are invalid.
    pub fn errors(&self) -> Option<&ValidationErrors> {
        match self {
            ValidateError::Invalid(e) => Some(e),
            _ => None,
        }
    }
}

/// Compiles a schema as helm does (`AddResource("file:///values.schema.json")` + `Compile`),
/// with [`DEFAULT_LIMITS`]. Numbers keep their literal text (helm decodes the schema with
/// `UseNumber`).
pub fn compile(schema: &Value) -> Result<Schema, SchemaError> {
    compile_with_limits(schema, &DEFAULT_LIMITS)
}

/// [`compile`] with explicit limits.
pub fn compile_with_limits(schema: &Value, limits: &Limits) -> Result<Schema, SchemaError> {
    let doc = Inst::from_value(schema, Numbers::Literal, limits.max_depth)
        .map_err(|_| SchemaError::TooDeep { limit: limits.max_depth })?;
    let compiled = Compiler::compile_document(doc, limits)?;
    Ok(Schema { compiled, limits: limits.clone() })
}

/// Entry points for fuzzers.
pub mod fuzz {
    /// `data` is a schema (JSON) and values (YAML) separated by the first NUL byte; compiling,
    /// validating and printing every error must never panic.
    pub fn schema_and_values(data: &[u8]) {
        let (schema, values) = match data.iter().position(|&b| b == 0) {
            Some(i) => (&data[..i], &data[i + 1..]),
            None => (data, &b"{}"[..]),
        };
        let Ok(schema) = chartpack_encoding::json::parse(schema) else {
            return;
        };
        match crate::compile(&schema) {
            Err(e) => {
                let _ = (e.to_string(), e.code());
            }
            Ok(s) => {
                let _ = s.draft();
                let values = chartpack_encoding::yaml::parse_bytes(values)
                    .ok()
                    .and_then(|v| chartpack_encoding::yaml::to_json(&v).ok());
                if let Some(values) = values {
                    if let Err(e) = s.validate(&values) {
                        let _ = (e.to_string(), e.code());
                        if let Some(errors) = e.errors() {
                            let _ = errors.full_text();
                            for leaf in errors.leaves() {
                                let _ = (leaf.instance_pointer(), leaf.keyword(), leaf.message());
                            }
                        }
                    }
                }
            }
        }
    }
}

impl Schema {
    /// Validates values as helm does (`validator.Validate(values)`). Numbers are read as
    /// `float64`, as helm's values are (sigs.k8s.io/yaml into `map[string]interface{}`).
    pub fn validate(&self, instance: &Value) -> Result<(), ValidateError> {
        let inst = Inst::from_value(instance, Numbers::Float64, self.limits.max_depth)
            .map_err(|_| ValidateError::TooDeep { limit: self.limits.max_depth })?;
        validator::validate_document(&self.compiled, &inst, &self.limits).map_err(|f| match f {
            validator::Failure::Invalid(e) => ValidateError::Invalid(e),
            validator::Failure::TooDeep => ValidateError::TooDeep { limit: self.limits.max_depth },
            validator::Failure::TooComplex => ValidateError::TooComplex { limit: self.limits.max_steps },
        })
    }

    /// The draft the root schema is interpreted with.
    pub fn draft(&self) -> Draft {
        match self.compiled.nodes.get(self.compiled.root).map_or(2020, |n| n.draft) {
            4 => Draft::Draft4,
            6 => Draft::Draft6,
            7 => Draft::Draft7,
            2019 => Draft::Draft2019,
            _ => Draft::Draft2020,
        }
    }
}
