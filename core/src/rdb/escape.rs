//! Key names are bytes. Text output escapes what is not printable UTF-8; JSON keeps the
//! exact bytes (hex) next to the escaped form whenever the name is not valid UTF-8.

use std::fmt::Write;

/// Printable UTF-8 kept, `\` doubled, control characters and invalid bytes as `\xHH`.
pub fn escape_text(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        let _ = write!(out, "\\x{b:02x}");
                    }
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

/// Adds `name` to a JSON object: the UTF-8 text, or for other bytes the escaped text plus
/// `name_hex` (exact bytes) and `name_escaped: true`.
pub fn put_bytes(obj: &mut serde_json::Map<String, serde_json::Value>, name: &str, bytes: &[u8]) {
    match std::str::from_utf8(bytes) {
        Ok(s) => {
            obj.insert(name.into(), s.into());
        }
        Err(_) => {
            obj.insert(name.into(), escape_text(bytes).into());
            obj.insert(format!("{name}_hex"), hex::encode(bytes).into());
            obj.insert(format!("{name}_escaped"), true.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_text(b"user:1"), "user:1");
        assert_eq!(escape_text("clé".as_bytes()), "clé");
        assert_eq!(escape_text(b"a\xffb\\\n"), "a\\xffb\\\\\\x0a");
        let mut m = serde_json::Map::new();
        put_bytes(&mut m, "key", b"\xfe\x00k");
        assert_eq!(m["key_hex"], "fe006b");
        assert_eq!(m["key_escaped"], true);
        assert_eq!(m["key"], "\\xfe\\x00k");
    }
}
