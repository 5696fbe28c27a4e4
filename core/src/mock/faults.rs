//! Injected faults, for testing clients' retry logic: by rate (seeded, so runs repeat) or by a
//! scripted sequence per operation (`ListInstances=503,429,drop,ok`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::error::{Error, Result};

/// What the emulator does to one request instead of (or before) answering it normally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answer normally.
    None,
    /// Answer with this 5xx status (500, 502, 503, 504).
    Status(u16),
    /// 429 with `Retry-After` in seconds.
    Throttle { retry_after_secs: u64 },
    /// Send the headers and part of the body, then close the connection.
    Drop,
    /// Wait this long before answering normally.
    Delay(Duration),
}

impl Fault {
    /// `ok`, `500`, `503`, `429`, `429:3` (Retry-After 3 s), `drop`, `delay:250` (ms).
    pub fn parse(text: &str) -> Result<Fault> {
        let t = text.trim().to_ascii_lowercase();
        let bad = || Error::invalid_input("fault", format!("{text:?}: expected ok, 500, 502, 503, 504, 429[:SECS], drop or delay:MS"));
        Ok(match t.as_str() {
            "ok" | "none" => Fault::None,
            "drop" => Fault::Drop,
            "500" | "502" | "503" | "504" => Fault::Status(t.parse().map_err(|_| bad())?),
            "429" => Fault::Throttle { retry_after_secs: 1 },
            _ => {
                if let Some(secs) = t.strip_prefix("429:") {
                    Fault::Throttle { retry_after_secs: secs.parse().map_err(|_| bad())? }
                } else if let Some(ms) = t.strip_prefix("delay:") {
                    Fault::Delay(Duration::from_millis(ms.parse().map_err(|_| bad())?))
                } else {
                    return Err(bad());
                }
            }
        })
    }
}

/// A sequence of faults for one operation, consumed one request at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptedFaults {
    /// Official operation name (`ListInstances`), or `*` for every operation.
    pub operation: String,
    pub sequence: Vec<Fault>,
}

impl ScriptedFaults {
    /// `OPERATION=F1,F2,...` (see [`Fault::parse`]).
    pub fn parse(text: &str) -> Result<ScriptedFaults> {
        let (op, seq) = text
            .split_once('=')
            .ok_or_else(|| Error::invalid_input("fault", format!("{text:?}: expected OPERATION=FAULT,FAULT,...")))?;
        let sequence = seq.split(',').filter(|s| !s.trim().is_empty()).map(Fault::parse).collect::<Result<Vec<_>>>()?;
        if op.trim().is_empty() || sequence.is_empty() {
            return Err(Error::invalid_input("fault", format!("{text:?}: needs an operation and at least one fault")));
        }
        Ok(ScriptedFaults { operation: op.trim().to_string(), sequence })
    }
}

/// Decides each request's fault.
pub struct FaultPlan {
    rate: f64,
    rng: Mutex<StdRng>,
    scripts: Mutex<HashMap<String, std::collections::VecDeque<Fault>>>,
}

impl FaultPlan {
    pub fn new(rate: f64, seed: Option<u64>, scripts: &[ScriptedFaults]) -> FaultPlan {
        let rng = match seed {
            Some(s) => StdRng::seed_from_u64(s),
            None => StdRng::from_os_rng(),
        };
        let mut map: HashMap<String, std::collections::VecDeque<Fault>> = HashMap::new();
        for s in scripts {
            map.entry(s.operation.clone()).or_default().extend(s.sequence.iter().copied());
        }
        FaultPlan { rate: rate.clamp(0.0, 1.0), rng: Mutex::new(rng), scripts: Mutex::new(map) }
    }

    /// The fault for the next request to `operation`: its script first, then the rate.
    pub fn next(&self, operation: &str) -> Fault {
        {
            let mut scripts = self.scripts.lock().unwrap_or_else(|p| p.into_inner());
            for key in [operation, "*"] {
                if let Some(f) = scripts.get_mut(key).and_then(|q| q.pop_front()) {
                    return f;
                }
            }
        }
        if self.rate <= 0.0 {
            return Fault::None;
        }
        let mut rng = self.rng.lock().unwrap_or_else(|p| p.into_inner());
        if rng.random::<f64>() >= self.rate {
            return Fault::None;
        }
        match rng.random_range(0..4u8) {
            0 => Fault::Status(500),
            1 => Fault::Status(503),
            2 => Fault::Throttle { retry_after_secs: 1 },
            _ => Fault::Drop,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_run_in_order_then_fall_back_to_rate() {
        let s = ScriptedFaults::parse("ListInstances=503,429:2,drop,ok").unwrap();
        let plan = FaultPlan::new(0.0, Some(1), &[s]);
        assert_eq!(plan.next("ListInstances"), Fault::Status(503));
        assert_eq!(plan.next("ShowInstance"), Fault::None);
        assert_eq!(plan.next("ListInstances"), Fault::Throttle { retry_after_secs: 2 });
        assert_eq!(plan.next("ListInstances"), Fault::Drop);
        assert_eq!(plan.next("ListInstances"), Fault::None);
        assert_eq!(plan.next("ListInstances"), Fault::None);
        assert!(ScriptedFaults::parse("ListInstances=418").is_err());
        assert!(ScriptedFaults::parse("nothing").is_err());
    }

    #[test]
    fn rate_is_seeded_and_roughly_kept() {
        let a = FaultPlan::new(0.3, Some(7), &[]);
        let b = FaultPlan::new(0.3, Some(7), &[]);
        let fa: Vec<_> = (0..1000).map(|_| a.next("X")).collect();
        let fb: Vec<_> = (0..1000).map(|_| b.next("X")).collect();
        assert_eq!(fa, fb);
        let hits = fa.iter().filter(|f| **f != Fault::None).count();
        assert!((200..400).contains(&hits), "{hits}");
    }
}
