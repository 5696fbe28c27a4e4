//! The streaming RDB decoder: walks records in one pass and hands each key to a [`Visitor`]
//! as a [`KeyRecord`] (sizes, counts, TTL, encoding), never holding a whole collection.
//!
//! Formats: REDIS versions 1–14 (15 is accepted; its template types are refused with a clear
//! error because their layout is unconfirmed) and VALKEY080/081. Type bytes 22/23 and opcodes
//! 242/243 mean different things for Redis and Valkey, so they dispatch on the magic.

use super::blob::{self, Entry};
use super::escape::escape_text;
use super::lzf;
use super::memory::{MemoryModel, StringKey};
use super::memory_model;
use super::reader::{derr, DResult, DecodeError, Input, Source};
use super::types::{Encoding, KeyType, ValueShape};

// Opcodes.
const OP_EOF: u8 = 255;
const OP_SELECTDB: u8 = 254;
const OP_EXPIRETIME: u8 = 253;
const OP_EXPIRETIME_MS: u8 = 252;
const OP_RESIZEDB: u8 = 251;
const OP_AUX: u8 = 250;
const OP_FREQ: u8 = 249;
const OP_IDLE: u8 = 248;
const OP_MODULE_AUX: u8 = 247;
const OP_FUNCTION_PRE_GA: u8 = 246;
const OP_FUNCTION2: u8 = 245;
const OP_SLOT_INFO: u8 = 244;
/// Redis (v13+): KEY_META. Valkey: SLOT_IMPORT.
const OP_243: u8 = 243;
/// Redis (v15): HASH_TEMPLATES. Valkey (81): UPDATE.
const OP_242: u8 = 242;
/// Redis Enterprise opcodes: RAM_LRU and SLOT_NUM, one length each.
const OP_ENT_RAM_LRU: u8 = 107;
const OP_ENT_SLOT_NUM: u8 = 121;

// Module value opcodes.
const MOD_EOF: u64 = 0;
const MOD_SINT: u64 = 1;
const MOD_UINT: u64 = 2;
const MOD_FLOAT: u64 = 3;
const MOD_DOUBLE: u64 = 4;
const MOD_STRING: u64 = 5;

/// Packed blobs larger than this are refused (Redis's own limits are far below).
const MAX_BLOB: u64 = 1 << 30;
/// AUX values longer than this are skipped instead of kept.
const MAX_AUX_VALUE: u64 = 1 << 16;

#[derive(Debug, Clone)]
pub struct DecodeOptions {
    /// Walk every packed blob (largest element, exact counts) even when headers suffice.
    pub detail: bool,
    /// Compare the CRC-64 trailer with the data (a zero trailer means "not computed").
    pub verify_checksum: bool,
    /// Treat bytes after the EOF trailer as an error instead of a warning.
    pub strict_trailing: bool,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions { detail: false, verify_checksum: true, strict_trailing: false }
    }
}

/// One key as the analyzer sees it.
#[derive(Debug, Clone)]
pub struct KeyRecord<'a> {
    pub db: u64,
    pub key: &'a [u8],
    pub kind: KeyType,
    pub encoding: Encoding,
    pub rdb_type: u8,
    /// Absolute expiry in Unix milliseconds.
    pub expire_ms: Option<i64>,
    /// LRU idle seconds (IDLE opcode).
    pub idle: Option<u64>,
    /// LFU counter (FREQ opcode).
    pub freq: Option<u8>,
    /// Bytes this key occupies in the file (opcodes, type, name and value).
    pub serialized: u64,
    /// Estimated in-memory size (key + value), from the memory model.
    pub memory: u64,
    /// Byte length for strings, element count otherwise.
    pub elements: u64,
    /// Length of the largest element (strings: the value length); 0 when not measured.
    pub largest_element: u64,
    /// Hash fields that carry a TTL.
    pub field_ttls: u64,
    /// Module type name for module values.
    pub module: Option<String>,
    /// Offset of the key's first byte in the file.
    pub offset: u64,
}

/// Receives what the decoder finds. Every method but `on_key` has a no-op default.
pub trait Visitor {
    fn on_key(&mut self, rec: &KeyRecord<'_>);
    fn on_aux(&mut self, _key: &[u8], _value: &[u8], _value_len: u64) {}
    fn on_resize_db(&mut self, _db: u64, _keys: u64, _expires: u64) {}
    fn on_module_aux(&mut self, _module: &str, _bytes: u64) {}
    fn on_function(&mut self, _bytes: u64) {}
    fn on_slot_info(&mut self, _slot: u64, _keys: u64) {}
    /// Called every few thousand keys; returning false stops decoding (cancellation).
    fn checkpoint(&mut self, _offset: u64, _keys: u64) -> bool {
        true
    }
    /// Called at the first record start at or past the offset given to [`Decoder::watching`]
    /// (or returned here last time), with the database in effect and whether a key prefix
    /// (EXPIRETIME / IDLE / FREQ / KEY_META) is pending. Returns the next offset to watch
    /// (`u64::MAX`: none), or None to stop right there: the run then ends with
    /// [`Stop::Cancelled`] at that offset and [`Decoder::data_crc`] covers the bytes read.
    fn at_watch(&mut self, _offset: u64, _db: u64, _prefix_pending: bool) -> Option<u64> {
        Some(u64::MAX)
    }
}

/// Where a decode resumes inside a file (see [`Decoder::resuming`]).
#[derive(Debug, Clone, Copy)]
pub struct Resume {
    /// Offset of a record start in the file.
    pub offset: u64,
    pub valkey: bool,
    pub version: u32,
    /// The database in effect there.
    pub db: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Checksum {
    /// Trailer matched the data.
    Verified,
    /// Trailer is zero: the writer did not compute it.
    Disabled,
    /// Versions before 5 have no trailer.
    Absent,
    /// Verification was switched off.
    NotChecked,
}

/// What the decoder learned about the file itself.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FileInfo {
    pub magic: &'static str,
    pub rdb_version: u32,
    pub checksum: Checksum,
    pub bytes: u64,
    pub keys: u64,
    pub trailing_bytes: u64,
    pub warnings: Vec<String>,
}

/// Outcome of a run that stopped early.
#[derive(Debug)]
pub enum Stop {
    Error(DecodeError),
    Cancelled { offset: u64 },
}

impl From<DecodeError> for Stop {
    fn from(e: DecodeError) -> Self {
        Stop::Error(e)
    }
}

enum Str {
    Raw(u64),
    Int(i64),
    Lzf { clen: u64, ulen: u64 },
}

/// What decoding one value produced.
struct Value {
    kind: KeyType,
    encoding: Encoding,
    shape: ValueShape,
    elements: u64,
    largest: u64,
    field_ttls: u64,
    module: Option<String>,
}

impl Value {
    fn new() -> Self {
        Value {
            kind: KeyType::String,
            encoding: Encoding::Raw,
            shape: ValueShape::default(),
            elements: 0,
            largest: 0,
            field_ttls: 0,
            module: None,
        }
    }

    #[inline]
    fn set_kind(&mut self, kind: KeyType, encoding: Encoding) {
        self.kind = kind;
        self.encoding = encoding;
    }

