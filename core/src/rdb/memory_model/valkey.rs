//! Valkey 8.1 (64-bit, jemalloc): the key lives inside the value's robj, the keyspace and
//! sets/hashes/zsets use the cache-line `hashtable`, and hash fields and values share one
//! block. `MEMORY USAGE` is objectComputeSize alone: no separate key or table entry.

use super::jemalloc::{pow2_at_least, sds_alloc, sds_header, size_class};
use super::listpack::ScoreFormat;
use super::redis::{Redis, Version};
use super::Limits;
use crate::rdb::memory::{MemoryModel, StringKey};
use crate::rdb::types::{Encoding, KeyType, ValueShape};

const ROBJ: u64 = 16;
const HASHTABLE: u64 = 72;
const BUCKET: u64 = 64;
const ENTRIES_PER_BUCKET: u64 = 7;
const ZSET: u64 = 16;
const ZSKIPLIST: u64 = 32;
const ZSL_HEADER_ALLOC: u64 = 640;
const ZSL_NODE_EXPECTED_X3: u64 = 160;
const EMBED_LIMIT: u64 = 64;
const STREAM: u64 = 80;
const STREAM_CG: u64 = 40;
const STREAM_NACK: u64 = 24;
const STREAM_CONSUMER: u64 = 32;
/// Radix trees are counted by their real allocations: the rax struct, then per node.
const RAX: u64 = 32;
const RAX_NODE_HEADER: u64 = 8;

#[derive(Debug, Clone)]
pub struct Valkey8 {
    pub limits: Limits,
    /// List/set/zset/hash packed forms behave as in Redis 7.2+.
    packed: Redis,
}

impl Default for Valkey8 {
    fn default() -> Self {
        Valkey8::new(Limits::default())
    }
}

impl Valkey8 {
    pub fn new(limits: Limits) -> Self {
        Valkey8 { limits, packed: Redis { version: Version::V72, limits } }
    }
}

/// Top-level buckets a table sized for `n` entries gets: ceil(n·5/32), to a power of two.
fn buckets(n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    pow2_at_least((n * 5).div_ceil(32), 1)
}

/// Expected child buckets when `n` entries hash into `b` buckets of 7 slots (a chained
/// bucket gives its last slot to the child pointer). Poisson approximation of the load.
fn expected_child_buckets(n: u64, b: u64) -> f64 {
    if b == 0 || n <= ENTRIES_PER_BUCKET {
        return 0.0;
    }
    let lambda = n as f64 / b as f64;
    let mut p = (-lambda).exp(); // P(k = 0)
    let mut expected = 0.0;
    for k in 1..200u64 {
        p *= lambda / k as f64;
        if k > ENTRIES_PER_BUCKET {
            expected += p * ((k - ENTRIES_PER_BUCKET) as f64 / (ENTRIES_PER_BUCKET - 1) as f64).ceil();
        }
        if k as f64 > lambda && p < 1e-12 {
            break;
        }
    }
    expected * b as f64
}

fn hashtable(n: u64) -> u64 {
    let b = buckets(n);
    HASHTABLE + BUCKET * b + (BUCKET as f64 * expected_child_buckets(n, b)).round() as u64
}

impl Valkey8 {
    fn string(&self, s: &ValueShape) -> u64 {
        Self::string_value(s.len, s.int_value || s.elems.int_string, s.key_len, s.has_expire)
    }

    /// A string value of `len` bytes (held as an integer when `int`) of a key whose name is
    /// `key_len` bytes: small ones are embedded with the name.
    #[inline]
    fn string_value(len: u64, int: bool, key_len: u64, has_expire: bool) -> u64 {
        if int {
            return ROBJ;
        }
        // Embedded: robj, optional expire, 1-byte header size + key sds, value as sdshdr8.
        let emb = ROBJ + if has_expire { 8 } else { 0 } + 1 + sds_header(key_len) + key_len + 1 + 3 + len + 1;
        if len <= 44 && emb <= EMBED_LIMIT {
            size_class(emb)
        } else {
            ROBJ + sds_alloc(len)
        }
    }

