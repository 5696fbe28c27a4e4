//! The vocabulary the decoder, the memory model and the report share.

use serde::Serialize;

/// Data types as DCS names them, plus stream, module and array.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyType {
    String,
    List,
    Set,
    Zset,
    Hash,
    Stream,
    Module,
    Array,
}

impl KeyType {
    pub const ALL: [KeyType; 8] = [
        KeyType::String,
        KeyType::List,
        KeyType::Set,
        KeyType::Zset,
        KeyType::Hash,
        KeyType::Stream,
        KeyType::Module,
        KeyType::Array,
    ];

    pub fn name(self) -> &'static str {
        match self {
            KeyType::String => "string",
            KeyType::List => "list",
            KeyType::Set => "set",
            KeyType::Zset => "zset",
            KeyType::Hash => "hash",
            KeyType::Stream => "stream",
            KeyType::Module => "module",
            KeyType::Array => "array",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn from_name(s: &str) -> Option<KeyType> {
        Self::ALL.into_iter().find(|t| t.name() == s)
    }
}

/// How a value is stored in the RDB file (the in-memory encoding after load may differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Encoding {
    /// String stored as an integer.
    Int,
    /// String of at most 44 bytes (Redis keeps these in one allocation).
    Embstr,
    Raw,
    LinkedList,
    Ziplist,
    Quicklist,
    Quicklist2,
    Intset,
    Listpack,
    Hashtable,
    Skiplist,
    Zipmap,
    /// Hash with field TTLs, listpack form.
    ListpackEx,
    /// Hash with field TTLs, table form.
    HashtableEx,
    Stream,
    Module,
    Array,
}

impl Encoding {
    pub const COUNT: usize = 17;
    pub const ALL: [Encoding; Self::COUNT] = [
        Encoding::Int,
        Encoding::Embstr,
        Encoding::Raw,
        Encoding::LinkedList,
        Encoding::Ziplist,
        Encoding::Quicklist,
        Encoding::Quicklist2,
        Encoding::Intset,
        Encoding::Listpack,
        Encoding::Hashtable,
        Encoding::Skiplist,
        Encoding::Zipmap,
        Encoding::ListpackEx,
        Encoding::HashtableEx,
        Encoding::Stream,
        Encoding::Module,
        Encoding::Array,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Encoding::Int => "int",
            Encoding::Embstr => "embstr",
            Encoding::Raw => "raw",
            Encoding::LinkedList => "linkedlist",
            Encoding::Ziplist => "ziplist",
            Encoding::Quicklist => "quicklist",
            Encoding::Quicklist2 => "quicklist2",
            Encoding::Intset => "intset",
            Encoding::Listpack => "listpack",
            Encoding::Hashtable => "hashtable",
            Encoding::Skiplist => "skiplist",
            Encoding::Zipmap => "zipmap",
            Encoding::ListpackEx => "listpack-ex",
            Encoding::HashtableEx => "hashtable-ex",
            Encoding::Stream => "stream",
            Encoding::Module => "module",
            Encoding::Array => "array",
        }
    }
}

/// What the memory model needs to know about a value; filled while decoding, no element kept.
#[derive(Debug, Clone, Default)]
pub struct ValueShape {
    /// Strings: byte length. Collections: elements (members, fields, entries).
    pub len: u64,
    /// Strings stored int-encoded.
    pub int_value: bool,
    /// Total bytes of packed blobs (listpack, ziplist, intset nodes).
    pub blob_bytes: u64,
    /// Sum of the model's allocation size for each packed blob.
    pub blob_alloc: u64,
    /// Packed nodes (quicklist nodes, stream listpacks).
    pub nodes: u64,
    /// Sum of the model's allocation size for separately stored elements (dict/list encodings).
    pub elem_alloc: u64,
    /// Stream consumer groups, consumers and pending entries.
    pub groups: u64,
    pub consumers: u64,
    pub pending: u64,
    /// Serialized size of the value (used for modules, whose layout is opaque).
    pub serialized: u64,
    /// Key name length and whether the key has a TTL (Valkey embeds both in the value).
    pub key_len: u64,
    pub has_expire: bool,
    /// Element-level facts for the memory model (load-time re-encoding, exact listpacks).
    pub elems: super::memory_model::ElemStats,
}
