//! Numbers the way the validator sees them: exact decimals compared like Go's `big.Rat` built
//! from the number's text, and printed like golang.org/x/text/message does for English
//! (`1,000`, `0.5`, `1.234567×10⁰⁶`).

use std::cmp::Ordering;

/// Exponents beyond this are clamped: such numbers are already far outside `float64` and Go
/// would spend unbounded memory building them (`1e1000000000`).
const MAX_EXPONENT: i64 = 1_000_000_000;

/// An exact decimal `±0.d₁d₂…dₙ × 10^exp`; `digits` has no leading or trailing zeros, and zero
/// has no digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decimal {
    neg: bool,
    digits: Vec<u8>,
    exp: i64,
}

impl Decimal {
    /// Parses a JSON number or Go `%v` float text (`-1.5`, `1e+06`, `1E3`); `None` otherwise.
    pub(crate) fn parse(text: &str) -> Option<Decimal> {
        let b = text.as_bytes();
        let mut i = 0;
        let mut neg = false;
        if let Some(&c) = b.first() {
            if c == b'-' || c == b'+' {
                neg = c == b'-';
                i = 1;
            }
        }
        let mut digits = Vec::new();
        let mut point: i64 = 0;
        let mut seen_point = false;
        let mut any = false;
        while i < b.len() {
            match b[i] {
                c @ b'0'..=b'9' => {
                    any = true;
                    if digits.is_empty() && c == b'0' {
                        if seen_point {
                            point -= 1;
                        }
                    } else {
                        digits.push(c - b'0');
                        if !seen_point {
                            point += 1;
                        }
                    }
                }
                b'.' if !seen_point => seen_point = true,
                _ => break,
            }
            i += 1;
        }
        if !any {
            return None;
        }
        let mut exp: i64 = 0;
        if i < b.len() {
            if b[i] != b'e' && b[i] != b'E' {
                return None;
            }
            i += 1;
            let mut eneg = false;
            if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
                eneg = b[i] == b'-';
                i += 1;
            }
            if i == b.len() {
                return None;
            }
            while i < b.len() {
                let c = b[i];
                if !c.is_ascii_digit() {
                    return None;
                }
                exp = (exp * 10 + i64::from(c - b'0')).min(MAX_EXPONENT);
                i += 1;
            }
            if eneg {
                exp = -exp;
            }
        }
        while digits.last() == Some(&0) {
            digits.pop();
        }
        if digits.is_empty() {
            return Some(Decimal { neg: false, digits, exp: 0 });
        }
        let exp = (point + exp).clamp(-MAX_EXPONENT, MAX_EXPONENT);
        Some(Decimal { neg, digits, exp })
    }

    /// The exact value of a finite `f64` as Go's `fmt.Sprint` prints it (shortest digits that
    /// round-trip), which is what the validator parses back into a `big.Rat`.
    pub(crate) fn from_f64(value: f64) -> Decimal {
        let (digits, point) = shortest_digits(value);
        if digits.is_empty() {
            return Decimal { neg: false, digits, exp: 0 };
        }
        Decimal { neg: value.is_sign_negative(), digits, exp: point }
    }

    /// A unique text for the value (`-0.15e2` style).
    pub(crate) fn canonical(&self) -> String {
        let digits: String = self.digits.iter().map(|d| char::from(b'0' + d)).collect();
        format!("{}{}e{}", if self.neg { "-" } else { "" }, digits, self.exp)
    }

    fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// `big.Rat.IsInt`.
    pub(crate) fn is_integer(&self) -> bool {
        self.is_zero() || self.exp >= self.digits.len() as i64
    }

    /// The nearest `float64` (`big.Rat.Float64`): ±Inf beyond the range, 0 below it.
    pub(crate) fn to_f64(&self) -> f64 {
        if self.is_zero() {
            return 0.0;
        }
        let mut s = String::with_capacity(self.digits.len() + 24);
        if self.neg {
            s.push('-');
        }
        s.push_str("0.");
        s.extend(self.digits.iter().map(|d| char::from(b'0' + d)));
        s.push('e');
        s.push_str(&self.exp.to_string());
        s.parse().unwrap_or(0.0)
    }

    /// The value as an `int` the way the compiler reads `minLength` and friends
    /// (`int(n.Num().Int64())`), saturating instead of wrapping; `None` unless integral.
    pub(crate) fn to_count(&self) -> Option<i64> {
        if !self.is_integer() {
            return None;
        }
        if self.is_zero() {
            return Some(0);
        }
        if self.exp > 18 {
            return Some(if self.neg { i64::MIN } else { i64::MAX });
        }
        let mut v: i64 = 0;
        for i in 0..self.exp as usize {
            v = v * 10 + i64::from(self.digits.get(i).copied().unwrap_or(0));
        }
        Some(if self.neg { -v } else { v })
    }

    fn cmp_abs(&self, other: &Decimal) -> Ordering {
        match (self.is_zero(), other.is_zero()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        self.exp.cmp(&other.exp).then_with(|| self.digits.cmp(&other.digits))
    }

    /// Whether `self / divisor` is an integer (`new(big.Rat).Quo(num, multipleOf).IsInt()`);
    /// `false` for a zero divisor, where Go would panic.
    pub(crate) fn is_multiple_of(&self, divisor: &Decimal) -> bool {
        if divisor.is_zero() {
            return false;
        }
        if self.is_zero() {
            return true;
        }
        // self = A·10^ea, divisor = B·10^eb with A, B integers without trailing zeros.
        let ea = self.exp - self.digits.len() as i64;
        let eb = divisor.exp - divisor.digits.len() as i64;
        let d = ea - eb;
        if d < 0 {
            // B·10^k would have to divide A, but A has no factor 10.
            return false;
        }
        // Factors of 10 beyond B's powers of 2 and 5 change nothing: cap the shift.
        let cap = 4 * divisor.digits.len() as i64 + 4;
        let shift = d.min(cap) as usize;
        // Long division costs digits(A)+shift steps of up to 9 subtractions of digits(B):
        // divisors with thousands of digits fall back to float64 (inexact, like no chart
        // needs; Go's big.Rat would stay exact) so that hostile schemas cannot stall here.
        if (self.digits.len() + shift).saturating_mul(divisor.digits.len()) > 4_000_000 {
            let q = self.to_f64() / divisor.to_f64();
            return q.is_finite() && q.fract() == 0.0;
        }
        let mut rem: Vec<u8> = Vec::new();
        let feed = self.digits.iter().copied().chain(std::iter::repeat_n(0, shift));
        for digit in feed {
            // rem = rem*10 + digit, then reduce below B by subtraction (at most 9 times).
            if !(rem.is_empty() && digit == 0) {
                rem.push(digit);
            }
            while cmp_digits(&rem, &divisor.digits) != Ordering::Less {
                sub_digits(&mut rem, &divisor.digits);
            }
        }
        rem.is_empty()
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let sign = |d: &Decimal| {
            if d.is_zero() {
                0
            } else if d.neg {
                -1
            } else {
                1
            }
        };
        match sign(self).cmp(&sign(other)) {
            Ordering::Equal => {}
            o => return o,
        }
        let abs = self.cmp_abs(other);
        if self.neg {
            abs.reverse()
        } else {
            abs
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares two big-endian digit strings without leading zeros.
fn cmp_digits(a: &[u8], b: &[u8]) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// `a -= b` for big-endian digit strings with `a >= b`; strips leading zeros.
fn sub_digits(a: &mut Vec<u8>, b: &[u8]) {
    let mut borrow = 0i16;
    let off = a.len() - b.len();
    for i in (0..a.len()).rev() {
        let bd = if i >= off { i16::from(b[i - off]) } else { 0 };
        let mut v = i16::from(a[i]) - bd - borrow;
        borrow = 0;
        if v < 0 {
            v += 10;
            borrow = 1;
        }
        a[i] = v as u8;
    }
    let lead = a.iter().take_while(|&&d| d == 0).count();
    a.drain(..lead);
}

/// Shortest round-trip digits of `|value|` (no leading/trailing zeros) and the decimal point
/// position: `|value| = 0.digits × 10^point`. Zero has no digits.
fn shortest_digits(value: f64) -> (Vec<u8>, i64) {
    let text = format!("{:e}", value.abs());
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text.as_str(), "0"));
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).map(|c| c - b'0').collect();
    while digits.last() == Some(&0) {
        digits.pop();
    }
    if digits.first() == Some(&0) {
        return (Vec::new(), 0);
    }
    (digits, exponent + 1)
}

