//! Redis 7.0, 7.2 and 8.0 (64-bit, jemalloc): what `MEMORY USAGE key SAMPLES 0` reports once
//! an RDB file has been loaded (objectComputeSize + the key's sds + its dictEntry).

use super::elems::LIST_NODE_BYTES;
use super::jemalloc::{pow2_at_least, sds_alloc, size_class};
use super::listpack::ScoreFormat;
use super::Limits;
use crate::rdb::memory::{MemoryModel, StringKey};
use crate::rdb::types::{Encoding, KeyType, ValueShape};

const ROBJ: u64 = 16;
const DICT_ENTRY: u64 = 24;
const DICT: u64 = 56;
const DICT_MIN_BUCKETS: u64 = 4;
const QUICKLIST: u64 = 40;
const QUICKLIST_NODE: u64 = 40;
const ZSET: u64 = 16;
const ZSKIPLIST: u64 = 32;
/// Skiplist header node: 24 bytes + 32 levels × 16 bytes = 536, allocated as 640.
const ZSL_HEADER_ALLOC: u64 = 640;
/// Expected allocation of a skiplist node: 24 bytes + 16 per level, levels geometric with
/// p = 1/4, each rounded to its size class: Σ 0.75·0.25^(k-1)·class(24+16k) ≈ 53.33.
const ZSL_NODE_EXPECTED_X3: u64 = 160; // 53.33 × 3, kept integral
const EMBSTR_LIMIT: u64 = 44;
const STREAM: u64 = 80;
const STREAM_CG: u64 = 40;
const STREAM_NACK: u64 = 24;
const STREAM_ID: u64 = 16;
/// What Redis counts per radix-tree node: sizeof(raxNode) + 30 pointers of overhead.
const RAX_NODE_COST: u64 = 4 + 8 * 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// 7.0: small lists stay quicklists, small non-integer sets are hash tables.
    V70,
    /// 7.2 and 8.0: small lists and sets become listpacks.
    V72,
    V80,
}

/// A Redis memory model for one server version and its `*-max-*` settings.
#[derive(Debug, Clone)]
pub struct Redis {
    pub version: Version,
    pub limits: Limits,
}

impl Redis {
    pub fn new(version: Version) -> Self {
        Redis { version, limits: Limits::default() }
    }

    fn listpack_lists(&self) -> bool {
        self.version != Version::V70
    }

    fn score_format(&self) -> ScoreFormat {
        if self.version == Version::V70 {
            ScoreFormat::Printf17g
        } else {
            ScoreFormat::Shortest
        }
    }

    fn consumer_size(&self) -> u64 {
        // 7.2 added active_time.
        if self.version == Version::V70 {
            24
        } else {
            32
        }
    }

    fn dict(n: u64, sds: u64) -> u64 {
        DICT + 8 * pow2_at_least(n, DICT_MIN_BUCKETS) + n * DICT_ENTRY + sds
    }

    fn string(&self, s: &ValueShape) -> u64 {
        Self::string_value(s.len, s.int_value || s.elems.int_string)
    }

    /// A string value of `len` bytes, held as an integer when `int`.
    #[inline]
    fn string_value(len: u64, int: bool) -> u64 {
        if int {
            ROBJ
        } else if len <= EMBSTR_LIMIT {
            size_class(ROBJ + 3 + len + 1)
        } else {
            ROBJ + sds_alloc(len)
        }
    }

    fn quicklist(nodes: u64, node_alloc: u64) -> u64 {
        ROBJ + QUICKLIST + nodes * QUICKLIST_NODE + node_alloc
    }

    fn list(&self, encoding: Encoding, s: &ValueShape) -> u64 {
        let e = &s.elems;
        match encoding {
            Encoding::Quicklist | Encoding::Quicklist2 => {
                // Nodes are kept as saved; 7.2+ turns a single small packed node into a listpack.
                if self.listpack_lists() && s.nodes == 1 && s.elem_alloc == 0 && s.blob_bytes <= LIST_NODE_BYTES {
                    ROBJ + s.blob_alloc
                } else {
                    Self::quicklist(s.nodes, s.blob_alloc + s.elem_alloc)
                }
            }
            _ if e.count > 0 => {
                // Pushed element by element into ~8 KB nodes.
                let (nodes, alloc, last) = e.list_packing();
                if self.listpack_lists() && nodes == 1 && last <= LIST_NODE_BYTES {
                    ROBJ + alloc
                } else {
                    Self::quicklist(nodes, alloc)
                }
            }
            _ => {
                // A ziplist, pushed element by element into listpack nodes on load.
                let lp = if e.lp_entries > 0 { super::listpack::LP_OVERHEAD + e.lp_entries } else { s.blob_bytes };
                if lp <= LIST_NODE_BYTES {
                    if self.listpack_lists() {
                        ROBJ + size_class(lp)
                    } else {
                        Self::quicklist(1, size_class(lp))
                    }
                } else {
                    let nodes = lp.div_ceil(LIST_NODE_BYTES - 256).max(1);
                    Self::quicklist(nodes, nodes * size_class(lp.div_ceil(nodes)))
                }
            }
        }
    }

