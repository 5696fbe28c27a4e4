//! HTTP transport (issue: foundation). Placeholder until implemented.
