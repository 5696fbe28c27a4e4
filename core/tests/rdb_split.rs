//! One file split across threads gives exactly the single-threaded result: the same report
//! for every fixture and for a dump written by a real redis-server, and the same error
//! (message, byte offset, partial report) for broken input.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use dcskit::rdb::{analyze_bytes, AnalyzeOptions};

fn options(threads: usize, batch: usize) -> AnalyzeOptions {
    AnalyzeOptions {
        threads,
        split_min_bytes: 0,
        split_batch_bytes: batch,
        now_ms: Some(1_800_000_000_000),
        ..AnalyzeOptions::default()
    }
}

/// The report or the error (kind, message, offset, partial report) as one comparable value.
fn outcome(name: &str, data: &[u8], o: &AnalyzeOptions) -> serde_json::Value {
    match analyze_bytes(name, data, o) {
        Ok(r) => r.to_json(),
        Err(e) => serde_json::json!({"error": e.to_json(), "offset": e.offset(), "partial": e.partial_report().cloned()}),
    }
}

fn assert_split_matches(name: &str, data: &[u8], batches: &[usize]) {
    let whole = outcome(name, data, &options(1, 1 << 20));
    for &threads in &[2, 3] {
        for &batch in batches {
            // Good files must split without falling back to one thread.
            let no_replay = whole.get("error").is_none();
            let split = outcome(name, data, &AnalyzeOptions { split_no_replay: no_replay, ..options(threads, batch) });
            assert!(split == whole, "{name}: {threads} threads, batches of {batch} bytes differ from one thread");
        }
    }
}

fn fixtures_dir() -> Option<PathBuf> {
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

fn rdb_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rdb_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rdb") {
            out.push(p);
        }
    }
}

#[test]
fn every_fixture_splits_to_the_same_report_or_error() {
    let Some(dir) = fixtures_dir() else { return };
    let mut files = Vec::new();
    rdb_files(&dir, &mut files);
    files.sort();
    assert!(files.len() > 100, "expected the fixture set, found {} files", files.len());
    for f in &files {
        let data = std::fs::read(f).unwrap();
        let name = f.strip_prefix(&dir).unwrap().display().to_string();
        // Batches of 1 byte cut at every record boundary; 100 bytes mixes cuts and reads.
        assert_split_matches(&name, &data, &[1, 100]);
    }
}

#[test]
fn sample_and_its_damaged_copies_match() {
    let data = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/sample.rdb")).unwrap();
    assert_split_matches("sample.rdb", &data, &[1, 64, 4096]);
    // Truncations and flipped bytes: the same error at the same offset, the same partial report.
    let mut errors = 0;
    for i in (9..data.len()).step_by(97) {
        assert_split_matches("cut.rdb", &data[..i], &[1, 512]);
        let mut bad = data.clone();
        bad[i] ^= 0x5a;
        let whole = outcome("bad.rdb", &bad, &options(1, 1 << 20));
        errors += whole.get("error").is_some() as usize;
        assert_eq!(outcome("bad.rdb", &bad, &options(2, 256)), whole, "byte {i} flipped");
    }
    assert!(errors > 0, "flipping bytes should break the checksum at least");
}

// ---- a dump written by a real redis-server ----------------------------------------------------

struct Server {
    child: std::process::Child,
    dir: PathBuf,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn start_server() -> Option<Server> {
    if Command::new("redis-server").arg("--version").output().is_err() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("redis-server is required when CI=true (apt-get install redis-server)");
        }
        eprintln!("redis-server not installed: skipping");
        return None;
    }
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = std::env::temp_dir().join(format!("dcskit-split-test-{}-{port}", std::process::id()));
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

fn resp(args: &[Vec<u8>], out: &mut Vec<u8>) {
    out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}

/// Pipelines the commands and waits for every reply (none may be an error).
fn send_all(port: u16, cmds: &[Vec<Vec<u8>>]) {
    let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut r = BufReader::new(s.try_clone().unwrap());
    let mut w = s;
    let writer = {
        let mut buf = Vec::new();
        for c in cmds {
            resp(c, &mut buf);
        }
        std::thread::spawn(move || w.write_all(&buf).unwrap())
    };
    for _ in 0..cmds.len() {
        reply(&mut r);
    }
    writer.join().unwrap();
}

/// Reads one reply (arrays whole); none may be an error.
fn reply(r: &mut BufReader<TcpStream>) {
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    assert!(!line.starts_with('-'), "redis error: {line}");
    let n = line[1..].trim().parse::<i64>().unwrap_or(0);
    match line.as_bytes()[0] {
        b'$' if n >= 0 => {
            let mut skip = vec![0u8; n as usize + 2];
            std::io::Read::read_exact(r, &mut skip).unwrap();
        }
        b'*' => (0..n).for_each(|_| reply(r)),
        _ => {}
    }
}

