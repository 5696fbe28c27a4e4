//! The analysis accumulator: everything the report needs, gathered in one pass, bounded in
//! memory and mergeable (shards analysed separately combine into the whole-file result).

mod state;

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::decoder::{FileInfo, KeyRecord, Visitor};
use super::escape::{escape_text, put_bytes};
use super::stats::{prefixes, LogHist, PrefixTable, TopKey, TopKeys};
use super::types::{Encoding, KeyType};

/// Which size `bytes` means in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SizeMetric {
    /// Estimated in-memory size (what DCS reports).
    #[default]
    Memory,
    /// Bytes the key takes in the RDB file.
    Serialized,
}

impl SizeMetric {
    pub fn name(self) -> &'static str {
        match self {
            SizeMetric::Memory => "memory",
            SizeMetric::Serialized => "serialized",
        }
    }
}

/// Settings that shape what is accumulated.
#[derive(Debug, Clone)]
pub struct ReportSettings {
    pub top: usize,
    pub prefix_top: usize,
    pub delimiters: [bool; 256],
    pub delimiter_chars: String,
    pub prefix_depth: usize,
    pub prefix_budget: usize,
    pub now_ms: i64,
    pub metric: SizeMetric,
    pub memory_model: &'static str,
}

/// Key-size histogram bounds (bytes): powers of four from 64 B to 64 MiB.
const SIZE_BUCKETS: [u64; 11] = [64, 256, 1 << 10, 1 << 12, 1 << 14, 1 << 16, 1 << 18, 1 << 20, 1 << 22, 1 << 24, 1 << 26];

fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 20 => format!("{}MiB", n >> 20),
        n if n >= 1 << 10 => format!("{}KiB", n >> 10),
        n => format!("{n}B"),
    }
}

/// TTL histogram bucket upper bounds (ms of remaining life) and their labels.
const TTL_BUCKETS: [(i64, &str); 7] = [
    (60_000, "<=1m"),
    (3_600_000, "<=1h"),
    (86_400_000, "<=1d"),
    (7 * 86_400_000, "<=7d"),
    (30 * 86_400_000, "<=30d"),
    (365 * 86_400_000, "<=365d"),
    (i64::MAX, ">365d"),
];
const IDLE_BUCKETS: [(u64, &str); 5] =
    [(60, "<=1m"), (3600, "<=1h"), (86_400, "<=1d"), (7 * 86_400, "<=7d"), (u64::MAX, ">7d")];
const LFU_BUCKETS: [(u8, &str); 5] = [(0, "0"), (4, "1-4"), (15, "5-15"), (63, "16-63"), (255, "64-255")];

#[derive(Debug, Clone, Default)]
struct TypeAcc {
    num: u64,
    bytes: u64,
    memory: u64,
    serialized: u64,
    elements: LogHist,
    sizes: LogHist,
}

#[derive(Debug, Clone, Default)]
struct DbAcc {
    keys: u64,
    bytes: u64,
    expires: u64,
}

/// Counts per database. Keys come grouped by database, so the one being counted is kept
/// aside and reaches the map only when another starts (or when the counts are read).
#[derive(Debug, Clone, Default)]
struct DbCounts {
    map: BTreeMap<u64, DbAcc>,
    cur_db: u64,
    cur: DbAcc,
}

impl DbCounts {
    #[inline]
    fn current(&mut self, db: u64) -> &mut DbAcc {
        if db != self.cur_db {
            let done = std::mem::take(&mut self.cur);
            self.add(self.cur_db, &done);
            self.cur_db = db;
        }
        &mut self.cur
    }

    fn add(&mut self, db: u64, d: &DbAcc) {
        if d.keys == 0 {
            return; // only databases with keys are listed
        }
        let e = self.map.entry(db).or_default();
        e.keys += d.keys;
        e.bytes += d.bytes;
        e.expires += d.expires;
    }

    /// Every database with keys and its counts, in order.
    fn merged(&self) -> BTreeMap<u64, DbAcc> {
        let mut m = DbCounts { map: self.map.clone(), ..Default::default() };
        m.add(self.cur_db, &self.cur);
        m.map
    }
}

#[derive(Debug, Clone, Default)]
struct ModuleAcc {
    keys: u64,
    bytes: u64,
    aux_records: u64,
    aux_bytes: u64,
}

