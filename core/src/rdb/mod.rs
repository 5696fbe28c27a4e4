//! The streaming RDB decoder and the key analyzer.
//!
//! [`analyze`] reads one input (a path, `-` for stdin, a .gz, a tar of RDB files, or an http(s)
//! URL streamed while it is analysed) in one pass and returns a [`Report`] whose JSON starts
//! with DCS's `ShowOfflineKeyAnalysisTask` fields (`total_bytes`, `total_num`, `type_bytes`,
//! `type_num`, `largest_keys`, `largest_key_prefixes`) followed by extras (databases, expiry,
//! encodings, percentiles, field TTLs, functions, modules, idle/LFU, prefix accuracy, files).
//!
//! `bytes` is the estimated in-memory size of a key (key name + value structures, rounded to
//! jemalloc size classes; see [`memory`]) unless [`SizeMetric::Serialized`] is chosen, which
//! uses the bytes the key takes in the file. Memory stays bounded: no collection is
//! materialised, top-N lists are heaps, and prefix statistics live in a table with a fixed
//! budget (see [`stats::PrefixTable`] for the approximation used beyond it).

pub mod blob;
pub mod crc64;
pub mod decoder;
pub mod escape;
pub mod input;
pub mod lzf;
pub mod memory;
pub mod memory_model;
pub mod parallel;
pub mod reader;
pub mod report;
pub mod stats;
pub mod types;

use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

pub use decoder::{Checksum, DecodeOptions, FileInfo, KeyRecord, Visitor};
pub use memory::MemoryModel;
pub use report::{Accumulator, ReportSettings, SizeMetric};
pub use types::{Encoding, KeyType};

use crate::error::{Error, ErrorKind, Result};
use decoder::{Decoder, Stop};
use input::{Counting, Kind, Opened};

/// Progress of one analysis, reported from the runtime.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    pub bytes_read: u64,
    /// When known (files, HTTP with Content-Length).
    pub total_bytes: Option<u64>,
    pub keys: u64,
}

pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;
/// Called for every key as it is decoded (e.g. to stream a CSV row per key).
pub type KeyFn = Arc<dyn Fn(&KeyRecord<'_>) + Send + Sync>;

#[derive(Clone)]
pub struct AnalyzeOptions {
    /// How many of the largest keys to keep (DCS: 100).
    pub top: usize,
    /// How many prefixes per type to keep (DCS: 50).
    pub prefix_top: usize,
    /// Characters that split a key into prefix segments.
    pub delimiters: String,
    pub progress: Option<ProgressFn>,
    /// Set to true to stop the analysis (it ends with a `CANCELLED` error).
    pub cancel: Option<Arc<AtomicBool>>,
    /// How many prefix levels each key contributes ("a:b:c" at depth 2: "a:" and "a:b:").
    pub prefix_depth: usize,
    /// Memory the prefix table may use before it starts approximating.
    pub prefix_memory_budget: usize,
    /// "Now" for TTL statistics, Unix milliseconds (default: the current time).
    pub now_ms: Option<i64>,
    /// What `bytes` means: estimated memory (default) or serialized size.
    pub size_metric: SizeMetric,
    /// Per-key memory estimator; when None, the model of `memory_target`.
    pub memory_model: Option<Arc<dyn MemoryModel>>,
    /// The server whose `MEMORY USAGE` the estimate models (default: Redis 7.0).
    pub memory_target: memory_model::Target,
    /// Compare CRC-64 trailers (default true).
    pub verify_checksum: bool,
    /// Treat trailing bytes after the RDB end as an error (default: a warning).
    pub strict: bool,
    /// Walk every packed value to measure its largest element (CSV output needs it).
    pub detail: bool,
    /// Called for every key (keys then arrive in file order, so the file is not split).
    pub on_key: Option<KeyFn>,
    /// Decoding threads for one large local file (default: the available cores; 1 = one
    /// thread). Results are identical either way; see [`parallel`].
    pub threads: usize,
    /// Decode large inputs where they lie (default): a local file through a read-only memory
    /// map, bytes given to [`analyze_bytes`] in place. False reads them as a stream with
    /// plain reads: slower, but safe for a file that may be truncated while it is analysed
    /// (a mapped read of a truncated page is a SIGBUS). Splitting across threads needs it.
    pub in_place: bool,
    /// Files smaller than this are read as a stream on one thread (mapping and splitting
    /// would not pay off).
    pub split_min_bytes: u64,
    /// About how many bytes each segment of a split file carries (at least one per thread).
    pub split_batch_bytes: usize,
    /// Testing aid: a split run that cannot follow the file fails instead of replaying on one
    /// thread (proves a split actually happened).
    #[doc(hidden)]
    pub split_no_replay: bool,
    /// Testing aid: records a candidate cut must decode before it is tried (0: any plausible
    /// byte, which makes most cuts false).
    #[doc(hidden)]
    pub split_probe_records: u64,
    /// Testing aid: counts the cuts a split run confirmed (proves segments were decoded apart).
    #[doc(hidden)]
    pub split_cuts: Option<Arc<AtomicU64>>,
}

/// The cores this process may use.
pub fn available_threads() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

impl Default for AnalyzeOptions {
    fn default() -> Self {
        AnalyzeOptions {
            top: 100,
            prefix_top: 50,
            delimiters: ":".into(),
            progress: None,
            cancel: None,
            prefix_depth: 1,
            prefix_memory_budget: 64 << 20,
            now_ms: None,
            size_metric: SizeMetric::Memory,
            memory_model: None,
            memory_target: memory_model::Target::default(),
            verify_checksum: true,
            strict: false,
            detail: false,
            on_key: None,
            threads: available_threads(),
            in_place: true,
            split_min_bytes: 16 << 20,
            split_batch_bytes: 256 << 20,
            split_no_replay: false,
            split_probe_records: 32,
            split_cuts: None,
        }
    }
}

impl AnalyzeOptions {
    fn settings(&self, model: &dyn MemoryModel) -> ReportSettings {
        let mut delimiters = [false; 256];
        for b in self.delimiters.bytes() {
            delimiters[b as usize] = true;
        }
        let now_ms = self.now_ms.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as i64)
                .unwrap_or(0)
        });
        ReportSettings {
            top: self.top,
            prefix_top: self.prefix_top,
            delimiters,
            delimiter_chars: self.delimiters.clone(),
            prefix_depth: self.prefix_depth,
            prefix_budget: self.prefix_memory_budget,
            now_ms,
            metric: self.size_metric,
            memory_model: model.name(),
        }
    }
}

