//! Listpack arithmetic: how many bytes the server spends on one element when it builds a
//! listpack itself (on load, from elements read one by one), and which strings it stores as
//! integers.

/// Listpack header (total bytes + element count) plus the end byte.
pub const LP_OVERHEAD: u64 = 7;

/// The value of `s` when the server would treat it as an integer: 1 to 20 characters,
/// optional minus sign, no leading zeros, no "-0", within i64.
#[inline]
pub fn canonical_int(s: &[u8]) -> Option<i64> {
    // Most elements are words: rejected on their first byte without a call.
    match s.first() {
        Some(c) if (c.is_ascii_digit() || *c == b'-') && s.len() <= 20 => canonical_int_digits(s),
        _ => None,
    }
}

fn canonical_int_digits(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (neg, digits) = match s[0] {
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || digits[0] == b'0' || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: i128 = 0;
    for &d in digits {
        v = v * 10 + (d - b'0') as i128;
    }
    let v = if neg { -v } else { v };
    i64::try_from(v).ok()
}

/// Bytes of the backward length field for an entry whose encoding+data is `n` bytes.
#[inline]
fn backlen(n: u64) -> u64 {
    match n {
        0..=127 => 1,
        128..=16_382 => 2,
        16_383..=2_097_150 => 3,
        2_097_151..=268_435_454 => 4,
        _ => 5,
    }
}

/// Entry size of an integer element.
#[inline]
pub fn int_entry(v: i64) -> u64 {
    let enc = if (0..=127).contains(&v) {
        1
    } else if (-4096..=4095).contains(&v) {
        2
    } else if (i16::MIN as i64..=i16::MAX as i64).contains(&v) {
        3
    } else if (-(1 << 23)..(1 << 23)).contains(&v) {
        4
    } else if (i32::MIN as i64..=i32::MAX as i64).contains(&v) {
        5
    } else {
        9
    };
    enc + 1
}

/// Entry size of a string element of `len` bytes (not integer-like).
#[inline]
pub fn str_entry(len: u64) -> u64 {
    let hdr = if len < 64 {
        1
    } else if len < 4096 {
        2
    } else {
        5
    };
    hdr + len + backlen(hdr + len)
}

/// Entry size of an element: integer-like strings are stored as integers.
#[inline]
pub fn entry(len: u64, int: Option<i64>) -> u64 {
    match int {
        Some(v) => int_entry(v),
        None => str_entry(len),
    }
}

/// How a server prints a double score before storing it in a zset listpack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreFormat {
    /// `%.17g` (Redis 7.0).
    Printf17g,
    /// Shortest round-trip digits (Redis 7.2+, Valkey).
    Shortest,
}

/// Listpack entry size of a zset score as the server writes it.
#[inline]
pub fn score_entry(score: f64, fmt: ScoreFormat) -> u64 {
    match int_score_entry(score) {
        Some(e) => e,
        None => nonint_score_entry(score, fmt),
    }
}

/// Both formats print integral scores within 2^52 as integers, which the listpack stores as
/// ints: the common case, answered without formatting.
#[inline]
pub fn int_score_entry(score: f64) -> Option<u64> {
    integral_score(score).map(int_entry)
}

/// The score as an integer when it is integral and below 2^52 in magnitude, read from its
/// bits with integer operations (this runs for every member of every zset).
#[inline(always)]
fn integral_score(score: f64) -> Option<i64> {
    let bits = score.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64 - 1023;
    if exp < 0 {
        // |score| < 1: only ±0 is integral.
        return (bits << 1 == 0).then_some(0);
    }
    if exp > 51 {
        return None; // 2^52 or more, infinities, NaN
    }
    let mantissa = bits & ((1 << 52) - 1) | 1 << 52;
    let shift = 52 - exp;
    if mantissa & ((1 << shift) - 1) != 0 {
        return None;
    }
    let v = (mantissa >> shift) as i64;
    Some(if bits >> 63 == 1 { -v } else { v })
}

/// Entry size of a score that is not a small integer (NaN, infinities, fractions, huge).
#[cold]
pub fn nonint_score_entry(score: f64, fmt: ScoreFormat) -> u64 {
    if score.is_nan() || score.is_infinite() {
        return str_entry(if score.is_nan() { 3 } else if score > 0.0 { 3 } else { 4 });
    }
    if let Some(e) = int_score_entry(score) {
        return e;
    }
    str_entry(score_text_len(score, fmt))
}

/// Formats into a stack buffer (scores are formatted per element: no allocation).
struct StackText {
    buf: [u8; 64],
    len: usize,
}