    /// One set or zset member stored as its own string.
    #[inline(always)]
    fn member(&mut self, m: &dyn MemoryModel, len: u64, int: Option<i64>) {
        self.shape.elems.add_member(len, int);
        self.largest = self.largest.max(len);
        self.shape.elem_alloc += m.element(len);
    }
}

/// A key record found wholly in the buffer by [`Decoder::in_buffer`]: positions are relative
/// to the name's length byte; the value's shape is in the decoder.
struct InBuffer {
    /// End of the name (it starts at 1).
    key_end: usize,
    /// End of the record.
    end: usize,
    kind: KeyType,
    encoding: Encoding,
    elements: u64,
    largest: u64,
    /// Strings: (stored int-encoded, held as an integer); other kinds' shape is in the decoder.
    string: Option<(bool, bool)>,
}

/// A short string value at the start of `b`: (end, length, stored int-encoded, its value when
/// the server would hold it as an integer). LZF data is skipped: a string's report needs only
/// its length.
#[inline(always)]
fn short_string(b: &[u8]) -> Option<(usize, u64, bool, Option<i64>)> {
    let head = b.get(..5)?;
    let (data, int) = match head[0] {
        x @ 0x00..=0x3f => (1..1 + x as usize, None),
        x @ 0x40..=0x7f => (2..2 + (((x & 0x3f) as usize) << 8 | head[1] as usize), None),
        0xc0 => (2..2, Some(head[1] as i8 as i64)),
        0xc1 => (3..3, Some(i16::from_le_bytes([head[1], head[2]]) as i64)),
        0xc2 => (5..5, Some(i32::from_le_bytes([head[1], head[2], head[3], head[4]]) as i64)),
        0xc3 => {
            let (clen, ulen, used) = short_lzf_lens(&head[1..])?;
            let end = 1 + used + clen;
            return (end <= b.len()).then_some((end, ulen as u64, false, None));
        }
        _ => return None,
    };
    if let Some(v) = int {
        return Some((data.end, blob::int_text_len(v), true, Some(v)));
    }
    let end = data.end;
    let bytes = b.get(data)?;
    let canonical = if bytes.len() <= 20 { memory_model::listpack::canonical_int(bytes) } else { None };
    Some((end, bytes.len() as u64, false, canonical))
}

/// The compressed and uncompressed lengths of LZF data (both in their 6- or 14-bit forms) and
/// the bytes they took; None when they are longer or implausible (the general path reports).
#[inline(always)]
fn short_lzf_lens(b: &[u8]) -> Option<(usize, usize, usize)> {
    let (clen, a) = short_len(b)?;
    let (ulen, c) = short_len(b.get(a..)?)?;
    (ulen <= clen.saturating_mul(lzf::MAX_RATIO as usize) + 64).then_some((clen, ulen, a + c))
}

/// A packed blob at the start of `b`, raw or LZF, wholly there: (end, its length, its first
/// `head_len` bytes, decompressed where it lies when it is LZF).
#[inline(always)]
fn blob_head(b: &[u8], head_len: usize) -> Option<(usize, usize, [u8; 8])> {
    match *b.first()? {
        0x00..=0x7f => {
            let (n, used) = short_len(b)?;
            Some((used + n, n, head_of(b.get(used..used + n)?, head_len)?))
        }
        0xc3 => {
            let (clen, ulen, used) = short_lzf_lens(&b[1..])?;
            let data = b.get(1 + used..1 + used + clen)?;
            if ulen < head_len {
                return None;
            }
            // LZF data starts with a literal run (nothing to refer back to yet); the header
            // is usually inside it.
            let run = 1 + *data.first()? as usize;
            let head = if run <= 32 && run >= head_len {
                head_of(data.get(1..1 + run)?, head_len)?
            } else {
                let mut head = [0u8; 8];
                if !matches!(lzf::decompress(data, &mut head[..head_len], false), Ok(k) if k == head_len) {
                    return None;
                }
                head
            };
            Some((1 + used + clen, ulen, head))
        }
        _ => None,
    }
}

/// The first `head_len` (at most 8) bytes of `b`, zero-padded: one 8-byte load when `b` has
/// that many (no copy call per record).
#[inline(always)]
fn head_of(b: &[u8], head_len: usize) -> Option<[u8; 8]> {
    let Some(word) = b.first_chunk::<8>() else {
        let mut head = [0u8; 8];
        head[..head_len].copy_from_slice(b.get(..head_len)?);
        return Some(head);
    };
    let mask = if head_len >= 8 { u64::MAX } else { (1u64 << (8 * head_len)) - 1 };
    Some((u64::from_le_bytes(*word) & mask).to_le_bytes())
}

/// A length in its 6- or 14-bit form at the start of `b`: (length, bytes used).
#[inline(always)]
fn short_len(b: &[u8]) -> Option<(usize, usize)> {
    match *b.first()? {
        x @ 0x00..=0x3f => Some((x as usize, 1)),
        x @ 0x40..=0x7f => Some((((x & 0x3f) as usize) << 8 | *b.get(1)? as usize, 2)),
        _ => None,
    }
}

/// Per-length costs of members shorter than 64 bytes, looked up rather than computed per
/// member: their sds allocation (low 32 bits) and what the model charges for one stored on
/// its own (high 32 bits), so one add sums both. A walk adds at most
/// [`ShortCosts::MAX_RUN`] of them, so neither half can carry into the other.
struct ShortCosts {
    packed: [u64; 64],
}

impl ShortCosts {
    const MAX_RUN: u64 = 1 << 20;

    fn new(model: &dyn MemoryModel) -> Self {
        ShortCosts {
            packed: std::array::from_fn(|len| {
                let (sds, element) = (memory_model::jemalloc::sds_alloc(len as u64), model.element(len as u64));
                // A short member's costs are tens of bytes; 4 KiB bounds any model's.
                debug_assert!(sds <= 4096 && element <= 4096, "{sds} {element}");
                let (sds, element) = (sds.min(4096), element.min(4096));
                sds | element << 32
            }),
        }
    }

    /// (Σ sds, Σ element) of a packed sum.
    fn unpack(sum: u64) -> (u64, u64) {
        (sum & 0xffff_ffff, sum >> 32)
    }
}

#[derive(Clone, Copy)]
enum Packed {
    Ziplist,
    Listpack,
    Intset,
    Zipmap,
}

pub struct Decoder<'m, R> {
    src: Source<R>,
    model: &'m dyn MemoryModel,
    opts: DecodeOptions,
    valkey: bool,
    version: u32,
    key: Vec<u8>,
    blob: Vec<u8>,
    zbuf: Vec<u8>,
    /// The shape of the last packed value found by `in_buffer` (only the fields those
    /// records set are ever non-zero).
    packed_shape: ValueShape,
    short_costs: ShortCosts,
    /// Listpack bytes (without header) the server rebuilds from the last ziplist/zipmap walked.
    rebuilt_lp: u64,
    /// Offset at which [`Visitor::at_watch`] is called next.
    watch: u64,
    /// Start in the middle of a file, without its header.
    resume: Option<Resume>,
    /// CRC-64 of the bytes read up to a watched stop or up to and including the EOF opcode.
    data_crc: Option<u64>,
}

/// Module type names are packed into 54 bits of the id, 6 bits a character.
const MODULE_CHARSET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub fn module_name(id: u64) -> String {
    let mut name = [0u8; 9];
    let mut v = id >> 10;
    for j in (0..9).rev() {
        name[j] = MODULE_CHARSET[(v & 63) as usize];
        v >>= 6;
    }
    String::from_utf8_lossy(&name).into_owned()
}

impl<'m, R: Input> Decoder<'m, R> {
    pub fn new(input: R, total: Option<u64>, model: &'m dyn MemoryModel, opts: DecodeOptions) -> Self {
        Decoder {
            src: Source::new(input, total),
            model,
            opts,
            valkey: false,
            version: 0,
            key: Vec::new(),
            blob: Vec::new(),
            zbuf: Vec::new(),
            packed_shape: ValueShape::default(),
            short_costs: ShortCosts::new(model),
            rebuilt_lp: 0,
            watch: u64::MAX,
            resume: None,
            data_crc: None,
        }
    }

    /// Reads from a record start inside a file (the input begins there, with no header):
    /// offsets are numbered from `at.offset`, and the magic, version and database are given.
    pub fn resuming(mut self, at: Resume) -> Self {
        self.src.set_base(at.offset);
        self.resume = Some(at);
        self
    }

    /// Calls [`Visitor::at_watch`] at the first record start at or past `offset`.
    pub fn watching(mut self, offset: u64) -> Self {
        self.watch = offset;
        self
    }

    /// CRC-64 of what was read: up to the offset where `at_watch` stopped the run, or up to
    /// and including the EOF opcode (None before either). The checksum of a whole file can be
    /// put together from its parts' (see `parallel`).
    pub fn data_crc(&self) -> Option<u64> {
        self.data_crc
    }

    pub fn offset(&self) -> u64 {
        self.src.offset()
    }

    /// Numbers offsets from `offset` (the input is a slice of a larger file starting there),
    /// so errors and key offsets name positions in the whole file.
    pub fn starting_at(mut self, offset: u64) -> Self {
        self.src.set_base(offset);
        self
    }

