//! Headers as the reference signer keeps them: a dictionary keyed by the exact name, in
//! insertion order (a repeated name keeps its first position and last value). Names are
//! compared and signed lower-cased (Python's `str.lower`); names containing `_` are not signed.

use std::cmp::Ordering;

use super::encoding::py_strip;
use super::indices::Indices;
use crate::error::{Error, Result};

pub(crate) struct HeaderDict(pub(crate) Vec<(String, String)>);

impl HeaderDict {
    /// Copies the caller's headers, rejecting names and values that cannot go on the wire.
    /// `extra` is room for the headers the signer adds.
    pub(crate) fn from_pairs(pairs: &[(String, String)], extra: usize) -> Result<HeaderDict> {
        let mut d = HeaderDict(Vec::with_capacity(pairs.len() + extra));
        for (k, v) in pairs {
            if !is_valid_name(k) {
                return Err(Error::invalid_input("headers", format!("{k:?} is not a valid header name")));
            }
            // CR and LF never occur inside a multi-byte UTF-8 sequence: a byte scan is exact.
            if v.bytes().any(|b| b == b'\r' || b == b'\n') {
                return Err(Error::invalid_input("headers", format!("the value of {k} contains a line break")));
            }
            d.insert(k, v.clone());
        }
        Ok(d)
    }

    // Always inlined: passed through memory, the `String` costs a stall to read back.
    #[inline(always)]
    pub(crate) fn insert(&mut self, name: &str, value: String) {
        match self.0.iter_mut().find(|(k, _)| k == name) {
            Some(entry) => entry.1 = value,
            None => self.0.push((name.to_string(), value)),
        }
    }

    #[inline]
    pub(crate) fn get_exact(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    #[inline]
    pub(crate) fn get_ignore_case(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub(crate) fn contains_ignore_case(&self, name: &str) -> bool {
        self.get_ignore_case(name).is_some()
    }

    /// Every value is sent trimmed, as the reference does.
    pub(crate) fn trim_values(&mut self) {
        for (_, v) in self.0.iter_mut() {
            let trimmed = py_strip(v);
            if trimmed.len() != v.len() {
                *v = trimmed.to_string();
            }
        }
    }

    /// Indices of the signed headers, ordered by lower-cased name.
    pub(crate) fn signed_order(&self) -> Indices {
        let mut order = Indices::new((0..self.0.len()).filter(|&i| !self.0[i].0.bytes().any(|b| b == b'_')));
        order.as_mut_slice().sort_unstable_by(|&a, &b| cmp_lower(&self.0[a].0, &self.0[b].0));
        order
    }

    /// For each signed header (in `order`), the index of the header whose value is signed:
    /// the last one, by position, with the same lower-cased name. Such headers sort next to
    /// each other, so one pass over the runs of equal names finds them.
    pub(crate) fn value_sources(&self, order: &[usize]) -> Indices {
        let name = |p: usize| self.0[order[p]].0.as_str();
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

/// Not empty, no `:`, no line break, no whitespace (in Python's or Rust's sense of it).
fn is_valid_name(name: &str) -> bool {
    let ascii_ok = |b: u8| b != b':' && !matches!(b, b'\t'..=b'\r' | b' ');
    !name.is_empty() && name.bytes().all(ascii_ok) && (name.is_ascii() || !name.chars().any(char::is_whitespace))
}

/// Orders names as their lower-cased forms; ASCII names (the usual case) without allocating.
#[inline]
pub(crate) fn cmp_lower(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
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

#[inline]
pub(crate) fn push_lower(out: &mut String, name: &str) {
    if name.is_ascii() {
        let start = out.len();
        out.push_str(name);
        if let Some(added) = out.get_mut(start..) {
            added.make_ascii_lowercase();
        }
    } else {
        out.push_str(&name.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict(pairs: &[(&str, &str)]) -> HeaderDict {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        HeaderDict::from_pairs(&pairs, 0).unwrap()
    }

    #[test]
    fn repeated_names_keep_first_position_and_last_value() {
        let d = dict(&[("B", "1"), ("a", "2"), ("B", "3")]);
        assert_eq!(d.0, vec![("B".to_string(), "3".to_string()), ("a".to_string(), "2".to_string())]);
    }

    #[test]
    fn order_is_lower_cased_and_skips_underscores() {
        let d = dict(&[("X-b", "1"), ("x_a", "2"), ("Content-Type", "3"), ("ÄB", "4"), ("x-A", "5")]);
        let names: Vec<&str> = d.signed_order().as_slice().iter().map(|&i| d.0[i].0.as_str()).collect();
        assert_eq!(names, ["Content-Type", "x-A", "X-b", "ÄB"]);
        let mut s = String::new();
        push_lower(&mut s, "ÄB");
        assert_eq!(s, "äb");
    }

    #[test]
    fn case_variants_sign_the_last_value() {
        let d = dict(&[("X-A", "1"), ("b", "2"), ("x-a", "3"), ("X-a", "4"), ("c", "5")]);
        let order = d.signed_order();
        let values: Vec<&str> = d.value_sources(order.as_slice()).as_slice().iter().map(|&i| d.0[i].1.as_str()).collect();
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
