//! Mergeable, bounded-memory building blocks of the report: a log-bucket histogram for
//! percentiles, a top-N of keys, and a prefix table with a fixed memory budget.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use super::types::KeyType;

// ---- histogram ------------------------------------------------------------------------------

const SUB_BITS: u32 = 3;
const LINEAR: u64 = 16;
const BUCKETS: usize = 16 + (64 - 4) * 8;

/// Log-scale histogram: exact below 16, then 8 buckets per power of two (≤ 12.5 % relative
/// error on quantiles). Fixed size, so merging is adding arrays.
#[derive(Clone)]
pub struct LogHist {
    counts: Box<[u64; BUCKETS]>,
    pub n: u64,
    pub max: u64,
    pub sum: u128,
}

impl Default for LogHist {
    fn default() -> Self {
        LogHist { counts: Box::new([0; BUCKETS]), n: 0, max: 0, sum: 0 }
    }
}

impl std::fmt::Debug for LogHist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LogHist(n={}, max={})", self.n, self.max)
    }
}

#[inline]
fn bucket_of(v: u64) -> usize {
    if v < LINEAR {
        return v as usize;
    }
    let lg = 63 - v.leading_zeros();
    let sub = (v >> (lg - SUB_BITS)) & ((1 << SUB_BITS) - 1);
    16 + (lg as usize - 4) * 8 + sub as usize
}

/// Largest value that falls into bucket `b`.
fn bucket_upper(b: usize) -> u64 {
    if b < LINEAR as usize {
        return b as u64;
    }
    let lg = (b - 16) / 8 + 4;
    let sub = ((b - 16) % 8) as u64;
    let base = (8 + sub) << (lg as u32 - SUB_BITS);
    base + (1u64 << (lg as u32 - SUB_BITS)) - 1
}

impl LogHist {
    #[inline]
    pub fn add(&mut self, v: u64) {
        self.counts[bucket_of(v)] += 1;
        self.n += 1;
        self.max = self.max.max(v);
        self.sum += v as u128;
    }

    /// The non-empty buckets as (index, count): with `n`, `max` and `sum`, the whole state.
    pub fn buckets(&self) -> Vec<(usize, u64)> {
        self.counts.iter().enumerate().filter(|(_, &c)| c > 0).map(|(i, &c)| (i, c)).collect()
    }

    /// Rebuilds a histogram from [`LogHist::buckets`]; None when an index is out of range or
    /// the counts do not add up to `n`.
    pub fn from_buckets(buckets: &[(usize, u64)], n: u64, max: u64, sum: u128) -> Option<LogHist> {
        let mut h = LogHist { n, max, sum, ..LogHist::default() };
        let mut total = 0u64;
        for &(i, c) in buckets {
            *h.counts.get_mut(i)? += c;
            total = total.checked_add(c)?;
        }
        (total == n).then_some(h)
    }

    pub fn merge(&mut self, o: &LogHist) {
        for (a, b) in self.counts.iter_mut().zip(o.counts.iter()) {
            *a += b;
        }
        self.n += o.n;
        self.max = self.max.max(o.max);
        self.sum += o.sum;
    }

    /// The q-quantile (0..=1), as the upper bound of its bucket (never above the maximum).
    pub fn quantile(&self, q: f64) -> u64 {
        if self.n == 0 {
            return 0;
        }
        let rank = ((q * self.n as f64).ceil() as u64).clamp(1, self.n);
        let mut seen = 0;
        for (b, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return bucket_upper(b).min(self.max);
            }
        }
        self.max
    }

    /// Counts per range `[previous bound, bound)`, the last range open-ended. Exact when the
    /// bounds are powers of two (no bucket straddles one).
    pub fn counts_up_to(&self, bounds: &[u64]) -> Vec<u64> {
        let mut out = vec![0u64; bounds.len() + 1];
        for (b, &c) in self.counts.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let upper = bucket_upper(b);
            let slot = bounds.iter().position(|&bound| upper < bound).unwrap_or(bounds.len());
            out[slot] += c;
        }
        out
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "count": self.n,
            "total": self.sum as f64 as u64,
            "p50": self.quantile(0.5),
            "p90": self.quantile(0.9),
            "p99": self.quantile(0.99),
            "max": self.max,
        })
    }
}

// ---- top keys -------------------------------------------------------------------------------

/// One of the largest keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopKey {
    pub bytes: u64,
    pub key: Vec<u8>,
    pub db: u64,
    pub kind: KeyType,
    pub elements: u64,
    pub encoding: &'static str,
    pub memory: u64,
    pub serialized: u64,
    pub expire_ms: Option<i64>,
    pub file: u32,
    /// Where the key's record starts in its file: tells apart keys that tie on everything
    /// else (a damaged or hand-made file can hold one name twice).
    pub offset: u64,
}

