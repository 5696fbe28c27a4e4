//! What the emulator remembers: instances and everything hanging off them. Kept as JSON
//! objects in the service's own field names, so answers are the state itself; saved to the
//! `--state` file atomically (temp file, fsync, rename).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, Result};

pub type Object = Map<String, Value>;

/// A status change that happens by itself later (CREATING → RUNNING, ...).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    pub status: String,
    pub at_ms: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Instance {
    /// The `ShowInstance` view.
    pub info: Object,
    pub pending: Option<Pending>,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub tags: Vec<Value>,
    /// `redis_config` entries.
    #[serde(default)]
    pub configs: Vec<Value>,
    #[serde(default)]
    pub whitelist: Option<Value>,
    #[serde(default)]
    pub accounts: Vec<Value>,
    /// How many keys the seeded dataset holds.
    pub keys: usize,
}

impl Instance {
    pub fn id(&self) -> &str {
        self.info.get("instance_id").and_then(Value::as_str).unwrap_or("")
    }
    pub fn status(&self) -> &str {
        self.info.get("status").and_then(Value::as_str).unwrap_or("")
    }
    pub fn set(&mut self, field: &str, v: impl Into<Value>) {
        self.info.insert(field.to_string(), v.into());
    }
    /// Applies a due status change.
    pub fn settle(&mut self, now: u64) {
        if let Some(p) = &self.pending {
            if p.at_ms <= now {
                let status = p.status.clone();
                self.pending = None;
                self.set("status", status);
                self.set("update_at", iso_time(now));
            }
        }
    }
}

/// A backup record plus where its file is.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Backup {
    /// The `BackupRecordResponse` view.
    pub info: Object,
    pub instance_id: String,
    pub file: PathBuf,
    pub ready_at_ms: u64,
    /// Secret part of the download links (links work without signing, like pre-signed URLs).
    pub link_token: String,
}

impl Backup {
    pub fn settle(&mut self, now: u64) {
        if self.ready_at_ms <= now && self.info.get("status").and_then(Value::as_str) == Some("backuping") {
            self.info.insert("status".into(), "succeed".into());
            self.info.insert("progress".into(), "100.00".into());
            self.info.insert("updated_at".into(), iso_time(now).into());
        }
    }
}

/// An analysis or scan task (offline key analysis, big keys, hot keys): waiting → running → success.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Task {
    pub info: Object,
    pub instance_id: String,
    /// Times at which it starts running and finishes.
    pub start_at_ms: u64,
    pub finish_at_ms: u64,
    /// The result fields merged into the task when it finishes (the report).
    #[serde(default)]
    pub result: Option<Object>,
    /// Set when producing the result failed.
    #[serde(default)]
    pub failure: Option<String>,
}

impl Task {
    pub fn settle(&mut self, now: u64) {
        let status = self.info.get("status").and_then(Value::as_str).unwrap_or("").to_string();
        if status == "waiting" && now >= self.start_at_ms {
            self.info.insert("status".into(), "running".into());
            self.info.insert("started_at".into(), iso_time(self.start_at_ms).into());
        }
        let status = self.info.get("status").and_then(Value::as_str).unwrap_or("").to_string();
        if status == "running" && now >= self.finish_at_ms {
            if let Some(reason) = &self.failure {
                self.info.insert("status".into(), "failed".into());
                self.info.insert("error_msg".into(), reason.clone().into());
                self.info.insert("finished_at".into(), iso_time(now).into());
            } else if let Some(result) = &self.result {
                for (k, v) in result {
                    self.info.insert(k.clone(), v.clone());
                }
                self.info.insert("status".into(), "success".into());
                self.info.insert("finished_at".into(), iso_time(now).into());
            }
            // Without a result yet (the analyzer still runs), it stays running.
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct State {
    #[serde(default)]
    pub instances: BTreeMap<String, Instance>,
    #[serde(default)]
    pub backups: BTreeMap<String, Backup>,
    #[serde(default)]
    pub restores: BTreeMap<String, Object>,
    #[serde(default)]
    pub offline_tasks: BTreeMap<String, Task>,
    #[serde(default)]
    pub bigkey_tasks: BTreeMap<String, Task>,
    #[serde(default)]
    pub hotkey_tasks: BTreeMap<String, Task>,
    /// Background tasks (`ListBackgroundTask`) per instance.
    #[serde(default)]
    pub background_tasks: BTreeMap<String, Object>,
    /// Monotonic counter for ordering records created in the same millisecond.
    #[serde(default)]
    pub sequence: u64,
}

impl State {
    pub fn settle(&mut self, now: u64) {
        self.instances.values_mut().for_each(|i| i.settle(now));
        self.backups.values_mut().for_each(|b| b.settle(now));
        for t in self.offline_tasks.values_mut().chain(self.bigkey_tasks.values_mut()).chain(self.hotkey_tasks.values_mut()) {
            t.settle(now);
        }
    }

    pub fn next_sequence(&mut self) -> u64 {
        self.sequence += 1;
        self.sequence
    }

    pub fn load(path: &Path) -> Result<State> {
        match std::fs::read(path) {
            Ok(bytes) if bytes.is_empty() => Ok(State::default()),
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                Error::invalid_input("state", format!("{}: not a dcskit mock state file ({e})", path.display()))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
            Err(e) => Err(Error::new(ErrorKind::Io, format!("reading {}: {e}", path.display())).with_source(e)),
        }
    }
}

/// Writes `bytes` to `path` so that a crash leaves either the old or the new file, never a
/// mix: a temp file in the same directory, fsynced, renamed over the target.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "state".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    // The rename itself is durable once the directory is synced.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// `2026-11-22T10:47:35.123Z`
pub fn iso_time(ms: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(ms / 1000);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:03}Z", ms % 1000)
}

/// `20261122104735` (the backup name format).
pub fn compact_time(ms: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(ms / 1000);
    format!("{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}")
}

/// Parses `2026-11-22T10:47:35Z` / `...35.123Z` / `20261122T104735Z` into Unix milliseconds.
pub fn parse_time(text: &str) -> Option<u64> {
    let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.len() < 14 {
        return None;
    }
    let n = |a: usize, b: usize| digits[a..b].parse::<i64>().ok();
    let (y, mo, d, h, mi, s) = (n(0, 4)?, n(4, 6)?, n(6, 8)?, n(8, 10)?, n(10, 12)?, n(12, 14)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(y, mo as u32, d as u32);
    let secs = days * 86_400 + h * 3600 + mi * 60 + s;
    u64::try_from(secs).ok().map(|s| s * 1000)
}

fn civil(secs: u64) -> (i64, u32, u32, u64, u64, u64) {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d, rem / 3600, rem % 3600 / 60, rem % 60)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A random UUID-shaped id, as the service uses.
pub fn new_id() -> String {
    let b: [u8; 16] = rand::random();
    let h = hex::encode(b);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_round_trip() {
        let ms = 1_795_000_000_123;
        let iso = iso_time(ms);
        assert_eq!(parse_time(&iso), Some(ms - 123));
        assert_eq!(iso_time(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(parse_time("20240229T120000Z"), parse_time("2024-02-29T12:00:00Z"));
        assert_eq!(parse_time("garbage"), None);
    }

    #[test]
    fn atomic_write_replaces_whole_file() {
        let dir = std::env::temp_dir().join(format!("dcskit-state-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("s.json");
        write_atomically(&p, b"{\"a\":1}").unwrap();
        write_atomically(&p, b"{}").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"{}");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1, "no temp file left behind");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
