//! HMAC-SHA256 with the key absorbed once. HMAC(K, m) = H((K^opad) ‖ H((K^ipad) ‖ m)), and
//! the key blocks `K^ipad`, `K^opad` are the same for every signature: a credential keeps the
//! two SHA-256 states after them, so a signature hashes only its own blocks (3 instead of 5
//! for a string to sign). Built on sha2's compression function; tests check it against the
//! `hmac` crate.
//!
//! The states are not the key, but they sign like it: they are wiped on drop (`ZeroizeOnDrop`)
//! and never shown (`Debug` is redacted), like the key itself.

use std::fmt;

use sha2::digest::generic_array::GenericArray;
use sha2::{Digest, Sha256};
use zeroize::{Zeroize, ZeroizeOnDrop};

const BLOCK: usize = 64;
/// SHA-256's initial state (FIPS 180-4, 5.3.3).
const IV: [u32; 8] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/// A secret key made ready for HMAC-SHA256.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct SigningKey {
    /// SHA-256 state after the block `K ^ 0x36…`.
    inner: [u32; 8],
    /// SHA-256 state after the block `K ^ 0x5c…`.
    outer: [u32; 8],
}

impl SigningKey {
    pub fn new(key: &[u8]) -> SigningKey {
        // Keys longer than a block are hashed first (RFC 2104); shorter ones are zero-padded.
        let mut block = [0u8; BLOCK];
        if key.len() > BLOCK {
            let mut digest: [u8; 32] = Sha256::digest(key).into();
            block[..32].copy_from_slice(&digest);
            digest.zeroize();
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let mut pad = [0u8; BLOCK];
        let mut keyed_state = |byte: u8| {
            for (p, k) in pad.iter_mut().zip(&block) {
                *p = k ^ byte;
            }
            let mut state = IV;
            compress(&mut state, &pad);
            state
        };
        let key = SigningKey { inner: keyed_state(0x36), outer: keyed_state(0x5c) };
        pad.zeroize();
        block.zeroize();
        key
    }

    /// HMAC-SHA256(key, message).
    pub fn mac(&self, message: &[u8]) -> [u8; 32] {
        let inner = finish(self.inner, BLOCK, message);
        finish(self.outer, BLOCK, &inner)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey([REDACTED])")
    }
}

/// Runs SHA-256 to the end: `state` has absorbed `absorbed` bytes (whole blocks), `tail`
/// follows, then the padding `0x80 0… <bit length, big-endian u64>`.
fn finish(mut state: [u32; 8], absorbed: usize, tail: &[u8]) -> [u8; 32] {
    let whole = tail.len() - tail.len() % BLOCK;
    compress(&mut state, &tail[..whole]);
    let rest = &tail[whole..];
    let mut last = [0u8; 2 * BLOCK];
    last[..rest.len()].copy_from_slice(rest);
    last[rest.len()] = 0x80;
    // The 9 bytes of marker and length need a second block when the rest leaves less room.
    let end = if rest.len() + 9 <= BLOCK { BLOCK } else { 2 * BLOCK };
    let bits = ((absorbed + tail.len()) as u64) * 8;
    last[end - 8..end].copy_from_slice(&bits.to_be_bytes());
    compress(&mut state, &last[..end]);
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// Absorbs whole blocks (SHA-NI or AVX2 when the CPU has them; sha2 picks at run time).
fn compress(state: &mut [u32; 8], blocks: &[u8]) {
    for block in blocks.chunks_exact(BLOCK) {
        sha2::compress256(state, std::slice::from_ref(GenericArray::from_slice(block)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};
    use proptest::prelude::*;

    fn reference(key: &[u8], message: &[u8]) -> [u8; 32] {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    #[test]
    fn rfc4231_case_2() {
        let mac = SigningKey::new(b"Jefe").mac(b"what do ya want for nothing?");
        assert_eq!(hex::encode(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    #[test]
    fn every_padding_boundary() {
        // Message lengths around one and two blocks (55/56 is where padding spills over).
        let message: Vec<u8> = (0..200u8).collect();
        for key_len in [0, 1, 32, 63, 64, 65, 200] {
            let key = vec![0xa5u8; key_len];
            let k = SigningKey::new(&key);
            for len in 0..message.len() {
                assert_eq!(k.mac(&message[..len]), reference(&key, &message[..len]), "key {key_len}, message {len}");
            }
        }
    }

    #[test]
    fn debug_is_redacted() {
        assert_eq!(format!("{:?}", SigningKey::new(b"k")), "SigningKey([REDACTED])");
    }

    proptest! {
        #[test]
        fn matches_the_hmac_crate(key in proptest::collection::vec(any::<u8>(), 0..150), message in proptest::collection::vec(any::<u8>(), 0..400)) {
            prop_assert_eq!(SigningKey::new(&key).mac(&message), reference(&key, &message));
        }
    }
}