/// Larger bytes rank first; ties go to the smaller key name, then database, then file, then
/// the earlier record, so the order never depends on input order (merge(parts) == whole).
impl Ord for TopKey {
    fn cmp(&self, o: &Self) -> Ordering {
        rank(self.bytes, &self.key, self.db, self.file, self.offset, o)
    }
}

/// How a key with these facts ranks against `o` (the order of [`TopKey`], also used before a
/// key is built).
#[inline]
fn rank(bytes: u64, key: &[u8], db: u64, file: u32, offset: u64, o: &TopKey) -> Ordering {
    bytes
        .cmp(&o.bytes)
        .then_with(|| o.key.as_slice().cmp(key))
        .then_with(|| o.db.cmp(&db))
        .then_with(|| o.file.cmp(&file))
        .then_with(|| o.offset.cmp(&offset))
}
impl PartialOrd for TopKey {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

#[derive(Debug, Clone, Default)]
pub struct TopKeys {
    pub limit: usize,
    heap: BinaryHeap<Reverse<TopKey>>,
}

impl TopKeys {
    pub fn new(limit: usize) -> Self {
        TopKeys { limit, heap: BinaryHeap::new() }
    }

    /// Whether a key would enter the list, answered without building it (so keys that tie
    /// with the smallest listed one cost no allocation either): the order of [`TopKey`].
    #[inline]
    pub fn wants(&self, bytes: u64, key: &[u8], db: u64, file: u32, offset: u64) -> bool {
        if self.limit == 0 {
            return false;
        }
        if self.heap.len() < self.limit {
            return true;
        }
        self.heap.peek().is_some_and(|Reverse(m)| rank(bytes, key, db, file, offset, m) == Ordering::Greater)
    }

    pub fn offer(&mut self, k: TopKey) {
        if self.limit == 0 {
            return;
        }
        if self.heap.len() < self.limit {
            self.heap.push(Reverse(k));
        } else if self.heap.peek().is_some_and(|m| k > m.0) {
            self.heap.pop();
            self.heap.push(Reverse(k));
        }
    }

    pub fn merge(&mut self, o: &TopKeys) {
        for k in o.heap.iter() {
            self.offer(k.0.clone());
        }
    }

    /// Largest first.
    pub fn sorted(&self) -> Vec<TopKey> {
        let mut v: Vec<TopKey> = self.heap.iter().map(|r| r.0.clone()).collect();
        v.sort_by(|a, b| b.cmp(a));
        v
    }
}

// ---- prefixes -------------------------------------------------------------------------------

/// FNV-1a over 8-byte words: quick for short keys, no per-process seed needed.
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            h = (h ^ w).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(29);
        }
        // The tail (under 8 bytes) as one word from at most two loads, not byte by byte.
        let r = chunks.remainder();
        let tail = match r.len() {
            0 => None,
            1..=3 => Some((r[0] as u64) | (r[r.len() / 2] as u64) << 8 | (r[r.len() - 1] as u64) << 16 | (r.len() as u64) << 24),
            _ => {
                let lo = u32::from_le_bytes([r[0], r[1], r[2], r[3]]) as u64;
                let e = r.len() - 4;
                let hi = u32::from_le_bytes([r[e], r[e + 1], r[e + 2], r[e + 3]]) as u64;
                Some(lo | hi << 32)
            }
        };
        if let Some(w) = tail {
            h = (h ^ w).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(29);
        }
        self.0 = h;
    }
    #[inline]
    fn write_usize(&mut self, n: usize) {
        let h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        self.0 = (h ^ n as u64).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(29);
    }
    #[inline]
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 33)
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

#[derive(Debug, Clone, Copy, Default)]
pub struct PrefixStat {
    pub bytes: u64,
    pub num: u64,
}

/// Bytes and key counts per (type, prefix) within a memory budget. When the table would
/// outgrow the budget, the half of the entries with the fewest bytes is dropped (lossy
/// counting). Every prefix whose true total exceeds `error_bound` stays in the table, and a
/// kept prefix's bytes are under-counted by at most `error_bound` (the sum of the pruning
/// thresholds). With no pruning the table is exact.
#[derive(Debug, Clone)]
pub struct PrefixTable {
    /// (type byte + prefix) → index into `stats`.
    map: FastMap<Box<[u8]>, u32>,
    stats: Vec<PrefixStat>,
    /// Per type, the prefix added last: keys of one type mostly share a few prefixes, so
    /// this answers most adds without hashing.
    recent: [Recent; KeyType::ALL.len()],
    scratch: Vec<u8>,
    used: usize,
    pub budget: usize,
    pub error_bound: u64,
    pub prunes: u64,
}

