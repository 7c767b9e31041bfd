//! `.helmignore` rules, with helm's quirks. Mirrors helm pkg/ignore/rules.go.

use crate::glob;

/// Name of the ignore file at the chart root.
pub const HELMIGNORE: &str = ".helmignore";

/// Why a `.helmignore` could not be parsed; the text is helm's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IgnoreError {
    /// A rule used `**`, which helm refuses.
    #[error("double-star (**) syntax is not supported")]
    DoubleStar {
        /// The offending line, trimmed.
        rule: String,
    },
    /// A rule is not a valid Go glob.
    #[error("syntax error in pattern")]
    BadPattern {
        /// The offending line, trimmed.
        rule: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Anchor {
    /// No `/` in the rule: matches the base name at any depth.
    BaseName,
    /// The rule has a `/` (or started with one): matches the whole relative path.
    FullPath,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    glob: String,
    anchor: Anchor,
    negate: bool,
    dirs_only: bool,
}

/// Parsed `.helmignore` rules plus helm's built-in `templates/.?*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoreRules {
    rules: Vec<Rule>,
}

impl Default for IgnoreRules {
    fn default() -> Self {
        Self::parse("").unwrap_or(IgnoreRules { rules: Vec::new() })
    }
}

impl IgnoreRules {
    /// Parses the text of a `.helmignore` and appends helm's default rule (`templates/.?*`).
    pub fn parse(text: &str) -> Result<Self, IgnoreError> {
        let mut rules = Vec::new();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for line in text.split('\n') {
            if let Some(rule) = parse_rule(line)? {
                rules.push(rule);
            }
        }
        if let Some(rule) = parse_rule("templates/.?*")? {
            rules.push(rule);
        }
        Ok(IgnoreRules { rules })
    }

    /// Whether helm ignores `path` (relative, `/`-separated); `is_dir` tells a directory.
    /// A negated rule ignores everything that does *not* match it (helm's quirk).
    pub fn ignores(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        for rule in &self.rules {
            if rule.negate {
                if rule.dirs_only && !is_dir {
                    return true;
                }
                if !rule.matches(path) {
                    return true;
                }
                continue;
            }
            if rule.dirs_only && !is_dir {
                continue;
            }
            if rule.matches(path) {
                return true;
            }
        }
        false
    }

    /// Whether a file is left out, checking each parent directory first as helm's
    /// directory walk does (an ignored directory prunes everything below it).
    pub fn ignores_file_or_parent(&self, path: &str) -> bool {
        let mut end = 0;
        while let Some(slash) = path[end..].find('/') {
            end += slash;
            if self.ignores(&path[..end], true) {
                return true;
            }
            end += 1;
        }
        self.ignores(path, false)
    }
}

impl Rule {
    fn matches(&self, path: &str) -> bool {
        let subject = match self.anchor {
            Anchor::BaseName => base_name(path),
            Anchor::FullPath => path,
        };
        glob::matches(&self.glob, subject).unwrap_or(false)
    }
}

/// Go's `filepath.Base` for `/`-separated, non-empty paths.
fn base_name(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return if path.is_empty() { "." } else { "/" };
    }
    match trimmed.rfind('/') {
        Some(i) => &trimmed[i + 1..],
        None => trimmed,
    }
}

fn parse_rule(line: &str) -> Result<Option<Rule>, IgnoreError> {
    // Go's bufio.Scanner drops a trailing \r; strings.TrimSpace then trims Unicode spaces.
    let rule = line.trim();
    if rule.is_empty() || rule.starts_with('#') {
        return Ok(None);
    }
    if rule.contains("**") {
        return Err(IgnoreError::DoubleStar { rule: rule.to_owned() });
    }
    if glob::matches(rule, "abc").is_err() {
        return Err(IgnoreError::BadPattern { rule: rule.to_owned() });
    }
    let mut glob = rule;
    let negate = if let Some(rest) = glob.strip_prefix('!') {
        glob = rest;
        true
    } else {
        false
    };
    let dirs_only = if let Some(rest) = glob.strip_suffix('/') {
        glob = rest;
        true
    } else {
        false
    };
    let anchor = if let Some(rest) = glob.strip_prefix('/') {
        glob = rest;
        Anchor::FullPath
    } else if glob.contains('/') {
        Anchor::FullPath
    } else {
        Anchor::BaseName
    };
    Ok(Some(Rule { glob: glob.to_owned(), anchor, negate, dirs_only }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(rules: &str, path: &str, ignored: bool) {
        let parsed = IgnoreRules::parse(rules).expect("rules parse");
        assert_eq!(parsed.ignores_file_or_parent(path), ignored, "rules {rules:?}, path {path}");
    }

    // The verified table of helm-behaviour.md §1.5 (helm v4.1.4).
    #[test]
    fn reference_table() {
        check("docs", "docs/a.txt", true);
        check("docs/", "docs/a.txt", true);
        check("docs/*.txt", "docs/readme.txt", true);
        check("docs/*.txt", "docs/sub/x.txt", false);
        check("/docs/*.txt", "docs/readme.txt", true);
        check("/docs/*.txt", "docs/sub/x.txt", false);
        check("sub/x.txt", "docs/sub/x.txt", false);
        check("*.txt", "docs/sub/x.txt", true);
        check("*.txt", "a.txt", true);
        check("tests/", "templates/tests/t.yaml", true);
        check("foo*", "foo/bar.yaml", true);
        check("foo*", "foo.txt", true);
        check("Chart.yaml", "Chart.yaml", true);
    }

    #[test]
    fn negation_ignores_everything_else() {
        check("*.txt\n!important.txt", "Chart.yaml", true);
        check("!keep.txt", "keep.txt", false);
        check("!keep/", "keep.txt", true);
    }

    #[test]
    fn default_rule_hides_dotfiles_in_templates() {
        check("", "templates/.gitkeep", true);
        check("", "templates/a.yaml", false);
        check("", ".helmignore", false);
    }

    #[test]
    fn comments_blank_lines_and_spaces() {
        check("# docs\n\n   docs   \r\n", "docs/x", true);
        check("# docs", "docs/x", false);
    }

    #[test]
    fn errors_are_helms() {
        assert_eq!(
            IgnoreRules::parse("a/**/b").map(|_| ()).map_err(|e| e.to_string()),
            Err("double-star (**) syntax is not supported".to_owned())
        );
        assert_eq!(
            IgnoreRules::parse("[").map(|_| ()).map_err(|e| e.to_string()),
            Err("syntax error in pattern".to_owned())
        );
    }
}
