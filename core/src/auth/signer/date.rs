//! `X-Sdk-Date`: UTC `YYYYMMDDTHHMMSSZ`, kept as seconds since the Unix epoch.

use std::cell::Cell;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SdkDate {
    unix_seconds: i64,
}

impl SdkDate {
    pub fn now() -> SdkDate {
        SdkDate::from_system_time(SystemTime::now())
    }

    pub fn from_system_time(t: SystemTime) -> SdkDate {
        let unix_seconds = match t.duration_since(UNIX_EPOCH) {
            Ok(d) => d.as_secs() as i64,
            Err(e) => -(e.duration().as_secs_f64().ceil() as i64),
        };
        SdkDate { unix_seconds }
    }

    pub fn from_unix(unix_seconds: i64) -> SdkDate {
        SdkDate { unix_seconds }
    }

    pub fn unix_seconds(self) -> i64 {
        self.unix_seconds
    }

    pub fn to_system_time(self) -> SystemTime {
        if self.unix_seconds >= 0 {
            UNIX_EPOCH + Duration::from_secs(self.unix_seconds as u64)
        } else {
            UNIX_EPOCH - Duration::from_secs(self.unix_seconds.unsigned_abs())
        }
    }

    /// Parses exactly `YYYYMMDDTHHMMSSZ`; `param` names the input in the error.
    pub fn parse(s: &str, param: &str) -> Result<SdkDate> {
        let bad = |why: &str| Error::invalid_input(param, format!("{s:?} is not a date of the form YYYYMMDDTHHMMSSZ ({why})"));
        let b = s.as_bytes();
        if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
            return Err(bad("wrong shape"));
        }
        let num = |range: std::ops::Range<usize>| -> Result<i64> {
            let digits = &b[range];
            if !digits.iter().all(u8::is_ascii_digit) {
                return Err(bad("not a digit"));
            }
            Ok(digits.iter().fold(0i64, |n, d| n * 10 + i64::from(d - b'0')))
        };
        let (year, month, day) = (num(0..4)?, num(4..6)?, num(6..8)?);
        let (hour, minute, second) = (num(9..11)?, num(11..13)?, num(13..15)?);
        if year < 1 || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return Err(bad("no such day"));
        }
        if hour > 23 || minute > 59 || second > 59 {
            return Err(bad("no such time"));
        }
        let days = days_from_civil(year, month, day);
        Ok(SdkDate { unix_seconds: days * 86_400 + hour * 3600 + minute * 60 + second })
    }
}

/// `YYYYMMDDTHHMMSSZ` on the stack (the signer's hot path avoids `fmt`).
pub struct FormattedDate([u8; 16]);

impl FormattedDate {
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ASCII digits")
    }
}

thread_local! {
    /// The last date formatted on this thread: signatures made in the same second reuse it.
    static LAST_FORMATTED: Cell<Option<(i64, [u8; 16])>> = const { Cell::new(None) };
}

impl SdkDate {
    pub fn format(self) -> FormattedDate {
        if let Some((seconds, text)) = LAST_FORMATTED.get() {
            if seconds == self.unix_seconds {
                return FormattedDate(text);
            }
        }
        let formatted = self.format_uncached();
        LAST_FORMATTED.set(Some((self.unix_seconds, formatted.0)));
        formatted
    }

    fn format_uncached(self) -> FormattedDate {
        let days = self.unix_seconds.div_euclid(86_400);
        let secs = self.unix_seconds.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let mut out = *b"00000000T000000Z";
        let mut put = |at: usize, width: usize, mut v: i64| {
            for i in (at..at + width).rev() {
                out[i] = b'0' + (v.rem_euclid(10)) as u8;
                v /= 10;
            }
        };
        put(0, 4, y);
        put(4, 2, m);
        put(6, 2, d);
        put(9, 2, secs / 3600);
        put(11, 2, secs / 60 % 60);
        put(13, 2, secs % 60);
        FormattedDate(out)
    }
}

impl fmt::Display for SdkDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.format().as_str())
    }
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// Howard Hinnant's days-from-civil algorithms (proleptic Gregorian calendar).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for s in ["19700101T000000Z", "20240229T235959Z", "20261122T104630Z", "00010101T000000Z", "99991231T235959Z"] {
            assert_eq!(SdkDate::parse(s, "date").unwrap().to_string(), s);
            // Again: now from the per-thread cache.
            assert_eq!(SdkDate::parse(s, "date").unwrap().to_string(), s);
        }
        assert_eq!(SdkDate::parse("20000301T000000Z", "d").unwrap().unix_seconds(), 951_868_800);
    }

    #[test]
    fn rejects_bad_dates() {
        for s in ["20230229T000000Z", "2024-01-01T00:00:00Z", "20240101T240000Z", "20240101T000000", "2024010AT000000Z", ""] {
            let e = SdkDate::parse(s, "date").unwrap_err();
            assert_eq!(e.param(), Some("date"), "{s}");
        }
    }
}
