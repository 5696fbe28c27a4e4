//! One large RDB file decoded on several threads, without a framer.
//!
//! The file is cut into segments (about `segment_bytes` each, at least one per thread). A
//! worker takes the next segment, finds a likely record start near its nominal offset
//! ([`probe`]) and decodes from there with the ordinary [`Decoder`], resumed in the middle of
//! the file with the database the file's first key is in. Segment 0 starts at the real start.
//!
//! Each decoder watches the start of the next segment ([`segments`]): when it reaches that
//! offset exactly at a record start, with the same database and no key prefix pending, it
//! stops and the next segment's work counts (claimed). When it steps over the cut inside a
//! record, or arrives in another state, the cut was false: the next segment is dropped and the
//! decoder simply carries on past it. Decoding from a true record start is deterministic, so
//! by induction from segment 0 every counted segment decodes exactly the records a single
//! pass would. The probe only makes false cuts rare; correctness never depends on it.
//!
//! The chain of counted segments gives the report (parts merged in file order, AUX fields
//! replayed in file order) and the checksum (CRC-64 of the parts combined). Bad input on the
//! chain, a checksum mismatch or anything unexpected ends with [`SplitEnd::Replay`]: the caller
//! analyses the input again on one thread, which produces the exact error, offset and partial
//! report of a sequential run.

use std::sync::atomic::AtomicU64;

use super::decoder::{Checksum, DecodeOptions, FileInfo};
use super::memory::MemoryModel;
use super::report::Accumulator;

/// The [`Visitor`](super::decoder::Visitor) methods that only feed `self.acc` (an
/// [`Accumulator`]), written once for the visitors that wrap one (a split segment's, and the
/// single-threaded driver).
macro_rules! feed_accumulator {
    () => {
        fn on_resize_db(&mut self, db: u64, keys: u64, expires: u64) {
            self.acc.on_resize_db(db, keys, expires)
        }
        fn on_module_aux(&mut self, module: &str, bytes: u64) {
            self.acc.on_module_aux(module, bytes)
        }
        fn on_function(&mut self, bytes: u64) {
            self.acc.on_function(bytes)
        }
        fn on_slot_info(&mut self, slot: u64, keys: u64) {
            self.acc.on_slot_info(slot, keys)
        }
    };
}
pub(crate) use feed_accumulator;

mod probe;
mod segments;

/// How to split.
#[derive(Debug, Clone, Copy)]
pub struct SplitConfig {
    pub threads: usize,
    /// About how many bytes one segment carries (at least one segment per thread).
    pub segment_bytes: usize,
    /// Records a candidate cut must decode before it is tried (0: any plausible byte, a
    /// testing aid that makes most cuts false).
    pub probe_records: u64,
}

/// An AUX field seen in a segment: (segment, key, value, value length), in file order.
pub type AuxEvent = (u64, Vec<u8>, Vec<u8>, u64);

/// What a split run produced.
pub struct SplitDone {
    pub info: FileInfo,
    /// One accumulator per counted segment, in file order.
    pub parts: Vec<Accumulator>,
    pub aux: Vec<AuxEvent>,
    /// Cuts confirmed (segments that started somewhere else than the file start).
    pub cuts: u64,
}

pub enum SplitEnd {
    /// Decode again on one thread (bad input, or the split could not follow the file).
    Replay,
    Cancelled { offset: u64 },
}

/// Hooks of the caller: progress (bytes walked) and cancellation.
pub struct Hooks<'a> {
    pub keys: &'a AtomicU64,
    pub progress: &'a (dyn Fn(u64) + Sync),
    pub cancelled: &'a (dyn Fn() -> bool + Sync),
}

