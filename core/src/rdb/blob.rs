//! Walkers over the packed encodings RDB stores as strings: listpack, ziplist, zipmap, intset.
//! They only read headers and lengths (no element is copied) and check every bound.

/// One element of a packed blob.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Entry<'a> {
    Str(&'a [u8]),
    Int(i64),
}

impl Entry<'_> {
    /// The element's length as Redis would print it (digits for integers).
    #[inline]
    pub fn text_len(&self) -> u64 {
        match self {
            Entry::Str(s) => s.len() as u64,
            Entry::Int(v) => int_text_len(*v),
        }
    }

    /// The element as an integer (integers, or strings holding a decimal integer).
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Entry::Int(v) => Some(*v),
            Entry::Str(s) => std::str::from_utf8(s).ok()?.parse().ok(),
        }
    }
}

/// Decimal digits (and sign) of an integer.
#[inline]
pub fn int_text_len(v: i64) -> u64 {
    let digits = v.unsigned_abs().checked_ilog10().map_or(1, |l| l as u64 + 1);
    digits + (v < 0) as u64
}

pub type BlobResult<T> = Result<T, String>;

fn need(blob: &[u8], p: usize, n: usize, what: &str) -> BlobResult<()> {
    if p.checked_add(n).is_some_and(|e| e <= blob.len()) {
        Ok(())
    } else {
        Err(format!("{what} at blob offset {p} needs {n} bytes but the blob has {} bytes", blob.len()))
    }
}

/// The element count a listpack header declares (None when it saturated at 65535).
pub fn listpack_header_count(head: &[u8]) -> Option<u64> {
    if head.len() < 6 {
        return None;
    }
    let n = u16::from_le_bytes([head[4], head[5]]);
    (n != u16::MAX).then_some(n as u64)
}

/// The element count a ziplist header declares (None when it saturated at 65535).
pub fn ziplist_header_count(head: &[u8]) -> Option<u64> {
    if head.len() < 10 {
        return None;
    }
    let n = u16::from_le_bytes([head[8], head[9]]);
    (n != u16::MAX).then_some(n as u64)
}

#[inline]
fn backlen_size(l: usize) -> usize {
    if l <= 127 {
        1
    } else if l < 16383 {
        2
    } else if l < 2_097_151 {
        3
    } else if l < 268_435_455 {
        4
    } else {
        5
    }
}

/// Calls `f` for every listpack element; returns the element count.
pub fn walk_listpack<'a>(blob: &'a [u8], mut f: impl FnMut(Entry<'a>)) -> BlobResult<u64> {
    need(blob, 0, 7, "listpack header")?;
    let total = u32::from_le_bytes([blob[0], blob[1], blob[2], blob[3]]) as usize;
    if total != blob.len() {
        return Err(format!("listpack header says {total} bytes but the string holds {}", blob.len()));
    }
    let declared = listpack_header_count(blob);
    let mut p = 6;
    let mut count = 0u64;
    loop {
        need(blob, p, 1, "listpack entry")?;
        let b = blob[p];
        let (hdr, len, entry) = match b {
            0x00..=0x7f => (1, 0, Entry::Int(b as i64)),
            0x80..=0xbf => {
                let l = (b & 0x3f) as usize;
                need(blob, p + 1, l, "listpack string")?;
                (1, l, Entry::Str(&blob[p + 1..p + 1 + l]))
            }
            0xc0..=0xdf => {
                need(blob, p, 2, "listpack 13-bit integer")?;
                let raw = (((b & 0x1f) as u16) << 8 | blob[p + 1] as u16) as i64;
                let v = if raw >= 1 << 12 { raw - (1 << 13) } else { raw };
                (2, 0, Entry::Int(v))
            }
            0xe0..=0xef => {
                need(blob, p, 2, "listpack 12-bit string length")?;
                let l = ((b & 0x0f) as usize) << 8 | blob[p + 1] as usize;
                need(blob, p + 2, l, "listpack string")?;
                (2, l, Entry::Str(&blob[p + 2..p + 2 + l]))
            }
            0xf0 => {
                need(blob, p, 5, "listpack 32-bit string length")?;
                let l = u32::from_le_bytes([blob[p + 1], blob[p + 2], blob[p + 3], blob[p + 4]]) as usize;
                need(blob, p + 5, l, "listpack string")?;
                (5, l, Entry::Str(&blob[p + 5..p + 5 + l]))
            }
            0xf1 => {
                need(blob, p, 3, "listpack int16")?;
                (3, 0, Entry::Int(i16::from_le_bytes([blob[p + 1], blob[p + 2]]) as i64))
            }
            0xf2 => {
                need(blob, p, 4, "listpack int24")?;
                let v = i32::from_le_bytes([0, blob[p + 1], blob[p + 2], blob[p + 3]]) >> 8;
                (4, 0, Entry::Int(v as i64))
            }
            0xf3 => {
                need(blob, p, 5, "listpack int32")?;
                let v = i32::from_le_bytes([blob[p + 1], blob[p + 2], blob[p + 3], blob[p + 4]]);
                (5, 0, Entry::Int(v as i64))
            }
            0xf4 => {
                need(blob, p, 9, "listpack int64")?;
                let mut a = [0u8; 8];
                a.copy_from_slice(&blob[p + 1..p + 9]);
                (9, 0, Entry::Int(i64::from_le_bytes(a)))
            }
            0xff => {
                if p + 1 != blob.len() {
                    return Err(format!("listpack end marker at blob offset {p} but the blob has {} bytes", blob.len()));
                }
                if let Some(d) = declared {
                    if d != count {
                        return Err(format!("listpack header declares {d} elements but holds {count}"));
                    }
                }
                return Ok(count);
            }
            _ => return Err(format!("invalid listpack encoding byte 0x{b:02x} at blob offset {p}")),
        };
        let entry_len = hdr + len;
        let step = entry_len + backlen_size(entry_len);
        need(blob, p, step, "listpack entry")?;
        f(entry);
        count += 1;
        p += step;
    }
}