/// One pass of analysis over one or more files.
#[derive(Debug, Clone)]
pub struct Accumulator {
    pub settings: ReportSettings,
    total_num: u64,
    total_bytes: u64,
    total_memory: u64,
    total_serialized: u64,
    types: [TypeAcc; 8],
    dbs: DbCounts,
    /// (keys, bytes) per type and encoding.
    encodings: [[(u64, u64); Encoding::COUNT]; 8],
    with_ttl: u64,
    expired: u64,
    ttl_hist: [u64; TTL_BUCKETS.len()],
    hash_ttl_keys: u64,
    hash_ttl_fields: u64,
    functions: u64,
    function_bytes: u64,
    lua_scripts: u64,
    modules: BTreeMap<String, ModuleAcc>,
    idle: LogHist,
    idle_hist: [u64; IDLE_BUCKETS.len()],
    lfu_hist: [u64; LFU_BUCKETS.len()],
    lfu: LogHist,
    slots: u64,
    top: TopKeys,
    prefixes: PrefixTable,
    pub files: Vec<FileEntry>,
    /// Index of the file being decoded (top keys remember it).
    current_file: u32,
}

/// Per-file facts plus its AUX fields.
#[derive(Debug, Clone)]
pub struct FileEntry {
    pub name: String,
    pub info: Option<FileInfo>,
    pub aux: BTreeMap<String, String>,
    pub error: Option<String>,
}

impl Accumulator {
    /// What few keys carry (hash field TTLs, LRU/LFU data, module values): kept out of the
    /// per-key path so that path stays small.
    #[cold]
    #[inline(never)]
    fn on_key_extras(&mut self, r: &KeyRecord<'_>, bytes: u64) {
        if r.field_ttls > 0 {
            self.hash_ttl_keys += 1;
            self.hash_ttl_fields += r.field_ttls;
        }
        if let Some(idle) = r.idle {
            self.idle.add(idle);
            if let Some(i) = IDLE_BUCKETS.iter().position(|(ub, _)| idle <= *ub) {
                self.idle_hist[i] += 1;
            }
        }
        if let Some(f) = r.freq {
            self.lfu.add(f as u64);
            if let Some(i) = LFU_BUCKETS.iter().position(|(ub, _)| f <= *ub) {
                self.lfu_hist[i] += 1;
            }
        }
        if let Some(m) = &r.module {
            let e = self.modules.entry(m.clone()).or_default();
            e.keys += 1;
            e.bytes += bytes;
        }
    }

    /// A key that makes the top list so far (rare once the list is full).
    #[cold]
    #[inline(never)]
    fn offer_top(&mut self, r: &KeyRecord<'_>, bytes: u64) {
        self.top.offer(TopKey {
            bytes,
            key: r.key.to_vec(),
            db: r.db,
            kind: r.kind,
            elements: r.elements,
            encoding: r.encoding.name(),
            memory: r.memory,
            serialized: r.serialized,
            expire_ms: r.expire_ms,
            file: self.current_file,
            offset: r.offset,
        });
    }

    pub fn new(settings: ReportSettings) -> Self {
        Accumulator {
            top: TopKeys::new(settings.top),
            prefixes: PrefixTable::new(settings.prefix_budget),
            settings,
            total_num: 0,
            total_bytes: 0,
            total_memory: 0,
            total_serialized: 0,
            types: Default::default(),
            dbs: DbCounts::default(),
            encodings: [[(0, 0); Encoding::COUNT]; 8],
            with_ttl: 0,
            expired: 0,
            ttl_hist: [0; TTL_BUCKETS.len()],
            hash_ttl_keys: 0,
            hash_ttl_fields: 0,
            functions: 0,
            function_bytes: 0,
            lua_scripts: 0,
            modules: BTreeMap::new(),
            idle: LogHist::default(),
            idle_hist: [0; IDLE_BUCKETS.len()],
            lfu_hist: [0; LFU_BUCKETS.len()],
            lfu: LogHist::default(),
            slots: 0,
            files: Vec::new(),
            current_file: 0,
        }
    }

    /// Starts a new input file; following keys belong to it.
    pub fn begin_file(&mut self, name: &str) {
        self.current_file = self.files.len() as u32;
        self.files.push(FileEntry { name: name.to_string(), info: None, aux: BTreeMap::new(), error: None });
    }

    pub fn end_file(&mut self, info: Option<FileInfo>, error: Option<String>) {
        if let Some(f) = self.files.last_mut() {
            f.info = info;
            f.error = error;
        }
    }

