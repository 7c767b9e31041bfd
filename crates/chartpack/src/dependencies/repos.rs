//! Chart repositories: helm's `repositories.yaml` entries, and which repository each
//! dependency's `repository` field names (helm's `resolveRepoNames`).

use chartpack_chart::Dependency;
use chartpack_encoding::yaml::{self, Value};

use super::DependencyError;

/// One entry of helm's `repositories.yaml` (`helm repo add`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Repository {
    /// The name used as `@name` or `alias:name`.
    pub name: String,
    /// The repository URL.
    pub url: String,
    /// Basic auth user, if any.
    pub username: String,
    /// Basic auth password, if any.
    pub password: String,
    /// Send the credentials to chart URLs on other hosts too (`--pass-credentials`).
    pub pass_credentials_all: bool,
}

/// Parses helm's `repositories.yaml` (the `repositories` list; other fields are ignored).
pub fn parse_repositories(bytes: &[u8], file: &str) -> Result<Vec<Repository>, DependencyError> {
    let bad = |message: String| DependencyError::Config { file: file.to_owned(), message };
    let value = yaml::parse_bytes(bytes).map_err(|e| bad(e.to_string()))?;
    let top = match &value {
        Value::Null => return Ok(Vec::new()),
        Value::Map(pairs) => pairs,
        _ => return Err(bad("expected a mapping with a `repositories` list".to_owned())),
    };
    let Some((_, list)) = top.iter().find(|(k, _)| matches!(k, Value::String(s) if s == "repositories")) else {
        return Ok(Vec::new());
    };
    let items = match list {
        Value::Null => return Ok(Vec::new()),
        Value::Seq(items) => items,
        _ => return Err(bad("repositories: expected a list".to_owned())),
    };
    let mut out = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let Value::Map(pairs) = item else {
            return Err(bad(format!("repositories[{index}]: expected a mapping")));
        };
        let mut repository = Repository::default();
        for (key, value) in pairs {
            let (Value::String(key), text) = (key, scalar(value)) else { continue };
            match key.as_str() {
                "name" => repository.name = text,
                "url" => repository.url = text,
                "username" => repository.username = text,
                "password" => repository.password = text,
                "pass_credentials_all" => repository.pass_credentials_all = text == "true",
                _ => {}
            }
        }
        if repository.name.is_empty() || repository.url.is_empty() {
            return Err(bad(format!("repositories[{index}]: `name` and `url` are required")));
        }
        out.push(repository);
    }
    Ok(out)
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        _ => String::new(),
    }
}

/// helm's `urlutil.Equal`: equal after dropping one trailing `/` of the path.
pub fn urls_equal(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

/// Where a dependency comes from, once its `repository` field is understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `repository: ""`: already in `charts/<name>`.
    Vendored,
    /// `file://PATH`.
    Local(String),
    /// `oci://HOST/PATH`.
    Oci(String),
    /// A classic repository (`index.yaml`), configured or not.
    Http {
        /// The repository URL.
        url: String,
        /// Its configuration, when `helm repo add` knows it.
        configured: Option<Repository>,
    },
}

/// The dependencies as helm hashes them, and where each comes from (`None` for a null entry).
pub type ResolvedSources = (Vec<Option<Dependency>>, Vec<Option<Source>>);

