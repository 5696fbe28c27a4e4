//! python binding: filled in by its issue.
