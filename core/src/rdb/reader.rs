//! A buffered byte source that knows its absolute offset, checksums what it consumes
//! (CRC-64/Jones) and never allocates more than the input can justify. It reads from any
//! `Read` through its own buffer, or walks bytes already in memory (a mapped file) in place,
//! without copying them.

use std::io::Read;

use super::crc64;

const BUF_SIZE: usize = 1 << 20;
/// In-place inputs are revealed this many bytes at a time, so the input hears how far the
/// decoder got (to release mapped pages and report progress) without a check per read. Each
/// step is folded into the checksum as it is revealed: that one sequential pass brings it
/// into the CPU cache (well under L2) before the decoder's jumps over it would miss.
/// Meanwhile the step after it is mapped in (see [`Input::ahead`]) and prefetched a little
/// per key ([`Source::prefetch_next`]), so that pass finds it in cache too.
const IN_PLACE_STEP: usize = 256 << 10;
/// Bytes of the next step prefetched per key: about an average key's size in a mixed dump.
const PREFETCH_PER_KEY: usize = 128;

/// Where a [`Source`] gets its bytes: any `Read` (copied into the source's buffer), or an
/// [`InPlace`] slice (used where it lies).
pub trait Input {
    fn read_into_buf(&mut self, buf: &mut [u8]) -> std::io::Result<usize>;
    /// In-place inputs: their length (the source then walks [`window`](Self::window) and
    /// never calls `read_into_buf`).
    fn in_place_len(&self) -> Option<usize> {
        None
    }
    /// The bytes the source decodes: its own buffer `own`, or the in-place input itself.
    #[inline(always)]
    fn window<'s>(&'s self, own: &'s [u8]) -> &'s [u8] {
        own
    }
    /// In-place inputs: everything before `upto` (an index into the slice) is consumed and
    /// checksummed; those bytes are not looked at again.
    fn consumed(&mut self, _upto: usize) {}
    /// In-place inputs: `next` (indexes into the slice) is read soon. A mapped file maps
    /// those pages in now: CPU prefetches are dropped on pages not yet mapped.
    fn ahead(&mut self, _next: std::ops::Range<usize>) {}
}

impl<R: Read> Input for R {
    #[inline]
    fn read_into_buf(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.read(buf)
    }
}

/// Bytes already in memory, decoded where they lie; `on_consumed` hears, every 256 KiB, how
/// much of the slice is done, and `on_ahead` which range is read next.
pub struct InPlace<'a> {
    pub data: &'a [u8],
    pub on_consumed: Option<&'a mut dyn FnMut(usize)>,
    pub on_ahead: Option<&'a dyn Fn(std::ops::Range<usize>)>,
}

impl Input for InPlace<'_> {
    fn read_into_buf(&mut self, _buf: &mut [u8]) -> std::io::Result<usize> {
        Ok(0) // never called: the source reads `data` in place
    }
    fn in_place_len(&self) -> Option<usize> {
        Some(self.data.len())
    }
    #[inline(always)]
    fn window<'s>(&'s self, _own: &'s [u8]) -> &'s [u8] {
        self.data
    }
    fn consumed(&mut self, upto: usize) {
        if let Some(f) = self.on_consumed.as_mut() {
            f(upto)
        }
    }
    fn ahead(&mut self, next: std::ops::Range<usize>) {
        if let Some(f) = self.on_ahead {
            f(next)
        }
    }
}

/// A decoding failure at an absolute byte offset (the decoder adds the key context).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub offset: u64,
    pub message: String,
}

pub type DResult<T> = Result<T, DecodeError>;

pub fn derr<T>(offset: u64, message: impl Into<String>) -> DResult<T> {
    Err(DecodeError { offset, message: message.into() })
}

pub struct Source<R> {
    inner: R,
    /// The buffer `Read` inputs are copied into (empty for in-place inputs).
    own: Vec<u8>,
    pos: usize,
    end: usize,
    /// Absolute offset of `buf[0]`.
    base: u64,
    crc: u64,
    /// `buf[..crc_pos]` is already folded into `crc`. In place, `crc_pos` runs ahead of `pos`
    /// (to `end`), so the checksum of what was consumed is finished from a mark before `pos`.
    crc_pos: usize,
    /// In place: the checksum up to the start of the step folded last, and an earlier one
    /// kept at or before `pos` (see [`crc`](Self::crc)).
    crc_marks: [(u64, usize); 2],
    /// In place: the part of the next step not prefetched yet.
    prefetch: std::ops::Range<usize>,
    eof: bool,
    /// Total input size when known (files, Content-Length): caps allocations.
    total: Option<u64>,
    io_error: Option<String>,
}

