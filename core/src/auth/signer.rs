//! SDK-HMAC-SHA256 request signing (issue: foundation). Placeholder until implemented.