    pub fn total_num(&self) -> u64 {
        self.total_num
    }

    /// Adds another accumulator's data (built with the same settings); its files follow ours.
    pub fn merge(&mut self, o: &Accumulator) {
        let offset = self.files.len() as u32;
        self.merge_stats(o, |f| f + offset);
        self.files.extend(o.files.iter().cloned());
    }

    /// Adds the data of another part of the file being decoded (a worker of a split run).
    pub fn merge_part(&mut self, o: &Accumulator) {
        let current = self.current_file;
        self.merge_stats(o, |_| current);
    }

    fn merge_stats(&mut self, o: &Accumulator, file_index: impl Fn(u32) -> u32) {
        self.total_num += o.total_num;
        self.total_bytes += o.total_bytes;
        self.total_memory += o.total_memory;
        self.total_serialized += o.total_serialized;
        for (a, b) in self.types.iter_mut().zip(o.types.iter()) {
            a.num += b.num;
            a.bytes += b.bytes;
            a.memory += b.memory;
            a.serialized += b.serialized;
            a.elements.merge(&b.elements);
            a.sizes.merge(&b.sizes);
        }
        for (db, d) in &o.dbs.merged() {
            self.dbs.add(*db, d);
        }
        for (a, b) in self.encodings.iter_mut().flatten().zip(o.encodings.iter().flatten()) {
            a.0 += b.0;
            a.1 += b.1;
        }
        self.with_ttl += o.with_ttl;
        self.expired += o.expired;
        for (a, b) in self.ttl_hist.iter_mut().zip(o.ttl_hist) {
            *a += b;
        }
        self.hash_ttl_keys += o.hash_ttl_keys;
        self.hash_ttl_fields += o.hash_ttl_fields;
        self.functions += o.functions;
        self.function_bytes += o.function_bytes;
        self.lua_scripts += o.lua_scripts;
        for (name, m) in &o.modules {
            let e = self.modules.entry(name.clone()).or_default();
            e.keys += m.keys;
            e.bytes += m.bytes;
            e.aux_records += m.aux_records;
            e.aux_bytes += m.aux_bytes;
        }
        self.idle.merge(&o.idle);
        self.lfu.merge(&o.lfu);
        for (a, b) in self.idle_hist.iter_mut().zip(o.idle_hist) {
            *a += b;
        }
        for (a, b) in self.lfu_hist.iter_mut().zip(o.lfu_hist) {
            *a += b;
        }
        self.slots += o.slots;
        for k in o.top.sorted() {
            self.top.offer(TopKey { file: file_index(k.file), ..k });
        }
        self.prefixes.merge(&o.prefixes);
    }

