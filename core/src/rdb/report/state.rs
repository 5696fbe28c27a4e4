//! The mergeable state of an analysis as JSON (`merge_state` in the JSON report), and back.
//!
//! The report itself keeps only the top 50 prefixes per type and summary percentiles, which
//! cannot be combined exactly. The state carries everything [`Accumulator::merge`] uses: every
//! counter, the histograms bucket by bucket, the top-N list, the whole prefix table (bounded by
//! its memory budget), and the per-file facts. Loading states and merging them gives exactly
//! the report of analysing all the files in one run. Format: docs/rdb-merge.md.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::{Accumulator, DbAcc, FileEntry, ModuleAcc, ReportSettings, SizeMetric, TypeAcc, IDLE_BUCKETS, LFU_BUCKETS, TTL_BUCKETS};
use crate::rdb::decoder::{Checksum, FileInfo};
use crate::rdb::stats::{LogHist, PrefixStat, PrefixTable, TopKey, TopKeys};
use crate::rdb::types::{Encoding, KeyType};

pub const FORMAT: &str = "dcskit-rdb-merge-state";
pub const VERSION: u64 = 1;

/// Exact bytes: a string when they are UTF-8, else `{"hex": "..."}`.
fn bytes_json(b: &[u8]) -> Value {
    match std::str::from_utf8(b) {
        Ok(s) => Value::from(s),
        Err(_) => json!({"hex": hex::encode(b)}),
    }
}

fn hist_json(h: &LogHist) -> Value {
    let buckets: Vec<Value> = h.buckets().into_iter().map(|(i, c)| json!([i, c])).collect();
    json!({"n": h.n, "max": h.max, "sum": h.sum.to_string(), "buckets": buckets})
}

impl Accumulator {
    /// The state `merge` needs, as JSON (see the module docs).
    pub fn state_json(&self) -> Value {
        let s = &self.settings;
        let types: Map<String, Value> = KeyType::ALL
            .iter()
            .map(|t| {
                let a = &self.types[t.index()];
                (t.name().to_string(), json!({"num": a.num, "bytes": a.bytes, "memory": a.memory, "serialized": a.serialized, "elements": hist_json(&a.elements), "sizes": hist_json(&a.sizes)}))
            })
            .collect();
        let mut encodings = Vec::new();
        for t in KeyType::ALL {
            for e in Encoding::ALL {
                let (n, b) = self.encodings[t.index()][e as usize];
                if n > 0 || b > 0 {
                    encodings.push(json!([t.name(), e.name(), n, b]));
                }
            }
        }
        let top: Vec<Value> = self
            .top
            .sorted()
            .iter()
            .map(|k| json!([bytes_json(&k.key), k.db, k.kind.name(), k.bytes, k.elements, k.encoding, k.memory, k.serialized, k.expire_ms, k.file, k.offset]))
            .collect();
        let prefixes: Vec<Value> = self.prefixes.entries().into_iter().map(|(t, p, st)| json!([t.name(), bytes_json(p), st.bytes, st.num])).collect();
        let files: Vec<Value> = self
            .files
            .iter()
            .map(|f| {
                let info = f.info.as_ref().map(|i| {
                    json!({"magic": i.magic, "rdb_version": i.rdb_version, "checksum": i.checksum, "bytes": i.bytes, "keys": i.keys, "trailing_bytes": i.trailing_bytes, "warnings": i.warnings})
                });
                json!({"name": f.name, "info": info, "aux": f.aux, "error": f.error})
            })
            .collect();
        json!({
            "format": FORMAT,
            "version": VERSION,
            "settings": {
                "top": s.top, "prefix_top": s.prefix_top, "delimiters": s.delimiter_chars, "prefix_depth": s.prefix_depth,
                "prefix_budget": s.prefix_budget, "now_ms": s.now_ms, "metric": s.metric.name(), "memory_model": s.memory_model,
            },
            "totals": {"num": self.total_num, "bytes": self.total_bytes, "memory": self.total_memory, "serialized": self.total_serialized},
            "types": types,
            "databases": self.dbs.merged().iter().map(|(db, d)| json!([db, d.keys, d.bytes, d.expires])).collect::<Vec<_>>(),
            "encodings": encodings,
            "expiry": {"with_ttl": self.with_ttl, "expired": self.expired, "histogram": self.ttl_hist.to_vec()},
            "hash_field_ttl": {"keys": self.hash_ttl_keys, "fields": self.hash_ttl_fields},
            "functions": {"libraries": self.functions, "bytes": self.function_bytes, "lua_scripts": self.lua_scripts},
            "modules": self.modules.iter().map(|(n, m)| json!([n, m.keys, m.bytes, m.aux_records, m.aux_bytes])).collect::<Vec<_>>(),
            "idle": hist_json(&self.idle),
            "idle_histogram": self.idle_hist.to_vec(),
            "lfu": hist_json(&self.lfu),
            "lfu_histogram": self.lfu_hist.to_vec(),
            "slots": self.slots,
            "largest_keys": top,
            "prefixes": {"budget": self.prefixes.budget, "error_bound": self.prefixes.error_bound, "prunes": self.prefixes.prunes, "entries": prefixes},
            "files": files,
        })
    }

