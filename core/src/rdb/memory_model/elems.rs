//! Element-level facts the decoder gathers while it streams a collection, so that the memory
//! model can rebuild what the server builds on load (listpack sizes, intset width, quicklist
//! node packing, sds allocations, stream radix trees) without keeping any element.

use super::jemalloc::{sds_alloc, size_class};
use super::listpack::{self, ScoreFormat};

/// Redis packs list nodes up to this many bytes (`list-max-listpack-size -2`).
pub const LIST_NODE_BYTES: u64 = 8192;
/// Slack the server adds when it checks whether one more element fits in a node.
const NODE_INSERT_SLACK: u64 = 8;

#[derive(Debug, Clone, Default)]
pub struct ElemStats {
    /// Members (lists, sets, zsets) or field/value pairs (hashes) seen.
    pub count: u64,
    /// Longest member, field or value.
    pub max_len: u64,
    /// Σ allocation of each member, field and value as its own sds string.
    pub sds: u64,
    /// Σ allocation of hash values alone (a subset of `sds`).
    pub value_sds: u64,
    /// Σ listpack entry bytes of members, fields and values as the server would encode them.
    pub lp_entries: u64,
    /// Σ listpack entry bytes of zset scores, printed the Redis 7.0 way and the 7.2+ way.
    pub lp_scores_17g: u64,
    pub lp_scores_shortest: u64,
    /// Members that are not canonical integers (sets: decides intset vs not).
    pub non_int: u64,
    pub int_min: i64,
    pub int_max: i64,
    /// Strings: the value is a canonical integer (held int-encoded).
    pub int_string: bool,
    /// Σ allocation of Valkey 8.1 hash entries (field and value in one block when small).
    pub valkey_hash_entries: u64,
    /// Lists loaded element by element: quicklist nodes as the server packs them.
    pub list_nodes: u64,
    pub list_node_alloc: u64,
    list_node_bytes: u64,
    /// Streams only (boxed: every key's stats are moved around, few keys are streams).
    stream: Option<Box<StreamElems>>,
}

/// Streams: radix tree of listpacks, consumer-group PELs, consumer PELs.
#[derive(Debug, Clone, Default)]
pub struct StreamElems {
    pub stream_rax: RaxCounter,
    pub pel_rax_nodes: u64,
    pub consumer_rax_nodes: u64,
    /// Key bytes stored in those trees' nodes (what real allocations depend on).
    pub pel_rax_chars: u64,
    pub consumer_rax_chars: u64,
    pub consumer_name_bytes: u64,
    pel: RaxCounter,
}

static NO_STREAM: StreamElems = StreamElems {
    stream_rax: RaxCounter::EMPTY,
    pel_rax_nodes: 0,
    consumer_rax_nodes: 0,
    pel_rax_chars: 0,
    consumer_rax_chars: 0,
    consumer_name_bytes: 0,
    pel: RaxCounter::EMPTY,
};

impl ElemStats {
    /// One member (list, set, zset member) of `len` bytes; `int` when it is a canonical integer.
    #[inline]
    pub fn add(&mut self, len: u64, int: Option<i64>) {
        let e = self.add_member(len, int);
        // Quicklist packing as the server does on push: a node takes one more element while
        // its listpack plus the element (and a little slack) stays within the node limit.
        if self.list_node_bytes == 0 || self.list_node_bytes + len + NODE_INSERT_SLACK > LIST_NODE_BYTES {
            self.close_list_node();
            self.list_node_bytes = listpack::LP_OVERHEAD;
        }
        self.list_node_bytes += e;
    }

    /// One set or zset member: as [`add`](Self::add) without the list node packing (only
    /// lists use it). Returns the member's listpack entry size.
    #[inline(always)]
    pub fn add_member(&mut self, len: u64, int: Option<i64>) -> u64 {
        self.count += 1;
        self.add_string(len, int);
        let e = listpack::entry(len, int);
        self.lp_entries += e;
        match int {
            Some(v) => {
                if self.count - self.non_int == 1 {
                    self.int_min = v;
                    self.int_max = v;
                } else {
                    self.int_min = self.int_min.min(v);
                    self.int_max = self.int_max.max(v);
                }
            }
            None => self.non_int += 1,
        }
        e
    }

    /// `k` members that are not integers, with `sds` their summed sds allocations, `lp`
    /// their summed listpack entry sizes and `longest` the longest: what `k` calls of
    /// [`add_member`](Self::add_member)`(len, None)` add up to.
    #[inline(always)]
    pub fn add_words(&mut self, k: u64, sds: u64, lp: u64, longest: u64) {
        self.count += k;
        self.non_int += k;
        self.max_len = self.max_len.max(longest);
        self.sds += sds;
        self.lp_entries += lp;
    }