    /// The report: DCS's `ShowOfflineKeyAnalysisTask` fields first, then the extras.
    pub fn to_json(&self) -> Value {
        let s = &self.settings;
        let present: Vec<KeyType> = KeyType::ALL
            .into_iter()
            .filter(|t| t.index() < 5 || self.types[t.index()].num > 0)
            .collect();
        let type_bytes: Vec<Value> =
            present.iter().map(|t| json!({"type": t.name(), "bytes": self.types[t.index()].bytes})).collect();
        let type_num: Vec<Value> =
            present.iter().map(|t| json!({"type": t.name(), "num": self.types[t.index()].num})).collect();
        let largest_keys: Vec<Value> = self
            .top
            .sorted()
            .into_iter()
            .map(|k| {
                let mut o = Map::new();
                put_bytes(&mut o, "key", &k.key);
                o.insert("type".into(), k.kind.name().into());
                o.insert("bytes".into(), k.bytes.into());
                o.insert("num_of_elem".into(), k.elements.into());
                o.insert("db".into(), k.db.into());
                o.insert("encoding".into(), k.encoding.into());
                o.insert("memory_bytes".into(), k.memory.into());
                o.insert("serialized_bytes".into(), k.serialized.into());
                o.insert("expire_at_ms".into(), k.expire_ms.into());
                if self.files.len() > 1 {
                    if let Some(f) = self.files.get(k.file as usize) {
                        o.insert("file".into(), f.name.clone().into());
                    }
                }
                Value::Object(o)
            })
            .collect();
        let mut largest_key_prefixes = Vec::new();
        for t in &present {
            for (p, st) in self.prefixes.top(*t, s.prefix_top) {
                let mut o = Map::new();
                put_bytes(&mut o, "key_prefix", &p);
                o.insert("type".into(), t.name().into());
                o.insert("bytes".into(), st.bytes.into());
                o.insert("num".into(), st.num.into());
                largest_key_prefixes.push(Value::Object(o));
            }
        }
        let type_stats: Vec<Value> = present
            .iter()
            .map(|t| {
                let a = &self.types[t.index()];
                json!({
                    "type": t.name(), "num": a.num, "bytes": a.bytes,
                    "memory_bytes": a.memory, "serialized_bytes": a.serialized,
                    "elements": a.elements.to_json(), "size": a.sizes.to_json(),
                })
            })
            .collect();
        let databases: Vec<Value> = self
            .dbs
            .merged()
            .iter()
            .map(|(db, d)| json!({"db": db, "keys": d.keys, "bytes": d.bytes, "keys_with_ttl": d.expires}))
            .collect();
        let mut encodings: Vec<Value> = Vec::new();
        for t in KeyType::ALL {
            for e in Encoding::ALL {
                let (n, b) = self.encodings[t.index()][e as usize];
                if n > 0 {
                    encodings.push(json!({"type": t.name(), "encoding": e.name(), "num": n, "bytes": b}));
                }
            }
        }
        let ttl_hist: Vec<Value> = TTL_BUCKETS
            .iter()
            .zip(self.ttl_hist)
            .map(|((_, label), n)| json!({"bucket": label, "keys": n}))
            .collect();
        // Key sizes (the report's `bytes` metric) in power-of-four ranges, all types together.
        let mut size_counts = vec![0u64; SIZE_BUCKETS.len() + 1];
        for t in KeyType::ALL {
            for (acc, n) in size_counts.iter_mut().zip(self.types[t.index()].sizes.counts_up_to(&SIZE_BUCKETS)) {
                *acc += n;
            }
        }
        let size_hist: Vec<Value> = size_counts
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let label = match SIZE_BUCKETS.get(i) {
                    Some(b) => format!("<{}", human_bytes(*b)),
                    None => format!(">={}", human_bytes(SIZE_BUCKETS[SIZE_BUCKETS.len() - 1])),
                };
                json!({"bucket": label, "keys": n})
            })
            .collect();
        let idle_hist: Vec<Value> = IDLE_BUCKETS
            .iter()
            .zip(self.idle_hist)
            .map(|((_, label), n)| json!({"bucket": label, "keys": n}))
            .collect();
        let lfu_hist: Vec<Value> = LFU_BUCKETS
            .iter()
            .zip(self.lfu_hist)
            .map(|((_, label), n)| json!({"bucket": label, "keys": n}))
            .collect();
        let modules: Vec<Value> = self
            .modules
            .iter()
            .map(|(name, m)| {
                json!({"module": name, "keys": m.keys, "bytes": m.bytes, "aux_records": m.aux_records, "aux_bytes": m.aux_bytes})
            })
            .collect();
        let files: Vec<Value> = self.files.iter().map(file_json).collect();
        let warnings: Vec<Value> = self
            .files
            .iter()
            .flat_map(|f| f.info.iter().flat_map(|i| i.warnings.iter().map(|w| Value::from(format!("{}: {w}", f.name)))))
            .collect();
        json!({
            "total_bytes": self.total_bytes,
            "total_num": self.total_num,
            "type_bytes": type_bytes,
            "type_num": type_num,
            "largest_keys": largest_keys,
            "largest_key_prefixes": largest_key_prefixes,
            "size_metric": s.metric.name(),
            "memory_model": s.memory_model,
            "total_memory_bytes": self.total_memory,
            "total_serialized_bytes": self.total_serialized,
            "databases": databases,
            "expiry": {
                "now_ms": s.now_ms,
                "keys_with_ttl": self.with_ttl,
                "expired": self.expired,
                "no_ttl": self.total_num.saturating_sub(self.with_ttl),
                "histogram": ttl_hist,
            },
            "encodings": encodings,
            "size_histogram": size_hist,
            "type_stats": type_stats,
            "hash_field_ttl": {"keys": self.hash_ttl_keys, "fields": self.hash_ttl_fields},
            "functions": {"libraries": self.functions, "bytes": self.function_bytes, "lua_scripts": self.lua_scripts},
            "modules": modules,
            "idle": {"keys": self.idle.n, "max_seconds": self.idle.max, "p50_seconds": self.idle.quantile(0.5), "histogram": idle_hist},
            "lfu": {"keys": self.lfu.n, "max": self.lfu.max, "p50": self.lfu.quantile(0.5), "histogram": lfu_hist},
            "slots_seen": self.slots,
            "prefix_stats": {
                "delimiters": s.delimiter_chars,
                "depth": s.prefix_depth,
                "entries": self.prefixes.len(),
                "budget_bytes": self.prefixes.budget,
                "approximate": self.prefixes.prunes > 0,
                "error_bound_bytes": self.prefixes.error_bound,
            },
            "files": files,
            "warnings": warnings,
        })
    }
}