/// Appends `digits` with English thousands separators.
fn push_grouped(out: &mut String, int_digits: &[u8]) {
    let n = int_digits.len();
    for (i, d) in int_digits.iter().enumerate() {
        out.push(char::from(b'0' + d));
        let left = n - i - 1;
        if left > 0 && left.is_multiple_of(3) {
            out.push(',');
        }
    }
}

/// An `int` printed with `%d` by an English `message.Printer`: `1,500`, `-12`.
pub(crate) fn localized_int(value: i64) -> String {
    let mut out = String::new();
    if value < 0 {
        out.push('-');
    }
    let digits: Vec<u8> = value.unsigned_abs().to_string().bytes().map(|c| c - b'0').collect();
    push_grouped(&mut out, &digits);
    out
}

/// A `float64` printed with `%v` by an English `message.Printer` (`fmtVariableFloat`): shortest
/// digits; scientific `d.ddd×10ⁿⁿ` when the exponent is below -4 or at least 6, else decimal
/// with thousands separators.
pub(crate) fn localized_float(value: f64) -> String {
    if value.is_nan() {
        return "NaN".to_owned();
    }
    let mut out = String::new();
    if value.is_sign_negative() && value != 0.0 {
        out.push('-');
    }
    if value.is_infinite() {
        out.push('∞');
        return out;
    }
    let (digits, point) = shortest_digits(value);
    if digits.is_empty() {
        out.push('0');
        return out;
    }
    let exp = point - 1;
    if !(-4..6).contains(&exp) {
        out.push(char::from(b'0' + digits[0]));
        if digits.len() > 1 {
            out.push('.');
            out.extend(digits[1..].iter().map(|d| char::from(b'0' + d)));
        }
        out.push_str("×10");
        if exp < 0 {
            out.push('⁻');
        }
        let e = exp.unsigned_abs().to_string();
        if e.len() < 2 {
            out.push('⁰');
        }
        for c in e.bytes() {
            out.push(SUPERSCRIPT[usize::from(c - b'0')]);
        }
        return out;
    }
    if point > 0 {
        let p = point as usize;
        let mut int_digits: Vec<u8> = digits.iter().copied().take(p).collect();
        int_digits.resize(p, 0);
        push_grouped(&mut out, &int_digits);
        if digits.len() > p {
            out.push('.');
            out.extend(digits[p..].iter().map(|d| char::from(b'0' + d)));
        }
    } else {
        out.push_str("0.");
        for _ in 0..(-point) {
            out.push('0');
        }
        out.extend(digits.iter().map(|d| char::from(b'0' + d)));
    }
    out
}