/// The analysis result: DCS's `ShowOfflineKeyAnalysisTask` report plus extras.
#[derive(Debug, Clone, Default)]
pub struct Report {
    json: serde_json::Value,
    accumulator: Option<Box<Accumulator>>,
}

impl Report {
    pub fn to_json(&self) -> serde_json::Value {
        self.json.clone()
    }

    /// The mergeable data behind the report (for combining shards analysed separately).
    pub fn accumulator(&self) -> Option<&Accumulator> {
        self.accumulator.as_deref()
    }

    /// The JSON report plus `merge_state`: what [`merge_json_reports`] needs to combine this
    /// report with others exactly (docs/rdb-merge.md).
    pub fn to_json_with_state(&self) -> serde_json::Value {
        let mut json = self.json.clone();
        if let Some(acc) = &self.accumulator {
            json["merge_state"] = acc.state_json();
        }
        json
    }

    fn from_acc(acc: Accumulator, file_reports: Vec<serde_json::Value>) -> Report {
        let mut json = acc.to_json();
        if file_reports.len() > 1 {
            json["file_reports"] = serde_json::Value::Array(file_reports);
        }
        Report { json, accumulator: Some(Box::new(acc)) }
    }
}

/// Combines reports of separately analysed inputs (shards) into one, as if analysed together.
pub fn merge_reports(parts: &[Report]) -> Option<Report> {
    if parts.len() == 1 {
        return Some(parts[0].clone());
    }
    let mut accs = parts.iter().filter_map(|r| r.accumulator());
    let mut merged = accs.next()?.clone();
    for a in accs {
        merged.merge(a);
    }
    let file_reports = if parts.len() > 1 { parts.iter().map(|r| r.to_json()).collect() } else { Vec::new() };
    Some(Report::from_acc(merged, file_reports))
}