fn file_json(f: &FileEntry) -> Value {
    let mut o = Map::new();
    o.insert("name".into(), f.name.clone().into());
    if let Some(i) = &f.info {
        o.insert("magic".into(), i.magic.into());
        o.insert("rdb_version".into(), i.rdb_version.into());
        o.insert("checksum".into(), serde_json::to_value(i.checksum).unwrap_or(Value::Null));
        o.insert("bytes".into(), i.bytes.into());
        o.insert("keys".into(), i.keys.into());
        o.insert("trailing_bytes".into(), i.trailing_bytes.into());
    }
    let aux: Map<String, Value> = f.aux.iter().map(|(k, v)| (k.clone(), Value::from(v.clone()))).collect();
    o.insert("aux".into(), Value::Object(aux));
    if let Some(e) = &f.error {
        o.insert("error".into(), e.clone().into());
    }
    Value::Object(o)
}

impl Visitor for Accumulator {
    #[inline]
    fn on_key(&mut self, r: &KeyRecord<'_>) {
        let s = &self.settings;
        let bytes = match s.metric {
            SizeMetric::Memory => r.memory,
            SizeMetric::Serialized => r.serialized,
        };
        self.total_num += 1;
        self.total_bytes += bytes;
        self.total_memory += r.memory;
        self.total_serialized += r.serialized;
        let t = &mut self.types[r.kind.index()];
        t.num += 1;
        t.bytes += bytes;
        t.memory += r.memory;
        t.serialized += r.serialized;
        t.elements.add(r.elements);
        t.sizes.add(bytes);
        let d = self.dbs.current(r.db);
        d.keys += 1;
        d.bytes += bytes;
        let enc = &mut self.encodings[r.kind.index()][r.encoding as usize];
        enc.0 += 1;
        enc.1 += bytes;
        if let Some(exp) = r.expire_ms {
            d.expires += 1;
            self.with_ttl += 1;
            let left = exp.saturating_sub(s.now_ms);
            if left <= 0 {
                self.expired += 1;
            } else if let Some(i) = TTL_BUCKETS.iter().position(|(ub, _)| left <= *ub) {
                self.ttl_hist[i] += 1;
            }
        }
        if r.field_ttls > 0 || r.idle.is_some() || r.freq.is_some() || r.module.is_some() {
            self.on_key_extras(r, bytes);
        }
        if self.top.wants(bytes, r.key, r.db, self.current_file, r.offset) {
            self.offer_top(r, bytes);
        }
        let s = &self.settings;
        if s.prefix_top > 0 && s.prefix_depth > 0 {
            let table = &mut self.prefixes;
            if s.prefix_depth == 1 {
                table.add_first(r.kind, r.key, &s.delimiters, bytes);
            } else {
                prefixes(r.key, &s.delimiters, s.prefix_depth, |p| table.add(r.kind, p, bytes, 1));
            }
        }
    }

    fn on_aux(&mut self, key: &[u8], value: &[u8], value_len: u64) {
        if key == b"lua" || key.starts_with(b"__lua_script__") {
            self.lua_scripts += 1;
            return;
        }
        if let Some(f) = self.files.last_mut() {
            let shown = if value.len() as u64 == value_len {
                escape_text(&value[..value.len().min(256)])
            } else {
                format!("<{value_len} bytes>")
            };
            if f.aux.len() < 64 {
                f.aux.insert(escape_text(key), shown);
            }
        }
    }

    fn on_module_aux(&mut self, module: &str, bytes: u64) {
        let e = self.modules.entry(module.to_string()).or_default();
        e.aux_records += 1;
        e.aux_bytes += bytes;
    }

    fn on_function(&mut self, bytes: u64) {
        self.functions += 1;
        self.function_bytes += bytes;
    }

    fn on_slot_info(&mut self, _slot: u64, _keys: u64) {
        self.slots += 1;
    }
}
