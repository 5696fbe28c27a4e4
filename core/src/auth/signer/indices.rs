//! A short list of indices kept on the stack: the signer sorts a request's headers and query
//! pairs through indices, and a request rarely has more than a dozen of either, so the usual
//! case needs no allocation.

const INLINE: usize = 16;

pub(crate) struct Indices {
    inline: [usize; INLINE],
    len: usize,
    /// Used instead of `inline` once there are more than `INLINE` indices.
    spilled: Vec<usize>,
}

impl Indices {
    pub(crate) fn new(indices: impl IntoIterator<Item = usize>) -> Indices {
        let mut out = Indices { inline: [0; INLINE], len: 0, spilled: Vec::new() };
        for i in indices {
            if out.spilled.is_empty() && out.len < INLINE {
                out.inline[out.len] = i;
                out.len += 1;
            } else {
                if out.spilled.is_empty() {
                    out.spilled.extend_from_slice(&out.inline[..out.len]);
                }
                out.spilled.push(i);
            }
        }
        out
    }

    pub(crate) fn as_slice(&self) -> &[usize] {
        if self.spilled.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.spilled
        }
    }

    pub(crate) fn as_mut_slice(&mut self) -> &mut [usize] {
        if self.spilled.is_empty() {
            &mut self.inline[..self.len]
        } else {
            &mut self.spilled
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_spilled_hold_the_same_indices() {
        for n in [0, 1, INLINE - 1, INLINE, INLINE + 1, 3 * INLINE] {
            let mut ix = Indices::new((0..n).rev());
            ix.as_mut_slice().sort_unstable();
            assert_eq!(ix.as_slice(), (0..n).collect::<Vec<_>>().as_slice(), "{n}");
        }
    }
}