/// Combines JSON reports that carry `merge_state` (from [`Report::to_json_with_state`], or
/// `dcskit analyze --format json`) into the report one run over all their files would give.
/// `parts` are (name, report) pairs; names appear in errors. Reports must have been made with
/// the same prefix settings, size metric, memory model and "now"; top-N lengths may differ
/// (the shortest wins, still exact).
pub fn merge_json_reports(parts: &[(String, serde_json::Value)]) -> Result<Report> {
    if parts.is_empty() {
        return Err(Error::invalid_input("reports", "no report to merge"));
    }
    let mut accs = Vec::with_capacity(parts.len());
    for (name, json) in parts {
        let state = json.get("merge_state").ok_or_else(|| {
            Error::invalid_input("reports", format!("{name}: the report has no merge_state (write it with `dcskit analyze --format json`)"))
        })?;
        let acc = Accumulator::from_state_json(state).map_err(|e| Error::invalid_input("reports", format!("{name}: {e}")))?;
        accs.push(acc);
    }
    let (first_name, first) = (&parts[0].0, &accs[0].settings);
    for ((name, _), acc) in parts.iter().zip(&accs).skip(1) {
        let s = &acc.settings;
        let mismatch = [
            ("delimiters", first.delimiter_chars != s.delimiter_chars, format!("{:?} vs {:?}", first.delimiter_chars, s.delimiter_chars)),
            ("prefix_depth", first.prefix_depth != s.prefix_depth, format!("{} vs {}", first.prefix_depth, s.prefix_depth)),
            ("metric", first.metric != s.metric, format!("{} vs {}", first.metric.name(), s.metric.name())),
            ("memory_model", first.memory_model != s.memory_model, format!("{} vs {}", first.memory_model, s.memory_model)),
            ("now_ms", first.now_ms != s.now_ms, format!("{} vs {} (analyse every shard with the same --now-ms)", first.now_ms, s.now_ms)),
            ("prefix_budget", first.prefix_budget != s.prefix_budget, format!("{} vs {}", first.prefix_budget, s.prefix_budget)),
        ];
        if let Some((field, _, detail)) = mismatch.into_iter().find(|m| m.1) {
            return Err(Error::invalid_input(
                "reports",
                format!("{name}: merge_state.settings.{field} differs from {first_name}: {detail}; reports made with different settings cannot be merged exactly"),
            ));
        }
    }
    let top = accs.iter().map(|a| a.settings.top).min().unwrap_or(0);
    let prefix_top = accs.iter().map(|a| a.settings.prefix_top).min().unwrap_or(0);
    let mut merged = Accumulator::new(ReportSettings { top, prefix_top, ..accs[0].settings.clone() });
    for acc in &accs {
        merged.merge(acc);
    }
    let file_reports: Vec<serde_json::Value> = if parts.len() > 1 {
        parts
            .iter()
            .map(|(_, j)| {
                let mut j = j.clone();
                if let Some(o) = j.as_object_mut() {
                    o.remove("merge_state");
                }
                j
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Report::from_acc(merged, file_reports))
}

/// Analyzes one input: a path, `-` (stdin), a .gz, a tar of RDB files, or an http(s) URL.
pub async fn analyze(input: &str, options: AnalyzeOptions) -> Result<Report> {
    if input.is_empty() {
        return Err(Error::invalid_input("input", "is empty (expected a path, `-` or an http(s) URL)"));
    }
    let url = input::is_url(input);
    let opened = if url { input::open_url(input).await? } else { input::open_local(input)? };
    // A local file can be read again: that is what lets a split run fall back to one thread.
    let path = (!url && input != "-").then(|| input.to_string());
    tokio::task::spawn_blocking(move || match path {
        Some(p) => {
            let reopen = || input::open_local(&p);
            let whole = || parallel::Whole::map(std::path::Path::new(&p));
            analyze_opened(opened, &options, Some(Sources { reopen: &reopen, whole: &whole }))
        }
        None => analyze_opened(opened, &options, None),
    })
        .await
        .map_err(|e| Error::new(ErrorKind::Internal, format!("analysis task failed: {e}")))?
}

/// Analyzes several inputs (e.g. the shards of a cluster backup) at once, each on its own
/// blocking thread, so they use all cores. Results come back in input order, so merging them
/// gives the same report as analyzing them one after another.
pub async fn analyze_many(inputs: &[String], options: AnalyzeOptions) -> Vec<Result<Report>> {
    // The cores are shared between the inputs before any one file is split.
    let threads = (options.threads / inputs.len().max(1)).max(1);
    let runs = inputs.iter().map(|input| {
        let (input, options) = (input.clone(), AnalyzeOptions { threads, ..options.clone() });
        crate::runtime::spawn(async move { analyze(&input, options).await })
    });
    futures::future::join_all(runs).await.into_iter().map(|r| r.and_then(|inner| inner)).collect()
}

/// Analyzes a byte stream synchronously (RDB, gzip or tar), on the calling thread.
pub fn analyze_reader(name: &str, reader: impl Read + Send + 'static, total: Option<u64>, options: &AnalyzeOptions) -> Result<Report> {
    analyze_opened(Opened { name: name.to_string(), reader: Box::new(reader), total }, options, None)
}

/// Analyzes bytes in memory.
pub fn analyze_bytes(name: &str, data: &[u8], options: &AnalyzeOptions) -> Result<Report> {
    let data = bytes::Bytes::copy_from_slice(data);
    let reopen = || Ok(Opened { name: name.to_string(), reader: Box::new(std::io::Cursor::new(data.clone())), total: Some(data.len() as u64) });
    let whole = || Some(parallel::Whole::Memory(data.clone()));
    analyze_opened(reopen()?, options, Some(Sources { reopen: &reopen, whole: &whole }))
}

struct Run<'o> {
    options: &'o AnalyzeOptions,
    model: Arc<dyn MemoryModel>,
    settings: ReportSettings,
    counter: Arc<AtomicU64>,
    total: Option<u64>,
    keys_done: u64,
    file_reports: Vec<serde_json::Value>,
    /// Split the RDB stream across threads (top-level inputs that can be read again).
    split: Option<(parallel::SplitConfig, &'o dyn Fn() -> Option<parallel::Whole>)>,
    /// A split run met something it could not follow: analyse again on one thread.
    replay: bool,
}

/// Ways to read an input again: as a stream (the single-threaded replay) and as one byte
/// slice (what a split run walks).
#[derive(Clone, Copy)]
struct Sources<'a> {
    reopen: &'a dyn Fn() -> Result<Opened>,
    whole: &'a dyn Fn() -> Option<parallel::Whole>,
}

fn analyze_opened(opened: Opened, options: &AnalyzeOptions, sources: Option<Sources<'_>>) -> Result<Report> {
    // One thread too: the split path then decodes the input in place as one segment.
    let wanted = options.in_place && options.on_key.is_none() && opened.total.is_some_and(|t| t >= options.split_min_bytes);
    let cfg = parallel::SplitConfig { threads: options.threads, segment_bytes: options.split_batch_bytes, probe_records: options.split_probe_records };
    let split = sources.filter(|_| wanted).map(|s| (cfg, s.whole));
    let reopen = sources.map(|s| s.reopen);
    match (analyze_once(opened, options, split), reopen) {
        (Err(Replay), Some(_)) if options.split_no_replay => Err(Error::new(ErrorKind::Internal, "split run could not follow the file (replay disabled)")),
        (Err(Replay), Some(reopen)) => analyze_once(reopen()?, options, None).map_err(|_| Error::new(ErrorKind::Internal, "single-threaded replay failed")).and_then(|r| r),
        (Err(Replay), None) => Err(Error::new(ErrorKind::Internal, "split analysis failed and the input cannot be read again")),
        (Ok(r), _) => r,
    }
}

/// Gzip inside gzip is unwrapped this many times at most (deeper nesting would recurse
/// without bound on a crafted file).
const MAX_GZIP_NESTING: u32 = 4;

/// A split run must be redone on one thread.
struct Replay;

fn analyze_once<'o>(opened: Opened, options: &'o AnalyzeOptions, split: Option<(parallel::SplitConfig, &'o dyn Fn() -> Option<parallel::Whole>)>) -> std::result::Result<Result<Report>, Replay> {
    let model: Arc<dyn MemoryModel> = options.memory_model.clone().unwrap_or_else(|| options.memory_target.model());
    let settings = options.settings(model.as_ref());
    let counter = Arc::new(AtomicU64::new(0));
    let mut run = Run { options, model, settings, counter: counter.clone(), total: opened.total, keys_done: 0, file_reports: Vec::new(), split, replay: false };
    let mut merged = Accumulator::new(run.settings.clone());
    let reader = Box::new(Counting { inner: opened.reader, count: counter });
    let result = run.process(&opened.name, reader, opened.total, &mut merged, 0);
    if run.replay {
        return Err(Replay);
    }
    Ok(result.map(|_| {
        run.report_progress();
        Report::from_acc(merged, run.file_reports)
    }))
}

impl Run<'_> {
    fn report_progress(&self) {
        if let Some(p) = &self.options.progress {
            p(Progress { bytes_read: self.counter.load(Ordering::Relaxed), total_bytes: self.total, keys: self.keys_done });
        }
    }

    fn process<'a>(&mut self, name: &str, reader: Box<dyn Read + 'a>, total: Option<u64>, merged: &mut Accumulator, depth: u32) -> Result<()> {
        let (kind, head, reader) =
            input::sniff(reader, 512).map_err(|e| Error::from(e).with_partial_report(merged.to_json()))?;
        match kind {
            Kind::Rdb => self.decode_into(name, reader, total, merged),
            Kind::Gzip if depth >= MAX_GZIP_NESTING => Err(Error::analysis(
                0,
                format!("{name}: gzip inside gzip more than {MAX_GZIP_NESTING} levels deep (refused: a file can nest without end)"),
            )
            .with_partial_report(merged.to_json())),
            Kind::Gzip => {
                self.split = None; // the split walks the file's own bytes, not a decompressed stream
                let gz = flate2::read::MultiGzDecoder::new(reader);
                let inner = name.strip_suffix(".gz").unwrap_or(name).to_string();
                self.process(&inner, Box::new(gz), None, merged, depth + 1)
            }
            Kind::Tar => self.tar(name, reader, merged),
            Kind::Unknown => {
                let shown = escape::escape_text(&head[..head.len().min(16)]);
                Err(Error::analysis(0, format!("{name}: not an RDB file, gzip or tar archive: it starts with \"{shown}\" (expected \"REDIS\" or \"VALKEY\")"))
                    .with_partial_report(merged.to_json()))
            }
        }
    }

    fn tar<'a>(&mut self, name: &str, reader: Box<dyn Read + 'a>, merged: &mut Accumulator) -> Result<()> {
        self.split = None; // members cannot be read again on their own
        let mut archive = tar::Archive::new(reader);
        let entries = archive
            .entries()
            .map_err(|e| Error::analysis(0, format!("{name}: bad tar archive: {e}")).with_partial_report(merged.to_json()))?;
        let mut found = 0;
        for entry in entries {
            let entry = entry.map_err(|e| Error::analysis(0, format!("{name}: bad tar entry: {e}")).with_partial_report(merged.to_json()))?;
            if !entry.header().entry_type().is_file() {
                continue;
            }
            let path = entry.path().map(|p| p.to_string_lossy().into_owned()).unwrap_or_else(|_| "?".into());
            let size = entry.header().size().ok();
            let member = format!("{name}:{path}");
            let (kind, _, r) = input::sniff(Box::new(entry), 512).map_err(|e| Error::from(e).with_partial_report(merged.to_json()))?;
            match kind {
                Kind::Rdb => {
                    found += 1;
                    let mut acc = Accumulator::new(self.settings.clone());
                    let res = self.decode_into(&member, r, size, &mut acc);
                    self.file_reports.push(acc.to_json());
                    merged.merge(&acc);
                    res.map_err(|e| e.with_partial_report(merged.to_json()))?;
                }
                Kind::Gzip => {
                    found += 1;
                    let inner = member.strip_suffix(".gz").unwrap_or(&member).to_string();
                    let gz = flate2::read::MultiGzDecoder::new(r);
                    let (k2, _, r2) = input::sniff(Box::new(gz), 512).map_err(|e| Error::from(e).with_partial_report(merged.to_json()))?;
                    if k2 != Kind::Rdb {
                        return Err(Error::analysis(0, format!("{inner}: compressed tar member is not an RDB file")).with_partial_report(merged.to_json()));
                    }
                    let mut acc = Accumulator::new(self.settings.clone());
                    let res = self.decode_into(&inner, r2, None, &mut acc);
                    self.file_reports.push(acc.to_json());
                    merged.merge(&acc);
                    res.map_err(|e| e.with_partial_report(merged.to_json()))?;
                }
                _ => {} // other members (metadata, checksums) are not RDB data
            }
        }
        if found == 0 {
            return Err(Error::analysis(0, format!("{name}: the tar archive holds no RDB file")).with_partial_report(merged.to_json()));
        }
        Ok(())
    }

    /// Decodes one RDB stream into `acc`.
    fn decode_into(&mut self, name: &str, reader: Box<dyn Read + '_>, total: Option<u64>, acc: &mut Accumulator) -> Result<()> {
        acc.begin_file(name);
        let opts = DecodeOptions {
            detail: self.options.detail,
            verify_checksum: self.options.verify_checksum,
            strict_trailing: self.options.strict,
        };
        if self.options.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(Error::new(ErrorKind::Cancelled, "analysis cancelled before it started"));
        }
        if let Some((cfg, whole)) = self.split.take() {
            if let Some(whole) = whole() {
                drop(reader);
                return self.decode_split(name, &whole, cfg, opts, acc);
            }
        }
        let model = self.model.clone();
        let mut dec = Decoder::new(reader, total, model.as_ref(), opts);
        let keys_before = self.keys_done;
        let mut driver = Driver { acc, run: self, keys_before };
        let result = dec.run(&mut driver);
        match result {
            Ok(info) => {
                self.keys_done = keys_before + info.keys;
                acc.end_file(Some(info), None);
                Ok(())
            }
            Err(Stop::Error(e)) => {
                let msg = format!("{name}: {}", e.message);
                acc.end_file(None, Some(msg.clone()));
                Err(Error::analysis(e.offset, msg).with_partial_report(acc.to_json()))
            }
            Err(Stop::Cancelled { offset }) => {
                acc.end_file(None, Some(format!("cancelled at offset {offset}")));
                Err(Error::new(ErrorKind::Cancelled, format!("{name}: analysis cancelled at byte offset {offset}"))
                    .with_offset(offset)
                    .with_partial_report(acc.to_json()))
            }
        }
    }
}

