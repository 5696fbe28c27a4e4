//! The text transformations of SDK-HMAC-SHA256, each matching the reference signer byte for
//! byte: percent-encoding (only `A-Z a-z 0-9 - . _ ~` stay), lossy UTF-8 percent-decoding,
//! canonical URI and query string, Python's notion of whitespace, lower-case hex.

use std::borrow::Cow;

use super::indices::Indices;

/// Where canonical text goes: a `String` (URLs, `dcskit sign`'s explanation) or straight into
/// a SHA-256 (the canonical request on the signing hot path).
pub trait Sink {
    fn push_str(&mut self, s: &str);

    /// Appends ASCII bytes (hex digits, lower-cased ASCII names): a hasher takes them without
    /// the UTF-8 check a `&str` costs. Callers pass ASCII only.
    fn push_ascii(&mut self, ascii: &[u8]) {
        debug_assert!(ascii.is_ascii());
        match std::str::from_utf8(ascii) {
            Ok(s) => self.push_str(s),
            Err(_) => self.push_str(&String::from_utf8_lossy(ascii)),
        }
    }

    /// Appends an ASCII name lower-cased.
    fn push_ascii_lowercase(&mut self, name: &str) {
        let mut buf = [0u8; 64];
        for chunk in name.as_bytes().chunks(buf.len()) {
            let lower = &mut buf[..chunk.len()];
            lower.copy_from_slice(chunk);
            lower.make_ascii_lowercase();
            self.push_ascii(lower);
        }
    }
}

impl Sink for String {
    #[inline]
    fn push_str(&mut self, s: &str) {
        String::push_str(self, s);
    }

    #[inline]
    fn push_ascii_lowercase(&mut self, name: &str) {
        let start = self.len();
        String::push_str(self, name);
        if let Some(added) = self.get_mut(start..) {
            added.make_ascii_lowercase();
        }
    }
}

/// Appends `s` percent-encoded: every byte except unreserved characters becomes `%XX`.
pub fn encode_into<S: Sink + ?Sized>(out: &mut S, s: &str) {
    // Fast path: most keys and values need no escaping.
    if s.bytes().all(is_unreserved) {
        out.push_str(s);
    } else {
        encode_bytes_into(out, s.as_bytes());
    }
}

/// Escapes byte by byte into a stack buffer, pushed out in pieces.
fn encode_bytes_into<S: Sink + ?Sized>(out: &mut S, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut buf = [0u8; 96];
    let mut n = 0;
    for &b in bytes {
        if n + 3 > buf.len() {
            out.push_str(std::str::from_utf8(&buf[..n]).expect("ASCII"));
            n = 0;
        }
        if is_unreserved(b) {
            buf[n] = b;
            n += 1;
        } else {
            buf[n..n + 3].copy_from_slice(&[b'%', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]);
            n += 3;
        }
    }
    out.push_str(std::str::from_utf8(&buf[..n]).expect("ASCII"));
}

pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    encode_into(&mut out, s);
    out
}

#[inline]
fn is_unreserved(b: u8) -> bool {
    UNRESERVED[b as usize]
}

/// `A-Z a-z 0-9 - . _ ~` as a table: the check runs on every byte of the URI and query.
static UNRESERVED: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~');
        b += 1;
    }
    t
};

/// Percent-decodes; a `%` not followed by two hex digits stays literal, and bytes that are not
/// UTF-8 become U+FFFD.
pub fn decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let bytes: Cow<'_, [u8]> = percent_encoding::percent_decode_str(s).into();
    match bytes {
        Cow::Borrowed(_) => Cow::Borrowed(s),
        Cow::Owned(v) => Cow::Owned(match String::from_utf8(v) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }),
    }
}

/// The canonical URI: the path decoded, split on `/` (so an encoded `%2F` splits too), each
/// segment re-encoded, always ending in `/`.
pub fn canonical_uri_into<S: Sink + ?Sized>(out: &mut S, raw_path: &str) {
    // Fast path: a path of unreserved characters and `/` (the usual API path) is its own
    // canonical form: decoding and re-encoding would change nothing.
    let ends_with_slash = if raw_path.bytes().all(|b| b == b'/' || is_unreserved(b)) {
        out.push_str(raw_path);
        raw_path.ends_with('/')
    } else {
        let decoded = decode(raw_path);
        for (i, segment) in decoded.split('/').enumerate() {
            if i > 0 {
                out.push_str("/");
            }
            encode_into(out, segment);
        }
        // A segment is never empty once encoded unless it was empty: the output ends in `/`
        // exactly when the decoded path does.
        decoded.ends_with('/')
    };
    if !ends_with_slash {
        out.push_str("/");
    }
}

/// Splits a raw query string (`a=1&b=%20`) into decoded pairs. Empty pieces are skipped,
/// `k` alone means an empty value, and `+` stays a plus (the signer never encodes a space as `+`).
pub fn parse_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (k, v) = piece.split_once('=').unwrap_or((piece, ""));
            (decode(k).into_owned(), decode(v).into_owned())
        })
        .collect()
}

