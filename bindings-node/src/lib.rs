//! node binding: filled in by its issue.
