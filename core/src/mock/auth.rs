//! Authentication as the API gateway does it: an `SDK-HMAC-SHA256` signature recomputed from
//! the request as it arrived (with the core signer's `verify`), dates at most 15 minutes off,
//! or an `X-Auth-Token` when one is configured.

use std::time::{Duration, SystemTime};

use crate::auth::signer::{verify, IncomingRequest, VerifyFailure};
use crate::auth::Credentials;

pub const MAX_SKEW: Duration = Duration::from_secs(15 * 60);

/// Who may call the emulator. With neither keys nor a token, every request is accepted.
#[derive(Clone, Default)]
pub struct Gate {
    pub aksk: Option<(String, String)>,
    pub token: Option<String>,
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gate")
            .field("ak", &self.aksk.as_ref().map(|(ak, _)| ak))
            .field("sk", &self.aksk.as_ref().map(|_| "[REDACTED]"))
            .field("token", &self.token.as_ref().map(|_| "[REDACTED]"))
            .finish()
    }
}

/// A refusal: the gateway's error code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub error_code: &'static str,
    pub error_msg: String,
}

impl Gate {
    pub fn is_open(&self) -> bool {
        self.aksk.is_none() && self.token.is_none()
    }

    pub fn check(&self, req: &IncomingRequest<'_>, now: SystemTime) -> Result<(), Refusal> {
        if self.is_open() {
            return Ok(());
        }
        let header = |name: &str| req.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
        if let Some(presented) = header("x-auth-token") {
            return match &self.token {
                Some(t) if constant_time_eq(t.as_bytes(), presented.trim().as_bytes()) => Ok(()),
                _ => Err(Refusal {
                    error_code: "APIGW.0301",
                    error_msg: "Incorrect IAM authentication information: verify token fail".into(),
                }),
            };
        }
        let Some((ak, sk)) = &self.aksk else {
            return Err(Refusal {
                error_code: "APIGW.0301",
                error_msg: "Incorrect IAM authentication information: no X-Auth-Token header".into(),
            });
        };
        let lookup = |presented: &str| (presented == ak).then(|| Credentials::aksk(ak.clone(), sk.clone()));
        verify(req, lookup, now, MAX_SKEW).map(|_| ()).map_err(refusal)
    }
}

fn refusal(f: VerifyFailure) -> Refusal {
    let detail = match &f {
        VerifyFailure::ClockSkew { .. } => "x-sdk-date expired".to_string(),
        VerifyFailure::UnknownAccessKey(_) => "ak not found".to_string(),
        VerifyFailure::SignatureMismatch { .. } => "verify aksk signature fail".to_string(),
        other => other.to_string(),
    };
    let error_code = match f {
        VerifyFailure::ClockSkew { .. } | VerifyFailure::SignatureMismatch { .. } | VerifyFailure::PayloadHashMismatch => "APIGW.0303",
        _ => "APIGW.0301",
    };
    Refusal { error_code, error_msg: format!("Incorrect IAM authentication information: {detail}") }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
