//! HMAC-SHA256 with the key absorbed once. HMAC(K, m) = H((K^opad) ‖ H((K^ipad) ‖ m)), and
//! the key blocks `K^ipad`, `K^opad` are the same for every signature: a credential keeps the
//! two SHA-256 states after them, so a signature hashes only its own blocks (3 instead of 5
//! for a string to sign). Built on sha2's compression function; tests check it against the
//! `hmac` crate.
//!
//! The states are not the key, but they sign like it: they are wiped on drop (`ZeroizeOnDrop`)
//! and never shown (`Debug` is redacted), like the key itself.

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

use super::sha::{compress, digest, finish, BLOCK, IV};

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
            let mut hashed = digest(key);
            block[..32].copy_from_slice(&hashed);
            hashed.zeroize();
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

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};
    use sha2::Sha256;
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