    fn set(&self, encoding: Encoding, s: &ValueShape) -> u64 {
        let e = &s.elems;
        let l = &self.limits;
        match encoding {
            Encoding::Hashtable if e.count > 0 => {
                if e.count <= l.set_max_intset_entries {
                    if let Some(bytes) = e.intset_bytes() {
                        return ROBJ + size_class(bytes);
                    }
                }
                if self.listpack_lists() && e.count <= l.set_max_listpack_entries && e.max_len <= l.set_max_listpack_value {
                    return ROBJ + size_class(e.listpack_bytes(None));
                }
                ROBJ + Self::dict(e.count, e.sds)
            }
            Encoding::Hashtable => ROBJ + Self::dict(s.len, s.elem_alloc),
            _ => self.packed_or_table(s, l.set_max_listpack_entries.max(l.set_max_intset_entries)),
        }
    }

    /// Packed blobs are kept as loaded while within the entry limit.
    fn packed_or_table(&self, s: &ValueShape, max_entries: u64) -> u64 {
        if s.len <= max_entries || s.len == 0 {
            ROBJ + s.blob_alloc
        } else {
            // Converted to a table: elements average the blob's bytes.
            let avg = s.blob_bytes / s.len.max(1);
            ROBJ + Self::dict(s.len, s.len * sds_alloc(avg))
        }
    }

    fn zset(&self, encoding: Encoding, s: &ValueShape) -> u64 {
        let e = &s.elems;
        let l = &self.limits;
        let skiplist = |n: u64, sds: u64| {
            ROBJ + ZSET
                + ZSKIPLIST
                + ZSL_HEADER_ALLOC
                + DICT
                + 8 * pow2_at_least(n, DICT_MIN_BUCKETS)
                + n * DICT_ENTRY
                + (n * ZSL_NODE_EXPECTED_X3).div_ceil(3)
                + sds
        };
        match encoding {
            Encoding::Skiplist if e.count > 0 => {
                if e.count <= l.zset_max_listpack_entries && e.max_len <= l.zset_max_listpack_value {
                    ROBJ + size_class(e.listpack_bytes(Some(self.score_format())))
                } else {
                    skiplist(e.count, e.sds)
                }
            }
            Encoding::Skiplist => skiplist(s.len, s.elem_alloc),
            _ if s.len > l.zset_max_listpack_entries => {
                let avg = s.blob_bytes / (2 * s.len.max(1));
                skiplist(s.len, s.len * sds_alloc(avg))
            }
            _ => ROBJ + s.blob_alloc,
        }
    }

    fn hash(&self, encoding: Encoding, s: &ValueShape) -> u64 {
        let e = &s.elems;
        let l = &self.limits;
        match encoding {
            Encoding::Hashtable | Encoding::HashtableEx if e.count > 0 => {
                if encoding == Encoding::Hashtable && e.count <= l.hash_max_listpack_entries && e.max_len <= l.hash_max_listpack_value {
                    ROBJ + size_class(e.listpack_bytes(None))
                } else {
                    // Field TTLs (7.4+) keep 8 more bytes of metadata per field.
                    let ttl_meta = if encoding == Encoding::HashtableEx { e.count * 8 } else { 0 };
                    ROBJ + Self::dict(e.count, e.sds) + ttl_meta
                }
            }
            Encoding::Hashtable | Encoding::HashtableEx => ROBJ + Self::dict(s.len, s.elem_alloc),
            _ if s.len > l.hash_max_listpack_entries => {
                let avg = s.blob_bytes / (2 * s.len.max(1));
                ROBJ + Self::dict(s.len, 2 * s.len * sds_alloc(avg))
            }
            _ => ROBJ + s.blob_alloc,
        }
    }

    fn stream(&self, s: &ValueShape) -> u64 {
        let e = s.elems.stream();
        let rax = |keys: u64, nodes: u64| keys * STREAM_ID + nodes * RAX_NODE_COST;
        let main = rax(s.nodes, e.stream_rax.nodes());
        let pel = s.pending;
        ROBJ + STREAM
            + main
            + s.blob_alloc
            + s.groups * STREAM_CG
            + rax(pel, e.pel_rax_nodes)
            + pel * STREAM_NACK
            + s.consumers * self.consumer_size()
            + e.consumer_name_bytes
            // Consumers' PELs hold the same IDs as their group's.
            + rax(pel, e.consumer_rax_nodes)
    }
}

