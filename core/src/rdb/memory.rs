//! In-memory size estimates: what a key costs once loaded, in the spirit of Redis's
//! `MEMORY USAGE key SAMPLES 0` (robj + sds + dict/listpack/quicklist structures, each rounded
//! up to a jemalloc size class). A first model of Redis 7.x; the model is a trait so that other
//! targets (Redis 8, Valkey 8) can be plugged in and refined without touching the decoder.

use super::types::{Encoding, KeyType, ValueShape};

/// A per-key memory estimator for one target server.
pub trait MemoryModel: Send + Sync {
    /// Name reported in the analysis (`memory_model`).
    fn name(&self) -> &'static str;
    /// Allocation size of a request of `n` bytes.
    fn alloc(&self, n: u64) -> u64;
    /// Allocation size of an sds string holding `len` bytes.
    fn sds(&self, len: u64) -> u64;
    /// Cost of one collection element stored as its own string.
    fn element(&self, len: u64) -> u64 {
        self.sds(len)
    }
    /// The key's own cost: its name and its slot in the keyspace.
    fn key(&self, key_len: u64) -> u64;
    /// The value's cost.
    fn value(&self, kind: KeyType, encoding: Encoding, shape: &ValueShape) -> u64;
}

/// jemalloc's size classes: 8, then 16-byte steps to 128, then four classes per power of two.
#[inline]
pub fn jemalloc_size(n: u64) -> u64 {
    if n <= 8 {
        return 8;
    }
    if n <= 128 {
        return (n + 15) & !15;
    }
    let lg = 63 - (n - 1).leading_zeros() as u64;
    let delta = 1u64 << (lg - 2);
    (n + delta - 1) & !(delta - 1)
}

/// sds header size for a string of `len` bytes (sdshdr5/8/16/32/64).
#[inline]
pub fn sds_header(len: u64) -> u64 {
    if len < 32 {
        1
    } else if len < 256 {
        3
    } else if len < 65_536 {
        5
    } else if len < (1 << 32) {
        9
    } else {
        17
    }
}

/// Redis 7.0/7.2 (64-bit, jemalloc) structure sizes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Redis7;

const ROBJ: u64 = 16;
const DICT_ENTRY: u64 = 24;
const DICT: u64 = 56;
const QUICKLIST: u64 = 40;
const QUICKLIST_NODE: u64 = 32;
const ZSET: u64 = 16;
const ZSKIPLIST: u64 = 32;
/// Skiplist header node: 24 bytes + 32 levels of 16 bytes.
const ZSL_HEADER: u64 = 24 + 32 * 16;
/// Expected allocation of a skiplist node: 24 bytes + 16 per level, levels geometric with
/// p = 1/4, each size rounded to its jemalloc class (48, 64, 80, 96, ...).
const ZSL_NODE_AVG: u64 = 53;
/// Embedded strings up to this length share the robj allocation.
const EMBSTR_LIMIT: u64 = 44;
/// Stream: struct, plus per rax node and per consumer group / consumer / pending entry.
const STREAM: u64 = 48;
const RAX_NODE: u64 = 48;
const CGROUP: u64 = 64;
const CONSUMER: u64 = 64;
const PEL_ENTRY: u64 = 48;

fn dict_buckets(n: u64) -> u64 {
    if n == 0 {
        0
    } else {
        8 * n.max(4).next_power_of_two()
    }
}

impl MemoryModel for Redis7 {
    fn name(&self) -> &'static str {
        "redis-7"
    }

    #[inline]
    fn alloc(&self, n: u64) -> u64 {
        jemalloc_size(n)
    }

    #[inline]
    fn sds(&self, len: u64) -> u64 {
        jemalloc_size(sds_header(len) + len + 1)
    }

    fn key(&self, key_len: u64) -> u64 {
        self.sds(key_len) + DICT_ENTRY
    }

    fn value(&self, kind: KeyType, encoding: Encoding, s: &ValueShape) -> u64 {
        match (kind, encoding) {
            (KeyType::String, Encoding::Int) => ROBJ,
            (KeyType::String, _) if s.len <= EMBSTR_LIMIT => jemalloc_size(ROBJ + 3 + s.len + 1),
            (KeyType::String, _) => ROBJ + self.sds(s.len),
            (KeyType::List, Encoding::LinkedList) => {
                // Loaded into a quicklist of ~8 KB listpack nodes.
                let nodes = s.blob_bytes.div_ceil(8192).max(1);
                ROBJ + jemalloc_size(QUICKLIST) + nodes * (QUICKLIST_NODE + jemalloc_size(8192))
            }
            (KeyType::List, Encoding::Quicklist | Encoding::Quicklist2) => {
                ROBJ + jemalloc_size(QUICKLIST) + s.nodes * QUICKLIST_NODE + s.blob_alloc + s.elem_alloc
            }
            (KeyType::Set | KeyType::Hash, Encoding::Hashtable | Encoding::HashtableEx) => {
                ROBJ + DICT + dict_buckets(s.len) + s.len * DICT_ENTRY + s.elem_alloc
            }
            (KeyType::Zset, Encoding::Skiplist) => {
                ROBJ + ZSET
                    + ZSKIPLIST
                    + DICT
                    + dict_buckets(s.len)
                    + jemalloc_size(ZSL_HEADER)
                    + s.len * (DICT_ENTRY + ZSL_NODE_AVG)
                    + s.elem_alloc
            }
            (KeyType::Stream, _) => {
                ROBJ + STREAM
                    + s.blob_alloc
                    + s.nodes * RAX_NODE
                    + s.groups * CGROUP
                    + s.consumers * CONSUMER
                    + s.pending * PEL_ENTRY
                    + s.elem_alloc
            }
            (KeyType::Module, _) => ROBJ + s.serialized,
            (KeyType::Array, _) => ROBJ + 16 + s.len * 16 + s.elem_alloc,
            // Packed encodings: one blob (listpack, ziplist, intset, zipmap).
            _ => ROBJ + s.blob_alloc + s.elem_alloc,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_classes() {
        let classes = [8, 16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640];
        for n in 1..=640u64 {
            let want = *classes.iter().find(|&&c| c >= n).unwrap();
            assert_eq!(jemalloc_size(n), want, "n={n}");
        }
        assert_eq!(jemalloc_size(16 * 1024 + 1), 20 * 1024);
        assert_eq!(jemalloc_size(1 << 30), 1 << 30);
    }

    #[test]
    fn strings() {
        let m = Redis7;
        let shape = |len| ValueShape { len, ..Default::default() };
        assert_eq!(m.value(KeyType::String, Encoding::Int, &shape(3)), 16);
        // embstr: robj + sdshdr8 + 10 bytes + NUL = 30 -> 32.
        assert_eq!(m.value(KeyType::String, Encoding::Embstr, &shape(10)), 32);
        // raw 100 bytes: robj + sds(3 + 100 + 1 = 104 -> 112).
        assert_eq!(m.value(KeyType::String, Encoding::Raw, &shape(100)), 16 + 112);
        assert_eq!(m.key(5), 8 + 24);
    }
}
