//! `dcskit analyze`: the offline key analysis of RDB backups (files, stdin, .gz, tar, URLs).
//! With no INPUT it analyzes the small sample dump bundled in the binary.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use dcskit::rdb::{self, escape::escape_text, AnalyzeOptions, KeyRecord, Report, SizeMetric};
use serde_json::Value;

/// The dump `scripts/make-sample-rdb.sh` made with a real redis-server.
const SAMPLE: &[u8] = include_bytes!("../../../assets/sample.rdb");

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    /// One self-contained page with charts (no network fetches).
    Html,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Metric {
    Memory,
    Serialized,
}

#[derive(clap::Args)]
pub struct Args {
    /// RDB files, `-` for stdin, .gz, tar archives or http(s) URLs (default: a bundled sample).
    inputs: Vec<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// How many of the largest keys to report.
    #[arg(long, default_value_t = 100)]
    top: usize,
    /// How many key prefixes to report per type.
    #[arg(long, default_value_t = 50)]
    prefix_top: usize,
    /// Characters that end a key prefix.
    #[arg(long, default_value = ":")]
    delimiters: String,
    /// Prefix levels counted per key ("a:b:c" with 2: "a:" and "a:b:").
    #[arg(long, default_value_t = 1)]
    prefix_depth: usize,
    /// What `bytes` means: estimated memory or bytes in the file.
    #[arg(long, value_enum, default_value = "memory")]
    metric: Metric,
    /// "Now" for TTL statistics, Unix milliseconds (default: the current time).
    #[arg(long)]
    now_ms: Option<i64>,
    /// Fail on trailing bytes after the end of an RDB file.
    #[arg(long)]
    strict: bool,
    /// Skip the CRC-64 check.
    #[arg(long)]
    no_checksum: bool,
    /// Server whose `MEMORY USAGE` the memory estimate models: redis-7 (7.0), redis-7.2,
    /// redis-8 or valkey-8.
    #[arg(long, default_value = "redis-7", value_parser = |s: &str| s.parse::<rdb::memory_model::Target>().map_err(|e| e.to_string()))]
    memory_target: rdb::memory_model::Target,
    /// Decoding threads for one large file (default: all cores; 1 decodes on one thread).
    /// The report is the same either way.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// Read files with plain reads instead of a memory map (slower; for a file that may be
    /// truncated while it is analysed). Turns splitting across threads off.
    #[arg(long)]
    no_mmap: bool,
    /// INPUTs are JSON reports (from `--format json`) to combine into the report one run over
    /// all their files would give (exact: the reports carry a `merge_state`).
    #[arg(long, conflicts_with = "instance")]
    merge: bool,
    /// Leave `merge_state` out of `--format json` output (smaller, but not mergeable).
    #[arg(long)]
    no_merge_state: bool,
    /// Write the output here instead of stdout.
    #[arg(long, short)]
    out: Option<std::path::PathBuf>,
    /// Analyze a cloud backup of this instance instead of INPUTs: its download links
    /// (ListBackupFileLinks) streamed through the analyzer, every shard, merged.
    #[arg(long, value_name = "ID", conflicts_with = "inputs")]
    instance: Option<String>,
    /// The backup to analyze (default: the instance's latest successful backup).
    #[arg(long, value_name = "ID", requires = "instance")]
    backup: Option<String>,
    /// Endpoint URL for --instance (wins over --region).
    #[arg(long, value_name = "URL", env = "DCSKIT_ENDPOINT", requires = "instance")]
    endpoint: Option<String>,
    /// Region for --instance.
    #[arg(long, value_name = "R", env = "DCSKIT_REGION", requires = "instance")]
    region: Option<String>,
    /// Project id for --instance (default: CLOUD_SDK_PROJECT_ID).
    #[arg(long, value_name = "P", requires = "instance")]
    project_id: Option<String>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.merge && (args.inputs.is_empty() || args.format == Format::Csv) {
        anyhow::bail!("--merge needs JSON reports as INPUTs and --format table, json or html");
    }
    let mut out: Box<dyn Write + Send> = match &args.out {
        Some(p) => Box::new(std::io::BufWriter::new(std::fs::File::create(p)?)),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    let mut csv: Option<Arc<Mutex<Box<dyn Write + Send>>>> = None;
    if args.format == Format::Csv {
        writeln!(out, "database,type,key,size_in_bytes,encoding,num_elements,len_largest_element,expiry")?;
        csv = Some(Arc::new(Mutex::new(std::mem::replace(&mut out, Box::new(std::io::sink())))));
    }
    let metric = match args.metric {
        Metric::Memory => SizeMetric::Memory,
        Metric::Serialized => SizeMetric::Serialized,
    };
    let bar = progress_bar();
    let mut options = AnalyzeOptions {
        top: args.top,
        prefix_top: args.prefix_top,
        delimiters: args.delimiters.clone(),
        prefix_depth: args.prefix_depth,
        now_ms: args.now_ms,
        size_metric: metric,
        strict: args.strict,
        verify_checksum: !args.no_checksum,
        memory_target: args.memory_target,
        detail: csv.is_some(),
        in_place: !args.no_mmap,
        ..AnalyzeOptions::default()
    };
    if let Some(n) = args.threads {
        options.threads = n as usize;
    }
    if let Some(bar) = &bar {
        let bar = bar.clone();
        options.progress = Some(Arc::new(move |p: rdb::Progress| {
            if let Some(t) = p.total_bytes {
                bar.set_length(t);
            }
            bar.set_position(p.bytes_read);
            bar.set_message(format!("{} keys", p.keys));
        }));
    }
    if let Some(w) = &csv {
        let w = w.clone();
        options.on_key = Some(Arc::new(move |r: &KeyRecord<'_>| {
            if let Ok(mut w) = w.lock() {
                let _ = write_csv_row(&mut **w, r, metric);
            }
        }));
    }
    let mut inputs = args.inputs.clone();
    let mut reports: Vec<Report> = Vec::new();
    let mut failure: Option<dcskit::Error> = None;
    if args.merge {
        match read_reports(&std::mem::take(&mut inputs)).and_then(|parts| rdb::merge_json_reports(&parts)) {
            Ok(r) => reports.push(r),
            Err(e) => failure = Some(e),
        }
    } else if let Some(instance) = args.instance.clone() {
        let config = dcskit::Config { endpoint: args.endpoint.clone(), region: args.region.clone(), project_id: args.project_id.clone(), ..Default::default() };
        let (o, backup) = (options.clone(), args.backup.clone());
        match dcskit::runtime::block_on(async move { dcskit::cloud::analyze_instance_with(config, &instance, backup.as_deref(), o).await }) {
            Ok(Ok(a)) => reports.extend(a.shards.into_iter().map(|s| s.report)),
            Ok(Err(e)) | Err(e) => failure = Some(e),
        }
    } else if inputs.is_empty() {
        match rdb::analyze_bytes("sample.rdb (bundled)", SAMPLE, &options) {
            Ok(r) => reports.push(r),
            Err(e) => failure = Some(e),
        }
    }
    if !inputs.is_empty() {
        // All inputs at once (one blocking thread each), results in input order.
        let o = options.clone();
        let results = dcskit::runtime::block_on(async move { rdb::analyze_many(&inputs, o).await })
            .unwrap_or_else(|e| vec![Err(e)]);
        for result in results {
            match result {
                Ok(r) => reports.push(r),
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
    }
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    if let Some(w) = csv {
        let mut w = w.lock().map_err(|_| anyhow::anyhow!("CSV writer poisoned"))?;
        w.flush()?;
    } else {
        let merged = rdb::merge_reports(&reports);
        let json = match (&merged, &failure) {
            (Some(r), None) if args.format == Format::Json && !args.no_merge_state => Some(r.to_json_with_state()),
            (Some(r), None) => Some(r.to_json()),
            (_, Some(e)) => e.partial_report().cloned().map(|mut p| {
                p["error"] = e.to_json();
                p
            }),
            (None, None) => None,
        };
        if let Some(json) = json {
            match args.format {
                Format::Json => {
                    serde_json::to_writer_pretty(&mut out, &json)?;
                    writeln!(out)?;
                }
                Format::Html => {
                    let mut page = json.clone();
                    if reports.len() > 1 {
                        page["shards"] = reports.iter().map(shard_summary).collect();
                    }
                    out.write_all(dcskit::report_html::render(&page).as_bytes())?;
                }
                _ => write_table(&mut out, &json)?,
            }
        }
        out.flush()?;
    }
    if let Some(e) = failure {
        eprintln!("dcskit analyze: {e}");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads JSON reports for `--merge`; errors name the file.
fn read_reports(paths: &[String]) -> dcskit::Result<Vec<(String, Value)>> {
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read(p).map_err(|e| dcskit::Error::invalid_input("input", format!("{p}: cannot read: {e}")))?;
            let json: Value = serde_json::from_slice(&text)
                .map_err(|e| dcskit::Error::invalid_input("input", format!("{p}: not a JSON report ({e}); --merge combines reports written by `dcskit analyze --format json`")))?;
            Ok((p.clone(), json))
        })
        .collect()
}

/// One shard's line in the HTML report's per-shard table.
fn shard_summary(report: &Report) -> serde_json::Value {
    let j = report.to_json();
    let name = j["files"].as_array().and_then(|f| f.first()).map(|f| f["name"].clone()).unwrap_or_default();
    serde_json::json!({"name": name, "total_num": j["total_num"], "total_bytes": j["total_bytes"]})
}

fn progress_bar() -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::with_draw_target(Some(0), indicatif::ProgressDrawTarget::stderr());
    let style = indicatif::ProgressStyle::with_template(
        "{bar:30} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    Some(bar)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn write_csv_row(w: &mut dyn Write, r: &KeyRecord<'_>, metric: SizeMetric) -> std::io::Result<()> {
    let size = match metric {
        SizeMetric::Memory => r.memory,
        SizeMetric::Serialized => r.serialized,
    };
    let expiry = r.expire_ms.map(iso8601).unwrap_or_default();
    writeln!(
        w,
        "{},{},{},{},{},{},{},{}",
        r.db,
        r.kind.name(),
        csv_field(&escape_text(r.key)),
        size,
        r.encoding.name(),
        r.elements,
        r.largest_element,
        expiry
    )
}

/// Unix milliseconds as `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC).
fn iso8601(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, sod) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60,
        ms.rem_euclid(1000)
    )
}

