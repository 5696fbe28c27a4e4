//! CRC-64/Jones as RDB files use it (reflected, poly 0xad93d23594c935a9, init 0, no final xor).
//!
//! Two implementations with identical results: carry-less-multiply folding (x86-64 with
//! PCLMULQDQ, picked at run time; about ten times the table speed, so checksumming costs almost
//! nothing next to decoding) and slice-by-16 tables (everywhere else, and for short inputs).

const POLY_REFLECTED: u64 = 0x95ac_9329_ac4b_c9b5;
/// The same polynomial, not reflected (x^64 implied).
const POLY_NORMAL: u64 = 0xad93_d235_94c9_35a9;

const fn build_tables() -> [[u64; 256]; 16] {
    let mut t = [[0u64; 256]; 16];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u64;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ POLY_REFLECTED } else { crc >> 1 };
            bit += 1;
        }
        t[0][i] = crc;
        i += 1;
    }
    let mut k = 1;
    while k < 16 {
        let mut i = 0;
        while i < 256 {
            let prev = t[k - 1][i];
            t[k][i] = (prev >> 8) ^ t[0][(prev & 0xff) as usize];
            i += 1;
        }
        k += 1;
    }
    t
}

static TABLES: [[u64; 256]; 16] = build_tables();

/// Continues a CRC over `data`.
#[inline]
pub fn update(crc: u64, data: &[u8]) -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        if data.len() >= clmul::MIN_LEN && clmul::available() {
            // SAFETY: the CPU supports PCLMULQDQ (checked just above).
            return unsafe { clmul::update(crc, data) };
        }
    }
    update_table(crc, data)
}

/// The table implementation (the reference the folding one is tested against).
pub fn update_table(mut crc: u64, data: &[u8]) -> u64 {
    let t = &TABLES;
    let mut chunks = data.chunks_exact(16);
    for c in &mut chunks {
        let a = crc ^ u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        let b = u64::from_le_bytes([c[8], c[9], c[10], c[11], c[12], c[13], c[14], c[15]]);
        crc = t[15][(a & 0xff) as usize]
            ^ t[14][((a >> 8) & 0xff) as usize]
            ^ t[13][((a >> 16) & 0xff) as usize]
            ^ t[12][((a >> 24) & 0xff) as usize]
            ^ t[11][((a >> 32) & 0xff) as usize]
            ^ t[10][((a >> 40) & 0xff) as usize]
            ^ t[9][((a >> 48) & 0xff) as usize]
            ^ t[8][(a >> 56) as usize]
            ^ t[7][(b & 0xff) as usize]
            ^ t[6][((b >> 8) & 0xff) as usize]
            ^ t[5][((b >> 16) & 0xff) as usize]
            ^ t[4][((b >> 24) & 0xff) as usize]
            ^ t[3][((b >> 32) & 0xff) as usize]
            ^ t[2][((b >> 40) & 0xff) as usize]
            ^ t[1][((b >> 48) & 0xff) as usize]
            ^ t[0][(b >> 56) as usize];
    }
    for &b in chunks.remainder() {
        crc = t[0][((crc ^ b as u64) & 0xff) as usize] ^ (crc >> 8);
    }
    crc
}

/// x^k mod P, bit-reflected (the form the folding multiplies by).
const fn xpow_mod_reflected(k: u32) -> u64 {
    let mut r: u64 = 1;
    let mut i = 0;
    while i < k {
        let carry = r >> 63;
        r <<= 1;
        if carry == 1 {
            r ^= POLY_NORMAL;
        }
        i += 1;
    }
    r.reverse_bits()
}

/// Fold constants for moving a 128-bit remainder forward by `d` bits. In reflected form the
/// low qword holds the high-degree half H and the high qword the low half L, so
/// X·x^d = H·x^(d+64) + L·x^d. A carry-less product of two reflected values comes out
/// multiplied by x once more, hence the exponents minus one.
const fn fold_keys(d: u32) -> (u64, u64) {
    (xpow_mod_reflected(d + 63), xpow_mod_reflected(d - 1))
}

#[cfg(target_arch = "x86_64")]
mod clmul {
    use std::arch::x86_64::*;