    fn set(&self, encoding: Encoding, s: &ValueShape) -> u64 {
        let e = &s.elems;
        let l = &self.limits;
        match encoding {
            Encoding::Hashtable if e.count > 0 => {
                let packed = e.count <= l.set_max_intset_entries && e.intset_bytes().is_some()
                    || e.count <= l.set_max_listpack_entries && e.max_len <= l.set_max_listpack_value;
                if packed {
                    self.packed.value(KeyType::Set, encoding, s)
                } else {
                    ROBJ + hashtable(e.count) + e.sds
                }
            }
            Encoding::Hashtable => ROBJ + hashtable(s.len) + s.elem_alloc,
            _ => self.packed.value(KeyType::Set, encoding, s),
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
                    ROBJ + hashtable(e.count) + e.valkey_hash_entries
                }
            }
            Encoding::Hashtable | Encoding::HashtableEx => ROBJ + hashtable(s.len) + s.elem_alloc,
            _ => self.packed.value(KeyType::Hash, encoding, s),
        }
    }

    fn zset(&self, encoding: Encoding, s: &ValueShape) -> u64 {
        let e = &s.elems;
        let l = &self.limits;
        let skiplist = |n: u64, sds: u64| {
            ROBJ + ZSET + ZSKIPLIST + ZSL_HEADER_ALLOC + hashtable(n) + (n * ZSL_NODE_EXPECTED_X3).div_ceil(3) + sds
        };
        match encoding {
            Encoding::Skiplist if e.count > 0 => {
                if e.count <= l.zset_max_listpack_entries && e.max_len <= l.zset_max_listpack_value {
                    ROBJ + size_class(e.listpack_bytes(Some(ScoreFormat::Shortest)))
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

    fn stream(&self, s: &ValueShape) -> u64 {
        let e = s.elems.stream();
        let pel = s.pending;
        ROBJ + STREAM
            + rax(1, s.nodes, e.stream_rax.nodes(), e.stream_rax.chars())
            + s.blob_alloc
            + s.groups * STREAM_CG
            + rax(s.groups, pel, e.pel_rax_nodes, e.pel_rax_chars)
            + pel * STREAM_NACK
            + s.consumers * STREAM_CONSUMER
            + e.consumer_name_bytes
            + rax(s.consumers, pel, e.consumer_rax_nodes, e.consumer_rax_chars)
    }
}

/// Allocated bytes of `trees` radix trees holding `keys` keys in `nodes` nodes storing `chars`
/// key bytes: per tree the struct; per node a 4-byte header with its bytes, padded; a child
/// pointer for every node but the roots; a value pointer per key.
fn rax(trees: u64, keys: u64, nodes: u64, chars: u64) -> u64 {
    let nodes = nodes.max(trees);
    trees * RAX + RAX_NODE_HEADER * nodes + chars + 8 * (nodes - trees) + 8 * keys
}

impl MemoryModel for Valkey8 {
    fn name(&self) -> &'static str {
        "valkey-8"
    }

    fn alloc(&self, n: u64) -> u64 {
        size_class(n)
    }

    fn sds(&self, len: u64) -> u64 {
        sds_alloc(len)
    }

    /// The key is embedded in the value object; MEMORY USAGE does not add it separately.
    fn key(&self, _key_len: u64) -> u64 {
        0
    }

    fn string_key(&self, k: &StringKey) -> u64 {
        self.key(k.key_len) + Self::string_value(k.len, k.stored_int || k.int_like, k.key_len, k.has_expire)
    }

    fn zset_scores_matter(&self, members: u64) -> bool {
        members <= self.limits.zset_max_listpack_entries
    }

    fn value(&self, kind: KeyType, encoding: Encoding, s: &ValueShape) -> u64 {
        match kind {
            KeyType::String => self.string(s),
            KeyType::List => self.packed.value(kind, encoding, s),
            KeyType::Set => self.set(encoding, s),
            KeyType::Zset => self.zset(encoding, s),
            KeyType::Hash => self.hash(encoding, s),
            KeyType::Stream => self.stream(s),
            KeyType::Module => ROBJ + s.serialized,
            KeyType::Array => ROBJ + 16 + s.len * 16 + s.elem_alloc,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdb::memory_model::redis::shape_with;

    // Figures below are what valkey-server 8.1.1 answered for the same keys.
    #[test]
    fn embedded_strings() {
        let m = Valkey8::default();
        let s = |klen: u64, len: u64, ttl: bool| {
            let mut v = ValueShape { len, key_len: klen, has_expire: ttl, ..Default::default() };
            v.elems.add_string_value(len, None);
            v
        };
        assert_eq!(m.value(KeyType::String, Encoding::Embstr, &s(1, 1, false)), 32);
        assert_eq!(m.value(KeyType::String, Encoding::Embstr, &s(1, 1, true)), 48);
        assert_eq!(m.value(KeyType::String, Encoding::Embstr, &s(10, 20, false)), 64);
        // 16 + 4 + 48 > 64: a raw string, counted without its key.
        assert_eq!(m.value(KeyType::String, Encoding::Embstr, &s(1, 44, false)), 64);
        assert_eq!(m.value(KeyType::String, Encoding::Raw, &s(40, 1000, false)), 1040);
    }

    #[test]
    fn packed_collections() {
        let m = Valkey8::default();
        let list = shape_with(|e| e.add(1, None));
        assert_eq!(m.value(KeyType::List, Encoding::LinkedList, &list), 32);
        let set = shape_with(|e| {
            for v in 1..=3 {
                e.add(1, Some(v))
            }
        });
        assert_eq!(m.value(KeyType::Set, Encoding::Hashtable, &set), 32);
    }

    #[test]
    fn table_sizes() {
        assert_eq!(buckets(1000), 256);
        assert_eq!(buckets(600), 128);
        // 1000 six-byte members: 16 + 72 + 256 buckets + ~8 chained + 1000 × 8 = 24984 measured.
        let set = shape_with(|e| {
            for _ in 0..1000 {
                e.add(6, None)
            }
        });
        let v = m_value(&set);
        assert!((24_000..=25_500).contains(&v), "{v}");
    }

    fn m_value(s: &ValueShape) -> u64 {
        Valkey8::default().value(KeyType::Set, Encoding::Hashtable, s)
    }
}