    /// Decodes the whole file, calling `v` for everything found.
    pub fn run(&mut self, v: &mut dyn Visitor) -> Result<FileInfo, Stop> {
        let (magic, version, mut db) = match self.resume {
            Some(r) => {
                (self.valkey, self.version) = (r.valkey, r.version);
                (if r.valkey { "VALKEY" } else { "REDIS" }, r.version, r.db)
            }
            None => {
                let (m, v) = self.header()?;
                (m, v, 0u64)
            }
        };
        let mut info = FileInfo {
            magic,
            rdb_version: version,
            checksum: Checksum::Absent,
            bytes: 0,
            keys: 0,
            trailing_bytes: 0,
            warnings: Vec::new(),
        };
        let mut expire: Option<i64> = None;
        let mut idle: Option<u64> = None;
        let mut freq: Option<u8> = None;
        let mut key_start: Option<u64> = None;
        loop {
            let op_offset = self.src.offset();
            if op_offset >= self.watch {
                match v.at_watch(op_offset, db, key_start.is_some()) {
                    Some(next) => self.watch = next,
                    None => {
                        self.data_crc = Some(self.src.crc());
                        return Err(Stop::Cancelled { offset: op_offset });
                    }
                }
            }
            let op = match self.src.u8("an opcode or type byte") {
                Ok(b) => b,
                Err(e) => {
                    return Err(Stop::Error(DecodeError {
                        offset: e.offset,
                        message: format!(
                            "input ends without the EOF opcode (255) after {} keys: the file is truncated",
                            info.keys
                        ),
                    }))
                }
            };
            match op {
                OP_EOF => {
                    self.eof(&mut info)?;
                    return Ok(info);
                }
                OP_SELECTDB => db = self.len("SELECTDB database number")?,
                OP_EXPIRETIME => {
                    key_start.get_or_insert(op_offset);
                    let s = i32::from_le_bytes(self.src.array("EXPIRETIME seconds")?);
                    expire = Some(s as i64 * 1000);
                }
                OP_EXPIRETIME_MS => {
                    key_start.get_or_insert(op_offset);
                    expire = Some(i64::from_le_bytes(self.src.array("EXPIRETIME_MS milliseconds")?));
                }
                OP_RESIZEDB => {
                    let keys = self.len("RESIZEDB key count")?;
                    let expires = self.len("RESIZEDB expires count")?;
                    v.on_resize_db(db, keys, expires);
                }
                OP_AUX => self.aux(v)?,
                OP_FREQ => {
                    key_start.get_or_insert(op_offset);
                    freq = Some(self.src.u8("FREQ counter")?);
                }
                OP_IDLE => {
                    key_start.get_or_insert(op_offset);
                    idle = Some(self.len("IDLE seconds")?);
                }
                OP_MODULE_AUX => {
                    let id = self.len("MODULE_AUX module id")?;
                    let when_op = self.len("MODULE_AUX when-opcode")?;
                    if when_op != MOD_UINT {
                        return derr(self.src.offset(), format!("MODULE_AUX for module {} has when-opcode {when_op}, expected {MOD_UINT} (UINT)", module_name(id))).map_err(Stop::Error);
                    }
                    self.len("MODULE_AUX when")?;
                    let start = self.src.offset();
                    self.module_value(&module_name(id)).map_err(|e| with_context(e, "while reading module aux data"))?;
                    v.on_module_aux(&module_name(id), self.src.offset() - start);
                }
                OP_FUNCTION_PRE_GA => {
                    // 7.0 release candidates: name, engine, optional description, code.
                    let start = self.src.offset();
                    self.skip_str("function name")?;
                    self.skip_str("function engine")?;
                    if self.len("function has-description flag")? != 0 {
                        self.skip_str("function description")?;
                    }
                    self.skip_str("function code")?;
                    v.on_function(self.src.offset() - start);
                }
                OP_FUNCTION2 => {
                    let (len, _) = self.skip_str("function library payload")?;
                    v.on_function(len);
                }
                OP_SLOT_INFO => {
                    let slot = self.len("SLOT_INFO slot id")?;
                    let size = self.len("SLOT_INFO slot size")?;
                    self.len("SLOT_INFO expires slot size")?;
                    v.on_slot_info(slot, size);
                }
                OP_243 if self.valkey => {
                    // SLOT_IMPORT: job name, then n slot ranges (2 lengths each).
                    self.skip_str("SLOT_IMPORT job name")?;
                    let n = self.len("SLOT_IMPORT range count")?;
                    for _ in 0..n {
                        self.len("SLOT_IMPORT range start")?;
                        self.len("SLOT_IMPORT range end")?;
                    }
                }
                OP_243 if self.version >= 13 => {
                    // KEY_META: per class a 4-byte class spec and a module-encoded value.
                    key_start.get_or_insert(op_offset);
                    let classes = self.len("KEY_META class count")?;
                    for _ in 0..classes {
                        self.src.array::<4>("KEY_META class spec")?;
                        self.module_value("key metadata").map_err(|e| with_context(e, "while reading KEY_META"))?;
                    }
                }
                OP_242 if self.valkey => {
                    return derr(op_offset, "Valkey UPDATE opcode (242, forkless save of Valkey 9.2-dev) is not supported: its layout is not final").map_err(Stop::Error);
                }
                OP_242 if self.version >= 15 => {
                    return derr(op_offset, "HASH_TEMPLATES opcode (242, RDB 15) is not supported: its layout is unconfirmed").map_err(Stop::Error);
                }
                OP_ENT_RAM_LRU | OP_ENT_SLOT_NUM => {
                    self.len("Redis Enterprise opcode argument")?;
                }
                t => {
                    self.src.prefetch_next();
                    let start = *key_start.get_or_insert(op_offset);
                    if let Some(f) = self.in_buffer(t, expire.is_some()) {
                        // Most keys: a short record wholly in the buffer, reported without
                        // copying its name or zeroing a whole value.
                        let serialized = self.src.offset() + f.end as u64 - start;
                        let memory = match f.string {
                            Some((stored_int, int_like)) => self.model.string_key(&StringKey {
                                key_len: f.key_end as u64 - 1,
                                len: f.elements,
                                encoding: f.encoding,
                                stored_int,
                                int_like,
                                has_expire: expire.is_some(),
                                serialized,
                            }),
                            None => {
                                let shape = &mut self.packed_shape;
                                shape.serialized = serialized;
                                self.model.key(shape.key_len) + self.model.value(f.kind, f.encoding, shape)
                            }
                        };
                        let rec = KeyRecord {
                            db,
                            key: &self.src.buffered()[1..f.key_end],
                            kind: f.kind,
                            encoding: f.encoding,
                            rdb_type: t,
                            expire_ms: expire.take(),
                            idle: idle.take(),
                            freq: freq.take(),
                            serialized,
                            memory,
                            elements: f.elements,
                            largest_element: f.largest,
                            field_ttls: 0,
                            module: None,
                            offset: start,
                        };
                        v.on_key(&rec);
                        self.src.consume(f.end);
                    } else {
                        let mut value = Value::new();
                        self.key_value(t, op_offset, &mut value)?;
                        let serialized = self.src.offset() - start;
                        let key_len = self.key.len() as u64;
                        value.shape.serialized = serialized;
                        value.shape.key_len = key_len;
                        value.shape.has_expire = expire.is_some();
                        let memory = self.model.key(key_len) + self.model.value(value.kind, value.encoding, &value.shape);
                        let rec = KeyRecord {
                            db,
                            key: &self.key,
                            kind: value.kind,
                            encoding: value.encoding,
                            rdb_type: t,
                            expire_ms: expire.take(),
                            idle: idle.take(),
                            freq: freq.take(),
                            serialized,
                            memory,
                            elements: value.elements,
                            largest_element: value.largest,
                            field_ttls: value.field_ttls,
                            module: value.module,
                            offset: start,
                        };
                        v.on_key(&rec);
                    }
                    info.keys += 1;
                    key_start = None;
                    if info.keys & 0xfff == 0 && !v.checkpoint(self.src.offset(), info.keys) {
                        return Err(Stop::Cancelled { offset: self.src.offset() });
                    }
                }
            }
        }
    }

