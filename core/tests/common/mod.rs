//! What several integration tests share: the RDB fixture set and a throwaway redis-server.
#![allow(dead_code)] // each test binary uses its own subset

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The shared RDB fixtures (`$DCSKIT_FIXTURES` or ../shared/fixtures/rdb); None (skip) when
/// they are absent, a failure when they are absent and CI=true.
pub fn fixtures_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("DCSKIT_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/rdb"));
    if dir.join("MANIFEST.tsv").is_file() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("RDB fixtures missing at {} (required when CI=true)", dir.display());
    }
    eprintln!("RDB fixtures absent at {}: skipping", dir.display());
    None
}

/// Every `.rdb` file under `dir`, sorted.
pub fn rdb_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rdb") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, &mut files);
    files.sort();
    files
}

/// A redis-server on a free 127.0.0.1 port with its own directory; killed and removed on drop.
pub struct Server {
    child: Child,
    pub dir: PathBuf,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Starts Debian's redis-server (no persistence but SAVE); None (skip) when it is not
/// installed, a failure when it is missing and CI=true. `tag` names its directory.
pub fn start_redis(tag: &str) -> Option<Server> {
    if Command::new("redis-server").arg("--version").output().is_err() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("redis-server is required when CI=true (apt-get install redis-server)");
        }
        eprintln!("redis-server not installed: skipping the real-server test");
        return None;
    }
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = std::env::temp_dir().join(format!("dcskit-{tag}-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let child = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        .arg("--dir")
        .arg(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server { child, dir, port };
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "redis-server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Some(server)
}

/// A v11 RDB file: header, the given records, EOF and a correct CRC.
pub fn rdb_v11(records: &[u8]) -> Vec<u8> {
    let mut v = b"REDIS0011".to_vec();
    v.extend_from_slice(records);
    v.push(0xff);
    let crc = dcskit::rdb::crc64::update(0, &v);
    v.extend_from_slice(&crc.to_le_bytes());
    v
}
