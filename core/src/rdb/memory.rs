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
    /// The key's own cost: its name and its slot in the keyspace.
    fn key(&self, key_len: u64) -> u64;
    /// The value's cost.
    fn value(&self, kind: KeyType, encoding: Encoding, shape: &ValueShape) -> u64;
}
