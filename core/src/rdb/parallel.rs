//! One large RDB file decoded on several threads.
//!
//! A framer (the calling thread) reads the stream, checksums every byte (CRC-64) and walks only
//! the length headers to find record boundaries — values are mostly length-prefixed blobs, so
//! skipping them is cheap. It cuts the stream into jobs of whole records (about
//! `batch_bytes` each) and streams each job's bytes to a worker over bounded channels, so
//! memory stays bounded even for a single huge key. Job `i` goes to worker `i % threads`
//! (a fixed assignment: each worker sees the same keys on every run, which keeps results
//! deterministic even where the prefix table has to approximate).
//!
//! Each worker decodes its jobs with the ordinary [`Decoder`], fed a synthetic header (the
//! file's own 9 header bytes, then SELECTDB for the job's database) and a synthetic EOF, with
//! offsets numbered from the job's place in the file. Jobs start where no EXPIRETIME / IDLE /
//! FREQ / KEY_META prefix is pending, so the database is the only context they need.
//!
//! Anything unexpected (bad input, a framer/decoder disagreement, an I/O error) ends the split
//! run with [`SplitEnd::Replay`]: the caller analyses the input again on one thread, which
//! produces the exact error, offset and partial report of a sequential run.

use std::io::{Cursor, Read};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use super::crc64;
use super::decoder::{Checksum, DecodeOptions, Decoder, FileInfo, KeyRecord, Stop, Visitor};
use super::memory::MemoryModel;
use super::report::Accumulator;

/// Jobs queued per worker.
const JOBS_PER_WORKER: usize = 2;

/// How to split.
#[derive(Debug, Clone, Copy)]
pub struct SplitConfig {
    pub threads: usize,
    pub batch_bytes: usize,
}

/// An AUX field seen by a worker: (job, key, value, value length) — replayed in file order.
pub type AuxEvent = (u64, Vec<u8>, Vec<u8>, u64);

/// What a split run produced.
pub struct SplitDone {
    pub info: FileInfo,
    /// One accumulator per worker, in worker order.
    pub parts: Vec<Accumulator>,
    pub aux: Vec<AuxEvent>,
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

    fn bytes(&self) -> &[u8] {
        match self {
            Whole::Memory(b) => b,
            #[cfg(unix)]
            Whole::Mapped(m) => m.bytes(),
        }
    }

