//! Loads a data set covering every type and encoding into a real redis-server (Debian's
//! package), saves it, analyses the dump and checks the report against what was loaded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

use dcskit::rdb::{analyze_bytes, AnalyzeOptions};

mod common;

/// A minimal RESP client: sends commands, reads one reply each.
struct Resp {
    w: TcpStream,
    r: BufReader<TcpStream>,
}

impl Resp {
    fn connect(port: u16) -> Resp {
        let s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        Resp { r: BufReader::new(s.try_clone().unwrap()), w: s }
    }

    fn cmd(&mut self, args: &[&[u8]]) -> String {
        let mut buf = format!("*{}\r\n", args.len()).into_bytes();
        for a in args {
            buf.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            buf.extend_from_slice(a);
            buf.extend_from_slice(b"\r\n");
        }
        self.w.write_all(&buf).unwrap();
        self.reply()
    }

    fn reply(&mut self) -> String {
        let mut line = String::new();
        self.r.read_line(&mut line).unwrap();
        let line = line.trim_end().to_string();
        match line.as_bytes().first() {
            Some(b'-') => panic!("redis error: {line}"),
            Some(b'$') => {
                let n: i64 = line[1..].parse().unwrap();
                if n < 0 {
                    return String::new();
                }
                let mut data = vec![0u8; n as usize + 2];
                self.r.read_exact(&mut data).unwrap();
                String::from_utf8_lossy(&data[..n as usize]).into_owned()
            }
            Some(b'*') => {
                let n: i64 = line[1..].parse().unwrap();
                for _ in 0..n.max(0) {
                    self.reply();
                }
                line
            }
            _ => line,
        }
    }

    fn run(&mut self, args: &[&str]) -> String {
        let v: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        self.cmd(&v)
    }

    /// One command with generated arguments.
    fn many(&mut self, head: &[&str], tail: Vec<String>) {
        let mut v: Vec<&[u8]> = head.iter().map(|a| a.as_bytes()).collect();
        v.extend(tail.iter().map(|a| a.as_bytes()));
        self.cmd(&v);
    }
}

