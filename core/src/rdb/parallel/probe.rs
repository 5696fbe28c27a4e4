//! Finding a likely record start near an offset, without reading the file from its start.
//!
//! A candidate byte must look like a record's first byte (a type byte followed by a sane key
//! length, or an opcode with a sane argument); then the ordinary decoder, resumed there, must
//! read a span of bytes (up to [`SPAN`]) of records without error, with at least `records` keys, no key twice
//! and sane expiry times. A start inside a value can read as a few records before it falls
//! into step with the real ones, so the cut is the first record start past the span (or,
//! near the end of the file, the last key read before a clean EOF), not the candidate itself.
//! All of this only makes false cuts rare: a false cut costs speed, never correctness.

use std::collections::HashSet;
use std::io::Read;

use crate::rdb::decoder::{DecodeOptions, Decoder, KeyRecord, Resume, Stop, Visitor};
use crate::rdb::memory::MemoryModel;

/// Bytes scanned after a nominal cut for a record start.
const SCAN_BYTES: u64 = 4 << 20;
/// Candidates decoded per cut at most.
const MAX_PROBES: usize = 4096;
/// Bytes of records a candidate must decode cleanly (at most; see `find_cut`).
const SPAN: u64 = 256 << 10;
/// Bytes a probe may read past its span (the record that crosses it), at most.
const SLACK: u64 = 1 << 20;
/// The short look at a candidate: span and slack.
const QUICK_SPAN: u64 = 2 << 10;
const QUICK_SLACK: u64 = 14 << 10;
/// Expiry times beyond this (about the year 4200) are taken for garbage.
const MAX_EXPIRE_MS: i64 = 1 << 46;

/// The first likely record start in `from..limit` (within [`SCAN_BYTES`]), or None.
/// A candidate must read `span` bytes of records (clamped to 4 KiB..[`SPAN`]).
#[allow(clippy::too_many_arguments)]
pub(super) fn find_cut(data: &[u8], from: u64, limit: u64, span: u64, valkey: bool, version: u32, model: &dyn MemoryModel, records: u64) -> Option<u64> {
    let span = span.clamp(4 << 10, SPAN);
    let end = limit.min(from.saturating_add(SCAN_BYTES)).min(data.len() as u64);
    let mut probes = 0;
    for p in from..end {
        if !looks_like_a_record(data, p as usize) {
            continue;
        }
        if records == 0 {
            return Some(p); // testing aid: the first plausible byte, however wrong
        }
        probes += 1;
        if probes > MAX_PROBES {
            return None;
        }
        // A short look first: most candidates inside a value fail within a few bytes, and a
        // short probe costs a small buffer; only the survivors read the whole span.
        let glance = probe(data, p, QUICK_SPAN.min(span), QUICK_SLACK, valkey, version, model, records.min(2));
        if glance.is_none() {
            continue;
        }
        if let Some(cut) = probe(data, p, span, SLACK.min(span * 4), valkey, version, model, records) {
            return Some(cut);
        }
    }
    None
}

/// A quick look at the bytes at `p`: a type byte and a key length, or an opcode.
fn looks_like_a_record(d: &[u8], p: usize) -> bool {
    let at = |i: usize| d.get(p + i).copied();
    // A string header: 6/14/32-bit length or an integer / LZF encoding.
    let string = |b: Option<u8>| b.is_some_and(|b| b < 0x80 || b == 0x80 || (0xc0..=0xc3).contains(&b));
    match d[p] {
        0..=7 | 9..=28 => string(at(1)),
        // EXPIRETIME_MS: a time, then a type byte or another prefix.
        252 => at(9).is_some_and(|t| matches!(t, 0..=7 | 9..=28 | 248 | 249)),
        253 => at(5).is_some_and(|t| matches!(t, 0..=7 | 9..=28 | 248 | 249)),
        // SELECTDB with a small database number; AUX with a short name.
        254 => at(1).is_some_and(|b| b < 0x40),
        250 => at(1).is_some_and(|b| (1..0x40).contains(&b)),
        241..=249 | 251 => true,
        // EOF only where the file ends (after its checksum for version 5+).
        255 => d.len() - p <= 9,
        _ => false,
    }
}

/// Decodes from `p`; the cut it leads to, when it reads like real records.
#[allow(clippy::too_many_arguments)]
fn probe(data: &[u8], p: u64, span: u64, slack: u64, valkey: bool, version: u32, model: &dyn MemoryModel, records: u64) -> Option<u64> {
    let len = data.len() as u64;
    let end = (p + span).saturating_add(slack).min(len);
    let reader = Trickle(&data[p as usize..end as usize]);
    let opts = DecodeOptions { detail: false, verify_checksum: false, strict_trailing: false };
    // Offsets counted from `p` (a window-sized input: the decoder's buffer stays that small).
    let mut dec = Decoder::new(reader, Some(end - p), model, opts).resuming(Resume { offset: 0, valkey, version, db: 0 }).watching(span);
    let mut v = Sane::default();
    let r = dec.run(&mut v);
    if v.insane {
        return None;
    }
    match r {
        Err(Stop::Cancelled { offset }) => (v.stopped_at == Some(offset) && v.keys >= records).then_some(p + offset),
        // A clean EOF at the real end: the last key read (else the EOF opcode) starts the cut.
        Ok(info) if end == len && info.trailing_bytes == 0 => {
            Some(p + v.last.unwrap_or(info.bytes - if version >= 5 { 9 } else { 1 }))
        }
        _ => None,
    }
}

/// The database of the file's first key (0 when none is found early).
pub(super) fn first_db(data: &[u8], model: &dyn MemoryModel) -> u64 {
    let end = data.len().min(4 << 20);
    let opts = DecodeOptions { detail: false, verify_checksum: false, strict_trailing: false };
    let mut dec = Decoder::new(Trickle(&data[..end]), Some(end as u64), model, opts).watching(0);
    let mut first = FirstDb(None);
    let _ = dec.run(&mut first);
    first.0.unwrap_or(0)
}

/// Hands out a slice a little at a time (a probe that fails early copies little).
struct Trickle<'d>(&'d [u8]);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(4096).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

/// Checks what a probe reads: a dump never holds a key twice in one database, and expiry
/// times are Unix milliseconds of this era; repetitive data inside a value does not.
#[derive(Default)]
struct Sane {
    seen: HashSet<(u64, Vec<u8>)>,
    insane: bool,
    keys: u64,
    /// Offset of the last key's record (with its prefixes).
    last: Option<u64>,
    stopped_at: Option<u64>,
}

impl Visitor for Sane {
    fn on_key(&mut self, r: &KeyRecord<'_>) {
        self.insane |= !self.seen.insert((r.db, r.key.to_vec()));
        self.insane |= r.expire_ms.is_some_and(|e| !(0..=MAX_EXPIRE_MS).contains(&e));
        self.keys += 1;
        self.last = Some(r.offset);
    }
    fn at_watch(&mut self, offset: u64, _db: u64, pending: bool) -> Option<u64> {
        if pending || self.insane {
            return if self.insane { None } else { Some(offset + 1) };
        }
        self.stopped_at = Some(offset);
        None
    }
}

struct FirstDb(Option<u64>);

impl Visitor for FirstDb {
    fn on_key(&mut self, r: &KeyRecord<'_>) {
        self.0.get_or_insert(r.db);
    }
    /// Called at every record start: stops once a key was read.
    fn at_watch(&mut self, offset: u64, _db: u64, _pending: bool) -> Option<u64> {
        self.0.is_none().then_some(offset + 1)
    }
}
