//! Go's `net/url` as helm's OCI code meets it (go1.25.9): [`chartpack_encoding::gourl`] with
//! go1.25's check of bracketed hosts, and oras-go's rule for a registry.

use chartpack_encoding::gourl::{self, Url};

/// Go's `url.Parse`; `None` where Go returns an error (helm then says `invalid chart URL format`).
pub(super) fn parse(raw: &str) -> Option<Url> {
    gourl::parse(raw).ok().filter(|url| gourl::valid_ip_literal(&url.host))
}

/// oras-go `Reference.ValidateRegistry`: `url.ParseRequestURI("dummy://" + registry)` must
/// succeed with exactly `registry` as its host.
pub(super) fn is_valid_registry(registry: &str) -> bool {
    if registry.is_empty() || registry.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return false;
    }
    // ParseRequestURI cuts the query off and takes user info out of the host.
    if registry.contains('?') || registry.contains('@') {
        return false;
    }
    gourl::valid_ip_literal(registry) && gourl::parse_host(registry).is_ok_and(|host| host == registry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(raw: &str, want: Option<&str>) {
        assert_eq!(parse(raw).map(|u| u.to_string()).as_deref(), want, "url.Parse({raw:?}).String()");
    }

    #[test]
    fn bracketed_hosts_follow_go() {
        // Accepted or refused as helm v4.1.4 (go1.25.9) showed in `helm push x.tgz REMOTE` and
        // `helm pull REF` ("invalid chart URL format" = url.Parse failed); the strings are the
        // remotes helm then printed inside its reference errors. The other cases are in
        // chartpack-encoding's gourl.
        check("oci://127.0.0.1:1/charts", Some("oci://127.0.0.1:1/charts"));
        check("oci://[foo]:1/charts/x", None);
        check("oci://[1.2.3.4]:1/c/x", None);
        check("oci://[::ffff:1.2.3.4]:1/c/x", Some("oci://[::ffff:1.2.3.4]:1/c/x"));
        check("oci://[::1]x/c/x", None);
        check("oci://a[b/c/x", None);
        check("oci://a]b/c/x", Some("oci://a]b/c/x"));
    }

    #[test]
    fn registry_rules_follow_oras() {
        for (registry, valid) in [
            ("127.0.0.1:5000", true),
            ("localhost", true),
            ("Ab_c.invalid:1", true),
            ("a!b.invalid", true),
            ("a:1:2", true),
            ("a:", true),
            (":1", true),
            ("[::1]", true),
            ("[::1]:5000", true),
            ("", false),
            ("ü.invalid", true),
            ("%C3%BC.invalid", false),
            ("127.0.0.1:x", false),
            ("u:p@h", false),
            ("h?x", false),
            ("a b", false),
            ("a{b", false),
            ("[foo]", false),
        ] {
            assert_eq!(is_valid_registry(registry), valid, "{registry:?}");
        }
    }
}