    /// A string value (type string): records whether the server holds it as an integer.
    #[inline]
    pub fn add_string_value(&mut self, len: u64, int: Option<i64>) {
        self.int_string = int.is_some();
        self.max_len = len;
    }

    #[inline]
    fn add_string(&mut self, len: u64, int: Option<i64>) {
        let _ = int;
        self.max_len = self.max_len.max(len);
        self.sds += sds_alloc(len);
    }

    /// A zset score.
    #[inline]
    pub fn add_score(&mut self, score: f64) {
        // Integral scores print the same in both formats.
        let (a, b) = match listpack::int_score_entry(score) {
            Some(e) => (e, e),
            None => (
                listpack::nonint_score_entry(score, ScoreFormat::Printf17g),
                listpack::nonint_score_entry(score, ScoreFormat::Shortest),
            ),
        };
        self.lp_scores_17g += a;
        self.lp_scores_shortest += b;
    }

    /// A zset score stored as text (old RDB types): parsed like the server does.
    pub fn add_score_text(&mut self, text: &[u8]) {
        let s = std::str::from_utf8(text).ok().and_then(|t| t.trim().parse::<f64>().ok()).unwrap_or(0.0);
        self.add_score(s);
    }

    /// One hash field/value pair.
    #[inline]
    pub fn add_pair(&mut self, field: u64, field_int: Option<i64>, value: u64, value_int: Option<i64>) {
        self.count += 1;
        self.add_string(field, field_int);
        self.add_string(value, value_int);
        self.value_sds += sds_alloc(value);
        self.lp_entries += listpack::entry(field, field_int) + listpack::entry(value, value_int);
        self.valkey_hash_entries += valkey_hash_entry(field, value);
    }

    fn close_list_node(&mut self) {
        if self.list_node_bytes > 0 {
            self.list_nodes += 1;
            self.list_node_alloc += size_class(self.list_node_bytes);
            self.list_node_bytes = 0;
        }
    }

    /// Quicklist nodes (count, Σ allocation, bytes of the last node) for a list loaded element
    /// by element.
    pub fn list_packing(&self) -> (u64, u64, u64) {
        let mut s = self.clone();
        let last = s.list_node_bytes;
        s.close_list_node();
        (s.list_nodes, s.list_node_alloc, last)
    }

    /// Listpack bytes for all members/pairs (plus scores for zsets, by format).
    pub fn listpack_bytes(&self, scores: Option<ScoreFormat>) -> u64 {
        let s = match scores {
            Some(ScoreFormat::Printf17g) => self.lp_scores_17g,
            Some(ScoreFormat::Shortest) => self.lp_scores_shortest,
            None => 0,
        };
        listpack::LP_OVERHEAD + self.lp_entries + s
    }

    /// Intset bytes when every member is an integer.
    pub fn intset_bytes(&self) -> Option<u64> {
        if self.non_int > 0 || self.count == 0 {
            return None;
        }
        let fits = |lo: i64, hi: i64| self.int_min >= lo && self.int_max <= hi;
        let width = if fits(i16::MIN as i64, i16::MAX as i64) {
            2
        } else if fits(i32::MIN as i64, i32::MAX as i64) {
            4
        } else {
            8
        };
        Some(8 + self.count * width)
    }

    /// Stream facts (all zero for other types).
    pub fn stream(&self) -> &StreamElems {
        self.stream.as_deref().unwrap_or(&NO_STREAM)
    }

    fn stream_mut(&mut self) -> &mut StreamElems {
        self.stream.get_or_insert_with(Default::default)
    }

    /// Stream: the 16-byte key (first entry ID) of the next listpack.
    #[inline]
    pub fn stream_node(&mut self, id: &[u8; 16]) {
        self.stream_mut().stream_rax.add(id);
    }

    /// Stream: a consumer group's PEL begins.
    pub fn pel_begin(&mut self) {
        self.stream_mut().pel = RaxCounter::default();
    }

    /// Stream: one ID in the PEL begun last.
    #[inline]
    pub fn pel_id(&mut self, id: &[u8; 16]) {
        self.stream_mut().pel.add(id);
    }

    /// Stream: the group PEL is complete.
    pub fn pel_end_group(&mut self) {
        let s = self.stream_mut();
        s.pel_rax_nodes += s.pel.nodes();
        s.pel_rax_chars += s.pel.chars();
    }

    /// Stream: a consumer's PEL is complete.
    pub fn pel_end_consumer(&mut self, name_len: u64) {
        let s = self.stream_mut();
        s.consumer_rax_nodes += s.pel.nodes();
        s.consumer_rax_chars += s.pel.chars();
        s.consumer_name_bytes += name_len;
    }
}

