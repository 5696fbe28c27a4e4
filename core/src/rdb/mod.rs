//! The streaming RDB decoder and analyzer (issue: RDB analyzer). Placeholder until implemented.
