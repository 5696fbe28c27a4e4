//! The segments of a split run: which worker decodes what, and which cuts hold.
//!
//! Every segment but the first has a cut. The workers first probe the cuts (worker `t` those of
//! segments `t`, `t + threads`, ...), then take segments in file order and decode them. The
//! decoder of a segment watches the cuts that follow (see the module above for why a cut
//! reached cleanly is a true record start). A cut is in one of these states:
//! - `Unprobed` / `Probing`: not known yet (a decoder that gets there waits: probes come first);
//! - `None`: no likely record start was found: whoever decodes before it carries on;
//! - `At`: a candidate record start. A watcher arriving exactly there in the same state
//!   `claimed` it (its work counts; it can no longer be dropped); a watcher that stepped over
//!   it or arrived in another state `dropped` it (its worker stops early; the watcher goes on).

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

use super::{probe, AuxEvent, Hooks, SplitConfig, SplitEnd, Whole};
use crate::rdb::decoder::{DecodeOptions, Decoder, FileInfo, KeyRecord, Resume, Stop, Visitor};
use crate::rdb::memory::MemoryModel;
use crate::rdb::reader::InPlace;
use crate::rdb::report::Accumulator;

/// Segments at most (each costs a probe; more only help balance and bound a false cut's cost).
const MAX_SEGMENTS: usize = 256;

/// A counted segment.
pub(super) struct Part {
    pub acc: Accumulator,
    pub aux: Vec<AuxEvent>,
    /// CRC-64 of the bytes it covers (segment 0: from the file start; the last one: up to and
    /// including the EOF opcode) and their number.
    pub crc: u64,
    pub len: u64,
    /// The file facts, when this segment reached the EOF.
    pub info: Option<FileInfo>,
    /// The segment that follows it (None: it reached the EOF).
    next: Option<usize>,
}

enum Cut {
    Unprobed,
    Probing,
    None,
    At { offset: u64, claimed: bool, dropped: bool },
}

struct Seg {
    cut: Mutex<Cut>,
    ready: Condvar,
}

impl Seg {
    fn lock(&self) -> MutexGuard<'_, Cut> {
        self.cut.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The cut once it is probed (another worker may still be at it).
    fn probed(&self) -> MutexGuard<'_, Cut> {
        let mut c = self.lock();
        while matches!(*c, Cut::Unprobed | Cut::Probing) {
            c = self.ready.wait(c).unwrap_or_else(|e| e.into_inner());
        }
        c
    }
}

enum Outcome {
    Done(Part),
    /// Bad input (or a start that was no record start).
    Failed,
    /// Its cut was dropped, or the run stopped.
    Dropped,
    Cancelled(u64),
}

struct Plan<'a, 'h> {
    whole: &'a Whole,
    model: &'a dyn MemoryModel,
    opts: &'a DecodeOptions,
    make_acc: &'a (dyn Fn() -> Accumulator + Sync),
    hooks: &'a Hooks<'h>,
    probe_records: u64,
    valkey: bool,
    version: u32,
    /// Nominal start of every segment.
    nominal: Vec<u64>,
    segs: Vec<Seg>,
    next: AtomicUsize,
    /// The database every segment but the first starts in (that of the file's first key).
    db: u64,
    walked: AtomicU64,
    /// Segment 0 failed: the file is bad, nothing else counts.
    stop: AtomicBool,
}

