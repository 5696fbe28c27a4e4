//! When and how long to wait before trying again: exponential backoff with jitter, bounded by
//! a per-call budget, stretched to the server's `Retry-After`.

use std::time::{Duration, SystemTime};

use crate::auth::signer::SdkDate;
use crate::config::RetryPolicy;

/// The wait before retry number `retry` (0-based): `initial * 2^retry`, capped, with "equal
/// jitter" (half fixed, half random) so clients that failed together do not return together.
pub fn backoff(policy: &RetryPolicy, retry: u32) -> Duration {
    let exp = policy.initial_backoff.saturating_mul(1u32 << retry.min(20));
    let capped = exp.min(policy.max_backoff);
    let half = capped / 2;
    half + half.mul_f64(rand::random::<f64>())
}

/// The wait before the next attempt, or `None` when the budget does not allow another one.
/// A `Retry-After` longer than the backoff wins.
pub fn next_delay(policy: &RetryPolicy, retry: u32, retry_after: Option<Duration>, slept: Duration) -> Option<Duration> {
    if retry >= policy.max_retries {
        return None;
    }
    let delay = backoff(policy, retry).max(retry_after.unwrap_or(Duration::ZERO));
    (slept + delay <= policy.budget).then_some(delay)
}

/// `Retry-After` as delta-seconds or an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(86_400.0)));
    }
    let date = parse_http_date(value)?;
    let now = SdkDate::from_system_time(now).unix_seconds();
    Some(Duration::from_secs(date.unix_seconds().saturating_sub(now).max(0) as u64))
}

fn parse_http_date(value: &str) -> Option<SdkDate> {
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    let parts: Vec<&str> = value.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts.as_slice() else { return None };
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = MONTHS.iter().position(|m| m == month)? + 1;
    let time = time.replace(':', "");
    let compact = format!("{year:0>4}{month:02}{day:0>2}T{time}Z");
    SdkDate::parse(&compact, "Retry-After").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy { initial_backoff: Duration::from_millis(100), max_backoff: Duration::from_millis(700), ..Default::default() };
        for _ in 0..50 {
            let b0 = backoff(&p, 0);
            assert!(b0 >= Duration::from_millis(50) && b0 <= Duration::from_millis(100), "{b0:?}");
            let b2 = backoff(&p, 2);
            assert!(b2 >= Duration::from_millis(200) && b2 <= Duration::from_millis(400), "{b2:?}");
            assert!(backoff(&p, 10) <= Duration::from_millis(700));
        }
    }

    #[test]
    fn budget_and_retry_after() {
        let p = RetryPolicy { max_retries: 5, budget: Duration::from_secs(3), ..Default::default() };
        assert_eq!(next_delay(&p, 0, Some(Duration::from_secs(2)), Duration::ZERO), Some(Duration::from_secs(2)));
        assert_eq!(next_delay(&p, 1, Some(Duration::from_secs(2)), Duration::from_secs(2)), None);
        assert_eq!(next_delay(&p, 5, None, Duration::ZERO), None);
    }

    #[test]
    fn retry_after_forms() {
        let now = SdkDate::parse("19941106T084930Z", "d").unwrap().to_system_time();
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:40:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