    /// The range was decoded: its pages need not stay resident (keeps RSS flat).
    fn release(&self, start: u64, end: u64) {
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

struct Job {
    seq: u64,
    base: u64,
    end: u64,
    db: u64,
}

/// A worker's outcome: its accumulator, the AUX fields it saw, and (job, crc, length) of
/// every job it decoded, for the whole-file checksum.
type WorkerResult = Result<(Accumulator, Vec<AuxEvent>, Vec<(u64, u64, u64)>), SplitEnd>;

/// Decodes the RDB file `whole` on `cfg.threads` workers.
pub fn decode(
    whole: &Whole,
    model: &dyn MemoryModel,
    opts: &DecodeOptions,
    make_acc: &(dyn Fn() -> Accumulator + Sync),
    cfg: SplitConfig,
    hooks: &Hooks<'_>,
) -> Result<SplitDone, SplitEnd> {
    let threads = cfg.threads.max(1);
    let abort = AtomicBool::new(false);
    let data = whole.bytes();
    if data.len() < 9 {
        return Err(SplitEnd::Replay);
    }
    let head: [u8; 9] = data[..9].try_into().map_err(|_| SplitEnd::Replay)?;
    std::thread::scope(|scope| {
        let mut queues = Vec::with_capacity(threads);
        let mut handles = Vec::with_capacity(threads);
        for _ in 0..threads {
            let (tx, rx) = sync_channel::<Job>(JOBS_PER_WORKER);
            queues.push(tx);
            let abort = &abort;
            handles.push(scope.spawn(move || worker(rx, whole, model, opts, make_acc(), head, abort, hooks)));
        }
        let mut framer = Framer { data, pos: 0, batch: cfg.batch_bytes.max(1) as u64, queues, job_start: None, seq: 0, abort: &abort, valkey: false, version: 0 };
        let framed = framer.run(opts, hooks);
        drop(framer); // closes the queues: workers finish what they hold
        let mut parts = Vec::with_capacity(threads);
        let mut aux = Vec::new();
        let mut crcs = Vec::new();
        let mut failed: Option<SplitEnd> = None;
        for h in handles {
            match h.join() {
                Ok(Ok((acc, mut a, mut c))) => {
                    parts.push(acc);
                    aux.append(&mut a);
                    crcs.append(&mut c);
                }
                Ok(Err(e)) => {
                    if failed.is_none() || matches!(e, SplitEnd::Cancelled { .. }) {
                        failed = Some(e);
                    }
                }
                Err(_) => failed = Some(SplitEnd::Replay),
            }
        }
        let (mut info, eof_at) = framed?;
        if let Some(e) = failed {
            return Err(e);
        }
        // The checksum of everything up to and including the EOF opcode, from the jobs' own.
        if info.rdb_version >= 5 {
            crcs.sort_unstable();
            let mut crc = crc64::update(0, &data[..9]);
            let mut at = 9u64;
            for (_, c, len) in &crcs {
                crc = combine(crc, *c, *len);
                at += len;
            }
            if at + 1 != eof_at {
                return Err(SplitEnd::Replay);
            }
            crc = crc64::update(crc, &[255]);
            let stored = u64::from_le_bytes(data[eof_at as usize..eof_at as usize + 8].try_into().map_err(|_| SplitEnd::Replay)?);
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
        aux.sort_by_key(|e| e.0); // stable: keeps each job's own order
        info.keys = parts.iter().map(|p| p.total_num()).sum();
        Ok(SplitDone { info, parts, aux })
    })
}

#[allow(clippy::too_many_arguments)]
fn worker(
    jobs: Receiver<Job>,
    whole: &Whole,
    model: &dyn MemoryModel,
    opts: &DecodeOptions,
    mut acc: Accumulator,
    head: [u8; 9],
    abort: &AtomicBool,
    hooks: &Hooks<'_>,
) -> WorkerResult {
    let data = whole.bytes();
    let mut aux = Vec::new();
    let mut crcs = Vec::new();
    // Trailing bytes after the synthetic EOF would mean the job was cut inside a record.
    let opts = DecodeOptions { strict_trailing: true, ..opts.clone() };
    let fail = |e: SplitEnd| {
        abort.store(true, Ordering::Relaxed);
        Err(e)
    };
    for job in jobs {
        let bytes = &data[job.base as usize..job.end as usize];
        // Checksumming first also brings the bytes into cache for the decoder.
        crcs.push((job.seq, crc64::update(0, bytes), bytes.len() as u64));
        let mut prefix = head.to_vec();
        if job.db != 0 {
            prefix.push(254);
            put_len(&mut prefix, job.db);
        }
        // RDB 5+ ends with an 8-byte checksum; a zero one means "not computed".
        let tail: &[u8] = if version_of(&head) >= 5 { &[255, 0, 0, 0, 0, 0, 0, 0, 0] } else { &[255] };
        let Some(start) = job.base.checked_sub(prefix.len() as u64) else { return fail(SplitEnd::Replay) };
        let reader = Cursor::new(prefix).chain(bytes).chain(tail);
        let mut dec = Decoder::new(reader, None, model, opts.clone()).starting_at(start);
        let mut v = WorkerVisitor { acc: &mut acc, aux: &mut aux, seq: job.seq, hooks, keys: 0, abort };
        match dec.run(&mut v) {
            Ok(info) => {
                hooks.keys.fetch_add(info.keys - v.keys, Ordering::Relaxed);
            }
            Err(Stop::Cancelled { offset }) => return fail(SplitEnd::Cancelled { offset }),
            Err(Stop::Error(_)) => return fail(SplitEnd::Replay),
        }
        whole.release(job.base, job.end);
    }
    Ok((acc, aux, crcs))
}

/// The version number in a 9-byte header (0 when it is not one).
fn version_of(head: &[u8; 9]) -> u32 {
    let digits = |d: &[u8]| d.iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as u32));
    if &head[..5] == b"REDIS" {
        digits(&head[5..]).unwrap_or(0)
    } else if &head[..6] == b"VALKEY" {
        digits(&head[6..]).unwrap_or(0)
    } else {
        0
    }
}
struct WorkerVisitor<'a, 'h> {
    acc: &'a mut Accumulator,
    aux: &'a mut Vec<AuxEvent>,
    seq: u64,
    hooks: &'a Hooks<'h>,
    keys: u64,
    abort: &'a AtomicBool,
}

impl Visitor for WorkerVisitor<'_, '_> {
    #[inline]
    fn on_key(&mut self, r: &KeyRecord<'_>) {
        self.acc.on_key(r);
    }
    fn on_aux(&mut self, k: &[u8], v: &[u8], len: u64) {
        self.aux.push((self.seq, k.to_vec(), v.to_vec(), len));
    }
    fn on_resize_db(&mut self, db: u64, keys: u64, expires: u64) {
        self.acc.on_resize_db(db, keys, expires)
    }
    fn on_module_aux(&mut self, m: &str, bytes: u64) {
        self.acc.on_module_aux(m, bytes)
    }
    fn on_function(&mut self, bytes: u64) {
        self.acc.on_function(bytes)
    }
    fn on_slot_info(&mut self, slot: u64, keys: u64) {
        self.acc.on_slot_info(slot, keys)
    }
    fn checkpoint(&mut self, _offset: u64, keys: u64) -> bool {
        self.hooks.keys.fetch_add(keys - self.keys, Ordering::Relaxed);
        self.keys = keys;
        !(self.hooks.cancelled)() && !self.abort.load(Ordering::Relaxed)
    }
}

/// RDB length encoding, shortest form.
fn put_len(out: &mut Vec<u8>, v: u64) {
    if v < 1 << 6 {
        out.push(v as u8);
    } else if v < 1 << 14 {
        out.extend_from_slice(&[0x40 | (v >> 8) as u8, v as u8]);
    } else if v <= u32::MAX as u64 {
        out.push(0x80);
        out.extend_from_slice(&(v as u32).to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&v.to_be_bytes());
    }
}

/// The framer gave up: replay on one thread (or the workers went away).
struct Abort;

type F<T> = Result<T, Abort>;

/// Walks record headers over the whole input and cuts it into jobs.
struct Framer<'d, 'a> {
    data: &'d [u8],
    pos: usize,
    batch: u64,
    queues: Vec<SyncSender<Job>>,
    /// Start offset and database of the job being walked.
    job_start: Option<(u64, u64)>,
    seq: u64,
    abort: &'a AtomicBool,
    valkey: bool,
    version: u32,
}

impl Framer<'_, '_> {
    #[inline]
    fn offset(&self) -> u64 {
        self.pos as u64
    }