    /// The common records (short strings, and small listpack or intset collections whose
    /// header gives their size) when they are wholly in the buffer, with the value's shape
    /// filled in; None sends the record down the general path.
    #[inline(always)]
    fn in_buffer(&mut self, t: u8, has_expire: bool) -> Option<InBuffer> {
        let buf = self.src.buffered();
        let key_end = 1 + *buf.first()? as usize;
        if key_end > 0x40 {
            return None;
        }
        let val = buf.get(key_end..)?;
        let key_len = key_end as u64 - 1;
        let (kind, encoding, group, head_len) = match t {
            0 => {
                let (end, len, stored_int, canonical) = short_string(val)?;
                let encoding = if stored_int {
                    Encoding::Int
                } else if len <= 44 {
                    Encoding::Embstr
                } else {
                    Encoding::Raw
                };
                let string = Some((stored_int, canonical.is_some()));
                return Some(InBuffer { key_end, end: key_end + end, kind: KeyType::String, encoding, elements: len, largest: len, string });
            }
            18 => return self.quicklist_in_buffer(key_end, has_expire),
            16 => (KeyType::Hash, Encoding::Listpack, 2, 6),
            17 => (KeyType::Zset, Encoding::Listpack, 2, 6),
            20 => (KeyType::Set, Encoding::Listpack, 1, 6),
            11 => (KeyType::Set, Encoding::Intset, 1, 8),
            _ => return None,
        };
        if self.opts.detail {
            return None; // every entry is walked: the general path
        }
        let (end, bytes, head) = blob_head(val, head_len)?;
        let entries = if t == 11 {
            let enc = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
            if !matches!(enc, 2 | 4 | 8) {
                return None;
            }
            u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as u64
        } else {
            blob::listpack_header_count(&head[..6])?
        };
        if entries % group != 0 {
            return None;
        }
        let shape = &mut self.packed_shape;
        shape.len = entries / group;
        shape.blob_bytes = bytes as u64;
        shape.blob_alloc = self.model.alloc(bytes as u64);
        shape.nodes = 0;
        shape.key_len = key_len;
        shape.has_expire = has_expire;
        Some(InBuffer { key_end, end: key_end + end, kind, encoding, elements: entries / group, largest: 0, string: None })
    }

    /// [`in_buffer`](Self::in_buffer) for a quicklist whose nodes are all listpacks that
    /// give their size in their header.
    #[inline(always)]
    fn quicklist_in_buffer(&mut self, key_end: usize, has_expire: bool) -> Option<InBuffer> {
        if self.opts.detail {
            return None;
        }
        let buf = self.src.buffered();
        let (nodes, used) = short_len(buf.get(key_end..)?)?;
        let mut at = key_end + used;
        let (mut elements, mut blob_bytes, mut blob_alloc) = (0u64, 0u64, 0u64);
        for _ in 0..nodes {
            // Container 2: packed (plain nodes take the general path).
            if *buf.get(at)? != 2 {
                return None;
            }
            let (end, bytes, head) = blob_head(&buf[at + 1..], 6)?;
            elements += blob::listpack_header_count(&head[..6])?;
            blob_bytes += bytes as u64;
            blob_alloc += self.model.alloc(bytes as u64);
            at += 1 + end;
        }
        let shape = &mut self.packed_shape;
        shape.len = elements;
        shape.blob_bytes = blob_bytes;
        shape.blob_alloc = blob_alloc;
        shape.nodes = nodes as u64;
        shape.key_len = key_end as u64 - 1;
        shape.has_expire = has_expire;
        Some(InBuffer { key_end, end: at, kind: KeyType::List, encoding: Encoding::Quicklist2, elements, largest: 0, string: None })
    }

    fn header(&mut self) -> DResult<(&'static str, u32)> {
        let h: [u8; 9] = match self.src.array::<9>("the 9-byte RDB header") {
            Ok(h) => h,
            Err(_) => return derr(0, "input is shorter than the 9-byte RDB header (\"REDIS\" + 4 digits or \"VALKEY\" + 3 digits)"),
        };
        let (valkey, v) = parse_header(&h)?;
        self.valkey = valkey;
        self.version = v;
        Ok((if valkey { "VALKEY" } else { "REDIS" }, v))
    }

    fn eof(&mut self, info: &mut FileInfo) -> Result<(), Stop> {
        self.data_crc = Some(self.src.crc());
        if self.version >= 5 {
            let computed = self.src.crc();
            let at = self.src.offset();
            let stored = u64::from_le_bytes(
                self.src
                    .array("the 8-byte CRC-64 trailer")
                    .map_err(|e| DecodeError { message: format!("{} after the EOF opcode", e.message), ..e })?,
            );
            info.checksum = if stored == 0 {
                Checksum::Disabled
            } else if !self.opts.verify_checksum {
                Checksum::NotChecked
            } else if stored == computed {
                Checksum::Verified
            } else {
                return derr(at, format!("checksum mismatch: the file's CRC-64 trailer is {stored:016x}, the data gives {computed:016x}")).map_err(Stop::Error);
            };
        }
        info.bytes = self.src.offset();
        let trailing = self.src.count_trailing(1 << 30)?;
        if trailing > 0 {
            let msg = format!("{trailing} bytes of trailing data after the end of the RDB (offset {}) ignored", info.bytes);
            if self.opts.strict_trailing {
                return derr(info.bytes, format!("trailing garbage: {trailing} bytes after the EOF trailer, expected end of input")).map_err(Stop::Error);
            }
            info.trailing_bytes = trailing;
            info.warnings.push(msg);
        }
        Ok(())
    }

    fn aux(&mut self, v: &mut dyn Visitor) -> DResult<()> {
        let mut k = std::mem::take(&mut self.key);
        let r = self.read_str(&mut k, "AUX field name");
        if let Err(e) = r {
            self.key = k;
            return Err(e);
        }
        let mut val = std::mem::take(&mut self.blob);
        let r = self.read_str_capped(&mut val, MAX_AUX_VALUE, "AUX field value");
        if let Ok(len) = r {
            v.on_aux(&k, &val, len);
        }
        self.key = k;
        self.blob = val;
        r.map(|_| ())
    }

    // ---- primitives -------------------------------------------------------------------

    #[inline(always)]
    fn len(&mut self, what: &str) -> DResult<u64> {
        // Most lengths are one byte (6-bit form) or two (14-bit form).
        let buf = self.src.buffered();
        if let Some(&b) = buf.first() {
            if b < 0x40 {
                self.src.consume(1);
                return Ok(b as u64);
            }
            if b < 0x80 && buf.len() >= 2 {
                let n = ((b & 0x3f) as u64) << 8 | buf[1] as u64;
                self.src.consume(2);
                return Ok(n);
            }
        }
        self.len_slow(what)
    }

    fn len_slow(&mut self, what: &str) -> DResult<u64> {
        let at = self.src.offset();
        let b = self.src.u8(what)?;
        match b >> 6 {
            0 => Ok((b & 0x3f) as u64),
            1 => Ok(((b & 0x3f) as u64) << 8 | self.src.u8(what)? as u64),
            2 => match b {
                0x80 => Ok(u32::from_be_bytes(self.src.array(what)?) as u64),
                0x81 => Ok(u64::from_be_bytes(self.src.array(what)?)),
                _ => derr(at, format!("corrupt length: byte 0x{b:02x} is not a valid length encoding, reading {what}")),
            },
            _ => derr(at, format!("corrupt length: found an encoded-string marker 0x{b:02x} where {what} (a plain length) was expected")),
        }
    }

    #[inline(always)]
    fn str_hdr(&mut self, what: &str) -> DResult<Str> {
        // Most strings are short and raw (6-bit length) or small integers.
        let buf = self.src.buffered();
        if buf.len() >= 5 {
            let b = buf[0];
            let (s, used) = match b {
                0x00..=0x3f => (Str::Raw(b as u64), 1),
                0x40..=0x7f => (Str::Raw(((b & 0x3f) as u64) << 8 | buf[1] as u64), 2),
                0xc0 => (Str::Int(buf[1] as i8 as i64), 2),
                0xc1 => (Str::Int(i16::from_le_bytes([buf[1], buf[2]]) as i64), 3),
                0xc2 => (Str::Int(i32::from_le_bytes([buf[1], buf[2], buf[3], buf[4]]) as i64), 5),
                _ => return self.str_hdr_slow(what),
            };
            self.src.consume(used);
            return Ok(s);
        }
        self.str_hdr_slow(what)
    }

    fn str_hdr_slow(&mut self, what: &str) -> DResult<Str> {
        let at = self.src.offset();
        let b = self.src.u8(what)?;
        match b >> 6 {
            0 => Ok(Str::Raw((b & 0x3f) as u64)),
            1 => Ok(Str::Raw(((b & 0x3f) as u64) << 8 | self.src.u8(what)? as u64)),
            2 => match b {
                0x80 => Ok(Str::Raw(u32::from_be_bytes(self.src.array(what)?) as u64)),
                0x81 => Ok(Str::Raw(u64::from_be_bytes(self.src.array(what)?))),
                _ => derr(at, format!("corrupt string length: byte 0x{b:02x} is not a valid length encoding, reading {what}")),
            },
            _ => match b & 0x3f {
                0 => Ok(Str::Int(self.src.u8(what)? as i8 as i64)),
                1 => Ok(Str::Int(i16::from_le_bytes(self.src.array(what)?) as i64)),
                2 => Ok(Str::Int(i32::from_le_bytes(self.src.array(what)?) as i64)),
                3 => {
                    let clen = self.len(what)?;
                    let ulen = self.len(what)?;
                    if ulen > clen.saturating_mul(lzf::MAX_RATIO) + 64 {
                        return derr(at, format!("corrupt LZF string ({what}): {clen} compressed bytes cannot expand to the declared {ulen} bytes"));
                    }
                    Ok(Str::Lzf { clen, ulen })
                }
                e => derr(at, format!("unknown string encoding {e} (expected 0-3: int8, int16, int32, LZF), reading {what}")),
            },
        }
    }

