//! The `format` checks of santhosh-tekuri/jsonschema v6 (`format.go`), with the library's
//! reasons and the Go standard-library errors it passes through (`strconv.Atoi`,
//! `time.Parse`, `netip.ParseAddr`, `url.Parse`, `regexp.Compile`).
//!
//! Like Go, the checks index strings by byte.

use chartpack_encoding::gofmt;
use chartpack_encoding::gofmt::time_quote;

use crate::instance::Inst;

/// A known format; unknown names are not checked (as in the library).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    JsonPointer,
    RelativeJsonPointer,
    Uuid,
    Duration,
    Period,
    Ipv4,
    Ipv6,
    Hostname,
    Email,
    Date,
    Time,
    DateTime,
    Uri,
    Iri,
    UriReference,
    IriReference,
    UriTemplate,
    Semver,
    Regex,
}

impl Format {
    /// The format called `name`, if the library knows it.
    pub(crate) fn named(name: &str) -> Option<Format> {
        Some(match name {
            "json-pointer" => Format::JsonPointer,
            "relative-json-pointer" => Format::RelativeJsonPointer,
            "uuid" => Format::Uuid,
            "duration" => Format::Duration,
            "period" => Format::Period,
            "ipv4" => Format::Ipv4,
            "ipv6" => Format::Ipv6,
            "hostname" => Format::Hostname,
            "email" => Format::Email,
            "date" => Format::Date,
            "time" => Format::Time,
            "date-time" => Format::DateTime,
            "uri" => Format::Uri,
            "iri" => Format::Iri,
            "uri-reference" => Format::UriReference,
            "iri-reference" => Format::IriReference,
            "uri-template" => Format::UriTemplate,
            "semver" => Format::Semver,
            "regex" => Format::Regex,
            _ => return None,
        })
    }

    /// The name as the schema spells it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Format::JsonPointer => "json-pointer",
            Format::RelativeJsonPointer => "relative-json-pointer",
            Format::Uuid => "uuid",
            Format::Duration => "duration",
            Format::Period => "period",
            Format::Ipv4 => "ipv4",
            Format::Ipv6 => "ipv6",
            Format::Hostname => "hostname",
            Format::Email => "email",
            Format::Date => "date",
            Format::Time => "time",
            Format::DateTime => "date-time",
            Format::Uri => "uri",
            Format::Iri => "iri",
            Format::UriReference => "uri-reference",
            Format::IriReference => "iri-reference",
            Format::UriTemplate => "uri-template",
            Format::Semver => "semver",
            Format::Regex => "regex",
        }
    }

    /// Checks `v`; only strings are checked. The error is the reason text.
    pub(crate) fn validate(self, v: &Inst) -> Result<(), String> {
        let Inst::Str(s) = v else {
            return Ok(());
        };
        let b = s.as_bytes();
        match self {
            Format::JsonPointer => json_pointer(s),
            Format::RelativeJsonPointer => relative_json_pointer(s),
            Format::Uuid => uuid(s),
            Format::Duration => duration(b),
            Format::Period => period(b),
            Format::Ipv4 => ipv4(s),
            Format::Ipv6 => ipv6(s),
            Format::Hostname => hostname(b),
            Format::Email => email(b),
            Format::Date => date(b),
            Format::Time => time(b),
            Format::DateTime => date_time(b),
            Format::Uri | Format::Iri => uri(s),
            Format::UriReference | Format::IriReference => uri_reference(s),
            Format::UriTemplate => uri_template(s),
            Format::Semver => semver(s),
            Format::Regex => crate::regex::check_syntax(s),
        }
    }
}

