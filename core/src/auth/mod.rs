//! Authentication: credentials and the SDK-HMAC-SHA256 request signer.

mod credentials;
pub mod signer;

pub use credentials::*;