    /// Skips a collection element or string value; returns its length, whether the RDB
    /// stored it int-encoded, and its value when the server would hold it as an integer
    /// (what the memory model needs to rebuild listpacks and intsets).
    #[inline]
    fn skip_elem(&mut self, what: &str) -> DResult<(u64, bool, Option<i64>)> {
        // Fast path: a short raw string wholly in the buffer (most collection elements).
        let buf = self.src.buffered();
        if let Some(&b) = buf.first() {
            let n = b as usize;
            if n < 0x40 && buf.len() > n {
                let int = if n <= 20 { memory_model::listpack::canonical_int(&buf[1..=n]) } else { None };
                self.src.consume(n + 1);
                return Ok((n as u64, false, int));
            }
        }
        self.skip_elem_slow(what)
    }

    /// The hot loop of set and zset values: walks up to `max` members that are short raw
    /// strings (each followed by `extra` fixed bytes, e.g. a binary score, which `on_extra`
    /// sees) straight from the buffer. Members that are not integers (most) are summed here
    /// from per-length costs; integer-like ones go through [`Value::member`]. Stops at the
    /// first member that needs the general path (or is not wholly buffered); returns how many
    /// it walked.
    #[inline(always)]
    fn short_members(&mut self, max: u64, extra: usize, v: &mut Value, mut on_extra: impl FnMut(&mut Value, &[u8])) -> u64 {
        let m = self.model;
        let costs = &self.short_costs;
        let buf = self.src.buffered();
        let max = max.min(ShortCosts::MAX_RUN);
        // Only the walk's position, count, summed costs and longest word change per member
        // (few enough to stay in registers); the rest follows from them afterwards.
        let (mut i, mut k) = (0usize, 0u64);
        let (mut packed, mut longest) = (0u64, 0u64);
        let (mut ints, mut int_bytes) = (0u64, 0u64);
        while k < max {
            let Some(&b) = buf.get(i) else { break };
            let n = b as usize;
            let end = i + 1 + n;
            if n >= 0x40 || end + extra > buf.len() {
                break;
            }
            match memory_model::listpack::canonical_int(&buf[i + 1..end]) {
                None => {
                    packed += costs.packed[n];
                    longest = longest.max(n as u64);
                }
                Some(int) => {
                    v.member(m, n as u64, Some(int));
                    ints += 1;
                    int_bytes += n as u64;
                }
            }
            on_extra(v, &buf[end..end + extra]);
            i = end + extra;
            k += 1;
        }
        let words = k - ints;
        let word_bytes = i as u64 - k * (1 + extra as u64) - int_bytes;
        let (sds, elem) = ShortCosts::unpack(packed);
        // A listpack string entry under 64 bytes: 1-byte header and backlen.
        v.shape.elems.add_words(words, sds, word_bytes + 2 * words, longest);
        v.largest = v.largest.max(longest);
        v.shape.elem_alloc += elem;
        self.src.consume(i);
        k
    }

    /// [`short_members`](Self::short_members) for hash field/value pairs.
    #[inline(always)]
    fn short_pairs(&mut self, max: u64, f: &mut impl FnMut(u64, Option<i64>, u64, Option<i64>)) -> u64 {
        let buf = self.src.buffered();
        let (mut i, mut k) = (0usize, 0u64);
        while k < max {
            let Some(&a) = buf.get(i) else { break };
            let fa = i + 1 + a as usize;
            let Some(&b) = buf.get(fa) else { break };
            let fb = fa + 1 + b as usize;
            if a >= 0x40 || b >= 0x40 || fb > buf.len() {
                break;
            }
            let lp = memory_model::listpack::canonical_int;
            f(a as u64, lp(&buf[i + 1..fa]), b as u64, lp(&buf[fa + 1..fb]));
            i = fb;
            k += 1;
        }
        self.src.consume(i);
        k
    }

    fn skip_elem_slow(&mut self, what: &str) -> DResult<(u64, bool, Option<i64>)> {
        match self.str_hdr(what)? {
            Str::Raw(n) => {
                let int = if n <= 20 {
                    self.src.peek_slice(n as usize)?.and_then(memory_model::listpack::canonical_int)
                } else {
                    None
                };
                self.src.skip(n, what)?;
                Ok((n, false, int))
            }
            Str::Int(v) => Ok((blob::int_text_len(v), true, Some(v))),
            Str::Lzf { clen, ulen } => {
                self.src.skip(clen, what)?;
                Ok((ulen, false, None))
            }
        }
    }

    /// Skips a string; returns its logical length and whether it is an integer.
    #[inline]
    fn skip_str(&mut self, what: &str) -> DResult<(u64, bool)> {
        match self.str_hdr(what)? {
            Str::Raw(n) => {
                self.src.skip(n, what)?;
                Ok((n, false))
            }
            Str::Int(v) => Ok((blob::int_text_len(v), true)),
            Str::Lzf { clen, ulen } => {
                self.src.skip(clen, what)?;
                Ok((ulen, false))
            }
        }
    }

    /// Reads a string into `out` (replacing its contents).
    #[inline]
    fn read_str(&mut self, out: &mut Vec<u8>, what: &str) -> DResult<()> {
        // Fast path: a short raw string wholly in the buffer (most key names).
        let buf = self.src.buffered();
        if let Some(&b) = buf.first() {
            let n = b as usize;
            if n < 0x40 && buf.len() > n {
                out.clear();
                out.extend_from_slice(&buf[1..=n]);
                self.src.consume(n + 1);
                return Ok(());
            }
        }
        self.read_str_capped(out, u64::MAX, what).map(|_| ())
    }

    /// Reads a string of at most `cap` bytes into `out`; longer ones are skipped (out empty).
    fn read_str_capped(&mut self, out: &mut Vec<u8>, cap: u64, what: &str) -> DResult<u64> {
        out.clear();
        let at = self.src.offset();
        match self.str_hdr(what)? {
            Str::Raw(n) if n > cap => {
                self.src.skip(n, what)?;
                Ok(n)
            }
            Str::Raw(n) => {
                self.src.read_into(n, out, what)?;
                Ok(n)
            }
            Str::Int(v) => {
                out.extend_from_slice(v.to_string().as_bytes());
                Ok(out.len() as u64)
            }
            Str::Lzf { clen, ulen } if ulen > cap => {
                self.src.skip(clen, what)?;
                Ok(ulen)
            }
            Str::Lzf { clen, ulen } => {
                self.lzf_into(out, clen, ulen, at, what)?;
                Ok(ulen)
            }
        }
    }

    fn lzf_into(&mut self, out: &mut Vec<u8>, clen: u64, ulen: u64, at: u64, what: &str) -> DResult<()> {
        if ulen > MAX_BLOB {
            return derr(at, format!("{what}: LZF data declares {ulen} bytes, above the {MAX_BLOB}-byte limit for materialised strings"));
        }
        let mut z = std::mem::take(&mut self.zbuf);
        z.clear();
        let r = self.src.read_into(clen, &mut z, what);
        if let Err(e) = r {
            self.zbuf = z;
            return Err(e);
        }
        out.clear();
        out.resize(ulen as usize, 0);
        let r = lzf::decompress(&z, out, true);
        self.zbuf = z;
        r.map(|_| ()).or_else(|e| derr(at, format!("corrupt LZF data in {what}: {e:?} (declared {clen} compressed / {ulen} uncompressed bytes)")))
    }