impl std::fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        if end > self.buf.len() {
            return Err(std::fmt::Error);
        }
        self.buf[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Length of the text of a non-integral finite score.
fn score_text_len(score: f64, fmt: ScoreFormat) -> u64 {
    use std::fmt::Write;
    // Significant digits and decimal exponent.
    let mut t = StackText { buf: [0; 64], len: 0 };
    let _ = match fmt {
        ScoreFormat::Printf17g => write!(t, "{:.16e}", score.abs()),
        ScoreFormat::Shortest => write!(t, "{:e}", score.abs()),
    };
    let sci = &t.buf[..t.len];
    let e_at = sci.iter().position(|&c| c == b'e').unwrap_or(sci.len());
    let (mant, exp) = (&sci[..e_at], sci.get(e_at + 1..).unwrap_or(b"0"));
    let exp: i64 = std::str::from_utf8(exp).ok().and_then(|e| e.parse().ok()).unwrap_or(0);
    let digits = mant.iter().filter(|c| c.is_ascii_digit());
    let sig = digits.clone().enumerate().filter(|(_, &d)| d != b'0').last().map_or(1, |(p, _)| p + 1) as i64;
    let sign = (score < 0.0) as i64;
    let len = if (-4..17).contains(&exp) {
        if exp >= 0 {
            // ddd.ddd (no point when all digits are before it)
            if sig > exp + 1 { sig + 1 } else { exp + 1 }
        } else {
            // 0.000ddd
            2 + (-exp - 1) + sig
        }
    } else {
        // d.ddde+XX
        let mant_len = if sig > 1 { sig + 1 } else { 1 };
        let exp_digits = ((exp.unsigned_abs().checked_ilog10().unwrap_or(0) + 1) as i64).max(2);
        mant_len + 2 + exp_digits
    };
    (len + sign) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The float reading of "integral below 2^52" that the bit reading replaces.
    fn integral_by_casts(score: f64) -> Option<i64> {
        (score.abs() < 4_503_599_627_370_496.0 && (score as i64) as f64 == score).then_some(score as i64)
    }

    #[test]
    fn integral_scores_read_from_bits() {
        let edges = [
            0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, 127.0, 128.0, -4096.0, 4095.5, 1e-310, -1e-310, f64::MIN_POSITIVE,
            4_503_599_627_370_495.0, 4_503_599_627_370_496.0, -4_503_599_627_370_496.0, 9e15, 1e300, f64::INFINITY,
            f64::NEG_INFINITY, f64::NAN, f64::MAX, f64::MIN,
        ];
        for s in edges {
            assert_eq!(integral_score(s), integral_by_casts(s), "{s:e}");
        }
        // Random bit patterns and random integers (as scores), both signs.
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for i in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let s = if i % 2 == 0 { f64::from_bits(x) } else { (x as i64 >> (x % 60)) as f64 };
            assert_eq!(integral_score(s), integral_by_casts(s), "{s:e} ({:#x})", s.to_bits());
        }
    }

    #[test]
    fn canonical_integers() {
        assert_eq!(canonical_int(b"0"), Some(0));
        assert_eq!(canonical_int(b"12345"), Some(12345));
        assert_eq!(canonical_int(b"-7"), Some(-7));
        assert_eq!(canonical_int(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(canonical_int(b"-9223372036854775808"), Some(i64::MIN));
        for bad in [&b"007"[..], b"-0", b"+1", b"1a", b"", b"-", b"9223372036854775808", b" 1"] {
            assert_eq!(canonical_int(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn entry_sizes() {
        assert_eq!(int_entry(5), 2);
        assert_eq!(int_entry(-1), 3);
        assert_eq!(int_entry(4095), 3);
        assert_eq!(int_entry(4096), 4);
        assert_eq!(int_entry(100_000), 5);
        assert_eq!(int_entry(1 << 30), 6);
        assert_eq!(int_entry(1 << 40), 10);
        assert_eq!(str_entry(1), 3);
        assert_eq!(str_entry(63), 65);
        // 2-byte header from 64 bytes; backlen grows to 2 bytes past 127 bytes of entry.
        assert_eq!(str_entry(64), 67);
        assert_eq!(str_entry(200), 204);
        assert_eq!(str_entry(5000), 5007);
        // One listpack element "a": 6 header + 3 + 1 end = 10 bytes, as the server allocates.
        assert_eq!(LP_OVERHEAD + str_entry(1), 10);
    }

    #[test]
    fn scores() {
        assert_eq!(score_entry(3.0, ScoreFormat::Shortest), 2);
        assert_eq!(score_entry(1.5, ScoreFormat::Shortest), str_entry(3));
        assert_eq!(score_entry(1.5, ScoreFormat::Printf17g), str_entry(3));
        // 0.1 has 17 significant digits with %.17g: 0.10000000000000001
        assert_eq!(score_entry(0.1, ScoreFormat::Printf17g), str_entry(19));
        assert_eq!(score_entry(0.1, ScoreFormat::Shortest), str_entry(3));
        assert_eq!(score_entry(-2.5e-7, ScoreFormat::Shortest), str_entry(8));
        assert_eq!(score_entry(1e300, ScoreFormat::Shortest), str_entry(6));
        assert_eq!(score_entry(-0.0, ScoreFormat::Shortest), 2);
        assert_eq!(score_entry(-4096.0, ScoreFormat::Printf17g), int_entry(-4096));
        assert_eq!(score_entry(f64::NAN, ScoreFormat::Shortest), str_entry(3));
        assert_eq!(score_entry(f64::NEG_INFINITY, ScoreFormat::Shortest), str_entry(4));
        // Beyond 2^52 integral scores take the text path: %.17g prints all 16 digits.
        assert_eq!(score_entry(9_007_199_254_740_992.0, ScoreFormat::Printf17g), str_entry(16));
        assert_eq!(score_entry(1.25e-5, ScoreFormat::Shortest), str_entry(8));
    }
}
