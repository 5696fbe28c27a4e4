//! Headers as the reference signer keeps them: a dictionary keyed by the exact name, in
//! insertion order (a repeated name keeps its first position and last value). Names are
//! compared and signed lower-cased (Python's `str.lower`); names containing `_` are not signed.

use std::cmp::Ordering;

use super::encoding::{py_strip, Sink};
use super::indices::Indices;
use crate::error::{Error, Result};

/// A header's value: borrowed text, or one of the two values the signer makes itself (which
/// live in the signed result, so the dictionary can borrow everything else).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Value<'a> {
    Text(&'a str),
    /// The `X-Sdk-Date` the signer formatted.
    Date,
    /// The `Authorization` value, set last.
    Authorization,
}

impl<'a> Value<'a> {
    /// The text, for values read before the signer sets its own (`Date` reads as `date`).
    #[inline]
    pub(crate) fn text(self, date: &'a str) -> &'a str {
        match self {
            Value::Text(s) => s,
            Value::Date => date,
            Value::Authorization => "",
        }
    }
}

/// Names and values are borrowed from the caller's request, the credentials and the signer's
/// constants: nothing is copied.
pub(crate) struct HeaderDict<'a>(pub(crate) Vec<(&'a str, Value<'a>)>);

impl<'a> HeaderDict<'a> {
    /// Takes the caller's headers, rejecting names and values that cannot go on the wire.
    /// `extra` is room for the headers the signer adds.
    pub(crate) fn from_pairs(pairs: &'a [(String, String)], extra: usize) -> Result<HeaderDict<'a>> {
        let mut d = HeaderDict(Vec::with_capacity(pairs.len() + extra));
        for (k, v) in pairs {
            if !is_valid_name(k) {
                return Err(Error::invalid_input("headers", format!("{k:?} is not a valid header name")));
            }
            // CR and LF never occur inside a multi-byte UTF-8 sequence: a byte scan is exact.
            if v.bytes().any(|b| b == b'\r' || b == b'\n') {
                return Err(Error::invalid_input("headers", format!("the value of {k} contains a line break")));
            }
            d.insert(k, Value::Text(v));
        }
        Ok(d)
    }

    #[inline]
    pub(crate) fn insert(&mut self, name: &'a str, value: Value<'a>) {
        match self.0.iter_mut().find(|(k, _)| *k == name) {
            Some(entry) => entry.1 = value,
            None => self.0.push((name, value)),
        }
    }

    #[inline]
    pub(crate) fn get_exact(&self, name: &str) -> Option<Value<'a>> {
        self.0.iter().find(|(k, _)| *k == name).map(|&(_, v)| v)
    }

    #[inline]
    pub(crate) fn get_ignore_case(&self, name: &str) -> Option<Value<'a>> {
        self.0.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|&(_, v)| v)
    }

    pub(crate) fn contains_ignore_case(&self, name: &str) -> bool {
        self.get_ignore_case(name).is_some()
    }

    /// Every value is sent trimmed, as the reference does (trimming only narrows the borrow).
    pub(crate) fn trim_values(&mut self) {
        for (_, v) in self.0.iter_mut() {
            if let Value::Text(s) = v {
                *s = py_strip(s);
            }
        }
    }

    /// Indices of the signed headers, ordered by lower-cased name.
    pub(crate) fn signed_order(&self) -> Indices {
        let mut order = Indices::new((0..self.0.len()).filter(|&i| !self.0[i].0.bytes().any(|b| b == b'_')));
        let names = order.as_mut_slice();
        const KEYED: usize = 16;
        if names.len() <= KEYED && names.iter().all(|&i| self.0[i].0.is_ascii()) {
            // Sort keys: a name's first 8 bytes lower-cased (zero-padded), which usually decide;
            // the full comparison runs only on a tie.
            let mut keyed = [(0u64, 0usize); KEYED];
            for (k, &i) in keyed.iter_mut().zip(names.iter()) {
                *k = (prefix_key(self.0[i].0), i);
            }
            let keyed = &mut keyed[..names.len()];
            keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| cmp_lower(self.0[a.1].0, self.0[b.1].0)));
            for (n, &(_, i)) in names.iter_mut().zip(keyed.iter()) {
                *n = i;
            }
        } else {
            names.sort_unstable_by(|&a, &b| cmp_lower(self.0[a].0, self.0[b].0));
        }
        order
    }

    /// For each signed header (in `order`), the index of the header whose value is signed:
    /// the last one, by position, with the same lower-cased name. Such headers sort next to
    /// each other, so one pass over the runs of equal names finds them.
    pub(crate) fn value_sources(&self, order: &[usize]) -> Indices {
        let name = |p: usize| self.0[order[p]].0;
        let mut sources = Indices::new(order.iter().copied());
        let mut start = 0;
        while start < order.len() {
            let mut end = start + 1;
            while end < order.len() && eq_lower(name(end), name(start)) {
                end += 1;
            }
            if end - start > 1 {
                let last = order[start..end].iter().copied().max().unwrap_or(order[start]);
                sources.as_mut_slice()[start..end].fill(last);
            }
            start = end;
        }
        sources
    }
}

