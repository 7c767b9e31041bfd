//! Instants as plain values (the core never reads the clock) and Go's RFC 3339 handling.

/// A point in time: seconds and nanoseconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Whole seconds since 1970-01-01T00:00:00Z (negative before).
    pub secs: i64,
    /// Nanoseconds within the second, `0..1_000_000_000`.
    pub nanos: u32,
}

/// Seconds from 0001-01-01T00:00:00Z (Go's zero `time.Time`) to the Unix epoch.
const GO_ZERO_UNIX: i64 = -62_135_596_800;

impl Timestamp {
    /// Builds a timestamp from whole seconds.
    pub fn from_secs(secs: i64) -> Self {
        Timestamp { secs, nanos: 0 }
    }

    /// Go's zero `time.Time` (`0001-01-01T00:00:00Z`), which helm treats as "unset".
    pub fn go_zero() -> Self {
        Timestamp { secs: GO_ZERO_UNIX, nanos: 0 }
    }

    /// Whether this is Go's zero time, which helm treats as "no time known".
    pub fn is_go_zero(&self) -> bool {
        *self == Self::go_zero()
    }

    /// Rounded to the nearest second, halves up, as Go's `Time.Round(time.Second)`
    /// (what `archive/tar` stores for helm).
    pub fn rounded_secs(&self) -> i64 {
        if self.nanos >= 500_000_000 {
            self.secs + 1
        } else {
            self.secs
        }
    }

    /// Parses RFC 3339 with optional fraction, returning the instant and the UTC offset (seconds).
    pub fn parse_rfc3339(s: &str) -> Option<(Timestamp, i32)> {
        let b = s.as_bytes();
        if b.len() < 20 {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let part = s.get(r)?;
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            part.parse().ok()
        };
        let year = num(0..4)?;
        let month = num(5..7)?;
        let day = num(8..10)?;
        let hour = num(11..13)?;
        let minute = num(14..16)?;
        let second = num(17..19)?;
        if b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') || b[13] != b':' || b[16] != b':' {
            return None;
        }
        if !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 59
        {
            return None;
        }
        let mut i = 19;
        let mut nanos: u32 = 0;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                if i - start < 9 {
                    nanos = nanos * 10 + u32::from(b[i] - b'0');
                }
                i += 1;
            }
            let digits = i - start;
            if digits == 0 {
                return None;
            }
            for _ in digits..9 {
                nanos *= 10;
            }
        }
        let offset: i32 = match &b[i..] {
            [b'Z'] | [b'z'] => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let digits = [*h1, *h2, *m1, *m2];
                if !digits.iter().all(u8::is_ascii_digit) {
                    return None;
                }
                let h = i32::from(h1 - b'0') * 10 + i32::from(h2 - b'0');
                let m = i32::from(m1 - b'0') * 10 + i32::from(m2 - b'0');
                if h > 23 || m > 59 {
                    return None;
                }
                let o = h * 3600 + m * 60;
                if *sign == b'-' {
                    -o
                } else {
                    o
                }
            }
            _ => return None,
        };
        let days = days_from_civil(year, month, day);
        let secs = days * 86_400 + hour * 3600 + minute * 60 + second - i64::from(offset);
        Some((Timestamp { secs, nanos }, offset))
    }

    /// Formats like Go's `time.RFC3339Nano` in a zone with the given offset (fraction with
    /// trailing zeros trimmed; `Z` for a zero offset).
    pub fn to_rfc3339_nanos(&self, offset: i32) -> String {
        let mut s = self.format_date_time(offset);
        if self.nanos != 0 {
            let frac = format!("{:09}", self.nanos);
            s.push('.');
            s.push_str(frac.trim_end_matches('0'));
        }
        s.push_str(&format_offset(offset));
        s
    }

    /// Formats like Go's `time.RFC3339` (whole seconds, truncated) in a zone with the given offset.
    pub fn to_rfc3339(&self, offset: i32) -> String {
        let mut s = self.format_date_time(offset);
        s.push_str(&format_offset(offset));
        s
    }

    fn format_date_time(&self, offset: i32) -> String {
        let local = self.secs + i64::from(offset);
        let days = local.div_euclid(86_400);
        let rem = local.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", y, m, d, rem / 3600, rem % 3600 / 60, rem % 60)
    }
}

fn format_offset(offset: i32) -> String {
    if offset == 0 {
        return "Z".to_owned();
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let a = offset.unsigned_abs();
    format!("{}{:02}:{:02}", sign, a / 3600, a % 3600 / 60)
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trips() {
        for (text, formatted) in [
            ("2026-11-24T13:02:15.82018192Z", "2026-11-24T13:02:15.82018192Z"),
            ("2019-01-01T00:00:00.000Z", "2019-01-01T00:00:00Z"),
            ("2020-02-29T23:59:59+05:30", "2020-02-29T23:59:59+05:30"),
            ("2020-02-29T23:59:59+00:00", "2020-02-29T23:59:59Z"),
            ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"),
        ] {
            let (t, offset) = Timestamp::parse_rfc3339(text).expect(text);
            assert_eq!(t.to_rfc3339_nanos(offset), formatted);
        }
        assert_eq!(Timestamp::parse_rfc3339("0001-01-01T00:00:00Z").map(|t| t.0), Some(Timestamp::go_zero()));
        assert_eq!(Timestamp::parse_rfc3339("1970-01-01T00:00:01Z").map(|t| t.0), Some(Timestamp::from_secs(1)));
        assert!(Timestamp::parse_rfc3339("2020-02-30T00:00:00Z").is_none());
    }

    #[test]
    fn rounding_is_halves_up() {
        assert_eq!(Timestamp { secs: 10, nanos: 500_000_000 }.rounded_secs(), 11);
        assert_eq!(Timestamp { secs: 10, nanos: 499_999_999 }.rounded_secs(), 10);
    }
}