/// Decodes `whole` in segments; returns the counted ones in file order.
#[allow(clippy::too_many_arguments)]
pub(super) fn run(
    whole: &Whole,
    model: &dyn MemoryModel,
    opts: &DecodeOptions,
    make_acc: &(dyn Fn() -> Accumulator + Sync),
    cfg: SplitConfig,
    hooks: &Hooks<'_>,
    valkey: bool,
    version: u32,
) -> Result<Vec<Part>, SplitEnd> {
    let data = whole.bytes();
    let len = data.len() as u64;
    let threads = cfg.threads.max(1);
    // One thread: one segment (nothing to balance; the map still spares the read copies).
    let n = if threads == 1 { 1 } else { ((len / cfg.segment_bytes.max(1) as u64).min(MAX_SEGMENTS as u64) as usize).max(threads) };
    let nominal: Vec<u64> = (0..n as u64).map(|k| if k == 0 { 0 } else { 9 + (len - 9) * k / n as u64 }).collect();
    let segs = (0..n)
        .map(|k| {
            let cut = if k == 0 { Cut::At { offset: 0, claimed: true, dropped: false } } else { Cut::Unprobed };
            Seg { cut: Mutex::new(cut), ready: Condvar::new() }
        })
        .collect();
    let plan = Plan {
        whole,
        model,
        opts,
        make_acc,
        hooks,
        probe_records: cfg.probe_records,
        valkey,
        version,
        nominal,
        segs,
        next: AtomicUsize::new(0),
        db: probe::first_db(data, model),
        walked: AtomicU64::new(0),
        stop: AtomicBool::new(false),
    };
    let mut slots: Vec<Option<Outcome>> = (0..n).map(|_| None).collect();
    let finished = std::thread::scope(|scope| {
        let plan = &plan;
        let workers: Vec<_> = (0..threads).map(|t| scope.spawn(move || plan.work(t, threads))).collect();
        workers.into_iter().map(|w| w.join()).collect::<Vec<_>>()
    });
    for done in finished {
        for (k, o) in done.map_err(|_| SplitEnd::Replay)? {
            slots[k] = Some(o);
        }
    }
    if (hooks.cancelled)() {
        let offset = slots.iter().filter_map(|s| if let Some(Outcome::Cancelled(o)) = s { Some(*o) } else { None }).max();
        return Err(SplitEnd::Cancelled { offset: offset.unwrap_or(0) });
    }
    // Follow the chain of claimed segments from the start.
    let mut chain = Vec::new();
    let mut k = 0;
    loop {
        match slots.get_mut(k).and_then(Option::take) {
            Some(Outcome::Done(part)) => {
                let next = part.next;
                chain.push(part);
                match next {
                    Some(j) => k = j,
                    None => return Ok(chain),
                }
            }
            _ => return Err(SplitEnd::Replay), // bad input (or a run stopped): replay it
        }
    }
}

impl Plan<'_, '_> {
    fn work(&self, t: usize, threads: usize) -> Vec<(usize, Outcome)> {
        for k in (t..self.segs.len()).step_by(threads).filter(|&k| k > 0) {
            self.probe(k);
        }
        let mut out = Vec::new();
        loop {
            let k = self.next.fetch_add(1, Ordering::Relaxed);
            if k >= self.segs.len() || self.stop.load(Ordering::Relaxed) || (self.hooks.cancelled)() {
                return out;
            }
            let start = match *self.segs[k].probed() {
                Cut::At { offset, dropped: false, .. } => offset,
                _ => continue, // no cut, or a decoder already went over it
            };
            let o = self.decode(k, start);
            if k == 0 && !matches!(o, Outcome::Done(_)) {
                self.stop.store(true, Ordering::Relaxed);
            }
            out.push((k, o));
        }
    }

    /// Finds segment `k`'s cut.
    fn probe(&self, k: usize) {
        let seg = &self.segs[k];
        *seg.lock() = Cut::Probing;
        let data = self.whole.bytes();
        let limit = self.nominal.get(k + 1).copied().unwrap_or(data.len() as u64);
        // Small segments (tests) get short probes: a probe reads about a sixteenth of one.
        let span = (limit - self.nominal[k]) / 16;
        let found = probe::find_cut(data, self.nominal[k], limit, span, self.valkey, self.version, self.model, self.probe_records);
        *seg.lock() = match found {
            Some(offset) => Cut::At { offset, claimed: false, dropped: false },
            None => Cut::None,
        };
        seg.ready.notify_all();
    }

    fn decode(&self, k: usize, start: u64) -> Outcome {
        let len = self.whole.bytes().len() as u64;
        let mut walk = Walk { plan: self, released: start as usize };
        let mut on_consumed = |upto: usize| walk.reached(start as usize + upto, false);
        let on_ahead = |next: std::ops::Range<usize>| self.whole.prepare(start as usize + next.start, start as usize + next.end);
        let input = InPlace { data: &self.whole.bytes()[start as usize..], on_consumed: Some(&mut on_consumed), on_ahead: Some(&on_ahead) };
        let watch = self.nominal.get(k + 1).copied().unwrap_or(u64::MAX);
        // Only segment 0 sees the whole file's bytes; the others' checksum is put together.
        let opts = if k == 0 { self.opts.clone() } else { DecodeOptions { verify_checksum: false, ..self.opts.clone() } };
        let mut dec = Decoder::new(input, Some(len), self.model, opts).watching(watch);
        if k > 0 {
            dec = dec.resuming(Resume { offset: start, valkey: self.valkey, version: self.version, db: self.db });
        }
        let mut v = SegVisitor { plan: self, own: k, target: k + 1, acc: (self.make_acc)(), aux: Vec::new(), keys: 0, next: None };
        let r = dec.run(&mut v);
        let crc = dec.data_crc().unwrap_or(0);
        let reached = dec.offset() as usize;
        drop(dec);
        walk.reached(reached, true);
        let SegVisitor { acc, aux, keys, next, .. } = v;
        match r {
            Ok(info) => {
                self.hooks.keys.fetch_add(info.keys - keys, Ordering::Relaxed);
                let end = info.bytes - if self.version >= 5 { 8 } else { 0 };
                Outcome::Done(Part { acc, aux, crc, len: end - start, info: Some(info), next: None })
            }
            Err(Stop::Cancelled { offset }) if next.is_some() => {
                self.hooks.keys.fetch_add(acc.total_num() - keys, Ordering::Relaxed);
                Outcome::Done(Part { acc, aux, crc, len: offset - start, info: None, next })
            }
            Err(Stop::Cancelled { offset }) if (self.hooks.cancelled)() => Outcome::Cancelled(offset),
            Err(Stop::Cancelled { .. }) => Outcome::Dropped,
            Err(Stop::Error(_)) => Outcome::Failed,
        }
    }