    /// Reads a packed blob. Returns its length and, when only the header was needed and it
    /// gave a count, that count (then `self.blob` is not filled); otherwise fills `self.blob`.
    fn packed_blob(&mut self, kind: Packed, need_all: bool, what: &str) -> DResult<(u64, Option<u64>)> {
        let at = self.src.offset();
        let head_len = match kind {
            Packed::Ziplist => 10,
            Packed::Listpack => 6,
            Packed::Intset => 8,
            Packed::Zipmap => 0,
        };
        let header_count = |h: &[u8]| -> Option<u64> {
            match kind {
                Packed::Ziplist => blob::ziplist_header_count(h),
                Packed::Listpack => blob::listpack_header_count(h),
                Packed::Intset => {
                    let enc = u32::from_le_bytes([h[0], h[1], h[2], h[3]]);
                    matches!(enc, 2 | 4 | 8).then(|| u32::from_le_bytes([h[4], h[5], h[6], h[7]]) as u64)
                }
                Packed::Zipmap => None,
            }
        };
        let headers_ok = !need_all && head_len > 0;
        match self.str_hdr(what)? {
            Str::Int(_) => derr(at, format!("{what}: expected a packed blob, found an integer-encoded string")),
            Str::Raw(n) => {
                if n > MAX_BLOB {
                    return derr(at, format!("{what}: blob declares {n} bytes, above the {MAX_BLOB}-byte limit"));
                }
                if headers_ok && n >= head_len as u64 {
                    if let Some(h) = self.src.peek_slice(head_len)? {
                        if let Some(c) = header_count(h) {
                            self.src.skip(n, what)?;
                            return Ok((n, Some(c)));
                        }
                    }
                }
                let mut b = std::mem::take(&mut self.blob);
                b.clear();
                let r = self.src.read_into(n, &mut b, what);
                self.blob = b;
                r.map(|_| (n, None))
            }
            Str::Lzf { clen, ulen } => {
                if headers_ok && ulen >= head_len as u64 && self.src.buffered().len() as u64 >= clen {
                    // All of it is at hand: the header is decompressed where it lies.
                    let mut head = [0u8; 16];
                    let k = lzf::decompress(&self.src.buffered()[..clen as usize], &mut head[..head_len], false);
                    if let Ok(k) = k {
                        if k == head_len {
                            if let Some(c) = header_count(&head[..head_len]) {
                                self.src.consume(clen as usize);
                                return Ok((ulen, Some(c)));
                            }
                        }
                    }
                    // Otherwise the general path below reports or walks it.
                }
                if headers_ok && ulen >= head_len as u64 {
                    let mut z = std::mem::take(&mut self.zbuf);
                    z.clear();
                    let r = self.src.read_into(clen, &mut z, what);
                    let mut head = [0u8; 16];
                    let peeked = r.map(|_| lzf::decompress(&z, &mut head[..head_len], false));
                    let result = match peeked {
                        Err(e) => Err(e),
                        Ok(Ok(k)) if k == head_len => match header_count(&head[..head_len]) {
                            Some(c) => Ok(Some((ulen, Some(c)))),
                            None => {
                                let mut b = std::mem::take(&mut self.blob);
                                b.clear();
                                b.resize(ulen as usize, 0);
                                let r = lzf::decompress(&z, &mut b, true);
                                self.blob = b;
                                match r {
                                    Ok(_) => Ok(Some((ulen, None))),
                                    Err(e) => derr(at, format!("corrupt LZF data in {what}: {e:?}")),
                                }
                            }
                        },
                        Ok(r) => derr(at, format!("corrupt LZF data in {what}: {r:?}")),
                    };
                    self.zbuf = z;
                    return result.map(|o| o.expect("set"));
                }
                let mut b = std::mem::take(&mut self.blob);
                let r = self.lzf_into(&mut b, clen, ulen, at, what);
                self.blob = b;
                r.map(|_| (ulen, None))
            }
        }
    }

    /// Decodes a packed blob: (bytes, entries, largest entry, entries at index % group == group - 1
    /// that are non-zero integers — used for field TTLs when `ttl_group` is set).
    fn packed(&mut self, kind: Packed, ttl_group: Option<u64>, what: &str) -> DResult<(u64, u64, u64, u64)> {
        let at = self.src.offset();
        // Ziplists and zipmaps are rebuilt as listpacks on load: the memory model needs their
        // entries, so they are always walked (old formats only).
        let converted = matches!(kind, Packed::Ziplist | Packed::Zipmap);
        let need_all = self.opts.detail || ttl_group.is_some() || converted;
        let (bytes, count) = self.packed_blob(kind, need_all, what)?;
        if let Some(c) = count {
            return Ok((bytes, c, 0, 0));
        }
        let mut largest = 0u64;
        let mut ttls = 0u64;
        let mut i = 0u64;
        let mut lp = 0u64;
        let lp_entry = |e: &Entry| match *e {
            Entry::Int(v) => memory_model::listpack::int_entry(v),
            Entry::Str(b) => memory_model::listpack::entry(b.len() as u64, memory_model::listpack::canonical_int(b)),
        };
        let blob = &self.blob;
        let res = match kind {
            Packed::Listpack | Packed::Ziplist => {
                let f = |e: Entry| {
                    if converted {
                        lp += lp_entry(&e);
                    }
                    match ttl_group {
                        Some(g) if i % g == g - 1 => {
                            if e.as_int().unwrap_or(0) != 0 {
                                ttls += 1;
                            }
                        }
                        _ => largest = largest.max(e.text_len()),
                    }
                    i += 1;
                };
                if matches!(kind, Packed::Listpack) {
                    blob::walk_listpack(blob, f)
                } else {
                    blob::walk_ziplist(blob, f)
                }
            }
            Packed::Zipmap => blob::walk_zipmap(blob, |e| {
                lp += lp_entry(&e);
                largest = largest.max(e.text_len())
            })
            .map(|pairs| pairs * 2),
            Packed::Intset => blob::intset_info(blob).map(|(enc, n)| {
                largest = blob::intset_largest(blob, enc);
                n
            }),
        };
        self.rebuilt_lp = lp;
        match res {
            Ok(n) => Ok((bytes, n, largest, ttls)),
            Err(m) => derr(at, format!("corrupt {what}: {m}")),
        }
    }

    /// Walks a module-encoded value (opcode/value pairs) up to its EOF marker.
    fn module_value(&mut self, module: &str) -> DResult<()> {
        loop {
            let at = self.src.offset();
            match self.len("module value opcode")? {
                MOD_EOF => return Ok(()),
                MOD_SINT | MOD_UINT => {
                    self.len("module integer")?;
                }
                MOD_FLOAT => self.src.skip(4, "module float")?,
                MOD_DOUBLE => self.src.skip(8, "module double")?,
                MOD_STRING => {
                    self.skip_str("module string")?;
                }
                op => return derr(at, format!("unknown module opcode {op} in a value of module {module} (expected 0-5)")),
            }
        }
    }

    // ---- values ------------------------------------------------------------------------

    fn key_value(&mut self, t: u8, at: u64, v: &mut Value) -> DResult<()> {
        let Some(type_name) = self.type_name(t) else {
            return derr(at, format!("unknown RDB type or opcode byte {t} (0x{t:02x}) in {} version {}", if self.valkey { "VALKEY" } else { "REDIS" }, self.version));
        };
        let mut k = std::mem::take(&mut self.key);
        let r = self.read_str(&mut k, "key name");
        self.key = k;
        if let Err(e) = r {
            return Err(DecodeError { message: format!("{} while reading the name of a {type_name} key (type byte at offset {at})", e.message), ..e });
        }
        self.value(t, v).map_err(|e| DecodeError {
            message: format!("{} while decoding key {} ({type_name}, starting at offset {at})", e.message, quote(&self.key)),
            ..e
        })
    }

