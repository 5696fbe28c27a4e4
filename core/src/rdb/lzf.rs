//! LZF decompression (the format RDB uses for compressed strings), bounded by the output buffer.

/// A back reference copies at most 264 bytes from 3 input bytes, so no valid stream expands
/// more than this; larger declared sizes are corrupt or a decompression bomb.
pub const MAX_RATIO: u64 = 90;

/// Why a compressed string could not be expanded.
#[derive(Debug, PartialEq, Eq)]
pub enum LzfError {
    /// A literal run or back reference goes past the end of the input.
    TruncatedInput { at: usize },
    /// A back reference points before the start of the output.
    BadReference { at: usize },
    /// The data expands to more (or fewer, when `exact`) bytes than declared.
    LengthMismatch { produced: usize },
}

/// Expands `src` into `dst`. With `exact`, `src` must produce exactly `dst.len()` bytes;
/// without it decoding stops once `dst` is full (used to peek at blob headers).
pub fn decompress(src: &[u8], dst: &mut [u8], exact: bool) -> Result<usize, LzfError> {
    let (mut ip, mut op) = (0usize, 0usize);
    let out_len = dst.len();
    while ip < src.len() {
        if op == out_len {
            if exact {
                return Err(LzfError::LengthMismatch { produced: op + 1 });
            }
            return Ok(op);
        }
        let ctrl = src[ip] as usize;
        ip += 1;
        if ctrl < 32 {
            let run = ctrl + 1;
            if ip + run > src.len() {
                return Err(LzfError::TruncatedInput { at: ip });
            }
            let n = run.min(out_len - op);
            if n < run && exact {
                return Err(LzfError::LengthMismatch { produced: op + run });
            }
            dst[op..op + n].copy_from_slice(&src[ip..ip + n]);
            ip += run;
            op += n;
        } else {
            let mut len = ctrl >> 5;
            if len == 7 {
                let Some(&b) = src.get(ip) else { return Err(LzfError::TruncatedInput { at: ip }) };
                len += b as usize;
                ip += 1;
            }
            let Some(&lo) = src.get(ip) else { return Err(LzfError::TruncatedInput { at: ip }) };
            ip += 1;
            let back = ((ctrl & 0x1f) << 8) + lo as usize + 1;
            if back > op {
                return Err(LzfError::BadReference { at: ip - 1 });
            }
            let count = len + 2;
            let n = count.min(out_len - op);
            if n < count && exact {
                return Err(LzfError::LengthMismatch { produced: op + count });
            }
            let mut r = op - back;
            // Overlapping copies repeat the pattern, so copy byte by byte when they overlap.
            if back >= n {
                dst.copy_within(r..r + n, op);
                op += n;
            } else {
                for _ in 0..n {
                    dst[op] = dst[r];
                    op += 1;
                    r += 1;
                }
            }
        }
    }
    if exact && op != out_len {
        return Err(LzfError::LengthMismatch { produced: op });
    }
    Ok(op)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_and_backref() {
        // "abcabcabc": literal "abc" then a back reference of length 6 at distance 3.
        let src = [2u8, b'a', b'b', b'c', (4 << 5) as u8, 2];
        let mut out = [0u8; 9];
        assert_eq!(decompress(&src, &mut out, true), Ok(9));
        assert_eq!(&out, b"abcabcabc");
        let mut head = [0u8; 4];
        assert_eq!(decompress(&src, &mut head, false), Ok(4));
        assert_eq!(&head, b"abca");
    }

    #[test]
    fn rejects_bad_input() {
        let mut out = [0u8; 9];
        assert!(matches!(decompress(&[5, b'a'], &mut out, true), Err(LzfError::TruncatedInput { .. })));
        assert!(matches!(decompress(&[0, b'a', 0x20, 5], &mut out, true), Err(LzfError::BadReference { .. })));
        assert!(matches!(decompress(&[0, b'a'], &mut out, true), Err(LzfError::LengthMismatch { produced: 1 })));
    }
}
