//! Allocation sizes: what jemalloc hands out for a request, and what an sds string costs.

/// jemalloc's usable size for a request of `n` bytes (64-bit, 16-byte quantum): 8, then
/// 16-byte steps up to 128, then four size classes per power of two.
#[inline]
pub fn size_class(n: u64) -> u64 {
    if n <= 8 {
        return 8;
    }
    if n <= 128 {
        return (n + 15) & !15;
    }
    let lg = 63 - (n - 1).leading_zeros() as u64;
    let step = 1u64 << (lg - 2);
    (n + step - 1) & !(step - 1)
}

/// Header bytes of the smallest sds type that holds `len` bytes (sdshdr5/8/16/32/64).
#[inline]
pub fn sds_header(len: u64) -> u64 {
    if len < 32 {
        1
    } else if len < 256 {
        3
    } else if len < 65_536 {
        5
    } else if len < (1 << 32) {
        9
    } else {
        17
    }
}

/// Header bytes of the smallest sds type of at least sdshdr8 (types that can carry flags).
#[inline]
pub fn sds8_header(len: u64) -> u64 {
    sds_header(len).max(3)
}

/// Bytes an sds string of `len` bytes asks for: header, data, NUL.
#[inline]
pub fn sds_request(len: u64) -> u64 {
    sds_header(len) + len + 1
}

/// Allocation of a freshly created (exact-size) sds string of `len` bytes.
#[inline]
pub fn sds_alloc(len: u64) -> u64 {
    size_class(sds_request(len))
}

/// The smallest power of two that is at least `n` and at least `min`.
#[inline]
pub fn pow2_at_least(n: u64, min: u64) -> u64 {
    n.max(min).next_power_of_two()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_classes() {
        let classes = [8, 16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512, 640, 768, 896, 1024];
        for n in 0..=1024u64 {
            let want = *classes.iter().find(|&&c| c >= n).unwrap();
            assert_eq!(size_class(n), want, "n={n}");
        }
    }

    #[test]
    fn large_classes() {
        // Page-sized and larger classes keep four steps per doubling.
        assert_eq!(size_class(4097), 5120);
        assert_eq!(size_class(8192), 8192);
        assert_eq!(size_class(8193), 10240);
        assert_eq!(size_class(16 * 1024 + 1), 20 * 1024);
        assert_eq!(size_class(100_000), 114_688);
        assert_eq!(size_class(1 << 30), 1 << 30);
        assert_eq!(size_class((1 << 30) + 1), (1 << 30) + (1 << 28));
    }

    #[test]
    fn sds_sizes() {
        // sdshdr5: 1 + 10 + 1 = 12 -> 16.
        assert_eq!(sds_alloc(10), 16);
        // sdshdr8 starts at 32 bytes: 3 + 32 + 1 = 36 -> 48.
        assert_eq!(sds_alloc(31), 48);
        assert_eq!(sds_alloc(32), 48);
        // sdshdr16 from 256: 5 + 256 + 1 = 262 -> 320.
        assert_eq!(sds_alloc(255), 320);
        assert_eq!(sds_header(256), 5);
        assert_eq!(sds_header(65_536), 9);
        assert_eq!(sds8_header(3), 3);
        assert_eq!(pow2_at_least(3, 4), 4);
        assert_eq!(pow2_at_least(600, 4), 1024);
    }
}