/// The canonical query string: pairs sorted by decoded key then value (code point order),
/// each side encoded, joined with `&`. Repeated keys stay repeated; an empty value is `k=`.
pub fn canonical_query_into<S: Sink + ?Sized, K: AsRef<str>, V: AsRef<str>>(out: &mut S, pairs: &[(K, V)]) {
    let pair = |i: usize| (pairs[i].0.as_ref(), pairs[i].1.as_ref());
    let mut order = Indices::new(0..pairs.len());
    order.as_mut_slice().sort_unstable_by(|&a, &b| pair(a).cmp(&pair(b)));
    for (n, &i) in order.as_slice().iter().enumerate() {
        if n > 0 {
            out.push_str("&");
        }
        let (k, v) = pair(i);
        encode_into(out, k);
        out.push_str("=");
        encode_into(out, v);
    }
}

pub fn canonical_query<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let mut out = String::new();
    canonical_query_into(&mut out, pairs);
    out
}

/// Trims what Python's `str.strip()` trims: Unicode White_Space plus U+001C..U+001F.
pub fn py_strip(s: &str) -> &str {
    // Fast path: nothing to trim when both ends are visible ASCII.
    let visible = |b: Option<&u8>| b.is_some_and(|&b| (b'!'..=b'~').contains(&b));
    if visible(s.as_bytes().first()) && visible(s.as_bytes().last()) {
        return s;
    }
    s.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

pub fn hex_into<S: Sink + ?Sized>(out: &mut S, bytes: &[u8]) {
    // Two digits per byte from a table, a block at a time through a stack buffer.
    let mut buf = [0u8; 128];
    for chunk in bytes.chunks(64) {
        for (pair, &b) in buf.chunks_exact_mut(2).zip(chunk) {
            pair.copy_from_slice(&HEX_PAIRS[b as usize]);
        }
        out.push_str(std::str::from_utf8(&buf[..2 * chunk.len()]).expect("hex digits are ASCII"));
    }
}

/// A digest as 64 lower-case hex digits on the stack.
pub(crate) fn hex_digest(digest: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (pair, &b) in out.chunks_exact_mut(2).zip(digest) {
        pair.copy_from_slice(&HEX_PAIRS[b as usize]);
    }
    out
}

static HEX_PAIRS: [[u8; 2]; 256] = {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut t = [[0u8; 2]; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = [DIGITS[b >> 4], DIGITS[b & 15]];
        b += 1;
    }
    t
};

pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    hex_into(&mut s, bytes);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_the_reference() {
        assert_eq!(encode("a b~c/d+e*"), "a%20b~c%2Fd%2Be%2A");
        assert_eq!(encode("é"), "%C3%A9");
        assert_eq!(encode("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(encode("é/a€ b"), "%C3%A9%2Fa%E2%82%AC%20b");
        assert_eq!(encode(""), "");
        let long: String = "é".repeat(100);
        assert_eq!(encode(&long), "%C3%A9".repeat(100));
    }

    #[test]
    fn decodes_leniently() {
        assert_eq!(decode("a%2Fb%zz%4"), "a/b%zz%4");
        assert_eq!(decode("%FF"), "\u{FFFD}");
        assert_eq!(decode("%C3%A9"), "é");
    }

    #[test]
    fn canonical_uri_cases() {
        let uri = |p: &str| {
            let mut s = String::new();
            canonical_uri_into(&mut s, p);
            s
        };
        assert_eq!(uri("/v2/p/instances"), "/v2/p/instances/");
        assert_eq!(uri("/v2/"), "/v2/");
        assert_eq!(uri("/"), "/");
        assert_eq!(uri(""), "/");
        assert_eq!(uri("/a%2Fb/c d"), "/a/b/c%20d/");
        assert_eq!(uri("/a:b@c!"), "/a%3Ab%40c%21/");
        assert_eq!(uri("//a//"), "//a//");
        assert_eq!(uri("/a~b/%7E"), "/a~b/~/");
    }

    #[test]
    fn query_sorting_and_repeats() {
        let q = parse_query("b=2&a=&a=%20x&c&&z=%7E");
        assert_eq!(canonical_query(&q), "a=&a=%20x&b=2&c=&z=~");
    }

    #[test]
    fn hex_digits() {
        let bytes: Vec<u8> = (0..=255).chain(0..=255).collect();
        assert_eq!(hex(&bytes), hex::encode(&bytes));
    }

    #[test]
    fn python_whitespace() {
        assert_eq!(py_strip("\u{1f} v \u{a0}"), "v");
        assert_eq!(py_strip("\u{200b}v"), "\u{200b}v");
        assert_eq!(py_strip("v"), "v");
        assert_eq!(py_strip(" v"), "v");
        assert_eq!(py_strip("v\u{1c}"), "v");
        assert_eq!(py_strip(""), "");
        assert_eq!(py_strip(" "), "");
    }
}
