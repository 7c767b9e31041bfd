//! A small pflag-style argument parser: `--flag`, `--opt value`, `--opt=value`, `-d value`,
//! positionals anywhere, `--` ends options.

/// Parsed arguments of one subcommand.
#[derive(Debug, Default)]
pub(crate) struct Args {
    pub(crate) positional: Vec<String>,
    values: Vec<(String, String)>,
    flags: Vec<String>,
}

impl Args {
    /// Parses `argv`; `with_value` lists options taking a value, `switches` boolean flags.
    pub(crate) fn new(argv: &[String], with_value: &[&str], switches: &[&str]) -> Result<Args, String> {
        let mut args = Args::default();
        let mut i = 0;
        while i < argv.len() {
            let arg = &argv[i];
            i += 1;
            if arg == "--" {
                args.positional.extend(argv[i..].iter().cloned());
                break;
            }
            if !arg.starts_with('-') || arg == "-" {
                args.positional.push(arg.clone());
                continue;
            }
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n, Some(v.to_owned())),
                _ => (arg.as_str(), None),
            };
            if with_value.contains(&name) {
                let value = match inline {
                    Some(v) => v,
                    None => {
                        let v = argv.get(i).cloned().ok_or_else(|| format!("flag needs an argument: {name}"))?;
                        i += 1;
                        v
                    }
                };
                args.values.push((name.to_owned(), value));
            } else if switches.contains(&name) {
                if inline.as_deref().is_some_and(|v| v == "false") {
                    continue;
                }
                args.flags.push(name.to_owned());
            } else {
                return Err(format!("unknown flag: {name}"));
            }
        }
        Ok(args)
    }

    /// The last value given for any of `names`.
    pub(crate) fn value(&self, names: &[&str]) -> Option<String> {
        self.values.iter().rev().find(|(n, _)| names.contains(&n.as_str())).map(|(_, v)| v.clone())
    }

    /// Every value given for `name`, in order (repeatable options).
    pub(crate) fn values(&self, name: &str) -> Vec<String> {
        self.values.iter().filter(|(n, _)| n == name).map(|(_, v)| v.clone()).collect()
    }

    /// Every value given for any of `names` (an option and its short form), in order.
    pub(crate) fn values_any(&self, names: &[&str]) -> Vec<String> {
        self.values.iter().filter(|(n, _)| names.contains(&n.as_str())).map(|(_, v)| v.clone()).collect()
    }

    /// Whether a switch was given.
    pub(crate) fn flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pflag_forms() {
        let argv: Vec<String> = ["dir", "-d", "out", "--version=1.2.3", "--reproducible", "--app-version", "2"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let args = Args::new(&argv, &["-d", "--version", "--app-version"], &["--reproducible"]).expect("parses");
        assert_eq!(args.positional, ["dir"]);
        assert_eq!(args.value(&["-d"]).as_deref(), Some("out"));
        assert_eq!(args.value(&["--version"]).as_deref(), Some("1.2.3"));
        assert_eq!(args.value(&["--app-version"]).as_deref(), Some("2"));
        assert!(args.flag("--reproducible"));
        assert!(Args::new(&["--nope".to_owned()], &[], &[]).is_err());
    }
}