    #[inline]
    fn ensure(&self, n: usize) -> F<()> {
        if self.data.len() - self.pos >= n {
            Ok(())
        } else {
            Err(Abort) // truncated: the replay reports it
        }
    }
    #[inline]
    fn u8(&mut self) -> F<u8> {
        let b = *self.data.get(self.pos).ok_or(Abort)?;
        self.pos += 1;
        Ok(b)
    }

    #[inline]
    fn array<const N: usize>(&mut self) -> F<[u8; N]> {
        self.ensure(N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(&self.data[self.pos..self.pos + N]);
        self.pos += N;
        Ok(a)
    }

    #[inline]
    fn skip(&mut self, n: u64) -> F<()> {
        if ((self.data.len() - self.pos) as u64) < n {
            return Err(Abort);
        }
        self.pos += n as usize;
        Ok(())
    }

    #[inline]
    fn len(&mut self) -> F<u64> {
        let b = self.u8()?;
        match b >> 6 {
            0 => Ok((b & 0x3f) as u64),
            1 => Ok(((b & 0x3f) as u64) << 8 | self.u8()? as u64),
            _ => match b {
                0x80 => Ok(u32::from_be_bytes(self.array()?) as u64),
                0x81 => Ok(u64::from_be_bytes(self.array()?)),
                _ => Err(Abort),
            },
        }
    }

    /// Skips `n` strings, each followed by `gap` fixed bytes (zset scores, hash TTLs), with
    /// the common 6- and 14-bit lengths read inline.
    #[inline]
    fn strs(&mut self, n: u64, gap: usize) -> F<()> {
        let d = self.data;
        for _ in 0..n {
            let p = self.pos;
            prefetch(d, p + 1024);
            if p + 2 <= d.len() {
                let b = d[p];
                let (h, len) = match b >> 6 {
                    0 => (1, (b & 0x3f) as usize),
                    1 => (2, ((b & 0x3f) as usize) << 8 | d[p + 1] as usize),
                    _ => {
                        self.str_slow()?;
                        self.skip(gap as u64)?;
                        continue;
                    }
                };
                let next = p + h + len + gap;
                if next <= d.len() {
                    self.pos = next;
                    continue;
                }
            }
            self.str_slow()?;
            self.skip(gap as u64)?;
        }
        Ok(())
    }

    #[inline]
    fn str(&mut self) -> F<()> {
        self.strs(1, 0)
    }

    #[cold]
    fn str_slow(&mut self) -> F<()> {
        let b = self.u8()?;
        let n = match b >> 6 {
            0 => (b & 0x3f) as u64,
            1 => ((b & 0x3f) as u64) << 8 | self.u8()? as u64,
            2 => match b {
                0x80 => u32::from_be_bytes(self.array()?) as u64,
                0x81 => u64::from_be_bytes(self.array()?),
                _ => return Err(Abort),
            },
            _ => match b & 0x3f {
                0 => 1,
                1 => 2,
                2 => 4,
                3 => {
                    let clen = self.len()?;
                    self.len()?;
                    clen
                }
                _ => return Err(Abort),
            },
        };
        self.skip(n)
    }

    fn module_value(&mut self) -> F<()> {
        loop {
            match self.len()? {
                0 => return Ok(()),
                1 | 2 => {
                    self.len()?;
                }
                3 => self.skip(4)?,
                4 => self.skip(8)?,
                5 => self.str()?,
                _ => return Err(Abort),
            }
        }
    }

    /// Ends the job being walked at the current offset and hands it to its worker.
    fn close_job(&mut self) -> F<()> {
        if let Some((base, db)) = self.job_start.take() {
            let job = Job { seq: self.seq, base, end: self.offset(), db };
            let q = &self.queues[(self.seq % self.queues.len() as u64) as usize];
            q.send(job).map_err(|_| Abort)?;
            self.seq += 1;
        }
        if self.abort.load(Ordering::Relaxed) {
            return Err(Abort);
        }
        Ok(())
    }

    fn run(&mut self, opts: &DecodeOptions, hooks: &Hooks<'_>) -> Result<(FileInfo, u64), SplitEnd> {
        let r = self.walk(opts, hooks);
        if r.is_err() {
            self.abort.store(true, Ordering::Relaxed);
        }
        r
    }

    /// Returns the file facts and the offset just after the EOF opcode.
    fn walk(&mut self, opts: &DecodeOptions, hooks: &Hooks<'_>) -> Result<(FileInfo, u64), SplitEnd> {
        let replay = |_: Abort| SplitEnd::Replay;
        let head: [u8; 9] = self.array().map_err(replay)?;
        let magic = match &head {
            h if &h[..5] == b"REDIS" => "REDIS",
            h if &h[..6] == b"VALKEY" => "VALKEY",
            _ => return Err(SplitEnd::Replay),
        };
        let version = version_of(&head);
        let ok = if magic == "REDIS" { (1..=15).contains(&version) } else { (80..=81).contains(&version) };
        if !ok {
            return Err(SplitEnd::Replay);
        }
        self.valkey = magic == "VALKEY";
        self.version = version;
        let mut db = 0u64;
        let mut pending = false;
        loop {
            if !pending {
                if let Some((base, _)) = self.job_start {
                    if self.offset() - base >= self.batch {
                        self.close_job().map_err(replay)?;
                        (hooks.progress)(self.offset());
                        if (hooks.cancelled)() {
                            return Err(SplitEnd::Cancelled { offset: self.offset() });
                        }
                    }
                }
                self.ensure(1).map_err(replay)?;
                if self.data[self.pos] == 255 {
                    self.close_job().map_err(replay)?;
                    self.pos += 1;
                    let eof_at = self.offset();
                    return self.eof(magic, version, opts).map(|i| (i, eof_at)).map_err(replay);
                }
                if self.job_start.is_none() {
                    self.job_start = Some((self.offset(), db));
                }
            }
            prefetch(self.data, self.pos + 1024);
            let op = self.u8().map_err(replay)?;
            pending = self.record(op, &mut db).map_err(replay)?;
        }
    }

    /// Walks one opcode or key; true when it was a prefix of the next key.
    fn record(&mut self, op: u8, db: &mut u64) -> F<bool> {
        match op {
            255 => Err(Abort), // EOF after a prefix opcode: the replay reports it
            254 => {
                *db = self.len()?;
                Ok(false)
            }
            253 => self.skip(4).map(|_| true),
            252 => self.skip(8).map(|_| true),
            251 => {
                self.len()?;
                self.len()?;
                Ok(false)
            }
            250 => {
                self.str()?;
                self.str()?;
                Ok(false)
            }
            249 => self.skip(1).map(|_| true),
            248 => self.len().map(|_| true),
            247 => {
                self.len()?;
                if self.len()? != 2 {
                    return Err(Abort);
                }
                self.len()?;
                self.module_value()?;
                Ok(false)
            }
            246 => {
                self.str()?;
                self.str()?;
                if self.len()? != 0 {
                    self.str()?;
                }
                self.str()?;
                Ok(false)
            }
            245 => self.str().map(|_| false),
            244 => {
                for _ in 0..3 {
                    self.len()?;
                }
                Ok(false)
            }
            243 if self.valkey => {
                self.str()?;
                let n = self.len()?;
                for _ in 0..n {
                    self.len()?;
                    self.len()?;
                }
                Ok(false)
            }
            243 if self.version >= 13 => {
                let classes = self.len()?;
                for _ in 0..classes {
                    self.skip(4)?;
                    self.module_value()?;
                }
                Ok(true)
            }
            107 | 121 => self.len().map(|_| false),
            t => {
                self.str()?; // key name
                self.value(t)?;
                Ok(false)
            }
        }
    }

    fn value(&mut self, t: u8) -> F<()> {
        let valkey = self.valkey;
        match t {
            0 | 9 | 10 | 11 | 12 | 13 | 16 | 17 | 20 => self.str(),
            1 | 2 => {
                let n = self.len()?;
                self.strs(n, 0)
            }
            3 => {
                let n = self.len()?;
                for _ in 0..n {
                    self.str()?;
                    let l = self.u8()?;
                    if l < 253 {
                        self.skip(l as u64)?;
                    }
                }
                Ok(())
            }
            5 => {
                let n = self.len()?;
                self.strs(n, 8)
            }
            4 => {
                let n = self.len()?;
                self.strs(n.checked_mul(2).ok_or(Abort)?, 0)
            }
            7 => {
                self.len()?;
                self.module_value()
            }
            14 | 18 => {
                let nodes = self.len()?;
                for _ in 0..nodes {
                    if t == 18 && !matches!(self.len()?, 1 | 2) {
                        return Err(Abort);
                    }
                    self.str()?;
                }
                Ok(())
            }
            15 | 19 | 21 => self.stream(t),
            26 | 27 if !valkey => self.stream(t),
            22 if valkey => {
                let n = self.len()?;
                for _ in 0..n {
                    self.str()?;
                    self.str()?;
                    self.skip(8)?;
                }
                Ok(())
            }
            22 | 24 if !valkey => {
                if t == 24 {
                    self.skip(8)?;
                }
                let n = self.len()?;
                for _ in 0..n {
                    self.len()?;
                    self.str()?;
                    self.str()?;
                }
                Ok(())
            }
            23 | 25 if !valkey => {
                if t == 25 {
                    self.skip(8)?;
                }
                self.str()
            }
            28 if !valkey => {
                let n = self.len()?;
                for _ in 0..n {
                    match self.u8()? {
                        0 => self.str()?,
                        1 | 2 => self.skip(8)?,
                        3 => {
                            let l = self.u8()?;
                            self.skip(l as u64)?
                        }
                        _ => return Err(Abort),
                    }
                }
                Ok(())
            }
            _ => Err(Abort),
        }
    }

    fn stream(&mut self, t: u8) -> F<()> {
        let nodes = self.len()?;
        for _ in 0..nodes {
            self.str()?; // node key (a 16-byte stream ID)
            self.str()?; // listpack
        }
        for _ in 0..if t >= 19 { 8 } else { 3 } {
            self.len()?; // length, last id; v2+: first id, max deleted id, entries added
        }
        let groups = self.len()?;
        for _ in 0..groups {
            self.str()?;
            self.len()?;
            self.len()?;
            if t >= 19 {
                self.len()?;
            }
            let pel = self.len()?;
            for _ in 0..pel {
                self.skip(24)?;
                self.len()?;
            }
            let consumers = self.len()?;
            for _ in 0..consumers {
                self.str()?;
                self.skip(if t >= 21 { 16 } else { 8 })?;
                let cpel = self.len()?;
                self.skip(cpel.checked_mul(16).ok_or(Abort)?)?;
            }
            if t >= 27 {
                let nacked = self.len()?;
                self.skip(nacked.checked_mul(16).ok_or(Abort)?)?;
            }
        }
        if t >= 26 {
            self.len()?;
            self.len()?;
            let n = self.len()?;
            for _ in 0..n {
                self.str()?;
                self.skip(16)?;
            }
            self.len()?;
            self.len()?;
        }
        Ok(())
    }

    /// After the EOF opcode: the trailer and what follows it, as the decoder sees them (the
    /// checksum itself is compared once the workers' parts are combined).
    fn eof(&mut self, magic: &'static str, version: u32, opts: &DecodeOptions) -> F<FileInfo> {
        let mut info = FileInfo { magic, rdb_version: version, checksum: Checksum::Absent, bytes: 0, keys: 0, trailing_bytes: 0, warnings: Vec::new() };
        if version >= 5 {
            self.skip(8)?;
        }
        info.bytes = self.offset();
        let trailing = (self.data.len() - self.pos) as u64;
        if trailing > 0 {
            if opts.strict_trailing {
                return Err(Abort);
            }
            info.trailing_bytes = trailing;
            info.warnings.push(format!("{trailing} bytes of trailing data after the end of the RDB (offset {}) ignored", info.bytes));
        }
        Ok(info)
    }
}

/// Asks for the cache line at `at` ahead of the walk (the walk touches the file first, so it
/// would otherwise wait on memory for every header).
#[inline(always)]
fn prefetch(d: &[u8], at: usize) {
    #[cfg(target_arch = "x86_64")]
    if at < d.len() {
        // SAFETY: a prefetch of an address inside the slice; it never faults.
        unsafe { std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(d.as_ptr().add(at) as *const i8) };
    }
    let _ = (d, at);
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
    use super::{combine, crc64, put_len};

    #[test]
    fn checksums_of_parts_combine_into_the_whole() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let whole = crc64::update(0, &data);
        for cut in [0, 1, 7, 4096, 65_537, 99_999, 100_000] {
            let (a, b) = data.split_at(cut);
            assert_eq!(combine(crc64::update(0, a), crc64::update(0, b), b.len() as u64), whole, "cut at {cut}");
        }
    }

    #[test]
    fn lengths_use_the_shortest_form() {
        let enc = |v| {
            let mut o = Vec::new();
            put_len(&mut o, v);
            o
        };
        assert_eq!(enc(5), vec![5]);
        assert_eq!(enc(300), vec![0x41, 0x2c]);
        assert_eq!(enc(70_000), vec![0x80, 0, 1, 0x11, 0x70]);
        assert_eq!(enc(1 << 40)[0], 0x81);
    }
}