    fn dropped(&self, k: usize) -> bool {
        matches!(*self.segs[k].lock(), Cut::At { dropped: true, .. })
    }

    /// A decoder reached record start `o` at or past its watched offset (see [`Cut`]).
    /// Returns the next offset to watch, or None when `target` was claimed: stop here.
    fn at_watch(&self, target: &mut usize, o: u64, db: u64, pending: bool) -> Option<u64> {
        while let Some(seg) = self.segs.get(*target) {
            let mut c = seg.probed();
            match &mut *c {
                Cut::Unprobed | Cut::Probing | Cut::None => {}
                Cut::At { offset, claimed, dropped } => {
                    if o < *offset {
                        return Some(*offset);
                    }
                    if o == *offset && !pending && db == self.db && !*dropped {
                        *claimed = true;
                        return None;
                    }
                    if !*claimed {
                        *dropped = true;
                    }
                }
            }
            drop(c);
            *target += 1;
            match self.nominal.get(*target) {
                Some(&n) if o < n => return Some(n),
                Some(_) => {}
                None => return Some(u64::MAX),
            }
        }
        Some(u64::MAX)
    }
}

/// Feeds one segment's accumulator; watches the next cuts.
struct SegVisitor<'p, 'a, 'h> {
    plan: &'p Plan<'a, 'h>,
    own: usize,
    /// The segment whose cut is watched next.
    target: usize,
    acc: Accumulator,
    aux: Vec<AuxEvent>,
    /// Keys already added to the caller's counter.
    keys: u64,
    /// The claimed segment this one stopped at.
    next: Option<usize>,
}

impl Visitor for SegVisitor<'_, '_, '_> {
    #[inline]
    fn on_key(&mut self, r: &KeyRecord<'_>) {
        self.acc.on_key(r);
    }
    fn on_aux(&mut self, k: &[u8], v: &[u8], len: u64) {
        // Kept aside: AUX fields are replayed in file order once the chain is known.
        self.aux.push((self.own as u64, k.to_vec(), v.to_vec(), len));
    }
    super::feed_accumulator!();
    fn checkpoint(&mut self, _offset: u64, keys: u64) -> bool {
        let p = self.plan;
        p.hooks.keys.fetch_add(keys - self.keys, Ordering::Relaxed);
        self.keys = keys;
        !(p.hooks.cancelled)() && !p.stop.load(Ordering::Relaxed) && !p.dropped(self.own)
    }
    fn at_watch(&mut self, offset: u64, db: u64, pending: bool) -> Option<u64> {
        let next = self.plan.at_watch(&mut self.target, offset, db, pending);
        if next.is_none() {
            self.next = Some(self.target);
        }
        next
    }
}

/// Decoded pages are released and progress is reported every so many bytes.
const RELEASE_BYTES: usize = 8 << 20;

/// How far a segment's decoder walked (it tells every 256 KiB): decoded pages are released,
/// so RSS stays flat, and progress is reported.
struct Walk<'p, 'a, 'h> {
    plan: &'p Plan<'a, 'h>,
    released: usize,
}

impl Walk<'_, '_, '_> {
    /// Everything before file offset `to` is decoded (`last`: the decoder is done).
    fn reached(&mut self, to: usize, last: bool) {
        if to <= self.released || (to - self.released < RELEASE_BYTES && !last) {
            return;
        }
        let fed = (to - self.released) as u64;
        let walked = self.plan.walked.fetch_add(fed, Ordering::Relaxed) + fed;
        self.plan.whole.release(self.released as u64, to as u64);
        self.released = to;
        (self.plan.hooks.progress)(walked.min(self.plan.whole.bytes().len() as u64));
    }
}
