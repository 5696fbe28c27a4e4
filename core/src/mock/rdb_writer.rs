//! A small RDB (version 11) writer for the emulator's backups: strings, lists, sets, hashes
//! and sorted sets with optional TTLs, in the plain encodings every loader accepts, closed by
//! the CRC-64 (Jones polynomial, as Redis computes it).

/// One value of the dataset.
#[derive(Debug, Clone, PartialEq)]
pub enum RdbValue {
    String(Vec<u8>),
    List(Vec<Vec<u8>>),
    Set(Vec<Vec<u8>>),
    Hash(Vec<(Vec<u8>, Vec<u8>)>),
    ZSet(Vec<(Vec<u8>, f64)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RdbEntry {
    pub key: Vec<u8>,
    pub value: RdbValue,
    /// Absolute expiry, Unix milliseconds.
    pub expire_at_ms: Option<u64>,
}

const TYPE_STRING: u8 = 0;
const TYPE_LIST: u8 = 1;
const TYPE_SET: u8 = 2;
const TYPE_HASH: u8 = 4;
const TYPE_ZSET_2: u8 = 5;
const OP_AUX: u8 = 0xFA;
const OP_RESIZEDB: u8 = 0xFB;
const OP_EXPIRETIME_MS: u8 = 0xFC;
const OP_SELECTDB: u8 = 0xFE;
const OP_EOF: u8 = 0xFF;

/// Serializes `entries` (database 0) into a complete RDB file.
pub fn write_rdb(entries: &[RdbEntry], ctime_secs: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    out.extend_from_slice(b"REDIS0011");
    aux(&mut out, b"redis-ver", b"7.2.4");
    aux(&mut out, b"redis-bits", b"64");
    aux(&mut out, b"ctime", ctime_secs.to_string().as_bytes());
    aux(&mut out, b"used-mem", b"1048576");
    aux(&mut out, b"aof-base", b"0");
    out.push(OP_SELECTDB);
    length(&mut out, 0);
    out.push(OP_RESIZEDB);
    length(&mut out, entries.len() as u64);
    length(&mut out, entries.iter().filter(|e| e.expire_at_ms.is_some()).count() as u64);
    for e in entries {
        if let Some(at) = e.expire_at_ms {
            out.push(OP_EXPIRETIME_MS);
            out.extend_from_slice(&at.to_le_bytes());
        }
        match &e.value {
            RdbValue::String(v) => {
                out.push(TYPE_STRING);
                string(&mut out, &e.key);
                string(&mut out, v);
            }
            RdbValue::List(items) | RdbValue::Set(items) => {
                out.push(if matches!(e.value, RdbValue::List(_)) { TYPE_LIST } else { TYPE_SET });
                string(&mut out, &e.key);
                length(&mut out, items.len() as u64);
                for i in items {
                    string(&mut out, i);
                }
            }
            RdbValue::Hash(fields) => {
                out.push(TYPE_HASH);
                string(&mut out, &e.key);
                length(&mut out, fields.len() as u64);
                for (f, v) in fields {
                    string(&mut out, f);
                    string(&mut out, v);
                }
            }
            RdbValue::ZSet(members) => {
                out.push(TYPE_ZSET_2);
                string(&mut out, &e.key);
                length(&mut out, members.len() as u64);
                for (m, score) in members {
                    string(&mut out, m);
                    out.extend_from_slice(&score.to_le_bytes());
                }
            }
        }
    }
    out.push(OP_EOF);
    let crc = crc64(0, &out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

fn aux(out: &mut Vec<u8>, key: &[u8], value: &[u8]) {
    out.push(OP_AUX);
    string(out, key);
    string(out, value);
}

/// RDB length encoding: 6-bit, 14-bit, 32-bit or 64-bit big-endian.
fn length(out: &mut Vec<u8>, n: u64) {
    if n < 1 << 6 {
        out.push(n as u8);
    } else if n < 1 << 14 {
        out.push(0x40 | (n >> 8) as u8);
        out.push(n as u8);
    } else if n <= u32::MAX as u64 {
        out.push(0x80);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

/// Raw length-prefixed string (no integer or LZF encodings: always valid, easy to check).
fn string(out: &mut Vec<u8>, s: &[u8]) {
    length(out, s.len() as u64);
    out.extend_from_slice(s);
}

/// CRC-64/Jones, reflected, as in Redis's `crc64.c` (check value of "123456789":
/// 0xe9c6d914c4b8d9ca).
pub fn crc64(mut crc: u64, data: &[u8]) -> u64 {
    static TABLE: std::sync::OnceLock<[u64; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        const POLY_REFLECTED: u64 = 0x95ac_9329_ac4b_c9b5;
        let mut t = [0u64; 256];
        for (i, slot) in t.iter_mut().enumerate() {
            let mut c = i as u64;
            for _ in 0..8 {
                c = if c & 1 == 1 { (c >> 1) ^ POLY_REFLECTED } else { c >> 1 };
            }
            *slot = c;
        }
        t
    });
    for &b in data {
        crc = table[((crc ^ b as u64) & 0xff) as usize] ^ (crc >> 8);
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc64_check_value() {
        assert_eq!(crc64(0, b"123456789"), 0xe9c6_d914_c4b8_d9ca);
    }

    #[test]
    fn length_encodings() {
        let mut v = Vec::new();
        length(&mut v, 10);
        length(&mut v, 300);
        length(&mut v, 70_000);
        assert_eq!(v, vec![10, 0x41, 0x2c, 0x80, 0, 1, 0x11, 0x70]);
    }

    #[test]
    fn file_ends_with_its_checksum() {
        let rdb = write_rdb(
            &[RdbEntry { key: b"k".to_vec(), value: RdbValue::String(b"v".to_vec()), expire_at_ms: Some(1) }],
            0,
        );
        let (body, crc) = rdb.split_at(rdb.len() - 8);
        assert_eq!(crc64(0, body).to_le_bytes(), crc);
        assert!(body.starts_with(b"REDIS0011"));
        assert_eq!(*body.last().unwrap(), 0xFF);
    }
}