impl Run<'_> {
    /// Decodes one RDB stream on several threads (see [`parallel`]).
    fn decode_split(&mut self, name: &str, whole: &parallel::Whole, cfg: parallel::SplitConfig, opts: DecodeOptions, acc: &mut Accumulator) -> Result<()> {
        let keys = AtomicU64::new(0);
        let keys_before = self.keys_done;
        let (o, counter, total) = (self.options, self.counter.clone(), self.total);
        let progress = |offset: u64| {
            counter.store(offset, Ordering::Relaxed);
            if let Some(p) = &o.progress {
                p(Progress { bytes_read: offset, total_bytes: total, keys: keys_before + keys.load(Ordering::Relaxed) });
            }
        };
        let cancelled = || o.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed));
        let hooks = parallel::Hooks { keys: &keys, progress: &progress, cancelled: &cancelled };
        let settings = self.settings.clone();
        let make_acc = move || Accumulator::new(settings.clone());
        let result = parallel::decode(whole, self.model.as_ref(), &opts, &make_acc, cfg, &hooks);
        if let Ok(done) = &result {
            counter.store(done.info.bytes + done.info.trailing_bytes, Ordering::Relaxed);
        }
        match result {
            Ok(done) => {
                for (_, k, v, len) in &done.aux {
                    acc.on_aux(k, v, *len);
                }
                for part in &done.parts {
                    acc.merge_part(part);
                }
                self.keys_done = keys_before + done.info.keys;
                if let Some(c) = &self.options.split_cuts {
                    c.fetch_add(done.cuts, Ordering::Relaxed);
                }
                acc.end_file(Some(done.info), None);
                Ok(())
            }
            Err(parallel::SplitEnd::Cancelled { offset }) => {
                acc.end_file(None, Some(format!("cancelled at offset {offset}")));
                Err(Error::new(ErrorKind::Cancelled, format!("{name}: analysis cancelled at byte offset {offset}"))
                    .with_offset(offset)
                    .with_partial_report(acc.to_json()))
            }
            Err(parallel::SplitEnd::Replay) => {
                self.replay = true;
                Err(Error::new(ErrorKind::Internal, format!("{name}: split decoding stopped; decoding again on one thread")))
            }
        }
    }
}

/// Feeds the accumulator and serves the caller's per-key hook, progress and cancellation.
struct Driver<'a, 'o> {
    acc: &'a mut Accumulator,
    run: &'a Run<'o>,
    keys_before: u64,
}

impl Visitor for Driver<'_, '_> {
    #[inline]
    fn on_key(&mut self, r: &KeyRecord<'_>) {
        self.acc.on_key(r);
        if let Some(f) = &self.run.options.on_key {
            f(r);
        }
    }
    fn on_aux(&mut self, k: &[u8], v: &[u8], len: u64) {
        self.acc.on_aux(k, v, len)
    }
    parallel::feed_accumulator!();
    fn checkpoint(&mut self, _offset: u64, keys: u64) -> bool {
        let o = self.run.options;
        if let Some(p) = &o.progress {
            p(Progress { bytes_read: self.run.counter.load(Ordering::Relaxed), total_bytes: self.run.total, keys: self.keys_before + keys });
        }
        !o.cancel.as_ref().is_some_and(|c| c.load(Ordering::Relaxed))
    }
}