/// The first 8 bytes of an ASCII name, lower-cased and zero-padded, as a big-endian number:
/// ordering these orders the names, except on a tie.
fn prefix_key(name: &str) -> u64 {
    let mut key = [0u8; 8];
    for (k, b) in key.iter_mut().zip(name.bytes()) {
        *k = b.to_ascii_lowercase();
    }
    u64::from_be_bytes(key)
}

/// Not empty, no `:`, no line break, no whitespace (in Python's or Rust's sense of it).
fn is_valid_name(name: &str) -> bool {
    let ascii_ok = |b: u8| b != b':' && !matches!(b, b'\t'..=b'\r' | b' ');
    !name.is_empty() && name.bytes().all(ascii_ok) && (name.is_ascii() || !name.chars().any(char::is_whitespace))
}

/// Orders names as their lower-cased forms; ASCII names (the usual case) without allocating.
#[inline]
pub(crate) fn cmp_lower(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        // Names usually differ in their first bytes: stop at the first difference.
        let (a, b) = (a.as_bytes(), b.as_bytes());
        for (x, y) in a.iter().zip(b) {
            let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
            if x != y {
                return x.cmp(&y);
            }
        }
        a.len().cmp(&b.len())
    } else {
        a.to_lowercase().cmp(&b.to_lowercase())
    }
}

#[inline]
fn eq_lower(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

/// Appends `name` lower-cased (Python's `str.lower`).
#[inline]
pub(crate) fn push_lower<S: Sink + ?Sized>(out: &mut S, name: &str) {
    if name.is_ascii() {
        out.push_ascii_lowercase(name);
    } else {
        out.push_str(&name.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict(pairs: &[(&str, &str)]) -> HeaderDict<'static> {
        let pairs: &'static [(String, String)] = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>().leak();
        HeaderDict::from_pairs(pairs, 0).unwrap()
    }

    #[test]
    fn repeated_names_keep_first_position_and_last_value() {
        let d = dict(&[("B", "1"), ("a", "2"), ("B", "3")]);
        assert_eq!(d.0, vec![("B", Value::Text("3")), ("a", Value::Text("2"))]);
    }

    #[test]
    fn order_is_lower_cased_and_skips_underscores() {
        let d = dict(&[("X-b", "1"), ("x_a", "2"), ("Content-Type", "3"), ("ÄB", "4"), ("x-A", "5")]);
        let names: Vec<&str> = d.signed_order().as_slice().iter().map(|&i| d.0[i].0).collect();
        assert_eq!(names, ["Content-Type", "x-A", "X-b", "ÄB"]);
        let mut s = String::new();
        push_lower(&mut s, "ÄB");
        assert_eq!(s, "äb");
    }

    #[test]
    fn keyed_sort_agrees_with_full_comparison() {
        let names = ["X-Sdk-Date", "x-sdk-content-sha256", "X-SDK-DATE2", "x-sdk-dat", "Host", "h", "a\u{0}b", "a", "X-Project-Id", "x-project-idx"];
        let pairs: Vec<(&str, &str)> = names.iter().map(|n| (*n, "v")).collect();
        for take in [3, names.len()] {
            let d = dict(&pairs[..take]);
            let got: Vec<&str> = d.signed_order().as_slice().iter().map(|&i| d.0[i].0).collect();
            let mut want: Vec<&str> = d.0.iter().map(|(k, _)| *k).collect();
            want.sort_by(|a, b| cmp_lower(a, b));
            assert_eq!(got, want);
        }
        // More names than the keyed path takes.
        let many: Vec<String> = (0..40).rev().map(|i| format!("X-H{i:02}")).collect();
        let pairs: Vec<(&str, &str)> = many.iter().map(|n| (n.as_str(), "v")).collect();
        let d = dict(&pairs);
        let got: Vec<&str> = d.signed_order().as_slice().iter().map(|&i| d.0[i].0).collect();
        let mut want = got.clone();
        want.sort_by(|a, b| cmp_lower(a, b));
        assert_eq!(got, want);
        assert_eq!(got[0], "X-H00");
    }

    #[test]
    fn case_variants_sign_the_last_value() {
        let d = dict(&[("X-A", "1"), ("b", "2"), ("x-a", "3"), ("X-a", "4"), ("c", "5")]);
        let order = d.signed_order();
        let values: Vec<&str> = d.value_sources(order.as_slice()).as_slice().iter().map(|&i| d.0[i].1.text("")).collect();
        assert_eq!(values, ["2", "5", "4", "4", "4"]);
    }

    #[test]
    fn bad_names_and_values_are_rejected() {
        for (k, v) in [("", "v"), ("a:b", "v"), ("a b", "v"), ("a\u{a0}b", "v"), ("a", "x\ny"), ("a", "x\r")] {
            let pairs = vec![(k.to_string(), v.to_string())];
            assert_eq!(HeaderDict::from_pairs(&pairs, 0).err().and_then(|e| e.param().map(str::to_string)).as_deref(), Some("headers"), "{k:?}");
        }
    }
}
