//! Credentials: AK/SK (optionally temporary, with a security token) or an IAM token.
//! Secrets are `SecretString`s: redacted in `Debug`, zeroized on drop, never `Display`ed.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroize;

use crate::auth::signer::SigningKey;
use crate::error::{Error, ErrorKind, Result};

pub const ENV_AK: &str = "CLOUD_SDK_AK";
pub const ENV_SK: &str = "CLOUD_SDK_SK";
pub const ENV_SECURITY_TOKEN: &str = "CLOUD_SDK_SECURITY_TOKEN";
pub const ENV_PROJECT_ID: &str = "CLOUD_SDK_PROJECT_ID";
pub const ENV_AUTH_TOKEN: &str = "CLOUD_SDK_AUTH_TOKEN";

#[derive(Clone)]
pub enum Credentials {
    /// Access key / secret key, signed with SDK-HMAC-SHA256.
    AkSk {
        ak: String,
        sk: SecretString,
        /// Present for temporary credentials; sent as `X-Security-Token`.
        security_token: Option<SecretString>,
        /// HMAC state derived from `sk` once, so signing does not re-hash the key (wiped on drop).
        signing_key: SigningKey,
    },
    /// An IAM token sent as `X-Auth-Token`.
    Token(SecretString),
}

impl Credentials {
    pub fn aksk(ak: impl Into<String>, sk: impl Into<String>) -> Self {
        let sk = secret(sk.into());
        Credentials::AkSk { ak: ak.into(), signing_key: SigningKey::new(sk.expose_secret().as_bytes()), sk, security_token: None }
    }

    pub fn temporary(ak: impl Into<String>, sk: impl Into<String>, security_token: impl Into<String>) -> Self {
        let sk = secret(sk.into());
        Credentials::AkSk {
            ak: ak.into(),
            signing_key: SigningKey::new(sk.expose_secret().as_bytes()),
            sk,
            security_token: Some(secret(security_token.into())),
        }
    }

    pub fn token(token: impl Into<String>) -> Self {
        Credentials::Token(secret(token.into()))
    }

    /// From `CLOUD_SDK_AK` / `CLOUD_SDK_SK` (+ `CLOUD_SDK_SECURITY_TOKEN`), else
    /// `CLOUD_SDK_AUTH_TOKEN`. `Ok(None)` when none is set; an error when only half is.
    pub fn from_env() -> Result<Option<Credentials>> {
        let get = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        match (get(ENV_AK), get(ENV_SK)) {
            (Some(ak), Some(sk)) => Ok(Some(match get(ENV_SECURITY_TOKEN) {
                Some(t) => Credentials::temporary(ak, sk, t),
                None => Credentials::aksk(ak, sk),
            })),
            (Some(_), None) => Err(Error::new(ErrorKind::Credentials, format!("{ENV_AK} is set but {ENV_SK} is not"))),
            (None, Some(_)) => Err(Error::new(ErrorKind::Credentials, format!("{ENV_SK} is set but {ENV_AK} is not"))),
            (None, None) => Ok(get(ENV_AUTH_TOKEN).map(Credentials::token)),
        }
    }

    pub fn access_key(&self) -> Option<&str> {
        match self {
            Credentials::AkSk { ak, .. } => Some(ak),
            Credentials::Token(_) => None,
        }
    }

    /// The HMAC-ready form of the secret key, for the signer only (the key itself never leaves).
    pub(crate) fn signing_key(&self) -> Option<&SigningKey> {
        match self {
            Credentials::AkSk { signing_key, .. } => Some(signing_key),
            Credentials::Token(_) => None,
        }
    }

    pub(crate) fn security_token(&self) -> Option<&str> {
        match self {
            Credentials::AkSk { security_token, .. } => security_token.as_ref().map(|t| t.expose_secret()),
            Credentials::Token(_) => None,
        }
    }

    pub(crate) fn auth_token(&self) -> Option<&str> {
        match self {
            Credentials::Token(t) => Some(t.expose_secret()),
            Credentials::AkSk { .. } => None,
        }
    }

    /// Rejects empty keys before anything is sent.
    pub fn validate(&self) -> Result<()> {
        match self {
            Credentials::AkSk { ak, sk, .. } => {
                if ak.trim().is_empty() {
                    return Err(Error::new(ErrorKind::Credentials, "the access key (AK) is empty"));
                }
                if sk.expose_secret().is_empty() {
                    return Err(Error::new(ErrorKind::Credentials, "the secret key (SK) is empty"));
                }
                Ok(())
            }
            Credentials::Token(t) if t.expose_secret().is_empty() => {
                Err(Error::new(ErrorKind::Credentials, "the auth token is empty"))
            }
            Credentials::Token(_) => Ok(()),
        }
    }
}

/// Moves a secret into a `SecretString` leaving no copy behind: `String::into_boxed_str`
/// would reallocate a string with spare capacity and free the old bytes unzeroized.
fn secret(mut s: String) -> SecretString {
    if s.capacity() == s.len() {
        return SecretString::from(s);
    }
    let exact: Box<str> = Box::from(s.as_str());
    s.zeroize();
    SecretString::from(exact)
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::AkSk { ak, security_token, .. } => f
                .debug_struct("AkSk")
                .field("ak", ak)
                .field("sk", &"[REDACTED]")
                .field("security_token", &security_token.as_ref().map(|_| "[REDACTED]"))
                .finish(),
            Credentials::Token(_) => f.debug_tuple("Token").field(&"[REDACTED]").finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let c = Credentials::temporary("AKID", "super-secret-sk", "tok-secret");
        let s = format!("{c:?} {c:#?}");
        assert!(s.contains("AKID"));
        assert!(!s.contains("super-secret-sk"));
        assert!(!s.contains("tok-secret"));
        let t = Credentials::token("iam-token-xyz");
        assert!(!format!("{t:?}").contains("iam-token-xyz"));
    }

    #[test]
    fn empty_keys_are_credentials_errors() {
        let e = Credentials::aksk("", "x").validate().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Credentials);
        let e = Credentials::aksk("a", "").validate().unwrap_err();
        assert!(!e.to_string().contains("a\""));
    }
}