/// Decodes the RDB file `whole` on `cfg.threads` workers.
pub fn decode(
    whole: &Whole,
    model: &dyn MemoryModel,
    opts: &DecodeOptions,
    make_acc: &(dyn Fn() -> Accumulator + Sync),
    cfg: SplitConfig,
    hooks: &Hooks<'_>,
) -> Result<SplitDone, SplitEnd> {
    let data = whole.bytes();
    if data.len() < 10 {
        return Err(SplitEnd::Replay);
    }
    let head: [u8; 9] = data[..9].try_into().map_err(|_| SplitEnd::Replay)?;
    let Ok((valkey, version)) = super::decoder::parse_header(&head) else { return Err(SplitEnd::Replay) };
    let chain = segments::run(whole, model, opts, make_acc, cfg, hooks, valkey, version)?;
    let cuts = chain.len() as u64 - 1;
    let last = chain.last().ok_or(SplitEnd::Replay)?;
    let mut info = last.info.clone().ok_or(SplitEnd::Replay)?;
    // Segment 0 alone decoded the whole file with the caller's options: its checksum holds.
    if version >= 5 && chain.len() > 1 {
        let mut crc = chain[0].crc;
        for s in &chain[1..] {
            crc = combine(crc, s.crc, s.len);
        }
        let eof_at = info.bytes.checked_sub(8).ok_or(SplitEnd::Replay)? as usize;
        let stored = u64::from_le_bytes(data.get(eof_at..eof_at + 8).ok_or(SplitEnd::Replay)?.try_into().map_err(|_| SplitEnd::Replay)?);
        info.checksum = if stored == 0 {
            Checksum::Disabled
        } else if !opts.verify_checksum {
            Checksum::NotChecked
        } else if stored == crc {
            Checksum::Verified
        } else {
            return Err(SplitEnd::Replay); // a mismatch: the replay reports it
        };
    }
    let mut parts = Vec::with_capacity(chain.len());
    let mut aux = Vec::new();
    for s in chain {
        parts.push(s.acc);
        aux.extend(s.aux);
    }
    info.keys = parts.iter().map(|p| p.total_num()).sum();
    Ok(SplitDone { info, parts, aux, cuts })
}

/// The whole input as bytes: a read-only map of a local file, or a buffer in memory.
pub enum Whole {
    Memory(bytes::Bytes),
    #[cfg(unix)]
    Mapped(mapped::Map),
}

impl Whole {
    /// Maps a local file (None when mapping is not possible: the caller reads it instead).
    pub fn map(path: &std::path::Path) -> Option<Whole> {
        #[cfg(unix)]
        {
            mapped::Map::open(path).map(Whole::Mapped)
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            None
        }
    }

    pub(crate) fn bytes(&self) -> &[u8] {
        match self {
            Whole::Memory(b) => b,
            #[cfg(unix)]
            Whole::Mapped(m) => m.bytes(),
        }
    }

    /// The range is read next: map its pages in now (so CPU prefetches of it take effect).
    pub(crate) fn prepare(&self, start: usize, end: usize) {
        #[cfg(unix)]
        if let Whole::Mapped(m) = self {
            m.prepare(start, end);
        }
        let _ = (start, end);
    }

    /// The range was decoded: its pages need not stay resident (keeps RSS flat).
    pub(crate) fn release(&self, start: u64, end: u64) {
        #[cfg(unix)]
        if let Whole::Mapped(m) = self {
            m.release(start as usize, end as usize);
        }
        let _ = (start, end);
    }
}

#[cfg(unix)]
mod mapped {
    use memmap2::{Advice, Mmap, UncheckedAdvice};

    /// A read-only map of a whole file.
    pub struct Map(Mmap);

    impl Map {
        pub fn open(path: &std::path::Path) -> Option<Map> {
            let f = std::fs::File::open(path).ok()?;
            let len = f.metadata().ok().filter(|m| m.is_file())?.len();
            if len == 0 {
                return None;
            }
            // SAFETY: a read-only map of a regular file. Like every mmap reader it assumes the
            // file is not truncated while mapped (dumps are written aside and renamed into
            // place); docs/rdb-merge.md says so and `--threads 1` reads without a map.
            let map = unsafe { Mmap::map(&f) }.ok()?;
            let _ = map.advise(Advice::Sequential); // advice only: failure changes nothing
            Some(Map(map))
        }