/// Prefixes up to this long are remembered in [`Recent`].
const RECENT_MAX: usize = 30;

#[derive(Debug, Clone, Copy)]
struct Recent {
    /// Length of `bytes` in use; `u8::MAX`: nothing remembered.
    len: u8,
    bytes: [u8; RECENT_MAX],
    slot: u32,
    /// It was a key's first prefix: no delimiter before its last byte.
    first: bool,
}

const NO_RECENT: Recent = Recent { len: u8::MAX, bytes: [0; RECENT_MAX], slot: 0, first: false };

/// Approximate per-entry cost beyond the prefix bytes (box, slot, stats, table slot).
const ENTRY_OVERHEAD: usize = 64;

impl PrefixTable {
    pub fn new(budget: usize) -> Self {
        PrefixTable {
            map: FastMap::default(),
            stats: Vec::new(),
            recent: [NO_RECENT; KeyType::ALL.len()],
            scratch: Vec::new(),
            used: 0,
            budget,
            error_bound: 0,
            prunes: 0,
        }
    }

    /// Adds the first prefix of `key` (up to and including its first delimiter), if any.
    #[inline]
    pub fn add_first(&mut self, kind: KeyType, key: &[u8], delims: &[bool; 256], bytes: u64) {
        // A first prefix has no delimiter before its last byte: when the key starts with the
        // one added last for this type, that is the key's first prefix, found without a scan.
        let r = &self.recent[kind.index()];
        let n = r.len as usize;
        if r.first && n <= RECENT_MAX && key.len() >= n && short_eq(&key[..n], &r.bytes[..n]) {
            let s = &mut self.stats[r.slot as usize];
            s.bytes += bytes;
            s.num += 1;
            return;
        }
        let mut found = 0;
        prefixes(key, delims, 1, |p| {
            self.add(kind, p, bytes, 1);
            found = p.len();
        });
        let r = &mut self.recent[kind.index()];
        if found > 0 && r.len as usize == found {
            r.first = true;
        }
    }

    #[inline]
    pub fn add(&mut self, kind: KeyType, prefix: &[u8], bytes: u64, num: u64) {
        let r = &self.recent[kind.index()];
        if r.len as usize == prefix.len() && prefix.len() <= RECENT_MAX && short_eq(&r.bytes[..prefix.len()], prefix) {
            let s = &mut self.stats[r.slot as usize];
            s.bytes += bytes;
            s.num += num;
            return;
        }
        self.add_slow(kind, prefix, bytes, num);
    }

    fn add_slow(&mut self, kind: KeyType, prefix: &[u8], bytes: u64, num: u64) {
        self.scratch.clear();
        self.scratch.push(kind.index() as u8);
        self.scratch.extend_from_slice(prefix);
        let slot = match self.map.get(self.scratch.as_slice()) {
            Some(&slot) => {
                let s = &mut self.stats[slot as usize];
                s.bytes += bytes;
                s.num += num;
                slot
            }
            None => {
                let slot = self.stats.len() as u32;
                self.stats.push(PrefixStat { bytes, num });
                self.used += self.scratch.len() + ENTRY_OVERHEAD;
                self.map.insert(self.scratch.clone().into_boxed_slice(), slot);
                if self.used > self.budget {
                    self.prune();
                    return;
                }
                slot
            }
        };
        if prefix.len() <= RECENT_MAX {
            let r = &mut self.recent[kind.index()];
            r.len = prefix.len() as u8;
            r.bytes[..prefix.len()].copy_from_slice(prefix);
            r.slot = slot;
            r.first = false;
        }
    }

    fn prune(&mut self) {
        let mut sizes: Vec<u64> = self.stats.iter().map(|s| s.bytes).collect();
        if sizes.is_empty() {
            return;
        }
        let mid = sizes.len() / 2;
        let (_, &mut threshold, _) = sizes.select_nth_unstable(mid);
        let old = std::mem::take(&mut self.stats);
        let stats = &mut self.stats;
        self.map.retain(|_, slot| {
            let s = old[*slot as usize];
            if s.bytes <= threshold {
                return false;
            }
            *slot = stats.len() as u32;
            stats.push(s);
            true
        });
        self.recent = [NO_RECENT; KeyType::ALL.len()];
        self.used = self.map.keys().map(|k| k.len() + ENTRY_OVERHEAD).sum();
        self.error_bound += threshold;
        self.prunes += 1;
    }