fn b(s: impl AsRef<[u8]>) -> Vec<u8> {
    s.as_ref().to_vec()
}

#[test]
fn real_redis_dump_splits_to_the_same_report() {
    let Some(server) = start_server() else { return };
    let mut cmds: Vec<Vec<Vec<u8>>> = Vec::new();
    for db in 0..3u32 {
        cmds.push(vec![b("SELECT"), b(db.to_string())]);
        for i in 0..4000u32 {
            cmds.push(vec![b("SET"), b(format!("str:{db}:{i}")), b(format!("{}", i * 7919))]);
            cmds.push(vec![b("SET"), b(format!("txt:{i}:{db}")), b("compressible-".repeat(1 + i as usize % 40))]);
            if i % 10 == 0 {
                cmds.push(vec![b("PEXPIREAT"), b(format!("str:{db}:{i}")), b((1_800_000_000_000u64 + i as u64 * 1000).to_string())]);
            }
        }
        for i in 0..300u32 {
            let n = if i % 50 == 0 { 700 } else { 3 + i % 20 };
            let mut h = vec![b("HSET"), b(format!("user:{i}:h"))];
            let mut l = vec![b("RPUSH"), b(format!("list:{i}"))];
            let mut st = vec![b("SADD"), b(format!("set:{i}"))];
            let mut z = vec![b("ZADD"), b(format!("zset:{i}"))];
            for j in 0..n {
                h.extend([b(format!("f{j}")), b(format!("value-{j}"))]);
                l.push(b(format!("item-{j}")));
                st.push(if i % 2 == 0 { b(j.to_string()) } else { b(format!("m{j}")) });
                z.extend([b((j * 3).to_string()), b(format!("z{j}"))]);
            }
            cmds.extend([h, l, st, z]);
        }
        for i in 0..20u32 {
            for j in 0..30u32 {
                cmds.push(vec![b("XADD"), b(format!("stream:{i}")), b("*"), b("k"), b(j.to_string())]);
            }
            cmds.push(vec![b("XGROUP"), b("CREATE"), b(format!("stream:{i}")), b("g"), b("0")]);
            cmds.push(vec![b("XREADGROUP"), b("GROUP"), b("g"), b("c"), b("COUNT"), b("5"), b("STREAMS"), b(format!("stream:{i}")), b(">")]);
        }
        cmds.push(vec![b("SET"), b(b"bin:\xff\x00key"), b("x".repeat(100_000))]);
    }
    cmds.push(vec![b("SAVE")]);
    send_all(server.port, &cmds);
    let data = std::fs::read(server.dir.join("dump.rdb")).unwrap();
    assert!(data.len() > 500_000, "dump is {} bytes", data.len());
    let whole = outcome("dump.rdb", &data, &options(1, 1 << 20));
    assert_eq!(whole["total_num"].as_u64().unwrap(), 3 * (8000 + 1200 + 20 + 1));
    assert_split_matches("dump.rdb", &data, &[1, 1000, 64 << 10]);
    // The default settings split it too (a file above the size threshold).
    let big = AnalyzeOptions { threads: 2, split_min_bytes: 1, now_ms: Some(1_800_000_000_000), ..AnalyzeOptions::default() };
    assert_eq!(outcome("dump.rdb", &data, &big), whole);
    // A local file is mapped and split the same way.
    let path = server.dir.join("copy.rdb");
    std::fs::write(&path, &data).unwrap();
    let p = path.to_str().unwrap().to_string();
    let from_file = |o: AnalyzeOptions| {
        let p = p.clone();
        dcskit::runtime::block_on(async move { dcskit::rdb::analyze(&p, o).await }).unwrap().unwrap().to_json()
    };
    let mut want = whole.clone();
    want["files"][0]["name"] = p.clone().into();
    assert_eq!(from_file(AnalyzeOptions { split_no_replay: true, ..options(2, 1 << 16) }), want);
    assert_eq!(from_file(options(1, 1 << 16)), want);
    // Damage in the middle: the same error, offset and partial report.
    for at in [data.len() / 3, data.len() / 2, data.len() - 20] {
        assert_split_matches("cut.rdb", &data[..at], &[4096]);
        let mut bad = data.clone();
        bad[at] = 0xf7;
        assert_split_matches("bad.rdb", &bad, &[4096]);
    }
}
