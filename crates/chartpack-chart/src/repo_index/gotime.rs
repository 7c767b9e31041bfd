//! Go's `time.Time` JSON form as helm's index sees it: `Time.UnmarshalJSON` (go1.25: the
//! `time.Parse(time.RFC3339, …)` rules and error texts; strict RFC 3339 checks are disabled in
//! Go) and `Time.MarshalJSON` (RFC 3339 with nanoseconds, refusing offsets of 24 hours or more).

use chartpack_encoding::gofmt::time_quote as quote;

use crate::time::Timestamp;

const LAYOUT: &str = "2006-01-02T15:04:05Z07:00";

fn digit(s: &[u8], i: usize) -> bool {
    s.get(i).is_some_and(u8::is_ascii_digit)
}

/// Go's `getnum`: one or two digits (exactly two when `fixed`).
fn getnum(s: &[u8], fixed: bool) -> Option<(i64, &[u8])> {
    if !digit(s, 0) {
        return None;
    }
    if !digit(s, 1) {
        if fixed {
            return None;
        }
        return Some((i64::from(s[0] - b'0'), &s[1..]));
    }
    Some((i64::from(s[0] - b'0') * 10 + i64::from(s[1] - b'0'), &s[2..]))
}

fn days_in(month: i64, year: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses a time the way Go's `Time.UnmarshalJSON` reads the text between the quotes
/// (go1.25: `time.Parse(time.RFC3339, s)`, which accepts a one-digit hour, `,` before the
/// fraction and offsets up to `±24:60`). Returns the instant and its UTC offset in seconds, or
/// Go's `*time.ParseError` text.
pub(super) fn parse(value: &[u8]) -> Result<(Timestamp, i32), String> {
    let cannot = |layout_elem: &str, value_elem: &[u8]| {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            quote(value),
            quote(LAYOUT.as_bytes()),
            quote(value_elem),
            quote(layout_elem.as_bytes())
        )
    };
    let out_of_range = |what: &str| format!("parsing time {}: {what} out of range", quote(value));
    let skip = |rest: &[u8], prefix: u8| -> Result<usize, String> {
        if rest.first() == Some(&prefix) {
            Ok(1)
        } else {
            Err(cannot(&char::from(prefix).to_string(), rest))
        }
    };
    let mut rest = value;

    // 2006
    if rest.len() < 4 || !digit(rest, 0) || !rest[..4].iter().all(u8::is_ascii_digit) {
        return Err(cannot("2006", rest));
    }
    let year = rest[..4].iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0'));
    rest = &rest[4..];
    rest = &rest[skip(rest, b'-')?..];
    // 01
    let (month, r) = getnum(rest, true).ok_or_else(|| cannot("01", rest))?;
    if !(1..=12).contains(&month) {
        return Err(out_of_range("month"));
    }
    rest = r;
    rest = &rest[skip(rest, b'-')?..];
    // 02 (checked against the month at the end)
    let (day, r) = getnum(rest, true).ok_or_else(|| cannot("02", rest))?;
    rest = r;
    rest = &rest[skip(rest, b'T')?..];
    // 15
    let (hour, r) = getnum(rest, false).ok_or_else(|| cannot("15", rest))?;
    if hour >= 24 {
        return Err(out_of_range("hour"));
    }
    rest = r;
    rest = &rest[skip(rest, b':')?..];
    // 04
    let (minute, r) = getnum(rest, true).ok_or_else(|| cannot("04", rest))?;
    if minute >= 60 {
        return Err(out_of_range("minute"));
    }
    rest = r;
    rest = &rest[skip(rest, b':')?..];
    // 05, and a fraction the layout does not name
    let (second, r) = getnum(rest, true).ok_or_else(|| cannot("05", rest))?;
    if second >= 60 {
        return Err(out_of_range("second"));
    }
    rest = r;
    let mut nanos: u32 = 0;
    if rest.len() >= 2 && matches!(rest[0], b'.' | b',') && digit(rest, 1) {
        let mut n = 2;
        while digit(rest, n) {
            n += 1;
        }
        let used = n.min(10);
        let mut ns: u32 = rest[1..used].iter().fold(0, |n, d| n * 10 + u32::from(d - b'0'));
        for _ in used..10 {
            ns *= 10;
        }
        nanos = ns;
        rest = &rest[n..];
    }
    // Z07:00
    let offset: i64 = if rest.first() == Some(&b'Z') {
        rest = &rest[1..];
        0
    } else {
        let hold = rest;
        if rest.len() < 6 || rest[3] != b':' {
            return Err(cannot("Z07:00", hold));
        }
        let (sign, hh, mm) = (rest[0], &rest[1..3], &rest[4..6]);
        rest = &rest[6..];
        let hr = getnum(hh, true).map(|(n, _)| n);
        let min = hr.and_then(|_| getnum(mm, true).map(|(n, _)| n));
        if hr.is_some_and(|h| h > 24) {
            return Err(out_of_range("time zone offset hour"));
        }
        if min.is_some_and(|m| m > 60) {
            return Err(out_of_range("time zone offset minute"));
        }
        let (Some(hr), Some(min)) = (hr, min) else {
            return Err(cannot("Z07:00", hold));
        };
        let magnitude = (hr * 60 + min) * 60;
        match sign {
            b'+' => magnitude,
            b'-' => -magnitude,
            _ => return Err(cannot("Z07:00", hold)),
        }
    };
    if !rest.is_empty() {
        return Err(format!("parsing time {}: extra text: {}", quote(value), quote(rest)));
    }
    if day < 1 || day > days_in(month, year) {
        return Err(format!("parsing time {}: day out of range", quote(value)));
    }
    let utc = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z");
    let (t, _) = Timestamp::parse_rfc3339(&utc).ok_or_else(|| cannot("2006", value))?;
    let offset = offset as i32;
    Ok((Timestamp { secs: t.secs - i64::from(offset), nanos }, offset))
}