/// Calls `f` for every ziplist element; returns the element count.
pub fn walk_ziplist<'a>(blob: &'a [u8], mut f: impl FnMut(Entry<'a>)) -> BlobResult<u64> {
    need(blob, 0, 11, "ziplist header")?;
    let total = u32::from_le_bytes([blob[0], blob[1], blob[2], blob[3]]) as usize;
    if total != blob.len() {
        return Err(format!("ziplist header says {total} bytes but the string holds {}", blob.len()));
    }
    let declared = ziplist_header_count(blob);
    let mut p = 10;
    let mut count = 0u64;
    loop {
        need(blob, p, 1, "ziplist entry")?;
        let b = blob[p];
        if b == 0xff {
            if p + 1 != blob.len() {
                return Err(format!("ziplist end marker at blob offset {p} but the blob has {} bytes", blob.len()));
            }
            if let Some(d) = declared {
                if d != count {
                    return Err(format!("ziplist header declares {d} elements but holds {count}"));
                }
            }
            return Ok(count);
        }
        p += if b == 0xfe { 5 } else { 1 };
        need(blob, p, 1, "ziplist entry encoding")?;
        let e = blob[p];
        let entry = match e >> 6 {
            0 => {
                let l = (e & 0x3f) as usize;
                need(blob, p + 1, l, "ziplist string")?;
                p += 1 + l;
                Entry::Str(&blob[p - l..p])
            }
            1 => {
                need(blob, p, 2, "ziplist 14-bit string length")?;
                let l = ((e & 0x3f) as usize) << 8 | blob[p + 1] as usize;
                need(blob, p + 2, l, "ziplist string")?;
                p += 2 + l;
                Entry::Str(&blob[p - l..p])
            }
            2 => {
                need(blob, p, 5, "ziplist 32-bit string length")?;
                let l = u32::from_be_bytes([blob[p + 1], blob[p + 2], blob[p + 3], blob[p + 4]]) as usize;
                need(blob, p + 5, l, "ziplist string")?;
                p += 5 + l;
                Entry::Str(&blob[p - l..p])
            }
            _ => {
                let (size, v) = match e {
                    0xc0 => {
                        need(blob, p, 3, "ziplist int16")?;
                        (2, i16::from_le_bytes([blob[p + 1], blob[p + 2]]) as i64)
                    }
                    0xd0 => {
                        need(blob, p, 5, "ziplist int32")?;
                        (4, i32::from_le_bytes([blob[p + 1], blob[p + 2], blob[p + 3], blob[p + 4]]) as i64)
                    }
                    0xe0 => {
                        need(blob, p, 9, "ziplist int64")?;
                        let mut a = [0u8; 8];
                        a.copy_from_slice(&blob[p + 1..p + 9]);
                        (8, i64::from_le_bytes(a))
                    }
                    0xf0 => {
                        need(blob, p, 4, "ziplist int24")?;
                        (3, (i32::from_le_bytes([0, blob[p + 1], blob[p + 2], blob[p + 3]]) >> 8) as i64)
                    }
                    0xfe => {
                        need(blob, p, 2, "ziplist int8")?;
                        (1, blob[p + 1] as i8 as i64)
                    }
                    0xf1..=0xfd => (0, (e & 0x0f) as i64 - 1),
                    _ => return Err(format!("invalid ziplist encoding byte 0x{e:02x} at blob offset {p}")),
                };
                p += 1 + size;
                Entry::Int(v)
            }
        };
        f(entry);
        count += 1;
    }
}

