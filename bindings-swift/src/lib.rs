//! swift binding: filled in by its issue.