#[test]
fn report_matches_what_redis_server_saved() {
    let Some(server) = common::start_redis("rdb-test") else { return };
    let mut c = Resp::connect(server.port);
    let expire_at: i64 = 4_102_444_800_000; // 2100-01-01
    // Strings: small, int, LZF-compressible, incompressible, binary name.
    c.run(&["SET", "str:small", "hello"]);
    c.run(&["SET", "str:int", "1234567"]);
    c.run(&["SET", "str:lzf", &"abc".repeat(2000)]);
    let noise: String = (0..5000u32).map(|i| char::from(b'a' + ((i * 7919 + i / 3) % 26) as u8)).collect();
    c.run(&["SET", "str:noise", &noise]);
    c.cmd(&[b"SET", b"bin:\xff\x00key", b"v"]);
    c.run(&["PEXPIREAT", "str:small", &expire_at.to_string()]);
    c.run(&["PEXPIRE", "str:int", "600000"]);
    // Lists: one small listpack node, a long multi-node quicklist.
    c.many(&["RPUSH", "list:small"], (0..5).map(|i| format!("e{i}")).collect());
    c.many(&["RPUSH", "list:big"], (0..20_000).map(|i| format!("element-{i}")).collect());
    // Sets: intset, listpack (7.2+; hashtable on 7.0), hashtable.
    c.many(&["SADD", "set:ints"], (0..50).map(|i| (i * 1000).to_string()).collect());
    c.many(&["SADD", "set:small"], (0..5).map(|i| format!("m{i}")).collect());
    c.many(&["SADD", "set:big"], (0..1000).map(|i| format!("member-{i}")).collect());
    // Sorted sets: listpack, skiplist.
    c.many(&["ZADD", "zset:small"], (0..5).flat_map(|i| [i.to_string(), format!("z{i}")]).collect());
    c.many(&["ZADD", "zset:big"], (0..500).flat_map(|i| [format!("{i}.5"), format!("player-{i}")]).collect());
    // Hashes: listpack, hashtable by count, hashtable by value size.
    c.many(&["HSET", "hash:small"], (0..5).flat_map(|i| [format!("f{i}"), format!("v{i}")]).collect());
    c.many(&["HSET", "hash:big"], (0..1000).flat_map(|i| [format!("field-{i}"), format!("value-{i}")]).collect());
    c.run(&["HSET", "hash:wide", "f", &"w".repeat(200)]);
    // Stream with a consumer group and a pending entry.
    for i in 0..100 {
        c.run(&["XADD", "stream:events", "*", "n", &i.to_string()]);
    }
    c.run(&["XGROUP", "CREATE", "stream:events", "g1", "0"]);
    c.run(&["XREADGROUP", "GROUP", "g1", "alice", "COUNT", "3", "STREAMS", "stream:events", ">"]);
    // Other databases.
    c.run(&["SELECT", "3"]);
    c.run(&["SET", "db3:a", "1"]);
    c.run(&["SET", "db3:b", "2"]);
    c.run(&["SELECT", "5"]);
    c.many(&["RPUSH", "db5:list"], (0..3).map(|i| i.to_string()).collect());
    assert_eq!(c.run(&["SAVE"]), "+OK");

    let data = std::fs::read(server.dir.join("dump.rdb")).unwrap();
    let now = 1_700_000_000_000;
    let opts = AnalyzeOptions { top: 1000, now_ms: Some(now), detail: true, ..Default::default() };
    let r = analyze_bytes("dump.rdb", &data, &opts).unwrap().to_json();

    let num = |t: &str| r["type_num"].as_array().unwrap().iter().find(|x| x["type"] == t).map(|x| x["num"].as_u64().unwrap()).unwrap_or(0);
    assert_eq!(num("string"), 5 + 2);
    assert_eq!(num("list"), 3);
    assert_eq!(num("set"), 3);
    assert_eq!(num("zset"), 2);
    assert_eq!(num("hash"), 3);
    assert_eq!(num("stream"), 1);
    assert_eq!(r["total_num"], 19);
    assert_eq!(r["files"][0]["checksum"], "verified");

    let keys = r["largest_keys"].as_array().unwrap();
    let find = |k: &str| keys.iter().find(|x| x["key"] == k).unwrap_or_else(|| panic!("key {k} missing"));
    let elems = [
        ("str:small", 5),
        ("str:int", 7),
        ("str:lzf", 6000),
        ("str:noise", 5000),
        ("list:small", 5),
        ("list:big", 20_000),
        ("set:ints", 50),
        ("set:small", 5),
        ("set:big", 1000),
        ("zset:small", 5),
        ("zset:big", 500),
        ("hash:small", 5),
        ("hash:big", 1000),
        ("hash:wide", 1),
        ("stream:events", 100),
        ("db5:list", 3),
    ];
    for (k, n) in elems {
        assert_eq!(find(k)["num_of_elem"], n, "{k}");
    }
    assert_eq!(find("db3:a")["db"], 3);
    assert_eq!(find("db5:list")["db"], 5);
    // The binary key name survives exactly.
    let bin = keys.iter().find(|x| x["key_hex"] == "62696e3aff006b6579").expect("binary key");
    assert_eq!(bin["key_escaped"], true);
    // TTLs: absolute expiry as set; one key relative to now.
    assert_eq!(find("str:small")["expire_at_ms"], expire_at);
    assert!(find("str:int")["expire_at_ms"].as_i64().unwrap() > now);
    assert_eq!(r["expiry"]["keys_with_ttl"], 2);
    assert_eq!(r["expiry"]["expired"], 0);
    // Top-N: largest first, the big collections lead.
    let bytes: Vec<u64> = keys.iter().map(|k| k["bytes"].as_u64().unwrap()).collect();
    assert!(bytes.windows(2).all(|w| w[0] >= w[1]), "not sorted: {bytes:?}");
    let top5: Vec<&str> = keys.iter().take(5).map(|k| k["key"].as_str().unwrap()).collect();
    for k in ["list:big", "hash:big", "set:big", "zset:big"] {
        assert!(top5.contains(&k), "{k} not in top 5: {top5:?}");
    }
    // Databases and encodings.
    let dbs: Vec<u64> = r["databases"].as_array().unwrap().iter().map(|d| d["db"].as_u64().unwrap()).collect();
    assert_eq!(dbs, vec![0, 3, 5]);
    let encs: Vec<String> = r["encodings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{}/{}", e["type"].as_str().unwrap(), e["encoding"].as_str().unwrap()))
        .collect();
    for e in ["set/intset", "set/hashtable", "zset/listpack", "zset/skiplist", "hash/listpack", "hash/hashtable", "list/quicklist2", "string/int", "string/raw", "string/embstr"] {
        assert!(encs.contains(&e.to_string()), "{e} missing from {encs:?}");
    }
    // Prefix table: `str:` holds the 4 string keys of db 0 with that prefix.
    let p = r["largest_key_prefixes"].as_array().unwrap();
    let strp = p.iter().find(|x| x["key_prefix"] == "str:" && x["type"] == "string").unwrap();
    assert_eq!(strp["num"], 4);

    // Truncating the real dump anywhere gives an error with an offset inside the file.
    for cut in (0..data.len()).step_by(data.len() / 200 + 1) {
        let e = analyze_bytes("cut", &data[..cut], &AnalyzeOptions::default()).unwrap_err();
        assert!(e.offset().unwrap() <= cut as u64, "cut {cut}: {e}");
    }
}