/// Go's `Time.MarshalJSON` text (without quotes), or its error: years outside 0–9999 and
/// offsets of 24 hours or more have no RFC 3339 form.
pub(super) fn format(t: Timestamp, offset: i32) -> Result<String, String> {
    let text = t.to_rfc3339_nanos(offset);
    if text.as_bytes().get(4) != Some(&b'-') || !text.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        return Err("Time.MarshalJSON: year outside of range [0,9999]".to_owned());
    }
    if offset.unsigned_abs() / 3600 >= 24 {
        return Err("Time.MarshalJSON: timezone hour outside of range [0,23]".to_owned());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(text: &str, want: Result<&str, &str>) {
        let got = parse(text.as_bytes()).map(|(t, o)| t.to_rfc3339_nanos(o));
        assert_eq!(got.as_deref(), want.map_err(str::to_owned).as_deref(), "{text:?}");
    }

    // Every case as helm v4.1.4 showed it: `created: "<text>"` in an index given to
    // `helm repo index --merge`, then the merged index.yaml (accepted) or the error.
    #[test]
    fn parses_like_go() {
        check("2020-01-01T1:00:00Z", Ok("2020-01-01T01:00:00Z"));
        check("2020-01-01T01:00:00,5Z", Ok("2020-01-01T01:00:00.5Z"));
        check("2020-01-01T01:00:00.1234567891234Z", Ok("2020-01-01T01:00:00.123456789Z"));
        check("2020-01-01T01:00:00+00:00", Ok("2020-01-01T01:00:00Z"));
        check("2020-01-01T01:00:00-05:30", Ok("2020-01-01T01:00:00-05:30"));
        check(
            "2020-01-01T01:00:00+25:00",
            Err(r#"parsing time "2020-01-01T01:00:00+25:00": time zone offset hour out of range"#),
        );
        check(
            "2020-01-01t01:00:00Z",
            Err(
                r#"parsing time "2020-01-01t01:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "t01:00:00Z" as "T""#,
            ),
        );
        check("2020-02-30T01:00:00Z", Err(r#"parsing time "2020-02-30T01:00:00Z": day out of range"#));
        check("2020-01-01T01:00:60Z", Err(r#"parsing time "2020-01-01T01:00:60Z": second out of range"#));
        check(
            "2020-1-01T01:00:00Z",
            Err(
                r#"parsing time "2020-1-01T01:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "1-01T01:00:00Z" as "01""#,
            ),
        );
        check(
            "2020-01-01T01:00:00",
            Err(r#"parsing time "2020-01-01T01:00:00" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "Z07:00""#),
        );
        check("2020-01-01T01:00:00Zx", Err(r#"parsing time "2020-01-01T01:00:00Zx": extra text: "x""#));
        check("2020-01-01", Err(r#"parsing time "2020-01-01" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "T""#));
        check(
            "20x0-01-01T01:00:00Z",
            Err(
                r#"parsing time "20x0-01-01T01:00:00Z" as "2006-01-02T15:04:05Z07:00": cannot parse "20x0-01-01T01:00:00Z" as "2006""#,
            ),
        );
        check("2020-13-01T01:00:00Z", Err(r#"parsing time "2020-13-01T01:00:00Z": month out of range"#));
        check(
            "2020-01-01T01:00:00+0100",
            Err(
                r#"parsing time "2020-01-01T01:00:00+0100" as "2006-01-02T15:04:05Z07:00": cannot parse "+0100" as "Z07:00""#,
            ),
        );
        check("é", Err(r#"parsing time "\xc3\xa9" as "2006-01-02T15:04:05Z07:00": cannot parse "\xc3\xa9" as "2006""#));
        check("foo", Err(r#"parsing time "foo" as "2006-01-02T15:04:05Z07:00": cannot parse "foo" as "2006""#));
    }

    // helm v4.1.4: `+24:00` parses, then writing the index fails.
    #[test]
    fn offsets_of_a_day_do_not_marshal() {
        let (t, offset) = parse(b"2020-01-01T01:00:00+24:00").expect("Go accepts it");
        assert_eq!(format(t, offset), Err("Time.MarshalJSON: timezone hour outside of range [0,23]".to_owned()));
    }
}