    fn type_name(&self, t: u8) -> Option<&'static str> {
        Some(match t {
            0 => "string",
            1 => "list (linked list)",
            2 => "set (hashtable)",
            3 => "zset (text scores)",
            4 => "hash (hashtable)",
            5 => "zset (binary scores)",
            6 => "module (pre-GA)",
            7 => "module",
            9 => "hash (zipmap)",
            10 => "list (ziplist)",
            11 => "set (intset)",
            12 => "zset (ziplist)",
            13 => "hash (ziplist)",
            14 => "list (quicklist)",
            15 => "stream (listpacks v1)",
            16 => "hash (listpack)",
            17 => "zset (listpack)",
            18 => "list (quicklist 2)",
            19 => "stream (listpacks v2)",
            20 => "set (listpack)",
            21 => "stream (listpacks v3)",
            22 if self.valkey => "hash with field TTLs (Valkey HASH_2)",
            23 if self.valkey => "path hash (Valkey)",
            22 => "hash with field TTLs (7.4 RC)",
            23 => "hash listpack with field TTLs (7.4 RC)",
            24 => "hash with field TTLs",
            25 => "hash listpack with field TTLs",
            26 if !self.valkey => "stream (listpacks v4)",
            27 if !self.valkey => "stream (listpacks v5)",
            28 if !self.valkey => "array",
            29..=33 if !self.valkey => "RDB 15 template/GCRA type",
            _ => return None,
        })
    }

    /// Decodes a value of type `t` into `v` (zeroed by the caller; filled in place, as the
    /// shape is a few hundred bytes that moving would copy).
    fn value(&mut self, t: u8, v: &mut Value) -> DResult<()> {
        let at = self.src.offset();
        let m = self.model;
        match t {
            0 => {
                let (len, int, canonical) = self.skip_elem("string value")?;
                let enc = if int {
                    Encoding::Int
                } else if len <= 44 {
                    Encoding::Embstr
                } else {
                    Encoding::Raw
                };
                v.set_kind(KeyType::String, enc);
                v.shape.len = len;
                v.shape.int_value = int;
                v.shape.elems.add_string_value(len, canonical);
                v.elements = len;
                v.largest = len;
                Ok(())
            }
            1 => {
                v.set_kind(KeyType::List, Encoding::LinkedList);
                let n = self.len("list length")?;
                for _ in 0..n {
                    let (len, _, int) = self.skip_elem("list element")?;
                    v.shape.elems.add(len, int);
                    v.largest = v.largest.max(len);
                    // Listpack entry: header + data + backlen, about len + 2.
                    v.shape.blob_bytes += len + 2;
                }
                v.shape.blob_bytes += 7;
                v.elements = n;
                v.shape.len = n;
                Ok(())
            }
            2 => {
                v.set_kind(KeyType::Set, Encoding::Hashtable);
                let n = self.len("set size")?;
                let mut left = n;
                while left > 0 {
                    left -= self.short_members(left, 0, v, |_, _| {});
                    if left > 0 {
                        let (len, _, int) = self.skip_elem("set member")?;
                        v.member(m, len, int);
                        left -= 1;
                    }
                }
                v.elements = n;
                v.shape.len = n;
                Ok(())
            }
            3 | 5 => {
                v.set_kind(KeyType::Zset, Encoding::Skiplist);
                let n = self.len("zset size")?;
                let mut left = n;
                // Scores only count when the zset may load as a listpack (a few members).
                let scores = m.zset_scores_matter(n);
                while left > 0 {
                    if t == 5 {
                        // Members with their 8-byte scores, straight from the buffer (again
                        // after each member the general path takes, e.g. at a buffer's end).
                        left -= if scores {
                            self.short_members(left, 8, v, |v, score| {
                                v.shape.elems.add_score(f64::from_le_bytes(score.try_into().unwrap_or([0; 8])));
                            })
                        } else {
                            self.short_members(left, 8, v, |_, _| {})
                        };
                        if left == 0 {
                            break;
                        }
                    }
                    left -= 1;
                    let (len, _, int) = self.skip_elem("zset member")?;
                    v.member(m, len, int);
                    if t == 5 {
                        let score = f64::from_le_bytes(self.src.array("zset binary score")?);
                        if scores {
                            v.shape.elems.add_score(score);
                        }
                    } else {
                        let l = self.src.u8("zset text score length")?;
                        if l < 253 {
                            if scores {
                                if let Some(text) = self.src.peek_slice(l as usize)? {
                                    v.shape.elems.add_score_text(text);
                                }
                            }
                            self.src.skip(l as u64, "zset text score")?;
                        }
                    }
                }
                v.elements = n;
                v.shape.len = n;
                Ok(())
            }
            4 => {
                v.set_kind(KeyType::Hash, Encoding::Hashtable);
                let n = self.len("hash size")?;
                let mut add = |f: u64, fi: Option<i64>, val: u64, vi: Option<i64>| {
                    v.shape.elems.add_pair(f, fi, val, vi);
                    v.largest = v.largest.max(f).max(val);
                    v.shape.elem_alloc += m.element(f) + m.element(val);
                };
                let mut left = n;
                while left > 0 {
                    left -= self.short_pairs(left, &mut add);
                    if left > 0 {
                        let (f, _, fi) = self.skip_elem("hash field")?;
                        let (val, _, vi) = self.skip_elem("hash value")?;
                        add(f, fi, val, vi);
                        left -= 1;
                    }
                }
                v.elements = n;
                v.shape.len = n;
                Ok(())
            }
            6 => derr(at, "module value in the 4.0 release-candidate format (type 6) cannot be skipped without the module itself"),
            7 => {
                let id = self.len("module id")?;
                let name = module_name(id);
                self.module_value(&name)?;
                v.set_kind(KeyType::Module, Encoding::Module);
                v.elements = 1;
                v.module = Some(name);
                Ok(())
            }
            9 => self.simple_packed(v, KeyType::Hash, Encoding::Zipmap, Packed::Zipmap, 2, "hash zipmap"),
            10 => self.simple_packed(v, KeyType::List, Encoding::Ziplist, Packed::Ziplist, 1, "list ziplist"),
            11 => self.simple_packed(v, KeyType::Set, Encoding::Intset, Packed::Intset, 1, "set intset"),
            12 => self.simple_packed(v, KeyType::Zset, Encoding::Ziplist, Packed::Ziplist, 2, "zset ziplist"),
            13 => self.simple_packed(v, KeyType::Hash, Encoding::Ziplist, Packed::Ziplist, 2, "hash ziplist"),
            16 => self.simple_packed(v, KeyType::Hash, Encoding::Listpack, Packed::Listpack, 2, "hash listpack"),
            17 => self.simple_packed(v, KeyType::Zset, Encoding::Listpack, Packed::Listpack, 2, "zset listpack"),
            20 => self.simple_packed(v, KeyType::Set, Encoding::Listpack, Packed::Listpack, 1, "set listpack"),
            14 | 18 => {
                v.set_kind(KeyType::List, if t == 14 { Encoding::Quicklist } else { Encoding::Quicklist2 });
                let nodes = self.len("quicklist node count")?;
                for _ in 0..nodes {
                    if t == 18 {
                        let c_at = self.src.offset();
                        match self.len("quicklist node container")? {
                            1 => {
                                let (len, _) = self.skip_str("quicklist plain node")?;
                                v.elements += 1;
                                v.largest = v.largest.max(len);
                                v.shape.elem_alloc += m.alloc(len);
                                v.shape.nodes += 1;
                                continue;
                            }
                            2 => {}
                            c => return derr(c_at, format!("unknown quicklist node container {c} (expected 1 plain or 2 packed)")),
                        }
                    }
                    let kind = if t == 14 { Packed::Ziplist } else { Packed::Listpack };
                    let (bytes, count, largest, _) = self.packed(kind, None, "quicklist node")?;
                    v.elements += count;
                    v.largest = v.largest.max(largest);
                    v.shape.blob_bytes += bytes;
                    // Ziplist nodes are rebuilt as listpacks on load.
                    v.shape.blob_alloc += m.alloc(if t == 14 { memory_model::listpack::LP_OVERHEAD + self.rebuilt_lp } else { bytes });
                    v.shape.nodes += 1;
                }
                v.shape.len = v.elements;
                Ok(())
            }
            15 | 19 | 21 | 26 | 27 => self.stream(t, v),
            22 if self.valkey => {
                // HASH_2: n × (field, value, 8-byte absolute expiry in ms or -1).
                v.set_kind(KeyType::Hash, Encoding::HashtableEx);
                let n = self.len("hash size")?;
                for _ in 0..n {
                    let (f, _, fi) = self.skip_elem("hash field")?;
                    let (val, _, vi) = self.skip_elem("hash value")?;
                    v.shape.elems.add_pair(f, fi, val, vi);
                    let ttl = i64::from_le_bytes(self.src.array("hash field expiry")?);
                    if ttl >= 0 {
                        v.field_ttls += 1;
                    }
                    v.largest = v.largest.max(f).max(val);
                    v.shape.elem_alloc += m.element(f) + m.element(val) + 8;
                }
                v.elements = n;
                v.shape.len = n;
                Ok(())
            }
            23 if self.valkey => derr(at, "Valkey PATH_HASH (type 23, VALKEY081 development format) is not supported: its layout is not final"),
            22 | 24 => {
                // 24: 8-byte minimum expiry, then n × (ttl, field, value) with ttl relative to it;
                // 22 (7.4 RC): the same without the minimum, ttl absolute. ttl 0 = none.
                v.set_kind(KeyType::Hash, Encoding::HashtableEx);
                if t == 24 {
                    self.src.skip(8, "hash minimum field expiry")?;
                }
                let n = self.len("hash size")?;
                for _ in 0..n {
                    if self.len("hash field TTL")? != 0 {
                        v.field_ttls += 1;
                    }
                    let (f, _, fi) = self.skip_elem("hash field")?;
                    let (val, _, vi) = self.skip_elem("hash value")?;
                    v.shape.elems.add_pair(f, fi, val, vi);
                    v.largest = v.largest.max(f).max(val);
                    v.shape.elem_alloc += m.element(f) + m.element(val) + 8;
                }
                v.elements = n;
                v.shape.len = n;
                Ok(())
            }
            23 | 25 => {
                // Listpack of (field, value, ttl) triplets; 25 prefixes an 8-byte minimum expiry.
                if t == 25 {
                    self.src.skip(8, "hash minimum field expiry")?;
                }
                v.set_kind(KeyType::Hash, Encoding::ListpackEx);
                let (bytes, entries, largest, ttls) = self.packed(Packed::Listpack, Some(3), "hash listpack with field TTLs")?;
                if entries % 3 != 0 {
                    return derr(at, format!("hash listpack with field TTLs holds {entries} entries, expected a multiple of 3 (field, value, ttl)"));
                }
                v.elements = entries / 3;
                v.largest = largest;
                v.field_ttls = ttls;
                v.shape.len = v.elements;
                v.shape.blob_bytes = bytes;
                v.shape.blob_alloc = m.alloc(bytes);
                Ok(())
            }
            28 => {
                // ARRAY (RDB 14): n × (tag, payload); tags 0 string, 1 int64, 2 double, 3 short string.
                v.set_kind(KeyType::Array, Encoding::Array);
                let n = self.len("array length")?;
                for _ in 0..n {
                    let tag_at = self.src.offset();
                    match self.src.u8("array element tag")? {
                        0 => {
                            let (len, _) = self.skip_str("array string element")?;
                            v.largest = v.largest.max(len);
                            v.shape.elem_alloc += m.element(len);
                        }
                        1 | 2 => self.src.skip(8, "array numeric element")?,
                        3 => {
                            let len = self.src.u8("array short string length")? as u64;
                            self.src.skip(len, "array short string")?;
                            v.largest = v.largest.max(len);
                        }
                        tag => return derr(tag_at, format!("unknown array element tag {tag} (expected 0-3)")),
                    }
                }
                v.elements = n;
                v.shape.len = n;
                Ok(())
            }
            29..=33 => derr(at, format!("RDB type {t} (RDB 15 hash templates / GCRA) is not supported: its layout is unconfirmed")),
            _ => derr(at, format!("unknown RDB type {t}")),
        }
    }

    fn simple_packed(&mut self, v: &mut Value, kind: KeyType, enc: Encoding, p: Packed, group: u64, what: &str) -> DResult<()> {
        let at = self.src.offset();
        let (bytes, entries, largest, _) = self.packed(p, None, what)?;
        if entries % group != 0 {
            return derr(at, format!("{what} holds {entries} entries, expected a multiple of {group}"));
        }
        v.set_kind(kind, enc);
        v.elements = if matches!(p, Packed::Zipmap) { entries / 2 } else { entries / group };
        v.largest = largest;
        v.shape.len = v.elements;
        v.shape.blob_bytes = bytes;
        // Ziplists and zipmaps are rebuilt as listpacks on load.
        let loaded = if matches!(p, Packed::Ziplist | Packed::Zipmap) { memory_model::listpack::LP_OVERHEAD + self.rebuilt_lp } else { bytes };
        v.shape.blob_alloc = self.model.alloc(loaded);
        if matches!(p, Packed::Ziplist | Packed::Zipmap) {
            v.shape.elems.lp_entries = self.rebuilt_lp;
        }
        Ok(())
    }

    fn stream(&mut self, t: u8, v: &mut Value) -> DResult<()> {
        let m = self.model;
        v.set_kind(KeyType::Stream, Encoding::Stream);
        let nodes = self.len("stream listpack count")?;
        for _ in 0..nodes {
            let at = self.src.offset();
            // The node key is the listpack's first ID; the memory model sizes the tree from it.
            match self.str_hdr("stream node key")? {
                Str::Raw(16) => {
                    let id: [u8; 16] = self.src.array("stream node key")?;
                    v.shape.elems.stream_node(&id);
                }
                Str::Raw(n) | Str::Lzf { ulen: n, .. } => {
                    return derr(at, format!("stream node key is {n} bytes, expected 16 (a stream ID)"))
                }
                Str::Int(_) => return derr(at, "stream node key is an integer, expected 16 bytes (a stream ID)"),
            }
            let (bytes, _) = self.skip_str("stream listpack")?;
            v.shape.blob_bytes += bytes;
            v.shape.blob_alloc += m.alloc(bytes);
            v.shape.nodes += 1;
            v.largest = v.largest.max(bytes);
        }
        v.elements = self.len("stream length")?;
        self.len("stream last id ms")?;
        self.len("stream last id seq")?;
        if t >= 19 {
            for what in ["stream first id ms", "stream first id seq", "stream max deleted id ms", "stream max deleted id seq", "stream entries added"] {
                self.len(what)?;
            }
        }
        let groups = self.len("stream consumer group count")?;
        for _ in 0..groups {
            let (name, _) = self.skip_str("consumer group name")?;
            v.shape.elem_alloc += m.element(name);
            self.len("group last id ms")?;
            self.len("group last id seq")?;
            if t >= 19 {
                self.len("group entries read")?;
            }
            let pel = self.len("group pending entries count")?;
            v.shape.elems.pel_begin();
            for _ in 0..pel {
                v.shape.elems.pel_id(&self.src.array("pending entry id")?);
                self.src.skip(8, "pending entry delivery time")?;
                self.len("pending entry delivery count")?;
            }
            v.shape.pending += pel;
            v.shape.elems.pel_end_group();
            let consumers = self.len("consumer count")?;
            for _ in 0..consumers {
                let (name, _) = self.skip_str("consumer name")?;
                v.shape.elem_alloc += m.element(name);
                self.src.skip(if t >= 21 { 16 } else { 8 }, "consumer seen/active time")?;
                let cpel = self.len("consumer pending count")?;
                v.shape.elems.pel_begin();
                for _ in 0..cpel {
                    v.shape.elems.pel_id(&self.src.array("consumer pending id")?);
                }
                v.shape.elems.pel_end_consumer(name);
            }
            v.shape.consumers += consumers;
            if t >= 27 {
                // v5: ids of negatively acknowledged entries (second-hand layout).
                let nacked = self.len("group NACK count")?;
                self.src.skip(nacked.saturating_mul(16), "group NACK ids")?;
            }
        }
        v.shape.groups = groups;
        if t >= 26 {
            // v4: idempotent-producer state (second-hand layout): duration, max entries,
            // entries (producer id string + stream id), then two counters.
            self.len("stream IDMP duration")?;
            self.len("stream IDMP max entries")?;
            let n = self.len("stream IDMP entry count")?;
            for _ in 0..n {
                self.skip_str("stream IDMP producer id")?;
                self.src.skip(16, "stream IDMP stream id")?;
            }
            self.len("stream IDMP ids added")?;
            self.len("stream IDMP duplicates")?;
        }
        v.shape.len = v.elements;
        Ok(())
    }
}

