//! The data an emulated instance "holds": a deterministic mix of every key type (seeded from
//! the instance id), with prefixes, TTLs and a few big keys, so its backups are worth analysing.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::rdb_writer::{RdbEntry, RdbValue};

/// FNV-1a: a stable seed from an id (std's hasher is randomized per process).
pub fn stable_seed(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// About `keys` keys (at least a few dozen) for the instance `id`.
pub fn generate(id: &str, keys: usize, now_ms: u64) -> Vec<RdbEntry> {
    let mut rng = StdRng::seed_from_u64(stable_seed(id));
    let keys = keys.max(40);
    let mut out = Vec::with_capacity(keys + 4);
    let word = |rng: &mut StdRng, n: usize| -> Vec<u8> {
        (0..n).map(|_| b'a' + rng.random_range(0..26u8)).collect()
    };
    for i in 0..keys {
        let entry = match i % 6 {
            0 => RdbEntry {
                key: format!("user:{}:profile", 1000 + i).into_bytes(),
                value: RdbValue::String({
                    let n = rng.random_range(16..200);
                    word(&mut rng, n)
                }),
                expire_at_ms: None,
            },
            1 => RdbEntry {
                key: format!("session:{:08x}", rng.random::<u32>()).into_bytes(),
                value: RdbValue::String({
                    let n = rng.random_range(32..64);
                    word(&mut rng, n)
                }),
                // Sessions expire within a week of the backup.
                expire_at_ms: Some(now_ms + rng.random_range(60_000..604_800_000)),
            },
            2 => RdbEntry {
                key: format!("queue:jobs:{}", i).into_bytes(),
                value: RdbValue::List((0..rng.random_range(2..40)).map(|j| format!("job-{j}").into_bytes()).collect()),
                expire_at_ms: None,
            },
            3 => RdbEntry {
                key: format!("tags:item:{}", i).into_bytes(),
                value: RdbValue::Set((0..rng.random_range(1..20)).map(|j| format!("t{j}").into_bytes()).collect()),
                expire_at_ms: None,
            },
            4 => RdbEntry {
                key: format!("cart:{}", 5000 + i).into_bytes(),
                value: RdbValue::Hash(
                    (0..rng.random_range(1..16))
                        .map(|j| (format!("sku{j}").into_bytes(), rng.random_range(1..9u8).to_string().into_bytes()))
                        .collect(),
                ),
                expire_at_ms: None,
            },
            _ => RdbEntry {
                key: format!("rank:board:{}", i).into_bytes(),
                value: RdbValue::ZSet(
                    (0..rng.random_range(2..30)).map(|j| (format!("player{j}").into_bytes(), rng.random_range(0..10_000) as f64)).collect(),
                ),
                expire_at_ms: None,
            },
        };
        out.push(entry);
    }
    // A few big keys, as real caches have.
    out.push(RdbEntry { key: b"blob:report:latest".to_vec(), value: RdbValue::String(word(&mut rng, 64 * 1024)), expire_at_ms: None });
    out.push(RdbEntry {
        key: b"queue:events:all".to_vec(),
        value: RdbValue::List((0..3000).map(|j| format!("event-{j:05}").into_bytes()).collect()),
        expire_at_ms: None,
    });
    out.push(RdbEntry {
        key: b"cart:whale".to_vec(),
        value: RdbValue::Hash((0..1500).map(|j| (format!("sku{j:04}").into_bytes(), b"1".to_vec())).collect()),
        expire_at_ms: None,
    });
    out.push(RdbEntry {
        key: b"rank:global".to_vec(),
        value: RdbValue::ZSet((0..2000).map(|j| (format!("p{j:04}").into_bytes(), j as f64 * 1.5)).collect()),
        expire_at_ms: None,
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_per_id() {
        assert_eq!(generate("a", 60, 0), generate("a", 60, 0));
        assert_ne!(generate("a", 60, 0), generate("b", 60, 0));
        let d = generate("a", 60, 0);
        assert!(d.iter().any(|e| matches!(e.value, RdbValue::ZSet(_))));
        assert!(d.iter().any(|e| e.expire_at_ms.is_some()));
    }
}