/// Resolves every dependency's source; `@name`/`alias:name` become the configured URL in the
/// returned copy of the dependencies (helm hashes that form). Unknown names fail with helm's
/// message.
pub fn resolve_sources(
    dependencies: &[Option<Dependency>],
    repositories: &[Repository],
) -> Result<ResolvedSources, DependencyError> {
    let mut resolved = dependencies.to_vec();
    let mut sources = Vec::with_capacity(dependencies.len());
    let mut missing: Vec<String> = Vec::new();
    for dependency in resolved.iter_mut() {
        let Some(dependency) = dependency else {
            sources.push(None);
            continue;
        };
        let repository = dependency.repository.clone();
        let source = if repository.is_empty() {
            Source::Vendored
        } else if let Some(path) = repository.strip_prefix("file://") {
            Source::Local(path.to_owned())
        } else if repository.starts_with("oci://") {
            Source::Oci(repository.clone())
        } else {
            let alias = repository.strip_prefix('@').or_else(|| repository.strip_prefix("alias:"));
            let configured = repositories.iter().find(|r| match alias {
                Some(name) => r.name == name,
                None => urls_equal(&r.url, &repository),
            });
            match (configured, alias) {
                (Some(found), alias) => {
                    // helm replaces `@name` by the URL (and hashes that form); a URL stays as written.
                    if alias.is_some() {
                        dependency.repository = found.url.clone();
                    }
                    Source::Http { url: dependency.repository.clone(), configured: Some(found.clone()) }
                }
                (None, None) if is_request_uri(&repository) => {
                    Source::Http { url: repository.clone(), configured: None }
                }
                _ => {
                    missing.push(repository.clone());
                    sources.push(None);
                    continue;
                }
            }
        };
        sources.push(Some(source));
    }
    if !missing.is_empty() {
        let mut message =
            format!("no repository definition for {}. Please add them via 'helm repo add'", missing.join(", "));
        if missing.iter().any(|r| !r.contains("//") && !r.starts_with('@') && !r.starts_with("alias:")) {
            message.push_str(
                "\nNote that repositories must be URLs or aliases. For example, to refer to the \"example\"\n\
                 repository, use \"https://charts.example.com/\" or \"@example\" instead of\n\
                 \"example\". Don't forget to add the repo, too ('helm repo add').",
            );
        }
        return Err(DependencyError::Helm(message));
    }
    Ok((resolved, sources))
}

/// Go's `url.ParseRequestURI` succeeding: an absolute URI (`scheme:...`) or an absolute path.
fn is_request_uri(text: &str) -> bool {
    if text.starts_with('/') {
        return true;
    }
    match text.split_once(':') {
        Some((scheme, _)) => {
            !scheme.is_empty()
                && scheme.as_bytes()[0].is_ascii_alphabetic()
                && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dep(name: &str, repository: &str) -> Option<Dependency> {
        Some(Dependency {
            name: name.into(),
            version: "1.x".into(),
            repository: repository.into(),
            ..Dependency::default()
        })
    }

    #[test]
    fn parses_helms_repositories_file() {
        let text = "apiVersion: \"\"\ngenerated: \"0001-01-01T00:00:00Z\"\nrepositories:\n- caFile: \"\"\n  name: local\n  url: http://127.0.0.1:8879/charts\n  username: u\n  password: p\n  pass_credentials_all: true\n";
        let repos = parse_repositories(text.as_bytes(), "repositories.yaml").expect("parses");
        assert_eq!(repos.len(), 1);
        assert_eq!((repos[0].name.as_str(), repos[0].url.as_str()), ("local", "http://127.0.0.1:8879/charts"));
        assert!(repos[0].pass_credentials_all);
        assert!(parse_repositories(b"repositories:\n- name: x\n", "r.yaml").is_err());
    }

    #[test]
    fn aliases_become_urls_and_unknown_names_fail_with_helms_message() {
        let repos = vec![Repository {
            name: "stable".into(),
            url: "https://charts.example.com/".into(),
            ..Repository::default()
        }];
        let deps = vec![
            dep("a", "@stable"),
            dep("b", "alias:stable"),
            dep("c", "https://charts.example.com"),
            dep("d", "oci://r/x"),
            dep("e", ""),
            dep("f", "file://../f"),
        ];
        let (resolved, sources) = resolve_sources(&deps, &repos).expect("resolves");
        assert_eq!(resolved[0].as_ref().map(|d| d.repository.as_str()), Some("https://charts.example.com/"));
        assert_eq!(resolved[2].as_ref().map(|d| d.repository.as_str()), Some("https://charts.example.com"));
        assert!(matches!(&sources[2], Some(Source::Http { configured: Some(_), .. })));
        assert_eq!(sources[3], Some(Source::Oci("oci://r/x".into())));
        assert_eq!(sources[4], Some(Source::Vendored));
        assert_eq!(sources[5], Some(Source::Local("../f".into())));
        let err = resolve_sources(&[dep("a", "@nope"), dep("b", "plain")], &repos).expect_err("unknown");
        let text = err.to_string();
        assert!(
            text.starts_with(
                "no repository definition for @nope, plain. Please add them via 'helm repo add'\nNote that"
            ),
            "{text}"
        );
    }
}