    /// Below this the table is as fast (and folding needs 128 bytes to start).
    pub const MIN_LEN: usize = 256;

    const K128: (u64, u64) = super::fold_keys(128);
    const K512: (u64, u64) = super::fold_keys(512);
    const K1024: (u64, u64) = super::fold_keys(1024);
    const K2048: (u64, u64) = super::fold_keys(2048);

    /// Inputs at least this long use the 512-bit multiplier when the CPU has one.
    const WIDE_MIN_LEN: usize = 1024;

    #[inline]
    pub fn available() -> bool {
        std::arch::is_x86_feature_detected!("pclmulqdq") && std::arch::is_x86_feature_detected!("sse2")
    }

    fn wide_available() -> bool {
        static WIDE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *WIDE.get_or_init(|| {
            std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("vpclmulqdq")
        })
    }

    #[inline]
    #[target_feature(enable = "avx512f,vpclmulqdq")]
    unsafe fn fold512(x: __m512i, k: __m512i, next: __m512i) -> __m512i {
        let hi = _mm512_clmulepi64_epi128::<0x00>(x, k);
        let lo = _mm512_clmulepi64_epi128::<0x11>(x, k);
        _mm512_ternarylogic_epi64::<0x96>(hi, lo, next)
    }

    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn load512(p: &[u8], at: usize) -> __m512i {
        debug_assert!(at + 64 <= p.len());
        _mm512_loadu_si512(p.as_ptr().add(at) as *const _)
    }

    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn keys512(k: (u64, u64)) -> __m512i {
        _mm512_set_epi64(k.1 as i64, k.0 as i64, k.1 as i64, k.0 as i64, k.1 as i64, k.0 as i64, k.1 as i64, k.0 as i64)
    }

    /// Folds `data` (at least 256 bytes) four 512-bit registers at a time (16 lanes of 128
    /// bits); returns the 128-bit remainder and how many bytes it covers.
    ///
    /// # Safety
    /// The CPU must support AVX-512F and VPCLMULQDQ.
    #[target_feature(enable = "avx512f,vpclmulqdq,pclmulqdq,sse2")]
    unsafe fn fold_wide(crc: u64, data: &[u8]) -> (__m128i, usize) {
        let (k512, k2048) = (keys512(K512), keys512(K2048));
        let mut x = [_mm512_setzero_si512(); 4];
        for (i, r) in x.iter_mut().enumerate() {
            *r = load512(data, i * 64);
        }
        x[0] = _mm512_xor_si512(x[0], _mm512_set_epi64(0, 0, 0, 0, 0, 0, 0, crc as i64));
        let mut at = 256;
        while at + 256 <= data.len() {
            for (i, r) in x.iter_mut().enumerate() {
                *r = fold512(*r, k2048, load512(data, at + i * 64));
            }
            at += 256;
        }
        let mut acc = x[0];
        for r in &x[1..] {
            acc = fold512(acc, k512, *r);
        }
        while at + 64 <= data.len() {
            acc = fold512(acc, k512, load512(data, at));
            at += 64;
        }
        let k128 = _mm_set_epi64x(K128.1 as i64, K128.0 as i64);
        let mut out = _mm512_extracti32x4_epi32::<0>(acc);
        out = fold(out, k128, _mm512_extracti32x4_epi32::<1>(acc));
        out = fold(out, k128, _mm512_extracti32x4_epi32::<2>(acc));
        out = fold(out, k128, _mm512_extracti32x4_epi32::<3>(acc));
        (out, at)
    }

    #[inline]
    #[target_feature(enable = "pclmulqdq,sse2")]
    unsafe fn fold(x: __m128i, k: __m128i, next: __m128i) -> __m128i {
        let hi = _mm_clmulepi64_si128::<0x00>(x, k);
        let lo = _mm_clmulepi64_si128::<0x11>(x, k);
        _mm_xor_si128(_mm_xor_si128(hi, lo), next)
    }

    #[inline]
    #[target_feature(enable = "sse2")]
    unsafe fn load(p: &[u8], at: usize) -> __m128i {
        debug_assert!(at + 16 <= p.len());
        _mm_loadu_si128(p.as_ptr().add(at) as *const __m128i)
    }

