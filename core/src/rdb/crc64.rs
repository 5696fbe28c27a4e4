//! CRC-64/Jones as RDB files use it (reflected, poly 0xad93d23594c935a9, init 0, no final xor).
//! Slice-by-16 tables so checksumming keeps up with decoding.

const POLY_REFLECTED: u64 = 0x95ac_9329_ac4b_c9b5;

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
pub fn update(mut crc: u64, data: &[u8]) -> u64 {
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

#[cfg(test)]
mod tests {
    #[test]
    fn check_value() {
        // The standard check value of CRC-64/Jones as Redis's crc64 test states it.
        assert_eq!(super::update(0, b"123456789"), 0xe9c6_d914_c4b8_d9ca);
        let long: Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
        let split = super::update(super::update(0, &long[..333]), &long[333..]);
        assert_eq!(split, super::update(0, &long));
        // Table-free bitwise reference.
        let mut crc = 0u64;
        for &b in &long {
            crc ^= b as u64;
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ super::POLY_REFLECTED } else { crc >> 1 };
            }
        }
        assert_eq!(crc, super::update(0, &long));
    }
}