    /// Rebuilds an accumulator from [`Accumulator::state_json`]. Errors name the field.
    pub fn from_state_json(v: &Value) -> Result<Accumulator, String> {
        let r = Reader;
        if v.get("format").and_then(Value::as_str) != Some(FORMAT) {
            return Err(format!("merge_state.format: expected \"{FORMAT}\""));
        }
        let version = r.u64(v, "version", "merge_state")?;
        if version != VERSION {
            return Err(format!("merge_state.version: {version} is not supported (this dcskit reads version {VERSION})"));
        }
        let st = r.field(v, "settings", "merge_state")?;
        let p = "merge_state.settings";
        let delimiter_chars = r.str(st, "delimiters", p)?.to_string();
        let mut delimiters = [false; 256];
        for b in delimiter_chars.bytes() {
            delimiters[b as usize] = true;
        }
        let metric = match r.str(st, "metric", p)? {
            "memory" => SizeMetric::Memory,
            "serialized" => SizeMetric::Serialized,
            m => return Err(format!("{p}.metric: unknown metric {m:?} (expected memory or serialized)")),
        };
        let settings = ReportSettings {
            top: r.u64(st, "top", p)? as usize,
            prefix_top: r.u64(st, "prefix_top", p)? as usize,
            delimiters,
            delimiter_chars,
            prefix_depth: r.u64(st, "prefix_depth", p)? as usize,
            prefix_budget: r.u64(st, "prefix_budget", p)? as usize,
            now_ms: r.field(st, "now_ms", p)?.as_i64().ok_or_else(|| format!("{p}.now_ms: expected an integer"))?,
            metric,
            memory_model: static_model_name(r.str(st, "memory_model", p)?),
        };
        let mut acc = Accumulator::new(settings);
        let t = r.field(v, "totals", "merge_state")?;
        acc.total_num = r.u64(t, "num", "merge_state.totals")?;
        acc.total_bytes = r.u64(t, "bytes", "merge_state.totals")?;
        acc.total_memory = r.u64(t, "memory", "merge_state.totals")?;
        acc.total_serialized = r.u64(t, "serialized", "merge_state.totals")?;
        let types = r.field(v, "types", "merge_state")?;
        for kind in KeyType::ALL {
            let p = format!("merge_state.types.{}", kind.name());
            let Some(a) = types.get(kind.name()) else { continue };
            acc.types[kind.index()] = TypeAcc {
                num: r.u64(a, "num", &p)?,
                bytes: r.u64(a, "bytes", &p)?,
                memory: r.u64(a, "memory", &p)?,
                serialized: r.u64(a, "serialized", &p)?,
                elements: r.hist(a, "elements", &p)?,
                sizes: r.hist(a, "sizes", &p)?,
            };
        }
        for (i, d) in r.array(v, "databases", "merge_state")?.iter().enumerate() {
            let p = format!("merge_state.databases[{i}]");
            let n = r.nums::<4>(d, &p)?;
            acc.dbs.add(n[0], &DbAcc { keys: n[1], bytes: n[2], expires: n[3] });
        }
        for (i, e) in r.array(v, "encodings", "merge_state")?.iter().enumerate() {
            let p = format!("merge_state.encodings[{i}]");
            let kind = r.kind(e.get(0), &p)?;
            let enc = e.get(1).and_then(Value::as_str).and_then(|n| Encoding::ALL.into_iter().find(|x| x.name() == n));
            let enc = enc.ok_or_else(|| format!("{p}[1]: unknown encoding"))?;
            let n = (e.get(2).and_then(Value::as_u64), e.get(3).and_then(Value::as_u64));
            let (Some(num), Some(bytes)) = n else { return Err(format!("{p}: expected [type, encoding, num, bytes]")) };
            acc.encodings[kind.index()][enc as usize] = (num, bytes);
        }
        let e = r.field(v, "expiry", "merge_state")?;
        acc.with_ttl = r.u64(e, "with_ttl", "merge_state.expiry")?;
        acc.expired = r.u64(e, "expired", "merge_state.expiry")?;
        acc.ttl_hist = r.counts::<{ TTL_BUCKETS.len() }>(e, "histogram", "merge_state.expiry")?;
        let h = r.field(v, "hash_field_ttl", "merge_state")?;
        acc.hash_ttl_keys = r.u64(h, "keys", "merge_state.hash_field_ttl")?;
        acc.hash_ttl_fields = r.u64(h, "fields", "merge_state.hash_field_ttl")?;
        let f = r.field(v, "functions", "merge_state")?;
        acc.functions = r.u64(f, "libraries", "merge_state.functions")?;
        acc.function_bytes = r.u64(f, "bytes", "merge_state.functions")?;
        acc.lua_scripts = r.u64(f, "lua_scripts", "merge_state.functions")?;
        for (i, m) in r.array(v, "modules", "merge_state")?.iter().enumerate() {
            let p = format!("merge_state.modules[{i}]");
            let name = m.get(0).and_then(Value::as_str).ok_or_else(|| format!("{p}[0]: expected the module name"))?;
            let n: Vec<u64> = (1..5).filter_map(|j| m.get(j).and_then(Value::as_u64)).collect();
            if n.len() != 4 {
                return Err(format!("{p}: expected [name, keys, bytes, aux_records, aux_bytes]"));
            }
            acc.modules.insert(name.to_string(), ModuleAcc { keys: n[0], bytes: n[1], aux_records: n[2], aux_bytes: n[3] });
        }
        acc.idle = r.hist(v, "idle", "merge_state")?;
        acc.idle_hist = r.counts::<{ IDLE_BUCKETS.len() }>(v, "idle_histogram", "merge_state")?;
        acc.lfu = r.hist(v, "lfu", "merge_state")?;
        acc.lfu_hist = r.counts::<{ LFU_BUCKETS.len() }>(v, "lfu_histogram", "merge_state")?;
        acc.slots = r.u64(v, "slots", "merge_state")?;
        let mut top = TopKeys::new(acc.settings.top);
        for (i, k) in r.array(v, "largest_keys", "merge_state")?.iter().enumerate() {
            top.offer(r.top_key(k, &format!("merge_state.largest_keys[{i}]"))?);
        }
        acc.top = top;
        let px = r.field(v, "prefixes", "merge_state")?;
        let p = "merge_state.prefixes";
        let mut entries = Vec::new();
        for (i, e) in r.array(px, "entries", p)?.iter().enumerate() {
            let q = format!("{p}.entries[{i}]");
            let kind = r.kind(e.get(0), &q)?;
            let prefix = r.bytes(e.get(1), &format!("{q}[1]"))?;
            let (Some(bytes), Some(num)) = (e.get(2).and_then(Value::as_u64), e.get(3).and_then(Value::as_u64)) else {
                return Err(format!("{q}: expected [type, prefix, bytes, num]"));
            };
            entries.push((kind, prefix, PrefixStat { bytes, num }));
        }
        acc.prefixes = PrefixTable::restore(r.u64(px, "budget", p)? as usize, r.u64(px, "error_bound", p)?, r.u64(px, "prunes", p)?, entries);
        for (i, f) in r.array(v, "files", "merge_state")?.iter().enumerate() {
            acc.files.push(r.file(f, &format!("merge_state.files[{i}]"))?);
        }
        acc.current_file = acc.files.len().saturating_sub(1) as u32;
        Ok(acc)
    }
}

