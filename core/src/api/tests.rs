//! Unit tests of request building and validation against the generated tables.