    /// Folds `data` (at least 128 bytes) eight 128-bit lanes at a time; returns the 128-bit
    /// remainder and how many bytes it covers.
    #[target_feature(enable = "pclmulqdq,sse2")]
    unsafe fn fold_narrow(crc: u64, data: &[u8]) -> (__m128i, usize) {
        let k128 = _mm_set_epi64x(K128.1 as i64, K128.0 as i64);
        let k1024 = _mm_set_epi64x(K1024.1 as i64, K1024.0 as i64);
        // Eight independent lanes hide the multiplier's latency. The running CRC joins the
        // message as an xor into its first eight bytes.
        let mut x = [_mm_setzero_si128(); 8];
        for (i, lane) in x.iter_mut().enumerate() {
            *lane = load(data, i * 16);
        }
        x[0] = _mm_xor_si128(x[0], _mm_set_epi64x(0, crc as i64));
        let mut at = 128;
        while at + 128 <= data.len() {
            for (i, lane) in x.iter_mut().enumerate() {
                *lane = fold(*lane, k1024, load(data, at + i * 16));
            }
            at += 128;
        }
        let mut acc = x[0];
        for lane in &x[1..] {
            acc = fold(acc, k128, *lane);
        }
        (acc, at)
    }

    /// # Safety
    /// The CPU must support PCLMULQDQ; `data` must hold at least 128 bytes.
    #[target_feature(enable = "pclmulqdq,sse2")]
    pub unsafe fn update(crc: u64, data: &[u8]) -> u64 {
        debug_assert!(data.len() >= 128);
        let k128 = _mm_set_epi64x(K128.1 as i64, K128.0 as i64);
        let (mut acc, mut at) = if data.len() >= WIDE_MIN_LEN && wide_available() {
            fold_wide(crc, data)
        } else {
            fold_narrow(crc, data)
        };
        while at + 16 <= data.len() {
            acc = fold(acc, k128, load(data, at));
            at += 16;
        }
        // The remainder X is congruent to the message so far; its CRC (X·x^64 mod P) is the
        // table CRC of its 16 bytes.
        let mut bytes = [0u8; 16];
        _mm_storeu_si128(bytes.as_mut_ptr() as *mut __m128i, acc);
        let crc = super::update_table(0, &bytes);
        super::update_table(crc, &data[at..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bitwise(data: &[u8]) -> u64 {
        let mut crc = 0u64;
        for &b in data {
            crc ^= b as u64;
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ POLY_REFLECTED } else { crc >> 1 };
            }
        }
        crc
    }

    #[test]
    fn check_value() {
        // The standard check value of CRC-64/Jones as Redis's crc64 test states it.
        assert_eq!(update(0, b"123456789"), 0xe9c6_d914_c4b8_d9ca);
        assert_eq!(update_table(0, b"123456789"), 0xe9c6_d914_c4b8_d9ca);
        let long: Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
        let split = update(update(0, &long[..333]), &long[333..]);
        assert_eq!(split, update(0, &long));
        assert_eq!(bitwise(&long), update(0, &long));
        assert_eq!(bitwise(&long), update_table(0, &long));
    }

    #[test]
    fn folding_matches_table_on_random_lengths_and_alignments() {
        // xorshift: deterministic data without a dependency.
        let mut s = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        let data: Vec<u8> = (0..70_000).map(|_| next() as u8).collect();
        let mut lens: Vec<usize> = (0..600).collect();
        lens.extend([1023, 1024, 1025, 4096 + 15, 65_536, 69_000]);
        for _ in 0..300 {
            lens.push((next() % 70_000) as usize);
        }
        for len in lens {
            let start = (next() % 64) as usize;
            let end = (start + len).min(data.len());
            let chunk = &data[start..end];
            let init = next();
            assert_eq!(update(init, chunk), update_table(init, chunk), "len {len} at {start}");
        }
        // One very long input, checksummed in pieces and whole.
        let big: Vec<u8> = (0..3_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let whole = update(0, &big);
        assert_eq!(whole, update_table(0, &big));
        let pieces = big.chunks(777_777).fold(0, update);
        assert_eq!(pieces, whole);
    }
}