/// Go's `%q` of a rune (`strconv.QuoteRune`).
fn quote_rune(c: char) -> String {
    match c {
        '\'' => "'\\''".to_owned(),
        '"' => "'\"'".to_owned(),
        _ => {
            let q = gofmt::quote(&c.to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

/// Runes of a byte string as Go's `range` yields them (invalid bytes as U+FFFD).
fn runes(b: &[u8]) -> Vec<char> {
    String::from_utf8_lossy(b).chars().collect()
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn json_pointer(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Ok(());
    }
    if !s.starts_with('/') {
        return Err("not starting with /".to_owned());
    }
    for tok in s.split('/').skip(1) {
        let mut escape = false;
        for ch in tok.chars() {
            if escape {
                escape = false;
                if ch != '0' && ch != '1' {
                    return Err("~ must be followed by 0 or 1".to_owned());
                }
                continue;
            }
            if ch == '~' {
                escape = true;
                continue;
            }
            let ok = matches!(ch, '\u{0}'..='\u{2E}' | '\u{30}'..='\u{7D}' | '\u{7F}'..='\u{10FFFF}');
            if !ok {
                return Err(format!("invalid character {}", quote_rune(ch)));
            }
        }
        if escape {
            return Err("~ must be followed by 0 or 1".to_owned());
        }
    }
    Ok(())
}

fn relative_json_pointer(s: &str) -> Result<(), String> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return Err("must start with non-negative integer".to_owned());
    }
    if digits > 1 && s.starts_with('0') {
        return Err("starts with zero".to_owned());
    }
    let rest = &s[digits..];
    if rest == "#" {
        return Ok(());
    }
    json_pointer(rest)
}

fn uuid(s: &str) -> Result<(), String> {
    const GROUPS: [usize; 5] = [8, 4, 4, 4, 12];
    let groups: Vec<&str> = s.split('-').collect();
    if groups.len() != GROUPS.len() {
        return Err(format!("must have {} elements", GROUPS.len()));
    }
    for (i, g) in groups.iter().enumerate() {
        if g.len() != GROUPS[i] {
            return Err(format!("element {} must be {} characters long", i + 1, GROUPS[i]));
        }
        for ch in g.chars() {
            if !ch.is_ascii_hexdigit() {
                return Err(format!("non-hex character {}", quote_rune(ch)));
            }
        }
    }
    Ok(())
}

fn duration(b: &[u8]) -> Result<(), String> {
    let Some(s) = b.strip_prefix(b"P") else {
        return Err("must start with P".to_owned());
    };
    if s.is_empty() {
        return Err("nothing after P".to_owned());
    }
    if let Some(w) = s.strip_suffix(b"W") {
        if w.is_empty() {
            return Err("no number in week".to_owned());
        }
        if !w.iter().all(u8::is_ascii_digit) {
            return Err("invalid week".to_owned());
        }
        return Ok(());
    }
    let all_units: [&[u8]; 2] = [b"YMD", b"HMS"];
    for (i, part) in s.split(|&c| c == b'T').enumerate() {
        if i != 0 && part.is_empty() {
            return Err("no time elements".to_owned());
        }
        if i >= all_units.len() {
            return Err("more than one T".to_owned());
        }
        let mut units = all_units[i];
        let mut s = part;
        while !s.is_empty() {
            let digits = s.iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 {
                return Err("missing number".to_owned());
            }
            s = &s[digits..];
            let Some(&unit) = s.first() else {
                return Err("missing unit".to_owned());
            };
            match units.iter().position(|&u| u == unit) {
                Some(j) => units = &units[j + 1..],
                None => {
                    if all_units[i].contains(&unit) {
                        return Err(format!("unit {} out of order", quote_rune(char::from(unit))));
                    }
                    return Err(format!("invalid unit {}", quote_rune(char::from(unit))));
                }
            }
            s = &s[1..];
        }
    }
    Ok(())
}

/// `strconv.Atoi` with its error text.
fn atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.Atoi: parsing {}: invalid syntax", gofmt::quote(s)));
    }
    s.parse::<i64>().map_err(|_| format!("strconv.Atoi: parsing {}: value out of range", gofmt::quote(s)))
}

fn ipv4(s: &str) -> Result<(), String> {
    let groups: Vec<&str> = s.split('.').collect();
    if groups.len() != 4 {
        return Err("expected four decimals".to_owned());
    }
    for g in groups {
        if g.len() > 1 && g.starts_with('0') {
            return Err("leading zeros".to_owned());
        }
        let n = atoi(g)?;
        if !(0..=255).contains(&n) {
            return Err("decimal must be between 0 and 255".to_owned());
        }
    }
    Ok(())
}

