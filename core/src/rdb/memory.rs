//! The seam between the decoder and the in-memory size estimate: what a key costs once loaded,
//! as the target server's `MEMORY USAGE key SAMPLES 0` would say. The models themselves
//! (Redis 7.0/7.2/8, Valkey 8) live in `memory_model/`.

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
    /// Whether the scores of a zset stored member by member (`members` of them) can change
    /// its cost: only when it may load as a listpack. When not, the decoder skips them.
    fn zset_scores_matter(&self, members: u64) -> bool {
        let _ = members;
        true
    }
    /// The key's own cost: its name and its slot in the keyspace.
    fn key(&self, key_len: u64) -> u64;
    /// The value's cost.
    fn value(&self, kind: KeyType, encoding: Encoding, shape: &ValueShape) -> u64;
    /// A string key's whole cost, name included (`key` + `value`). Strings are most of the
    /// keys in most files, so models answer this without a shape.
    fn string_key(&self, k: &StringKey) -> u64 {
        self.key(k.key_len) + self.value(KeyType::String, k.encoding, &k.shape())
    }
}

/// What [`MemoryModel::string_key`] prices: a string key as the decoder found it.
#[derive(Debug, Clone, Copy)]
pub struct StringKey {
    pub key_len: u64,
    /// The value's length (of its text, for int-encoded values).
    pub len: u64,
    pub encoding: Encoding,
    /// The RDB stored the value int-encoded.
    pub stored_int: bool,
    /// The server holds the value as an integer (stored int-encoded or canonical digits).
    pub int_like: bool,
    pub has_expire: bool,
    pub serialized: u64,
}

impl StringKey {
    /// The value's shape, as the decoder's general path builds it.
    pub fn shape(&self) -> ValueShape {
        let mut s = ValueShape {
            len: self.len,
            int_value: self.stored_int,
            serialized: self.serialized,
            key_len: self.key_len,
            has_expire: self.has_expire,
            ..Default::default()
        };
        s.elems.int_string = self.int_like;
        s.elems.max_len = self.len;
        s
    }
}