const SUPERSCRIPT: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check_float(value: f64, want: &str) {
        assert_eq!(localized_float(value), want, "value {value}");
    }

    #[track_caller]
    fn check_cmp(a: &str, b: &str, want: Ordering) {
        let (x, y) = (Decimal::parse(a).unwrap(), Decimal::parse(b).unwrap());
        assert_eq!(x.cmp(&y), want, "{a} vs {b}");
    }

    #[track_caller]
    fn check_multiple(a: &str, b: &str, want: bool) {
        let (x, y) = (Decimal::parse(a).unwrap(), Decimal::parse(b).unwrap());
        assert_eq!(x.is_multiple_of(&y), want, "{a} multipleOf {b}");
    }

    // Expected texts from `helm template` (v4.1.4) on charts whose values violate
    // minimum/maximum (see tests.rs for the full messages).
    #[test]
    fn floats_print_like_x_text_message() {
        check_float(999.0, "999");
        check_float(1000.0, "1,000");
        check_float(1234567.0, "1.234567×10⁰⁶");
        check_float(-1234567.0, "-1.234567×10⁰⁶");
        check_float(1e6, "1×10⁰⁶");
        check_float(1e21, "1×10²¹");
        check_float(1e301, "1×10³⁰¹");
        check_float(1.5e300, "1.5×10³⁰⁰");
        check_float(123456789012.0, "1.23456789012×10¹¹");
        check_float(0.000001, "1×10⁻⁰⁶");
        check_float(0.0001, "0.0001");
        check_float(-1e-7, "-1×10⁻⁰⁷");
        check_float(123456.0, "123,456");
        check_float(1234.5678, "1,234.5678");
        check_float(999999.5, "999,999.5");
        check_float(12345678901234567890.0, "1.2345678901234567×10¹⁹");
        check_float(0.00001234, "1.234×10⁻⁰⁵");
        check_float(100000.0, "100,000");
        check_float(1e-100, "1×10⁻¹⁰⁰");
        check_float(0.0, "0");
        check_float(-0.001, "-0.001");
    }

    #[test]
    fn ints_are_grouped() {
        assert_eq!(localized_int(1500), "1,500");
        assert_eq!(localized_int(3), "3");
        assert_eq!(localized_int(-1234567), "-1,234,567");
    }

    #[test]
    fn decimals_compare_exactly() {
        check_cmp("1", "1.0", Ordering::Equal);
        check_cmp("1e3", "1000", Ordering::Equal);
        check_cmp("-0", "0", Ordering::Equal);
        check_cmp("0.1", "0.10000000000000001", Ordering::Less);
        check_cmp("-5", "0", Ordering::Less);
        check_cmp("-5", "-6", Ordering::Greater);
        check_cmp("1e+21", "999999999999999999999", Ordering::Greater);
        check_cmp("0.001", "0.01", Ordering::Less);
    }

    #[test]
    fn multiples_are_exact() {
        check_multiple("1.05", "0.01", true);
        check_multiple("1.005", "0.01", false);
        check_multiple("0.3", "0.1", true);
        check_multiple("0.35", "0.1", false);
        check_multiple("1e7", "3", false);
        check_multiple("9e7", "3", true);
        check_multiple("0", "7", true);
        check_multiple("5", "0", false);
        check_multiple("1e100", "1024", true);
        check_multiple("1e1000000", "3", false);
        check_multiple("123456789123456789123456789", "3", true);
        // Bounded time for absurd divisors (float64 fallback, documented as inexact).
        let long = format!("1.{}1", "0".repeat(5000));
        check_multiple("5", &long, true);
    }

    #[test]
    fn integers_and_counts() {
        assert!(Decimal::parse("1.0").unwrap().is_integer());
        assert!(Decimal::parse("1e2").unwrap().is_integer());
        assert!(!Decimal::parse("1.5").unwrap().is_integer());
        assert_eq!(Decimal::parse("12").unwrap().to_count(), Some(12));
        assert_eq!(Decimal::parse("1e30").unwrap().to_count(), Some(i64::MAX));
        assert_eq!(Decimal::from_f64(0.1), Decimal::parse("0.1").unwrap());
        assert_eq!(Decimal::parse("1e400").unwrap().to_f64(), f64::INFINITY);
    }
}