/// `netip.parseAddrError`.
fn addr_error(input: &str, msg: &str, at: &str) -> String {
    if at.is_empty() {
        format!("ParseAddr({}): {msg}", gofmt::quote(input))
    } else {
        format!("ParseAddr({}): {msg} (at {})", gofmt::quote(input), gofmt::quote(at))
    }
}

fn lossy_at(b: &[u8]) -> String {
    lossy(b)
}

/// `netip.parseIPv4Fields` over `input[off..end]`.
fn ipv4_fields(input: &str, off: usize, end: usize) -> Result<(), String> {
    let s = &input.as_bytes()[off..end];
    let (mut val, mut pos, mut dig_len) = (0u32, 0, 0);
    for i in 0..s.len() {
        let c = s[i];
        if c.is_ascii_digit() {
            if dig_len == 1 && val == 0 {
                return Err(addr_error(input, "IPv4 field has octet with leading zero", ""));
            }
            val = val * 10 + u32::from(c - b'0');
            dig_len += 1;
            if val > 255 {
                return Err(addr_error(input, "IPv4 field has value >255", ""));
            }
        } else if c == b'.' {
            if i == 0 || i == s.len() - 1 || s[i - 1] == b'.' {
                return Err(addr_error(input, "IPv4 field must have at least one digit", &lossy_at(&s[i..])));
            }
            if pos == 3 {
                return Err(addr_error(input, "IPv4 address too long", ""));
            }
            pos += 1;
            val = 0;
            dig_len = 0;
        } else {
            return Err(addr_error(input, "unexpected character", &lossy_at(&s[i..])));
        }
    }
    if pos < 3 {
        return Err(addr_error(input, "IPv4 address too short", ""));
    }
    Ok(())
}

/// `netip.ParseAddr`; returns whether a zone was present.
fn parse_addr(input: &str) -> Result<bool, String> {
    for c in input.bytes() {
        match c {
            b'.' => return ipv4_fields(input, 0, input.len()).map(|()| false),
            b':' => return parse_ipv6(input),
            b'%' => return Err(addr_error(input, "missing IPv6 address", "")),
            _ => {}
        }
    }
    Err(addr_error(input, "unable to parse IP", ""))
}

fn parse_ipv6(input: &str) -> Result<bool, String> {
    let mut s = input.as_bytes();
    let mut zone: &[u8] = b"";
    if let Some(i) = s.iter().position(|&c| c == b'%') {
        zone = &s[i + 1..];
        s = &s[..i];
        if zone.is_empty() {
            return Err(addr_error(input, "zone must be a non-empty string", ""));
        }
    }
    let mut ellipsis: i32 = -1;
    if s.len() >= 2 && s[0] == b':' && s[1] == b':' {
        ellipsis = 0;
        s = &s[2..];
        if s.is_empty() {
            return Ok(!zone.is_empty());
        }
    }
    let mut i: i32 = 0;
    while i < 16 {
        let mut off = 0;
        let mut acc: u32 = 0;
        while off < s.len() {
            let c = s[off];
            let Some(d) = char::from(c).to_digit(16) else {
                break;
            };
            acc = (acc << 4) + d;
            if off > 3 {
                return Err(addr_error(input, "each group must have 4 or less digits", &lossy(s)));
            }
            if acc > 0xFFFF {
                return Err(addr_error(input, "IPv6 field has value >=2^16", &lossy(s)));
            }
            off += 1;
        }
        if off == 0 {
            return Err(addr_error(input, "each colon-separated field must have at least one digit", &lossy(s)));
        }
        if off < s.len() && s[off] == b'.' {
            if ellipsis < 0 && i != 12 {
                return Err(addr_error(
                    input,
                    "embedded IPv4 address must replace the final 2 fields of the address",
                    &lossy(s),
                ));
            }
            if i + 4 > 16 {
                return Err(addr_error(
                    input,
                    "too many hex fields to fit an embedded IPv4 at the end of the address",
                    &lossy(s),
                ));
            }
            let mut end = input.len();
            if !zone.is_empty() {
                end -= zone.len() + 1;
            }
            ipv4_fields(input, end - s.len(), end)?;
            s = b"";
            i += 4;
            break;
        }
        i += 2;
        s = &s[off..];
        if s.is_empty() {
            break;
        }
        if s[0] != b':' {
            return Err(addr_error(input, "unexpected character, want colon", &lossy(s)));
        } else if s.len() == 1 {
            return Err(addr_error(input, "colon must be followed by more characters", &lossy(s)));
        }
        s = &s[1..];
        if s[0] == b':' {
            if ellipsis >= 0 {
                return Err(addr_error(input, "multiple :: in address", &lossy(s)));
            }
            ellipsis = i;
            s = &s[1..];
            if s.is_empty() {
                break;
            }
        }
    }
    if !s.is_empty() {
        return Err(addr_error(input, "trailing garbage after address", &lossy(s)));
    }
    if i < 16 {
        if ellipsis < 0 {
            return Err(addr_error(input, "address string too short", ""));
        }
    } else if ellipsis >= 0 {
        return Err(addr_error(input, "the :: must expand to at least one field of zeros", ""));
    }
    Ok(!zone.is_empty())
}