fn with_context(e: DecodeError, ctx: &str) -> DecodeError {
    DecodeError { message: format!("{} {ctx}", e.message), ..e }
}

/// (Valkey?, version) from the 9-byte header, or why it is not one this analyzer reads.
pub(crate) fn parse_header(h: &[u8; 9]) -> DResult<(bool, u32)> {
    let digits = |d: &[u8]| -> Option<u32> {
        d.iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as u32))
    };
    if &h[..5] == b"REDIS" {
        let Some(v) = digits(&h[5..]) else {
            return derr(5, format!("bad RDB version digits {:?} after \"REDIS\"", escape_text(&h[5..])));
        };
        if !(1..=15).contains(&v) {
            return derr(5, format!("unsupported RDB version {v} (REDIS magic): this analyzer reads versions 1 to 15"));
        }
        Ok((false, v))
    } else if &h[..6] == b"VALKEY" {
        let Some(v) = digits(&h[6..]) else {
            return derr(6, format!("bad RDB version digits {:?} after \"VALKEY\"", escape_text(&h[6..])));
        };
        if !(80..=81).contains(&v) {
            return derr(6, format!("unsupported RDB version {v} (VALKEY magic): this analyzer reads VALKEY080 and VALKEY081"));
        }
        Ok((true, v))
    } else {
        derr(0, format!("not an RDB file: bad magic {:?} (expected \"REDIS\" or \"VALKEY\")", escape_text(h)))
    }
}

/// A key name quoted for messages (escaped when not printable UTF-8).
pub fn quote(key: &[u8]) -> String {
    format!("\"{}\"", escape_text(key))
}