    /// The entries as (type byte + prefix, stat), in key order.
    fn sorted(&self) -> Vec<(&[u8], PrefixStat)> {
        let mut v: Vec<(&[u8], PrefixStat)> = self.map.iter().map(|(k, &slot)| (&k[..], self.stats[slot as usize])).collect();
        v.sort_unstable_by(|a, b| a.0.cmp(b.0));
        v
    }

    /// Adds another table's entries, in key order so the outcome never depends on how either
    /// hash map happens to iterate (it matters only when the merge has to prune).
    pub fn merge(&mut self, o: &PrefixTable) {
        for (k, s) in o.sorted() {
            let kind = KeyType::ALL[k[0] as usize];
            self.add(kind, &k[1..], s.bytes, s.num);
        }
        self.error_bound += o.error_bound;
        self.prunes += o.prunes;
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Every entry as (type, prefix, stat), in key order (the table's whole state, with
    /// `budget`, `error_bound` and `prunes`).
    pub fn entries(&self) -> Vec<(KeyType, &[u8], PrefixStat)> {
        self.sorted().into_iter().map(|(k, s)| (KeyType::ALL[k[0] as usize], &k[1..], s)).collect()
    }

    /// Rebuilds a table from [`PrefixTable::entries`] as it was (no pruning on the way).
    pub fn restore(budget: usize, error_bound: u64, prunes: u64, entries: impl IntoIterator<Item = (KeyType, Vec<u8>, PrefixStat)>) -> Self {
        let mut t = PrefixTable::new(budget);
        for (kind, prefix, stat) in entries {
            let mut k = Vec::with_capacity(prefix.len() + 1);
            k.push(kind.index() as u8);
            k.extend_from_slice(&prefix);
            let next = t.stats.len() as u32;
            let slot = *t.map.entry(k.into_boxed_slice()).or_insert_with_key(|k| {
                t.used += k.len() + ENTRY_OVERHEAD;
                next
            });
            if slot == next {
                t.stats.push(PrefixStat::default());
            }
            let e = &mut t.stats[slot as usize];
            e.bytes += stat.bytes;
            e.num += stat.num;
        }
        t.error_bound = error_bound;
        t.prunes = prunes;
        t
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The `n` prefixes with the most bytes for `kind`, largest first (ties by name).
    pub fn top(&self, kind: KeyType, n: usize) -> Vec<(Vec<u8>, PrefixStat)> {
        let mut v: Vec<(&[u8], PrefixStat)> = self
            .map
            .iter()
            .filter(|(k, _)| k[0] as usize == kind.index())
            .map(|(k, &slot)| (&k[1..], self.stats[slot as usize]))
            .collect();
        v.sort_by(|a, b| b.1.bytes.cmp(&a.1.bytes).then_with(|| a.0.cmp(b.0)));
        v.into_iter().take(n).map(|(k, s)| (k.to_vec(), s)).collect()
    }
}

/// Equality of two equally long short slices with a few word loads instead of a `memcmp` call.
#[inline(always)]
fn short_eq(a: &[u8], b: &[u8]) -> bool {
    debug_assert_eq!(a.len(), b.len());
    let n = a.len().min(b.len());
    let w8 = |s: &[u8], i: usize| u64::from_le_bytes(s[i..i + 8].try_into().unwrap_or([0; 8]));
    let w4 = |s: &[u8], i: usize| u32::from_le_bytes(s[i..i + 4].try_into().unwrap_or([0; 4]));
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=7 => w4(a, 0) == w4(b, 0) && w4(a, n - 4) == w4(b, n - 4),
        8..=16 => w8(a, 0) == w8(b, 0) && w8(a, n - 8) == w8(b, n - 8),
        _ => a == b,
    }
}

/// The prefixes of `key`: the key up to and including each of its first `depth` delimiters.
#[inline]
pub fn prefixes<'a>(key: &'a [u8], delims: &[bool; 256], depth: usize, mut f: impl FnMut(&'a [u8])) {
    let mut found = 0;
    for (i, &b) in key.iter().enumerate() {
        if delims[b as usize] {
            f(&key[..=i]);
            found += 1;
            if found == depth {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_ranges_are_exact_on_power_of_two_bounds() {
        let mut h = LogHist::default();
        for v in [1u64, 64, 65, 256, 257, 1000, 5000, 1 << 30] {
            h.add(v);
        }
        // [0,64) [64,256) [256,1024) [1024,..)
        assert_eq!(h.counts_up_to(&[64, 256, 1024]), vec![1, 2, 3, 2]);
        assert_eq!(h.counts_up_to(&[]), vec![8]);
    }

    #[test]
    fn histogram_quantiles() {
        let mut h = LogHist::default();
        for v in 1..=1000u64 {
            h.add(v);
        }
        let p50 = h.quantile(0.5);
        assert!((500..=563).contains(&p50), "{p50}");
        assert_eq!(h.quantile(1.0), 1000);
        assert_eq!(h.max, 1000);
        for b in 0..BUCKETS - 1 {
            assert_eq!(bucket_of(bucket_upper(b)), b);
            assert_eq!(bucket_of(bucket_upper(b) + 1), b + 1);
        }
    }

    #[test]
    fn top_keys_merge_equals_whole() {
        let mk = |i: u64| TopKey {
            bytes: (i * 37) % 101,
            key: format!("k{i}").into_bytes(),
            db: 0,
            kind: KeyType::String,
            elements: 1,
            encoding: "raw",
            memory: 0,
            serialized: 0,
            expire_ms: None,
            file: 0,
            offset: i,
        };
        let mut whole = TopKeys::new(10);
        let (mut a, mut b) = (TopKeys::new(10), TopKeys::new(10));
        for i in 0..500 {
            whole.offer(mk(i));
            if i % 3 == 0 { a.offer(mk(i)) } else { b.offer(mk(i)) }
        }
        a.merge(&b);
        assert_eq!(a.sorted(), whole.sorted());
        assert_eq!(whole.sorted()[0].bytes, 100);
    }

    #[test]
    fn prefix_table_bounded() {
        let mut t = PrefixTable::new(64 * 1024);
        for i in 0..100_000u64 {
            t.add(KeyType::Hash, format!("p{i}:").as_bytes(), 1, 1);
            t.add(KeyType::Hash, b"hot:", 100, 1);
        }
        assert!(t.len() * 70 <= 64 * 1024 + 200, "{}", t.len());
        let top = t.top(KeyType::Hash, 1);
        assert_eq!(top[0].0, b"hot:");
        assert!(top[0].1.bytes + t.error_bound >= 100 * 100_000);
        let mut seen = Vec::new();
        let mut d = [false; 256];
        d[b':' as usize] = true;
        prefixes(b"a:b:c", &d, 2, |p| seen.push(p.to_vec()));
        assert_eq!(seen, vec![b"a:".to_vec(), b"a:b:".to_vec()]);
    }

    /// The per-type memory of the last prefix never changes a result: interleaved types,
    /// repeated and alternating prefixes, long ones (not remembered) and pruning all give
    /// what a plain map gives (exact while no pruning happened).
    #[test]
    fn prefix_table_matches_a_plain_map() {
        let mut plain: HashMap<(usize, Vec<u8>), (u64, u64)> = HashMap::new();
        let mut t = PrefixTable::new(1 << 30);
        let long = vec![b'x'; RECENT_MAX + 5];
        for i in 0..20_000u64 {
            let kind = KeyType::ALL[(i * 7 % 5) as usize];
            let prefix: Vec<u8> = match i % 4 {
                0 => b"user:".to_vec(),
                1 => format!("p{}:", i % 3).into_bytes(),
                2 => long.clone(),
                _ => format!("{}:", i % 11).into_bytes(),
            };
            t.add(kind, &prefix, i, 1);
            let e = plain.entry((kind.index(), prefix)).or_default();
            e.0 += i;
            e.1 += 1;
        }
        let got: HashMap<(usize, Vec<u8>), (u64, u64)> =
            t.entries().into_iter().map(|(k, p, s)| ((k.index(), p.to_vec()), (s.bytes, s.num))).collect();
        assert_eq!(got, plain);
        // Pruning renumbers the entries: what is remembered must not point at the wrong one.
        let mut small = PrefixTable::new(40 * 70);
        let mut hot = 0u64;
        for i in 0..5_000u64 {
            small.add(KeyType::Set, format!("cold{i}:").as_bytes(), 1, 1);
            small.add(KeyType::Set, b"hot:", 10, 1);
            hot += 10;
        }
        assert!(small.prunes > 0);
        let (p, st) = small.top(KeyType::Set, 1).remove(0);
        assert_eq!(p, b"hot:");
        assert_eq!(st.num * 10, st.bytes);
        assert!(st.bytes <= hot && st.bytes + small.error_bound >= hot, "{} {} {}", st.bytes, small.error_bound, hot);
    }
}