/// Calls `f` for every key and value of a zipmap (old hash encoding); returns the pair count.
pub fn walk_zipmap<'a>(blob: &'a [u8], mut f: impl FnMut(Entry<'a>)) -> BlobResult<u64> {
    need(blob, 0, 1, "zipmap header")?;
    let mut p = 1;
    let mut pairs = 0u64;
    let read_len = |p: &mut usize| -> BlobResult<Option<usize>> {
        need(blob, *p, 1, "zipmap length")?;
        let b = blob[*p];
        match b {
            0..=253 => {
                *p += 1;
                Ok(Some(b as usize))
            }
            254 => {
                need(blob, *p, 5, "zipmap 32-bit length")?;
                let l = u32::from_le_bytes([blob[*p + 1], blob[*p + 2], blob[*p + 3], blob[*p + 4]]);
                *p += 5;
                Ok(Some(l as usize))
            }
            _ => Ok(None),
        }
    };
    loop {
        let Some(klen) = read_len(&mut p)? else {
            if p + 1 != blob.len() {
                return Err(format!("zipmap end marker at blob offset {p} but the blob has {} bytes", blob.len()));
            }
            return Ok(pairs);
        };
        need(blob, p, klen, "zipmap key")?;
        f(Entry::Str(&blob[p..p + klen]));
        p += klen;
        let Some(vlen) = read_len(&mut p)? else {
            return Err(format!("zipmap key without a value at blob offset {p}"));
        };
        need(blob, p, 1, "zipmap free byte")?;
        let free = blob[p] as usize;
        p += 1;
        need(blob, p, vlen + free, "zipmap value")?;
        f(Entry::Str(&blob[p..p + vlen]));
        p += vlen + free;
        pairs += 1;
    }
}

/// Intset: (element width in bytes, count), after checking the blob size matches.
pub fn intset_info(blob: &[u8]) -> BlobResult<(u64, u64)> {
    need(blob, 0, 8, "intset header")?;
    let enc = u32::from_le_bytes([blob[0], blob[1], blob[2], blob[3]]) as u64;
    let len = u32::from_le_bytes([blob[4], blob[5], blob[6], blob[7]]) as u64;
    if !matches!(enc, 2 | 4 | 8) {
        return Err(format!("invalid intset encoding {enc} (expected 2, 4 or 8)"));
    }
    if 8 + enc * len != blob.len() as u64 {
        return Err(format!("intset of {len} x {enc}-byte integers needs {} bytes but the string holds {}", 8 + enc * len, blob.len()));
    }
    Ok((enc, len))
}

/// The largest decimal length among an intset's members.
pub fn intset_largest(blob: &[u8], enc: u64) -> u64 {
    let body = &blob[8..];
    let mut best = 0;
    for c in body.chunks_exact(enc as usize) {
        let v = match enc {
            2 => i16::from_le_bytes([c[0], c[1]]) as i64,
            4 => i32::from_le_bytes([c[0], c[1], c[2], c[3]]) as i64,
            _ => i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]),
        };
        best = best.max(int_text_len(v));
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lp(entries: &[&[u8]]) -> Vec<u8> {
        let mut body = Vec::new();
        for e in entries {
            assert!(e.len() < 64);
            body.push(0x80 | e.len() as u8);
            body.extend_from_slice(e);
            body.push(1 + e.len() as u8);
        }
        let mut v = Vec::new();
        v.extend_from_slice(&((6 + body.len() + 1) as u32).to_le_bytes());
        v.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        v.extend_from_slice(&body);
        v.push(0xff);
        v
    }

    #[test]
    fn listpack_walk() {
        let blob = lp(&[b"ab", b"", b"xyz"]);
        let mut seen = Vec::new();
        assert_eq!(walk_listpack(&blob, |e| seen.push(e.text_len())).unwrap(), 3);
        assert_eq!(seen, vec![2, 0, 3]);
        let mut bad = blob.clone();
        bad[4] = 9;
        assert!(walk_listpack(&bad, |_| {}).unwrap_err().contains("declares 9"));
        for cut in 0..blob.len() {
            assert!(walk_listpack(&blob[..cut], |_| {}).is_err());
        }
    }

    #[test]
    fn ints_and_lengths() {
        assert_eq!(int_text_len(0), 1);
        assert_eq!(int_text_len(-10), 3);
        assert_eq!(int_text_len(i64::MIN), 20);
        let mut blob = vec![0u8; 8];
        blob[0] = 2;
        blob[4] = 2;
        blob.extend_from_slice(&(-300i16).to_le_bytes());
        blob.extend_from_slice(&7i16.to_le_bytes());
        assert_eq!(intset_info(&blob).unwrap(), (2, 2));
        assert_eq!(intset_largest(&blob, 2), 4);
        assert!(intset_info(&blob[..9]).is_err());
    }
}
