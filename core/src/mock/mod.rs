//! The local DCS emulator (issue: emulator). Placeholder until implemented.
