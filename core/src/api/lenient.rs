//! Tolerant decoding of scalar response fields. The service (and its documented examples)
//! sometimes spells a number as a string or the other way round, and uses `{}` / `[]` for
//! "no value"; a typed response must still parse. Used by the generated models.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Absent, null, `{}` and `[]` read as `None`.
fn empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(o) => o.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn unexpected<E: serde::de::Error>(v: &Value, expected: &str) -> E {
    E::custom(format!("expected {expected}, got {v}"))
}

pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Value::deserialize(d)?;
    match v {
        Value::String(s) => Ok(Some(s)),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        ref other if empty(other) => Ok(None),
        other => Err(unexpected(&other, "a string")),
    }
}

pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let v = Value::deserialize(d)?;
    match &v {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Ok(Some(i))
            } else if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15) {
                Ok(Some(f as i64))
            } else {
                Err(unexpected(&v, "an integer"))
            }
        }
        Value::String(s) => match s.trim() {
            "" => Ok(None),
            t => t.parse::<i64>().map(Some).map_err(|_| unexpected(&v, "an integer")),
        },
        other if empty(other) => Ok(None),
        _ => Err(unexpected(&v, "an integer")),
    }
}

pub fn opt_i32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    match opt_i64(d)? {
        None => Ok(None),
        Some(i) => i32::try_from(i).map(Some).map_err(|_| serde::de::Error::custom(format!("{i} does not fit a 32-bit integer"))),
    }
}

pub fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let v = Value::deserialize(d)?;
    match &v {
        Value::Number(n) => Ok(n.as_f64()),
        Value::String(s) => match s.trim() {
            "" => Ok(None),
            t => t.parse::<f64>().map(Some).map_err(|_| unexpected(&v, "a number")),
        },
        other if empty(other) => Ok(None),
        _ => Err(unexpected(&v, "a number")),
    }
}

pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let v = Value::deserialize(d)?;
    match &v {
        Value::Bool(b) => Ok(Some(*b)),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        other if empty(other) => Ok(None),
        _ => Err(unexpected(&v, "true or false")),
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct T {
        #[serde(deserialize_with = "super::opt_string")]
        s: Option<String>,
        #[serde(deserialize_with = "super::opt_i32")]
        i: Option<i32>,
        #[serde(deserialize_with = "super::opt_f64")]
        f: Option<f64>,
        #[serde(deserialize_with = "super::opt_bool")]
        b: Option<bool>,
    }

    #[test]
    fn accepts_documented_spellings() {
        let t: T = serde_json::from_str(r#"{"s": 1, "i": "42", "f": "0.25", "b": "true"}"#).unwrap();
        assert_eq!((t.s.as_deref(), t.i, t.f, t.b), (Some("1"), Some(42), Some(0.25), Some(true)));
        let t: T = serde_json::from_str(r#"{"s": {}, "i": 7.0}"#).unwrap();
        assert_eq!((t.s, t.i, t.f), (None, Some(7), None));
    }

    #[test]
    fn rejects_what_cannot_be_meant() {
        assert!(serde_json::from_str::<T>(r#"{"i": "abc"}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"i": 4294967296}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"s": {"a": 1}}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"b": 3}"#).is_err());
    }
}