impl<R: Input> Source<R> {
    pub fn new(inner: R, total: Option<u64>) -> Self {
        if let Some(len) = inner.in_place_len() {
            let mut s = Source {
                inner,
                own: Vec::new(),
                pos: 0,
                end: len.min(IN_PLACE_STEP),
                base: 0,
                crc: 0,
                crc_pos: 0,
                crc_marks: [(0, 0); 2],
                prefetch: 0..0,
                eof: len <= IN_PLACE_STEP,
                total: total.or(Some(len as u64)),
                io_error: None,
            };
            s.fold_ahead();
            return s;
        }
        // Small inputs get a small buffer (it never needs to exceed the input).
        let size = total.map_or(BUF_SIZE, |t| (t as usize).saturating_add(64).clamp(4096, BUF_SIZE));
        Source {
            inner,
            own: vec![0; size],
            pos: 0,
            end: 0,
            base: 0,
            crc: 0,
            crc_pos: 0,
            crc_marks: [(0, 0); 2],
            prefetch: 0..0,
            eof: false,
            total,
            io_error: None,
        }
    }

    /// The readable bytes: `[..pos]` consumed, `[pos..end]` not yet.
    #[inline(always)]
    fn buf(&self) -> &[u8] {
        &self.inner.window(&self.own)[..self.end]
    }

    #[inline]
    pub fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Numbers offsets from `base` instead of 0 (a slice of a larger file; call before reading).
    pub fn set_base(&mut self, base: u64) {
        self.base = base;
    }

    /// Bytes that may still come, when the input size is known.
    pub fn remaining_hint(&self) -> Option<u64> {
        self.total.map(|t| t.saturating_sub(self.offset()))
    }

    /// Folds consumed bytes into the checksum and moves the unread tail to the front.
    fn compact(&mut self) {
        self.crc = crc64::update(self.crc, &self.buf()[self.crc_pos..self.pos]);
        self.own.copy_within(self.pos..self.end, 0);
        self.base += self.pos as u64;
        self.end -= self.pos;
        self.pos = 0;
        self.crc_pos = 0;
    }

    /// Makes `n` (small) bytes available; false when the input ends first.
    #[inline(never)]
    fn fill(&mut self, n: usize) -> DResult<bool> {
        if self.end - self.pos >= n {
            return Ok(true);
        }
        if let Some(len) = self.inner.in_place_len() {
            return Ok(self.reveal(n, len));
        }
        if self.pos + n > self.own.len() {
            self.compact();
            if n > self.own.len() {
                self.own.resize(n.max(self.own.len() * 2).min(BUF_SIZE.max(n)), 0);
            }
        }
        while self.end - self.pos < n && !self.eof {
            match self.inner.read_into_buf(&mut self.own[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(k) => self.end += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.io_error = Some(e.to_string());
                    return derr(self.base + self.end as u64, format!("read error: {e}"));
                }
            }
        }
        Ok(self.end - self.pos >= n)
    }

    /// In-place input (`len` bytes): shows the next step of it (at least `n` bytes past `pos`
    /// when there are that many), after telling the input that everything before `pos` is done.
    #[cold]
    fn reveal(&mut self, n: usize, len: usize) -> bool {
        self.inner.consumed(self.pos);
        self.end = self.pos.saturating_add(n.max(IN_PLACE_STEP)).min(len);
        self.eof = self.end == len;
        self.fold_ahead();
        self.end - self.pos >= n
    }

    /// In place: folds the newly revealed bytes into the checksum, first keeping a mark at or
    /// before `pos`. A reveal happens fewer than `n` (small) bytes before the previous step's
    /// end, so the start of the step before that is behind `pos` and becomes the kept mark.
    fn fold_ahead(&mut self) {
        let [last, _] = self.crc_marks;
        if self.crc_pos <= self.pos {
            self.crc_marks[1] = (self.crc, self.crc_pos);
        } else if last.1 <= self.pos {
            self.crc_marks[1] = last;
        }
        self.crc_marks[0] = (self.crc, self.crc_pos);
        self.crc = crc64::update(self.crc, &self.buf()[self.crc_pos..self.end]);
        self.crc_pos = self.end;
        let len = self.inner.window(&self.own).len();
        self.prefetch = self.end..self.end.saturating_add(IN_PLACE_STEP).min(len);
        if !self.prefetch.is_empty() {
            self.inner.ahead(self.prefetch.clone());
        }
    }