/// Model names are static in the report; map the known ones back (others are kept as given).
fn static_model_name(name: &str) -> &'static str {
    for t in crate::rdb::memory_model::Target::ALL {
        if t.name() == name {
            return t.name();
        }
    }
    Box::leak(name.to_string().into_boxed_str())
}

/// Field readers whose errors say which field was wrong.
struct Reader;

impl Reader {
    fn field<'v>(&self, v: &'v Value, name: &str, path: &str) -> Result<&'v Value, String> {
        v.get(name).ok_or_else(|| format!("{path}.{name}: missing"))
    }
    fn u64(&self, v: &Value, name: &str, path: &str) -> Result<u64, String> {
        self.field(v, name, path)?.as_u64().ok_or_else(|| format!("{path}.{name}: expected a non-negative integer"))
    }
    fn str<'v>(&self, v: &'v Value, name: &str, path: &str) -> Result<&'v str, String> {
        self.field(v, name, path)?.as_str().ok_or_else(|| format!("{path}.{name}: expected a string"))
    }
    fn array<'v>(&self, v: &'v Value, name: &str, path: &str) -> Result<&'v Vec<Value>, String> {
        self.field(v, name, path)?.as_array().ok_or_else(|| format!("{path}.{name}: expected an array"))
    }
    fn nums<const N: usize>(&self, v: &Value, path: &str) -> Result<[u64; N], String> {
        let a = v.as_array().filter(|a| a.len() == N).ok_or_else(|| format!("{path}: expected an array of {N} integers"))?;
        let mut out = [0u64; N];
        for (o, x) in out.iter_mut().zip(a) {
            *o = x.as_u64().ok_or_else(|| format!("{path}: expected an array of {N} integers"))?;
        }
        Ok(out)
    }
    fn counts<const N: usize>(&self, v: &Value, name: &str, path: &str) -> Result<[u64; N], String> {
        self.nums::<N>(self.field(v, name, path)?, &format!("{path}.{name}"))
    }
    fn hist(&self, v: &Value, name: &str, path: &str) -> Result<LogHist, String> {
        let p = format!("{path}.{name}");
        let h = self.field(v, name, path)?;
        let sum: u128 = self.str(h, "sum", &p)?.parse().map_err(|_| format!("{p}.sum: expected a decimal integer string"))?;
        let mut buckets = Vec::new();
        for b in self.array(h, "buckets", &p)? {
            let [i, c] = self.nums::<2>(b, &format!("{p}.buckets"))?;
            buckets.push((i as usize, c));
        }
        LogHist::from_buckets(&buckets, self.u64(h, "n", &p)?, self.u64(h, "max", &p)?, sum)
            .ok_or_else(|| format!("{p}: bucket indexes out of range or counts that do not add up to n"))
    }
    fn kind(&self, v: Option<&Value>, path: &str) -> Result<KeyType, String> {
        v.and_then(Value::as_str).and_then(KeyType::from_name).ok_or_else(|| format!("{path}: expected a type name (string, list, set, zset, hash, stream, module, array)"))
    }
    fn bytes(&self, v: Option<&Value>, path: &str) -> Result<Vec<u8>, String> {
        match v {
            Some(Value::String(s)) => Ok(s.as_bytes().to_vec()),
            Some(Value::Object(o)) => o.get("hex").and_then(Value::as_str).and_then(|h| hex::decode(h).ok()).ok_or_else(|| format!("{path}: expected {{\"hex\": \"...\"}}")),
            _ => Err(format!("{path}: expected a string or {{\"hex\": \"...\"}}")),
        }
    }
    fn top_key(&self, k: &Value, path: &str) -> Result<TopKey, String> {
        // Reports written before `offset` was kept have 10 entries (offset then counts as 0).
        let a = k.as_array().filter(|a| a.len() == 10 || a.len() == 11).ok_or_else(|| format!("{path}: expected [key, db, type, bytes, elements, encoding, memory, serialized, expire_ms, file, offset]"))?;
        let num = |i: usize| a[i].as_u64().ok_or_else(|| format!("{path}[{i}]: expected a non-negative integer"));
        let encoding = a[5].as_str().and_then(|n| Encoding::ALL.into_iter().find(|x| x.name() == n)).ok_or_else(|| format!("{path}[5]: unknown encoding"))?;
        let expire_ms = match &a[8] {
            Value::Null => None,
            x => Some(x.as_i64().ok_or_else(|| format!("{path}[8]: expected an integer or null"))?),
        };
        Ok(TopKey {
            key: self.bytes(Some(&a[0]), &format!("{path}[0]"))?,
            db: num(1)?,
            kind: self.kind(Some(&a[2]), &format!("{path}[2]"))?,
            bytes: num(3)?,
            elements: num(4)?,
            encoding: encoding.name(),
            memory: num(6)?,
            serialized: num(7)?,
            expire_ms,
            file: num(9)? as u32,
            offset: if a.len() == 11 { num(10)? } else { 0 },
        })
    }
    fn file(&self, f: &Value, path: &str) -> Result<FileEntry, String> {
        let name = self.str(f, "name", path)?.to_string();
        let info = match f.get("info") {
            None | Some(Value::Null) => None,
            Some(i) => {
                let p = format!("{path}.info");
                let magic = match self.str(i, "magic", &p)? {
                    "REDIS" => "REDIS",
                    "VALKEY" => "VALKEY",
                    m => return Err(format!("{p}.magic: unknown magic {m:?}")),
                };
                let checksum = match self.str(i, "checksum", &p)? {
                    "verified" => Checksum::Verified,
                    "disabled" => Checksum::Disabled,
                    "absent" => Checksum::Absent,
                    "not_checked" => Checksum::NotChecked,
                    c => return Err(format!("{p}.checksum: unknown value {c:?}")),
                };
                let warnings = self.array(i, "warnings", &p)?.iter().map(|w| w.as_str().unwrap_or_default().to_string()).collect();
                Some(FileInfo {
                    magic,
                    rdb_version: self.u64(i, "rdb_version", &p)? as u32,
                    checksum,
                    bytes: self.u64(i, "bytes", &p)?,
                    keys: self.u64(i, "keys", &p)?,
                    trailing_bytes: self.u64(i, "trailing_bytes", &p)?,
                    warnings,
                })
            }
        };
        let aux: BTreeMap<String, String> = match f.get("aux") {
            Some(Value::Object(m)) => m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect(),
            _ => return Err(format!("{path}.aux: expected an object")),
        };
        let error = f.get("error").and_then(Value::as_str).map(str::to_string);
        Ok(FileEntry { name, info, aux, error })
    }
}