/// Valkey 8.1 hash entry: field and value in one block (value as sdshdr8) while that stays
/// within 128 bytes; otherwise the field (at least sdshdr8) with a pointer to a separate value.
pub fn valkey_hash_entry(field: u64, value: u64) -> u64 {
    use super::jemalloc::{sds8_header, sds_header};
    let field_bytes = sds_header(field) + field + 1;
    let embedded = field_bytes + 3 + value + 1;
    if value < 256 && embedded <= 128 {
        size_class(embedded)
    } else {
        size_class(8 + sds8_header(field) + field + 1) + sds_alloc(value)
    }
}

/// Counts the nodes of a radix tree (rax) holding 16-byte keys inserted in increasing order,
/// the way streams and PELs build theirs: the root, every branching point, every node that
/// starts right after a branch, and every key's own leaf.
#[derive(Debug, Clone, Default)]
pub struct RaxCounter {
    prev: [u8; 16],
    /// Depths (0..=16) along the previous key's path that are already nodes.
    marks: u32,
    keys: u64,
    nodes: u64,
    chars: u64,
}

impl RaxCounter {
    pub const EMPTY: RaxCounter = RaxCounter { prev: [0; 16], marks: 0, keys: 0, nodes: 0, chars: 0 };

    pub fn add(&mut self, key: &[u8; 16]) {
        if self.keys == 0 {
            self.prev = *key;
            self.marks = 1 | 1 << 16;
            self.nodes = 2;
            self.keys = 1;
            self.chars = 16;
            return;
        }
        let lcp = self.prev.iter().zip(key).take_while(|(a, b)| a == b).count() as u32;
        if lcp == 16 {
            return; // duplicate key
        }
        for d in [lcp, lcp + 1] {
            self.mark(d);
        }
        self.marks &= (1u32 << (lcp + 1)) - 1;
        for d in [lcp + 1, 16] {
            self.mark(d);
        }
        self.prev = *key;
        self.keys += 1;
        self.chars += 16 - lcp as u64;
    }

    #[inline]
    fn mark(&mut self, depth: u32) {
        if self.marks & (1 << depth) == 0 {
            self.marks |= 1 << depth;
            self.nodes += 1;
        }
    }

    /// Nodes in the tree (an empty tree still has its root).
    pub fn nodes(&self) -> u64 {
        self.nodes.max(1)
    }

    pub fn keys(&self) -> u64 {
        self.keys
    }

    /// Key bytes held in the nodes (each distinct prefix byte once).
    pub fn chars(&self) -> u64 {
        self.chars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(ms: u64, seq: u64) -> [u8; 16] {
        let mut k = [0u8; 16];
        k[..8].copy_from_slice(&ms.to_be_bytes());
        k[8..].copy_from_slice(&seq.to_be_bytes());
        k
    }

    #[test]
    fn rax_counts() {
        let mut r = RaxCounter::default();
        assert_eq!(r.nodes(), 1);
        r.add(&id(1000, 0));
        assert_eq!(r.nodes(), 2); // compressed root + leaf
        r.add(&id(1000, 1));
        // split at depth 15: compressed root, branch node, two leaves.
        assert_eq!(r.nodes(), 4);
        r.add(&id(1000, 2));
        assert_eq!(r.nodes(), 5);
        let mut r = RaxCounter::default();
        r.add(&id(1, 0));
        r.add(&id(2, 0));
        // diverge at depth 7: root run, branch, two runs after it, two leaves.
        assert_eq!(r.nodes(), 6);
    }

    #[test]
    fn list_packing_splits_at_8k() {
        let mut e = ElemStats::default();
        for _ in 0..1000 {
            e.add(100, None);
        }
        let (nodes, alloc, _) = e.list_packing();
        // 103 bytes per entry; a node takes another while 7 + 103k + 100 + 8 <= 8192: 79 each.
        assert_eq!(nodes, 13);
        assert!(alloc >= 13 * 4096 && alloc <= 13 * 8192, "{alloc}");
        assert_eq!(e.count, 1000);
        assert_eq!(e.non_int, 1000);
    }

    #[test]
    fn intsets() {
        let mut e = ElemStats::default();
        for v in [1, 2, 70_000] {
            e.add(if v < 10 { 1 } else { 5 }, Some(v));
        }
        assert_eq!(e.intset_bytes(), Some(8 + 3 * 4));
        e.add(3, None);
        assert_eq!(e.intset_bytes(), None);
    }

    #[test]
    fn valkey_entries() {
        // field 5 (sdshdr5: 7 bytes) + value 5 as sdshdr8 (9 bytes) = 16.
        assert_eq!(valkey_hash_entry(5, 5), 16);
        // 7 + 44 = 51 -> 64.
        assert_eq!(valkey_hash_entry(5, 40), 64);
        // 32 + 104 > 128: field block 8 + 34 -> 48, value 104 -> 112.
        assert_eq!(valkey_hash_entry(30, 100), 160);
    }
}