fn ipv6(s: &str) -> Result<(), String> {
    if !s.contains(':') {
        return Err("missing colon".to_owned());
    }
    if parse_addr(s)? {
        return Err("zone id is not a part of ipv6 address".to_owned());
    }
    Ok(())
}

fn hostname(b: &[u8]) -> Result<(), String> {
    let s = b.strip_suffix(b".").unwrap_or(b);
    if s.len() > 253 {
        return Err("more than 253 characters long".to_owned());
    }
    for label in s.split(|&c| c == b'.') {
        if label.is_empty() || label.len() > 63 {
            return Err("label must be 1 to 63 characters long".to_owned());
        }
        if label.starts_with(b"-") {
            return Err("label starts with hyphen".to_owned());
        }
        if label.ends_with(b"-") {
            return Err("label ends with hyphen".to_owned());
        }
        for ch in runes(label) {
            if !(ch.is_ascii_alphanumeric() || ch == '-') {
                return Err(format!("invalid character {}", quote_rune(ch)));
            }
        }
    }
    Ok(())
}

fn email(b: &[u8]) -> Result<(), String> {
    if b.len() > 254 {
        return Err("more than 255 characters long".to_owned());
    }
    let Some(at) = b.iter().rposition(|&c| c == b'@') else {
        return Err("missing @".to_owned());
    };
    let (local, domain) = (&b[..at], &b[at + 1..]);
    if local.len() > 64 {
        return Err("local part more than 64 characters long".to_owned());
    }
    if local.len() > 1 && local.starts_with(b"\"") {
        let inner = &local[1..local.len() - 1];
        if inner.contains(&b'\\') || inner.contains(&b'"') {
            return Err("backslash and quote are not allowed within quoted local part".to_owned());
        }
    } else {
        if local.starts_with(b".") {
            return Err("starts with dot".to_owned());
        }
        if local.ends_with(b".") {
            return Err("ends with dot".to_owned());
        }
        if local.windows(2).any(|w| w == b"..") {
            return Err("consecutive dots".to_owned());
        }
        for ch in runes(local) {
            if !(ch.is_ascii_alphanumeric() || ".!#$%&'*+-/=?^_`{|}~".contains(ch)) {
                return Err(format!("invalid character {}", quote_rune(ch)));
            }
        }
    }
    if domain.starts_with(b"[") && domain.ends_with(b"]") && domain.len() >= 2 {
        let inner = &domain[1..domain.len() - 1];
        if let Some(rem) = inner.strip_prefix(b"IPv6:") {
            return ipv6(&lossy(rem)).map_err(|e| format!("invalid ipv6 address: {e}"));
        }
        return ipv4(&lossy(inner)).map_err(|e| format!("invalid ipv4 address: {e}"));
    }
    hostname(domain).map_err(|e| format!("invalid domain: {e}"))
}

