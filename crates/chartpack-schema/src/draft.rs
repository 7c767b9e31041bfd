//! JSON Schema drafts as the library knows them: their URLs, `id` keyword, where subschemas
//! sit, and the embedded metaschemas (copied from santhosh-tekuri/jsonschema v6
//! `metaschemas/`, themselves the json-schema.org documents).

/// A JSON Schema draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Draft {
    /// draft-04 (`id`, boolean `exclusiveMinimum`/`exclusiveMaximum`).
    Draft4,
    /// draft-06 (`$id`, `const`, `contains`, `propertyNames`).
    Draft6,
    /// draft-07 (`if`/`then`/`else`).
    Draft7,
    /// 2019-09 (`$defs`, `$anchor`, `$recursiveRef`, `dependentRequired`, `unevaluated*`).
    Draft2019,
    /// 2020-12 (`prefixItems`, `$dynamicRef`); the default when `$schema` is absent.
    Draft2020,
}

impl Draft {
    /// The draft's metaschema URL, as the library spells it.
    pub fn url(self) -> &'static str {
        match self {
            Draft::Draft4 => "http://json-schema.org/draft-04/schema",
            Draft::Draft6 => "http://json-schema.org/draft-06/schema",
            Draft::Draft7 => "http://json-schema.org/draft-07/schema",
            Draft::Draft2019 => "https://json-schema.org/draft/2019-09/schema",
            Draft::Draft2020 => "https://json-schema.org/draft/2020-12/schema",
        }
    }

    pub(crate) fn version(self) -> u32 {
        match self {
            Draft::Draft4 => 4,
            Draft::Draft6 => 6,
            Draft::Draft7 => 7,
            Draft::Draft2019 => 2019,
            Draft::Draft2020 => 2020,
        }
    }

    /// The keyword holding a schema's id.
    pub(crate) fn id_keyword(self) -> &'static str {
        if self == Draft::Draft4 {
            "id"
        } else {
            "$id"
        }
    }

    /// `draftFromURL`: `$schema` values naming a known draft (http or https, no fragment
    /// other than an empty one).
    pub(crate) fn from_url(url: &str) -> Option<Draft> {
        let (u, frag) = crate::url::split(url);
        if !frag.is_empty() {
            return None;
        }
        let u = u.strip_prefix("http://").or_else(|| u.strip_prefix("https://")).unwrap_or(u);
        match u {
            "json-schema.org/schema" | "json-schema.org/draft/2020-12/schema" => Some(Draft::Draft2020),
            "json-schema.org/draft/2019-09/schema" => Some(Draft::Draft2019),
            "json-schema.org/draft-07/schema" => Some(Draft::Draft7),
            "json-schema.org/draft-06/schema" => Some(Draft::Draft6),
            "json-schema.org/draft-04/schema" => Some(Draft::Draft4),
            _ => None,
        }
    }

    /// Where subschemas sit (`definitions/*`, `allOf/[]`, …), by draft.
    pub(crate) fn subschema_paths(self) -> Vec<&'static [Pos]> {
        use Pos::{AllItem as I, AllProp as P, Prop as K};
        let mut v: Vec<&'static [Pos]> = vec![
            &[K("definitions"), P],
            &[K("not")],
            &[K("allOf"), I],
            &[K("anyOf"), I],
            &[K("oneOf"), I],
            &[K("properties"), P],
            &[K("additionalProperties")],
            &[K("patternProperties"), P],
            &[K("items")],
            &[K("items"), I],
            &[K("additionalItems")],
            &[K("dependencies"), P],
        ];
        if self >= Draft::Draft6 {
            v.extend_from_slice(&[&[K("propertyNames")] as &[Pos], &[K("contains")]]);
        }
        if self >= Draft::Draft7 {
            v.extend_from_slice(&[&[K("if")] as &[Pos], &[K("then")], &[K("else")]]);
        }
        if self >= Draft::Draft2019 {
            v.extend_from_slice(&[
                &[K("$defs"), P] as &[Pos],
                &[K("dependentSchemas"), P],
                &[K("unevaluatedProperties")],
                &[K("unevaluatedItems")],
                &[K("contentSchema")],
            ]);
        }
        if self >= Draft::Draft2020 {
            v.push(&[K("prefixItems"), I]);
        }
        v
    }
}

/// One step of a subschema path.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Pos {
    /// A named member.
    Prop(&'static str),
    /// Every member of an object.
    AllProp,
    /// Every item of an array.
    AllItem,
}

/// The embedded metaschema documents, by URL (what the library's `loadMeta` serves without
/// touching the network).
pub(crate) fn metaschema_text(url: &str) -> Option<&'static str> {
    let rest = url.strip_prefix("http://json-schema.org/").or_else(|| url.strip_prefix("https://json-schema.org/"))?;
    let rest = if rest == "schema" { "draft/2020-12/schema" } else { rest };
    Some(match rest {
        "draft-04/schema" => include_str!("metaschemas/draft-04_schema.json"),
        "draft-06/schema" => include_str!("metaschemas/draft-06_schema.json"),
        "draft-07/schema" => include_str!("metaschemas/draft-07_schema.json"),
        "draft/2019-09/schema" => include_str!("metaschemas/draft-2019-09_schema.json"),
        "draft/2019-09/meta/core" => include_str!("metaschemas/draft-2019-09_meta_core.json"),
        "draft/2019-09/meta/applicator" => include_str!("metaschemas/draft-2019-09_meta_applicator.json"),
        "draft/2019-09/meta/validation" => include_str!("metaschemas/draft-2019-09_meta_validation.json"),
        "draft/2019-09/meta/meta-data" => include_str!("metaschemas/draft-2019-09_meta_meta-data.json"),
        "draft/2019-09/meta/format" => include_str!("metaschemas/draft-2019-09_meta_format.json"),
        "draft/2019-09/meta/content" => include_str!("metaschemas/draft-2019-09_meta_content.json"),
        "draft/2020-12/schema" => include_str!("metaschemas/draft-2020-12_schema.json"),
        "draft/2020-12/meta/core" => include_str!("metaschemas/draft-2020-12_meta_core.json"),
        "draft/2020-12/meta/applicator" => include_str!("metaschemas/draft-2020-12_meta_applicator.json"),
        "draft/2020-12/meta/unevaluated" => include_str!("metaschemas/draft-2020-12_meta_unevaluated.json"),
        "draft/2020-12/meta/validation" => include_str!("metaschemas/draft-2020-12_meta_validation.json"),
        "draft/2020-12/meta/meta-data" => include_str!("metaschemas/draft-2020-12_meta_meta-data.json"),
        "draft/2020-12/meta/format-annotation" => {
            include_str!("metaschemas/draft-2020-12_meta_format-annotation.json")
        }
        "draft/2020-12/meta/format-assertion" => include_str!("metaschemas/draft-2020-12_meta_format-assertion.json"),
        "draft/2020-12/meta/content" => include_str!("metaschemas/draft-2020-12_meta_content.json"),
        _ => return None,
    })
}