impl MemoryModel for Redis {
    fn name(&self) -> &'static str {
        match self.version {
            Version::V70 => "redis-7",
            Version::V72 => "redis-7.2",
            Version::V80 => "redis-8",
        }
    }

    fn alloc(&self, n: u64) -> u64 {
        size_class(n)
    }

    fn sds(&self, len: u64) -> u64 {
        sds_alloc(len)
    }

    fn key(&self, key_len: u64) -> u64 {
        sds_alloc(key_len) + DICT_ENTRY
    }

    fn string_key(&self, k: &StringKey) -> u64 {
        self.key(k.key_len) + Self::string_value(k.len, k.stored_int || k.int_like)
    }

    fn zset_scores_matter(&self, members: u64) -> bool {
        members <= self.limits.zset_max_listpack_entries
    }

    fn value(&self, kind: KeyType, encoding: Encoding, s: &ValueShape) -> u64 {
        match kind {
            KeyType::String => self.string(s),
            KeyType::List => self.list(encoding, s),
            KeyType::Set => self.set(encoding, s),
            KeyType::Zset => self.zset(encoding, s),
            KeyType::Hash => self.hash(encoding, s),
            KeyType::Stream => self.stream(s),
            // Module values report what the module says; the serialized size is the best guess.
            KeyType::Module => ROBJ + s.serialized,
            KeyType::Array => ROBJ + 16 + s.len * 16 + s.elem_alloc,
        }
    }
}

/// Sanity helper for tests: the elements a shape describes.
#[cfg(test)]
pub(crate) fn shape_with(f: impl FnOnce(&mut super::elems::ElemStats)) -> ValueShape {
    let mut s = ValueShape::default();
    f(&mut s.elems);
    s.len = s.elems.count;
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    // Figures below are what redis-server 7.0.15 answered for the same keys.
    fn r70() -> Redis {
        Redis::new(Version::V70)
    }

    #[test]
    fn strings_match_server() {
        let m = r70();
        let s = |len: u64, int: bool| {
            let mut v = ValueShape { len, ..Default::default() };
            v.elems.add_string_value(len, int.then_some(1));
            v
        };
        // key "k" (8) + dictEntry 24 + value
        assert_eq!(m.key(1) + m.value(KeyType::String, Encoding::Int, &s(1, true)), 48);
        assert_eq!(m.key(1) + m.value(KeyType::String, Encoding::Embstr, &s(1, false)), 64);
        assert_eq!(m.key(1) + m.value(KeyType::String, Encoding::Embstr, &s(44, false)), 96);
        assert_eq!(m.key(1) + m.value(KeyType::String, Encoding::Raw, &s(45, false)), 112);
        assert_eq!(m.key(10) + m.value(KeyType::String, Encoding::Raw, &s(1000, false)), 1080);
        assert_eq!(m.key(40) + m.value(KeyType::String, Encoding::Raw, &s(100, false)), 200);
        // A 14-digit number stored as text is held int-encoded.
        assert_eq!(m.key(31) + m.value(KeyType::String, Encoding::Raw, &s(14, true)), 88);
    }

    #[test]
    fn small_collections_match_server() {
        let m = r70();
        // SADD s2 a b c -> hashtable on 7.0: 232 with key "s2".
        let set = shape_with(|e| {
            for _ in 0..3 {
                e.add(1, None)
            }
        });
        assert_eq!(m.key(2) + m.value(KeyType::Set, Encoding::Hashtable, &set), 232);
        // 7.2+ keeps it as a listpack: 16 + class(7 + 3 * 3) = 32.
        assert_eq!(Redis::new(Version::V80).value(KeyType::Set, Encoding::Hashtable, &set), 32);
        // RPUSH l1 a -> 144 on 7.0 (one quicklist node), 64 on 8.0 (listpack).
        let list = shape_with(|e| e.add(1, None));
        assert_eq!(m.key(2) + m.value(KeyType::List, Encoding::LinkedList, &list), 144);
        assert_eq!(Redis::new(Version::V80).key(2) + Redis::new(Version::V80).value(KeyType::List, Encoding::LinkedList, &list), 64);
        // HSET with 600 pairs of 10-byte strings -> hashtable, 41904 with key "h600_10_10".
        let hash = shape_with(|e| {
            for _ in 0..600 {
                e.add_pair(10, None, 10, None)
            }
        });
        assert_eq!(m.key(10) + m.value(KeyType::Hash, Encoding::Hashtable, &hash), 41904);
    }

    #[test]
    fn set_of_integers_becomes_intset() {
        let m = r70();
        let set = shape_with(|e| {
            for v in 1..=3 {
                e.add(1, Some(v))
            }
        });
        // SADD s1 1 2 3 -> 64 with key "s1".
        assert_eq!(m.key(2) + m.value(KeyType::Set, Encoding::Hashtable, &set), 64);
    }
}