/// `time.Parse("2006-01-02", s)` errors.
fn date(value: &[u8]) -> Result<(), String> {
    const LAYOUT: &str = "2006-01-02";
    let whole = time_quote(value);
    let cannot = |value_elem: &[u8], layout_elem: &str| {
        format!(
            "parsing time {whole} as {}: cannot parse {} as {}",
            time_quote(LAYOUT.as_bytes()),
            time_quote(value_elem),
            time_quote(layout_elem.as_bytes())
        )
    };
    let digit = |s: &[u8], i: usize| s.get(i).is_some_and(u8::is_ascii_digit);
    let mut v = value;
    // 2006
    if v.len() < 4 || !digit(v, 0) {
        return Err(cannot(v, "2006"));
    }
    let year_text = &v[..4];
    let year = match std::str::from_utf8(year_text).ok().and_then(|t| atoi(t).ok()) {
        Some(y) => y,
        None => return Err(cannot(v, "2006")),
    };
    v = &v[4..];
    // -
    if v.first() != Some(&b'-') {
        return Err(cannot(v, "-"));
    }
    v = &v[1..];
    // 01
    let hold = v;
    if !digit(v, 0) || !digit(v, 1) {
        return Err(cannot(hold, "01"));
    }
    let month = i64::from((v[0] - b'0') * 10 + (v[1] - b'0'));
    v = &v[2..];
    if !(1..=12).contains(&month) {
        return Err(format!("parsing time {whole}: month out of range"));
    }
    // -
    if v.first() != Some(&b'-') {
        return Err(cannot(v, "-"));
    }
    v = &v[1..];
    // 02
    let hold = v;
    if !digit(v, 0) || !digit(v, 1) {
        return Err(cannot(hold, "02"));
    }
    let day = i64::from((v[0] - b'0') * 10 + (v[1] - b'0'));
    v = &v[2..];
    if !v.is_empty() {
        return Err(format!("parsing time {whole}: extra text: {}", time_quote(v)));
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day < 1 || day > days {
        return Err(format!("parsing time {whole}: day out of range"));
    }
    Ok(())
}

fn time(s: &[u8]) -> Result<(), String> {
    if s.len() < 9 {
        return Err("less than 9 characters long".to_owned());
    }
    if s[2] != b':' || s[5] != b':' {
        return Err("missing colon in correct place".to_owned());
    }
    let mut hms = [0i64; 3];
    for (i, tok) in s[..8].splitn(3, |&c| c == b':').enumerate() {
        let n = std::str::from_utf8(tok).ok().and_then(|t| atoi(t).ok()).ok_or("invalid hour/min/sec")?;
        if n < 0 {
            return Err("non-positive hour/min/sec".to_owned());
        }
        hms[i] = n;
    }
    let (mut h, mut m, sec) = (hms[0], hms[1], hms[2]);
    if h > 23 || m > 59 || sec > 60 {
        return Err("hour/min/sec out of range".to_owned());
    }
    let mut rest = &s[8..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let digits = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return Err("no digits in second fraction".to_owned());
        }
        rest = &frac[digits..];
    }
    if rest != b"z" && rest != b"Z" {
        if rest.len() != 6 {
            return Err("offset must be 6 characters long".to_owned());
        }
        let sign = match rest[0] {
            b'+' => -1,
            b'-' => 1,
            _ => return Err("offset must begin with plus/minus".to_owned()),
        };
        let rest = &rest[1..];
        if rest[2] != b':' {
            return Err("missing colon in offset in correct place".to_owned());
        }
        let mut zhm = [0i64; 2];
        for (i, tok) in rest.splitn(2, |&c| c == b':').enumerate() {
            let n = std::str::from_utf8(tok).ok().and_then(|t| atoi(t).ok()).ok_or("invalid hour/min in offset")?;
            if n < 0 {
                return Err("non-positive hour/min in offset".to_owned());
            }
            zhm[i] = n;
        }
        let (zh, zm) = (zhm[0], zhm[1]);
        if zh > 23 || zm > 59 {
            return Err("hour/min in offset out of range".to_owned());
        }
        let mut hm = (h * 60 + m) + sign * (zh * 60 + zm);
        if hm < 0 {
            hm += 24 * 60;
        }
        h = hm / 60;
        m = hm % 60;
    }
    if sec >= 60 && (h != 23 || m != 59) {
        return Err("invalid leap second".to_owned());
    }
    Ok(())
}

