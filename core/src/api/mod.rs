//! The DCS API surface generated from `spec/` (issue: API surface). Placeholder until implemented.
