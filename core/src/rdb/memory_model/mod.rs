//! Per-key memory estimates that model what the target server itself reports with
//! `MEMORY USAGE key SAMPLES 0` after loading the RDB file: robj, sds, dict / hashtable,
//! skiplist, quicklist and listpack costs rounded to jemalloc size classes; embedded strings
//! and integer-encoded values; the key's own sds and table entry; and the re-encoding a load
//! performs (`*-max-listpack-*` and intset limits, ziplist to listpack, list node packing,
//! single-node lists to listpacks on 7.2+).
//!
//! Targets: Redis 7.0 (`redis-7`, the default), Redis 7.2 (`redis-7.2`), Redis 8.0
//! (`redis-8`) and Valkey 8.1 (`valkey-8`). See docs/memory-model.md for what each models and
//! the accuracy measured against real servers.

pub mod elems;
pub mod jemalloc;
pub mod listpack;
pub mod redis;
pub mod valkey;

use std::sync::Arc;

pub use elems::{ElemStats, RaxCounter};
pub use redis::{Redis, Version};
pub use valkey::Valkey8;

use crate::error::{Error, Result};
use crate::rdb::memory::MemoryModel;

/// The server settings that decide encodings on load (defaults of Redis 7/8 and Valkey 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub hash_max_listpack_entries: u64,
    pub hash_max_listpack_value: u64,
    pub set_max_intset_entries: u64,
    pub set_max_listpack_entries: u64,
    pub set_max_listpack_value: u64,
    pub zset_max_listpack_entries: u64,
    pub zset_max_listpack_value: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            hash_max_listpack_entries: 512,
            hash_max_listpack_value: 64,
            set_max_intset_entries: 512,
            set_max_listpack_entries: 128,
            set_max_listpack_value: 64,
            zset_max_listpack_entries: 128,
            zset_max_listpack_value: 64,
        }
    }
}

/// The server whose `MEMORY USAGE` the estimate models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Target {
    #[default]
    Redis7,
    Redis72,
    Redis8,
    Valkey8,
}

impl Target {
    pub const ALL: [Target; 4] = [Target::Redis7, Target::Redis72, Target::Redis8, Target::Valkey8];

    pub fn name(self) -> &'static str {
        match self {
            Target::Redis7 => "redis-7",
            Target::Redis72 => "redis-7.2",
            Target::Redis8 => "redis-8",
            Target::Valkey8 => "valkey-8",
        }
    }

    /// Parses a target name (`redis-7`, `redis-7.0`, `redis-7.2`, `redis-8`, `valkey-8`, ...).
    pub fn parse(s: &str) -> Result<Target> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "redis-7" | "redis-7.0" | "redis7" => Target::Redis7,
            "redis-7.2" | "redis-7.4" => Target::Redis72,
            "redis-8" | "redis-8.0" | "redis8" => Target::Redis8,
            "valkey-8" | "valkey-8.1" | "valkey8" => Target::Valkey8,
            other => {
                return Err(Error::invalid_input(
                    "memory_target",
                    format!("unknown memory model target {other:?} (expected redis-7, redis-7.2, redis-8 or valkey-8)"),
                ))
            }
        })
    }

    /// The model for this target with default server settings.
    pub fn model(self) -> Arc<dyn MemoryModel> {
        self.model_with(Limits::default())
    }

    pub fn model_with(self, limits: Limits) -> Arc<dyn MemoryModel> {
        match self {
            Target::Redis7 => Arc::new(Redis { version: Version::V70, limits }),
            Target::Redis72 => Arc::new(Redis { version: Version::V72, limits }),
            Target::Redis8 => Arc::new(Redis { version: Version::V80, limits }),
            Target::Valkey8 => Arc::new(Valkey8::new(limits)),
        }
    }
}

impl std::str::FromStr for Target {
    type Err = Error;
    fn from_str(s: &str) -> Result<Target> {
        Target::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every model prices a string key without a shape exactly as through one.
    #[test]
    fn string_keys_cost_the_same_without_a_shape() {
        use crate::rdb::memory::StringKey;
        use crate::rdb::types::{Encoding, KeyType};
        let mut checked = 0;
        for t in Target::ALL {
            let m = t.model();
            for key_len in [0, 1, 5, 20, 40, 60, 64, 200, 70_000] {
                for len in [0, 1, 2, 20, 30, 44, 45, 60, 100, 5_000, 1 << 20] {
                    for (stored_int, int_like) in [(false, false), (false, true), (true, true)] {
                        for has_expire in [false, true] {
                            let encoding = if stored_int { Encoding::Int } else if len <= 44 { Encoding::Embstr } else { Encoding::Raw };
                            let k = StringKey { key_len, len, encoding, stored_int, int_like, has_expire, serialized: len + key_len + 3 };
                            let via_shape = m.key(key_len) + m.value(KeyType::String, encoding, &k.shape());
                            assert_eq!(m.string_key(&k), via_shape, "{} {k:?}", t.name());
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 4 * 9 * 11 * 3 * 2);
    }

    #[test]
    fn targets_parse_and_name_their_model() {
        for t in Target::ALL {
            assert_eq!(Target::parse(t.name()).unwrap(), t);
            assert_eq!(t.model().name(), t.name());
        }
        assert_eq!(Target::parse("Redis-7.0").unwrap(), Target::Redis7);
        let e = Target::parse("memcached").unwrap_err();
        assert!(e.to_string().contains("memcached"), "{e}");
    }
}