fn date_time(s: &[u8]) -> Result<(), String> {
    if s.len() < 20 {
        return Err("less than 20 characters long".to_owned());
    }
    if s[10] != b't' && s[10] != b'T' {
        return Err("11th character must be t or T".to_owned());
    }
    date(&s[..10]).map_err(|e| format!("invalid date element: {e}"))?;
    time(&s[11..]).map_err(|e| format!("invalid time element: {e}"))
}

/// The library's `parseURL`: `url.Parse` plus a check of IPv6 hosts.
fn parse_url(s: &str) -> Result<crate::url::Url, String> {
    let u = crate::url::parse(s).map_err(|e| e.to_string())?;
    let host_name = u.hostname();
    if host_name.contains(':') {
        if !u.host().contains('[') || !u.host().contains(']') {
            return Err("ipv6 address not enclosed in brackets".to_owned());
        }
        ipv6(host_name).map_err(|e| format!("invalid ipv6 address: {e}"))?;
    }
    Ok(u)
}

fn uri(s: &str) -> Result<(), String> {
    let u = parse_url(s)?;
    if !u.is_abs() {
        return Err("relative url".to_owned());
    }
    Ok(())
}

fn uri_reference(s: &str) -> Result<(), String> {
    if s.contains('\\') {
        return Err("contains \\".to_owned());
    }
    parse_url(s).map(|_| ())
}

fn uri_template(s: &str) -> Result<(), String> {
    parse_url(s)?;
    // The library inspects `u.RawPath`, which Go sets only when the path's escaping differs
    // from the default: in practice, when it holds characters such as `{` or `}`.
    let (before_query, _) = s.split_once('?').unwrap_or((s, ""));
    let (before_frag, _) = before_query.split_once('#').unwrap_or((before_query, ""));
    let path = match before_frag.find("://") {
        Some(i) => before_frag[i + 3..].find('/').map_or("", |j| &before_frag[i + 3 + j..]),
        None => before_frag,
    };
    let raw_path = if path.contains(['{', '}', ' ', '"', '<', '>', '\\', '^', '`', '|']) { path } else { "" };
    for tok in raw_path.split('/') {
        let tok = crate::url::path_unescape(tok).map_err(|e| format!("percent decode failed: {e}"))?;
        let mut want = true;
        for ch in tok.chars() {
            let got = match ch {
                '{' => true,
                '}' => false,
                _ => continue,
            };
            if got != want {
                return Err("nested curly braces".to_owned());
            }
            want = !want;
        }
        if !want {
            return Err("no matching closing brace".to_owned());
        }
    }
    Ok(())
}

fn period(s: &[u8]) -> Result<(), String> {
    let Some(slash) = s.iter().position(|&c| c == b'/') else {
        return Err("missing slash".to_owned());
    };
    let (start, end) = (&s[..slash], &s[slash + 1..]);
    if start.starts_with(b"P") {
        duration(start).map_err(|e| format!("invalid start duration: {e}"))?;
        date_time(end).map_err(|e| format!("invalid end date-time: {e}"))?;
    } else {
        date_time(start).map_err(|e| format!("invalid start date-time: {e}"))?;
        if end.starts_with(b"P") {
            duration(end).map_err(|e| format!("invalid end duration: {e}"))?;
        } else {
            date_time(end).map_err(|e| format!("invalid end date-time: {e}"))?;
        }
    }
    Ok(())
}