fn human(bytes: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = bytes as f64;
    let mut i = 0;
    while v >= 1024.0 && i < units.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", units[i])
    }
}

fn write_table(w: &mut dyn Write, r: &Value) -> std::io::Result<()> {
    let u = |v: &Value| v.as_u64().unwrap_or(0);
    let metric = r["size_metric"].as_str().unwrap_or("memory");
    writeln!(w, "Keys: {}   Size ({metric}): {}   Serialized: {}", u(&r["total_num"]), human(u(&r["total_bytes"])), human(u(&r["total_serialized_bytes"])))?;
    for f in r["files"].as_array().into_iter().flatten() {
        writeln!(
            w,
            "File: {}  {}{:04}  checksum {}  {} keys",
            f["name"].as_str().unwrap_or("?"),
            f["magic"].as_str().unwrap_or("?"),
            u(&f["rdb_version"]),
            f["checksum"].as_str().unwrap_or("?"),
            u(&f["keys"])
        )?;
    }
    writeln!(w, "\n{:<8} {:>12} {:>12} {:>10} {:>10}", "TYPE", "KEYS", "BYTES", "ELEM p50", "ELEM max")?;
    for t in r["type_stats"].as_array().into_iter().flatten() {
        writeln!(
            w,
            "{:<8} {:>12} {:>12} {:>10} {:>10}",
            t["type"].as_str().unwrap_or("?"),
            u(&t["num"]),
            human(u(&t["bytes"])),
            u(&t["elements"]["p50"]),
            u(&t["elements"]["max"])
        )?;
    }
    let e = &r["expiry"];
    writeln!(w, "\nTTL: {} keys with a TTL, {} already expired, {} without", u(&e["keys_with_ttl"]), u(&e["expired"]), u(&e["no_ttl"]))?;
    for d in r["databases"].as_array().into_iter().flatten() {
        writeln!(w, "db{}: {} keys, {}", u(&d["db"]), u(&d["keys"]), human(u(&d["bytes"])))?;
    }
    writeln!(w, "\nLargest keys:")?;
    writeln!(w, "{:>12} {:<7} {:>10}  KEY", "BYTES", "TYPE", "ELEMENTS")?;
    for k in r["largest_keys"].as_array().into_iter().flatten().take(20) {
        writeln!(w, "{:>12} {:<7} {:>10}  {}", human(u(&k["bytes"])), k["type"].as_str().unwrap_or("?"), u(&k["num_of_elem"]), k["key"].as_str().unwrap_or(""))?;
    }
    writeln!(w, "\nLargest key prefixes:")?;
    writeln!(w, "{:>12} {:<7} {:>10}  PREFIX", "BYTES", "TYPE", "KEYS")?;
    let mut prefixes: Vec<&Value> = r["largest_key_prefixes"].as_array().into_iter().flatten().collect();
    prefixes.sort_by_key(|p| std::cmp::Reverse(u(&p["bytes"])));
    for p in prefixes.into_iter().take(20) {
        writeln!(w, "{:>12} {:<7} {:>10}  {}", human(u(&p["bytes"])), p["type"].as_str().unwrap_or("?"), u(&p["num"]), p["key_prefix"].as_str().unwrap_or(""))?;
    }
    for warn in r["warnings"].as_array().into_iter().flatten() {
        writeln!(w, "warning: {}", warn.as_str().unwrap_or(""))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn iso_dates() {
        assert_eq!(super::iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(super::iso8601(951_782_400_123), "2000-02-29T00:00:00.123Z");
        assert_eq!(super::csv_field("a,b"), "\"a,b\"");
    }
}