    /// Prefetches the next [`PREFETCH_PER_KEY`] bytes of the step after the current one (in
    /// place; called once per key). Spread over the keys, those loads overlap the decoding
    /// instead of stalling the checksum pass that reaches them next.
    #[inline(always)]
    pub fn prefetch_next(&mut self) {
        if self.prefetch.start >= self.prefetch.end {
            return;
        }
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            let at = self.inner.window(&self.own).as_ptr().wrapping_add(self.prefetch.start);
            for line in (0..PREFETCH_PER_KEY).step_by(64) {
                // SAFETY: a prefetch is only a hint: it never faults, whatever the address.
                unsafe { _mm_prefetch::<_MM_HINT_T0>(at.wrapping_add(line) as *const i8) };
            }
        }
        self.prefetch.start += PREFETCH_PER_KEY;
    }

    fn short(&self, n: u64, what: &str) -> DecodeError {
        let have = (self.end - self.pos) as u64;
        DecodeError {
            offset: self.offset() + have,
            message: format!("unexpected end of input reading {what}: {n} bytes needed, {have} available"),
        }
    }

    /// The I/O error message when the last failure came from the underlying reader.
    pub fn io_error(&self) -> Option<&str> {
        self.io_error.as_deref()
    }

    #[inline(always)]
    pub fn u8(&mut self, what: &str) -> DResult<u8> {
        if let Some(&b) = self.buf().get(self.pos) {
            self.pos += 1;
            return Ok(b);
        }
        self.u8_slow(what)
    }

    #[cold]
    fn u8_slow(&mut self, what: &str) -> DResult<u8> {
        if !self.fill(1)? {
            return Err(self.short(1, what));
        }
        let b = self.buf()[self.pos];
        self.pos += 1;
        Ok(b)
    }

    /// Reads a fixed-size array (small N).
    #[inline(always)]
    pub fn array<const N: usize>(&mut self, what: &str) -> DResult<[u8; N]> {
        if self.end - self.pos < N && !self.fill(N)? {
            return Err(self.short(N as u64, what));
        }
        let mut a = [0u8; N];
        a.copy_from_slice(&self.buf()[self.pos..self.pos + N]);
        self.pos += N;
        Ok(a)
    }

    /// The unread bytes already in the buffer (possibly empty: no read happens).
    #[inline]
    pub fn buffered(&self) -> &[u8] {
        &self.buf()[self.pos..]
    }

    /// Consumes `n` bytes of what [`buffered`](Self::buffered) returned.
    #[inline]
    pub fn consume(&mut self, n: usize) {
        debug_assert!(self.pos + n <= self.end);
        self.pos = (self.pos + n).min(self.end);
    }

    /// Looks at the next byte without consuming it (None at end of input).
    pub fn peek(&mut self) -> DResult<Option<u8>> {
        if self.pos < self.end || self.fill(1)? {
            Ok(Some(self.buf()[self.pos]))
        } else {
            Ok(None)
        }
    }

    /// The next `n` (small) bytes without consuming them; None when the input ends first.
    pub fn peek_slice(&mut self, n: usize) -> DResult<Option<&[u8]>> {
        if self.end - self.pos < n && !self.fill(n)? {
            return Ok(None);
        }
        Ok(Some(&self.buf()[self.pos..self.pos + n]))
    }

    /// Skips `n` bytes (checksummed), erroring if the input ends first.
    #[inline]
    pub fn skip(&mut self, n: u64, what: &str) -> DResult<()> {
        if ((self.end - self.pos) as u64) >= n {
            self.pos += n as usize;
            return Ok(());
        }
        self.skip_slow(n, what)
    }

    #[cold]
    fn skip_slow(&mut self, mut n: u64, what: &str) -> DResult<()> {
        let start = self.offset();
        loop {
            let avail = (self.end - self.pos) as u64;
            if avail >= n {
                self.pos += n as usize;
                return Ok(());
            }
            n -= avail;
            self.pos = self.end;
            if !self.fill(1)? {
                return Err(DecodeError {
                    offset: self.offset(),
                    message: format!(
                        "unexpected end of input reading {what} that starts at offset {start}: {n} more bytes needed"
                    ),
                });
            }
        }
    }

    /// Appends the next `n` bytes to `out`. Grows `out` only as data actually arrives, so a
    /// corrupt length cannot make it allocate more than the input holds.
    #[inline]
    pub fn read_into(&mut self, n: u64, out: &mut Vec<u8>, what: &str) -> DResult<()> {
        // Fast path: all of it is buffered (short strings such as key names).
        if ((self.end - self.pos) as u64) >= n {
            out.extend_from_slice(&self.buf()[self.pos..self.pos + n as usize]);
            self.pos += n as usize;
            return Ok(());
        }
        self.read_into_slow(n, out, what)
    }

    #[cold]
    fn read_into_slow(&mut self, n: u64, out: &mut Vec<u8>, what: &str) -> DResult<()> {
        if let Some(rem) = self.remaining_hint() {
            if n > rem {
                return derr(
                    self.offset(),
                    format!("{what} declares {n} bytes but only {rem} bytes of input remain"),
                );
            }
            out.reserve(n as usize);
        }
        let start = self.offset();
        let mut left = n;
        while left > 0 {
            if self.pos == self.end && !self.fill(1)? {
                return Err(DecodeError {
                    offset: self.offset(),
                    message: format!(
                        "unexpected end of input reading {what} that starts at offset {start}: {left} more bytes needed"
                    ),
                });
            }
            let k = ((self.end - self.pos) as u64).min(left) as usize;
            out.extend_from_slice(&self.buf()[self.pos..self.pos + k]);
            self.pos += k;
            left -= k as u64;
        }
        Ok(())
    }

    /// The checksum of everything consumed so far.
    pub fn crc(&mut self) -> u64 {
        if self.crc_pos > self.pos {
            // Folded ahead (in place): finish from the latest mark at or before `pos`.
            let (crc, at) = self.crc_marks.into_iter().find(|m| m.1 <= self.pos).unwrap_or((0, 0));
            return crc64::update(crc, &self.buf()[at..self.pos]);
        }
        self.crc = crc64::update(self.crc, &self.buf()[self.crc_pos..self.pos]);
        self.crc_pos = self.pos;
        self.crc
    }

    /// Counts the bytes left after the current position (reads to the end, bounded work).
    pub fn count_trailing(&mut self, limit: u64) -> DResult<u64> {
        let mut n = 0u64;
        while n < limit {
            let avail = (self.end - self.pos) as u64;
            if avail > 0 {
                n += avail;
                self.pos = self.end;
                continue;
            }
            if !self.fill(1)? {
                break;
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_skips_and_checksums() {
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let mut s = Source::new(&data[..], Some(data.len() as u64));
        assert_eq!(s.u8("x").unwrap(), 0);
        assert_eq!(s.array::<3>("x").unwrap(), [1, 2, 3]);
        s.skip(2_000_000, "x").unwrap();
        let mut v = Vec::new();
        s.read_into(10, &mut v, "x").unwrap();
        assert_eq!(v[0], data[2_000_004]);
        assert_eq!(s.offset(), 2_000_014);
        assert_eq!(s.crc(), crc64::update(0, &data[..2_000_014]));
        let e = s.skip(5_000_000, "blob").unwrap_err();
        assert!(e.message.contains("unexpected end"), "{e:?}");
        assert_eq!(e.offset, 3_000_000);
        let mut s = Source::new(&data[..10], Some(10));
        let e = s.read_into(100, &mut v, "value").unwrap_err();
        assert!(e.message.contains("only 10 bytes"));
    }

    /// The same walk over a `Read` input and in place: the same bytes, offsets, checksums and
    /// errors; the in-place input hears how far the walk got, in order, and is never copied.
    #[test]
    fn in_place_reads_like_a_stream() {
        let data: Vec<u8> = (0..1_500_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect();
        let mut heard = Vec::new();
        let mut on_consumed = |upto: usize| heard.push(upto);
        let mut a = Source::new(&data[..], Some(data.len() as u64));
        let announced = std::cell::RefCell::new(Vec::new());
        let on_ahead = |next: std::ops::Range<usize>| announced.borrow_mut().push(next);
        let mut b = Source::new(InPlace { data: &data, on_consumed: Some(&mut on_consumed), on_ahead: Some(&on_ahead) }, None);
        assert!(b.own.is_empty(), "an in-place source has no buffer of its own");
        let (mut va, mut vb) = (Vec::new(), Vec::new());
        let mut step = 0u64;
        loop {
            step += 1;
            b.prefetch_next(); // only a hint: every read below still matches the stream's
            let n = step * 7919 % 70_000;
            match step % 5 {
                0 => assert_eq!(a.u8("x"), b.u8("x")),
                1 => assert_eq!(a.array::<8>("x"), b.array::<8>("x")),
                2 => assert_eq!(a.skip(n, "x"), b.skip(n, "x")),
                3 => {
                    let (ra, rb) = (a.read_into(n % 3000, &mut va, "x"), b.read_into(n % 3000, &mut vb, "x"));
                    assert_eq!(ra, rb);
                    assert_eq!(va, vb);
                }
                _ => assert_eq!(a.peek_slice(12).map(|o| o.map(<[u8]>::to_vec)), b.peek_slice(12).map(|o| o.map(<[u8]>::to_vec))),
            }
            assert_eq!(a.offset(), b.offset(), "step {step}");
            if step % 50 == 0 {
                assert_eq!(a.crc(), b.crc());
            }
            if a.remaining_hint() == Some(0) || step > 200 {
                break;
            }
        }
        // Past the end: the same error at the same offset.
        assert_eq!(a.skip(u64::MAX / 2, "tail"), b.skip(u64::MAX / 2, "tail"));
        assert_eq!(a.u8("last"), b.u8("last"));
        assert_eq!(a.crc(), b.crc());
        assert_eq!(b.crc(), crc64::update(0, &data[..b.offset() as usize]));
        drop(b);
        assert!(heard.len() > 3, "{heard:?}");
        // Each step announces the one after it: adjacent, in order, inside the input, to its end.
        let announced = announced.into_inner();
        assert!(announced.len() >= data.len() / IN_PLACE_STEP - 1, "{announced:?}");
        assert_eq!(announced[0].start, IN_PLACE_STEP);
        assert!(announced.windows(2).all(|w| w[0].start < w[1].start && w[1].start <= w[0].end), "{announced:?}");
        assert!(announced.iter().all(|r| !r.is_empty() && r.end <= data.len() && r.len() <= IN_PLACE_STEP), "{announced:?}");
        assert_eq!(announced.last().map(|r| r.end), Some(data.len()));
        assert!(heard.windows(2).all(|w| w[0] <= w[1]), "{heard:?}");
        assert!(heard.iter().all(|&u| u <= data.len()));
    }

    /// In place the checksum is folded a step ahead of the reads; `crc` still answers exactly
    /// the checksum of what was consumed, wherever the reads stand, also after reveals forced
    /// by peeks longer than half a step (which leave no mark behind `pos`).
    #[test]
    fn in_place_checksum_is_exact_wherever_the_reads_stand() {
        let data: Vec<u8> = (0..3 * IN_PLACE_STEP + 12_345).map(|i| ((i as u32).wrapping_mul(2_654_435_761) >> 9) as u8).collect();
        let mut s = Source::new(InPlace { data: &data, on_consumed: None, on_ahead: None }, None);
        let (mut expected, mut at) = (0u64, 0usize);
        let mut step = 0usize;
        while s.remaining_hint() != Some(0) {
            step += 1;
            let n = (step * 7919 % 30_000) as u64;
            match step % 7 {
                0 => assert!(s.peek_slice(IN_PLACE_STEP * 3 / 4).unwrap().is_some() || s.remaining_hint() < Some(IN_PLACE_STEP as u64)),
                1 => {
                    let _ = s.u8("x");
                }
                _ => {
                    let _ = s.skip(n.min(s.remaining_hint().unwrap_or(0)), "x");
                }
            }
            let off = s.offset() as usize;
            expected = crc64::update(expected, &data[at..off]);
            at = off;
            assert_eq!(s.crc(), expected, "step {step} at {off}");
            assert_eq!(s.crc(), expected, "asking again changes nothing");
        }
        assert!(step > 60, "{step} steps");
    }

    #[test]
    fn in_place_offsets_count_from_the_base() {
        let data = [7u8; 100];
        let mut s = Source::new(InPlace { data: &data[40..], on_consumed: None, on_ahead: None }, Some(100));
        s.set_base(40);
        assert_eq!(s.remaining_hint(), Some(60));
        s.skip(59, "x").unwrap();
        assert_eq!(s.offset(), 99);
        let e = s.array::<4>("four bytes").unwrap_err();
        assert_eq!(e.offset, 100);
        assert!(e.message.contains("4 bytes needed, 1 available"), "{e:?}");
    }
}