        pub fn bytes(&self) -> &[u8] {
            &self.0
        }

        pub fn prepare(&self, start: usize, end: usize) {
            let end = end.min(self.0.len());
            // Advice only (Linux 5.14+): where it fails, pages fault in as they are read.
            #[cfg(target_os = "linux")]
            if end > start {
                let _ = self.0.advise_range(Advice::PopulateRead, start, end - start);
            }
            let _ = (start, end);
        }

        pub fn release(&self, start: usize, end: usize) {
            let page = 4096;
            let (a, b) = (start / page * page, end.min(self.0.len()) / page * page);
            if b > a {
                // SAFETY: clean read-only file pages: dropping them only makes later reads
                // fault them in again from the page cache, never changes what is read.
                let _ = unsafe { self.0.unchecked_advise_range(UncheckedAdvice::DontNeed, a, b - a) };
            }
        }
    }
}


/// CRC-64 of `a || b` from crc(a), crc(b) and b's length: crc(a) is carried through len(b)
/// zero bytes (a linear map, applied as GF(2) matrices for powers of two) and xored in.
fn combine(crc_a: u64, crc_b: u64, len_b: u64) -> u64 {
    static OPS: std::sync::OnceLock<Vec<[u64; 64]>> = std::sync::OnceLock::new();
    let ops = OPS.get_or_init(|| {
        // One zero bit: shift right, folding the polynomial in when bit 0 was set.
        let mut one = [0u64; 64];
        one[0] = 0x95ac_9329_ac4b_c9b5;
        for (i, row) in one.iter_mut().enumerate().skip(1) {
            *row = 1 << (i - 1);
        }
        let mut ops = vec![one];
        for _ in 0..66 {
            let last = *ops.last().expect("non-empty");
            let mut sq = [0u64; 64];
            for (i, row) in sq.iter_mut().enumerate() {
                *row = times(&last, last[i]);
            }
            ops.push(sq);
        }
        ops
    });
    let mut crc = crc_a;
    let bits = len_b as u128 * 8;
    for (k, op) in ops.iter().enumerate() {
        if bits >> k == 0 {
            break;
        }
        if (bits >> k) & 1 == 1 {
            crc = times(op, crc);
        }
    }
    crc ^ crc_b
}

fn times(m: &[u64; 64], mut v: u64) -> u64 {
    let mut out = 0;
    let mut i = 0;
    while v != 0 {
        if v & 1 == 1 {
            out ^= m[i];
        }
        v >>= 1;
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::combine;
    use crate::rdb::crc64;

    /// Mapping ahead and releasing behind are hints: any range, even past the end or empty,
    /// leaves the bytes as they are.
    #[test]
    fn mapped_pages_read_the_same_whatever_is_prepared_or_released() {
        let data: Vec<u8> = (0..3 * 4096 + 100u32).map(|i| (i % 253) as u8).collect();
        let path = std::env::temp_dir().join(format!("dcskit-map-{}.bin", std::process::id()));
        std::fs::write(&path, &data).unwrap();
        let whole = super::Whole::map(&path).expect("a regular file maps");
        let len = data.len();
        for (a, b) in [(0, 4096), (100, 5000), (len - 10, len + 100_000), (len, len), (5000, 10), (0, usize::MAX)] {
            whole.prepare(a, b);
            assert_eq!(whole.bytes(), &data[..], "prepare {a}..{b}");
        }
        whole.release(0, 8192);
        assert_eq!(whole.bytes(), &data[..], "released pages read again from the file");
        drop(whole);
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn checksums_of_parts_combine_into_the_whole() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let whole = crc64::update(0, &data);
        for cut in [0, 1, 7, 4096, 65_537, 99_999, 100_000] {
            let (a, b) = data.split_at(cut);
            assert_eq!(combine(crc64::update(0, a), crc64::update(0, b), b.len() as u64), whole, "cut at {cut}");
        }
    }
}