fn semver(s: &str) -> Result<(), String> {
    let mut s = s;
    if let Some(i) = s.find('+') {
        let build = &s[i + 1..];
        if build.is_empty() {
            return Err("build is empty".to_owned());
        }
        for id in build.split('.') {
            if id.is_empty() {
                return Err("build identifier is empty".to_owned());
            }
            for ch in id.chars() {
                if !(ch.is_ascii_alphanumeric() || ch == '-') {
                    return Err(format!("invalid character {} in build identifier", quote_rune(ch)));
                }
            }
        }
        s = &s[..i];
    }
    if let Some(i) = s.find('-') {
        for id in s[i + 1..].split('.') {
            if id.is_empty() {
                return Err("pre-release identifier is empty".to_owned());
            }
            let mut all_digits = true;
            for ch in id.chars() {
                if ch.is_ascii_digit() {
                    continue;
                }
                if ch.is_ascii_alphabetic() || ch == '-' {
                    all_digits = false;
                } else {
                    return Err(format!("invalid character {} in pre-release identifier", quote_rune(ch)));
                }
            }
            if all_digits && id.len() > 1 && id.starts_with('0') {
                return Err("pre-release numeric identifier starts with zero".to_owned());
            }
        }
        s = &s[..i];
    }
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 3 {
        return Err("versionCore must have 3 numbers separated by dot".to_owned());
    }
    for (name, v) in ["major", "minor", "patch"].iter().zip(parts) {
        if v.is_empty() {
            return Err(format!("{name} is empty"));
        }
        if v.len() > 1 && v.starts_with('0') {
            return Err(format!("{name} starts with zero"));
        }
        if !v.bytes().all(|c| c.is_ascii_digit()) {
            return Err(format!("{name} contains non-digit"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(format: &str, value: &str, want: Result<(), &str>) {
        let f = Format::named(format).unwrap();
        assert_eq!(f.validate(&Inst::Str(value.to_owned())), want.map_err(str::to_owned), "{format} {value:?}");
    }

    // Reasons confirmed with `helm template` (v4.1.4) under draft-07 are marked (helm);
    // the rest follow the library's format.go and Go's standard library.
    #[test]
    fn reasons() {
        check("email", "x", Err("missing @")); // helm
        check("ipv4", "1.2.3", Err("expected four decimals")); // helm
        check("ipv4", "1.2.3.x", Err("strconv.Atoi: parsing \"x\": invalid syntax")); // helm
        check(
            "date-time",
            "2020-13-01T00:00:00Z",
            Err("invalid date element: parsing time \"2020-13-01\": month out of range"),
        ); // helm
        check("date", "2020-13-01", Err("parsing time \"2020-13-01\": month out of range")); // helm
        check("uri", "foo", Err("relative url")); // helm
        check("uri", "http://a b", Err("parse \"http://a b\": invalid character \" \" in host name")); // helm
        check("regex", "(", Err("error parsing regexp: missing closing ): `(`")); // helm
        check("hostname", "a_b", Err("invalid character '_'")); // helm
        check("ipv6", "1:2", Err("ParseAddr(\"1:2\"): address string too short")); // helm
        check("uuid", "x", Err("must have 5 elements")); // helm
        check("date", "2021-02-29", Err("parsing time \"2021-02-29\": day out of range"));
        check("date", "2020-02-29", Ok(()));
        check(
            "date",
            "20x0-01-01",
            Err("parsing time \"20x0-01-01\" as \"2006-01-02\": cannot parse \"20x0-01-01\" as \"2006\""),
        );
        check(
            "date",
            "2020-1-01",
            Err("parsing time \"2020-1-01\" as \"2006-01-02\": cannot parse \"1-01\" as \"01\""),
        );
        check("date", "2020-01-011", Err("parsing time \"2020-01-011\": extra text: \"1\""));
        check("time", "12:00:00Z", Ok(()));
        check("time", "12:00:00+0100", Err("offset must be 6 characters long"));
        check("date-time", "2020-01-01T00:00:00Z", Ok(()));
        check("ipv6", "::1", Ok(()));
        check("ipv6", "fe80::1%eth0", Err("zone id is not a part of ipv6 address"));
        check("ipv6", "1::2::3", Err("ParseAddr(\"1::2::3\"): multiple :: in address (at \":3\")"));
        check("hostname", "-a", Err("label starts with hyphen"));
        check("email", "a@b.c", Ok(()));
        check("uri-reference", "a\\b", Err("contains \\"));
        check("uri-reference", "#/definitions/x", Ok(()));
        check("duration", "P1Y2M", Ok(()));
        check("duration", "P1M2Y", Err("unit 'Y' out of order"));
        check("semver", "1.2", Err("versionCore must have 3 numbers separated by dot"));
        check("semver", "1.2.3-alpha.1+b5", Ok(()));
        check("json-pointer", "a", Err("not starting with /"));
        check("relative-json-pointer", "0/a", Ok(()));
        check("uri-template", "http://x/{a}", Ok(()));
        check("uri-template", "http://x/{a", Err("no matching closing brace"));
    }
}
