//! The core's error model in JavaScript. `index.js` registers a factory that builds the error
//! class for a stable code (`InvalidInputError` for `INVALID_INPUT`, ...); the addon calls it
//! on the JS thread and rejects (or throws) with the object it returns, so `err.code` is the
//! core's code and `instanceof` works. Without a factory (the raw addon) a plain `Error` with
//! the same `code` and fields is used.

use std::ptr;

use napi::bindgen_prelude::{
    FromNapiValue, Function, FunctionRef, ToNapiValue, TypeName, Unknown,
};
use napi::{sys, Env, Status, ValueType};
use napi_derive::napi;
use serde_json::{json, Map, Value};

type Factory = FunctionRef<Value, Unknown<'static>>;

/// Registers `(details) => Error`, called with `{code, message, statusCode?, errorCode?,
/// errorMsg?, requestId?, retryAfter?, param?, offset?}`.
#[napi(js_name = "setErrorFactory")]
pub fn set_error_factory(env: Env, factory: Function<'_, Value, Unknown<'static>>) -> napi::Result<()> {
    let reference: Factory = factory.create_ref()?;
    env.set_instance_data(reference, (), |_| {})
}

/// The fields a JS error carries, in the binding's camelCase names.
pub fn details(err: &dcskit::Error) -> Value {
    let mut d = Map::new();
    d.insert("code".into(), err.code().into());
    d.insert("message".into(), err.message().into());
    if let Some(s) = err.service_details() {
        d.insert("statusCode".into(), s.status_code.into());
        d.insert("errorCode".into(), json!(s.error_code));
        d.insert("errorMsg".into(), json!(s.error_msg));
        d.insert("requestId".into(), json!(s.request_id));
        if let Some(r) = s.retry_after {
            d.insert("retryAfter".into(), json!(r.as_secs_f64()));
        }
    }
    if let Some(p) = err.param() {
        d.insert("param".into(), p.into());
    }
    if let Some(o) = err.offset() {
        d.insert("offset".into(), o.into());
    }
    if let Some(r) = err.partial_report() {
        d.insert("partialReport".into(), r.clone());
    }
    Value::Object(d)
}

/// Builds the JS error for `err` on the JS thread and wraps it so napi rejects or throws with
/// exactly that object.
pub fn to_napi_error(env: &Env, err: &dcskit::Error) -> napi::Error {
    let details = details(err);
    if let Ok(Some(factory)) = env.get_instance_data::<Factory>() {
        match factory.borrow_back(env).and_then(|f| f.call(details.clone())) {
            Ok(obj) => return napi::Error::from(obj),
            Err(e) => return e,
        }
    }
    match plain_error(env, err, &details) {
        Ok(obj) => napi::Error::from(obj),
        Err(e) => e,
    }
}

/// `new Error(message)` with `code` and the detail fields set.
fn plain_error<'e>(env: &'e Env, err: &dcskit::Error, details: &Value) -> napi::Result<Unknown<'e>> {
    let raw = env.raw();
    unsafe {
        let code = String::to_napi_value(raw, err.code().to_string())?;
        let msg = String::to_napi_value(raw, err.to_string())?;
        let mut obj = ptr::null_mut();
        napi::check_status!(sys::napi_create_error(raw, code, msg, &mut obj))?;
        if let Value::Object(map) = details {
            for (k, v) in map {
                if k == "message" {
                    continue;
                }
                let key = String::to_napi_value(raw, k.clone())?;
                let val = Value::to_napi_value(raw, v.clone())?;
                napi::check_status!(sys::napi_set_property(raw, obj, key, val))?;
            }
        }
        Unknown::from_napi_value(raw, obj)
    }
}

/// The return value of an async addon function: converted on the JS thread, where a core
/// error becomes our JS error (napi's own async error path only knows napi status names).
pub struct Outcome<T>(pub Result<T, dcskit::Error>);

impl<T> From<Result<T, dcskit::Error>> for Outcome<T> {
    fn from(r: Result<T, dcskit::Error>) -> Self {
        Outcome(r)
    }
}

impl<T: ToNapiValue> ToNapiValue for Outcome<T> {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        match val.0 {
            Ok(v) => unsafe { T::to_napi_value(env, v) },
            Err(e) => Err(to_napi_error(&Env::from_raw(env), &e)),
        }
    }
}

impl<T> TypeName for Outcome<T> {
    fn type_name() -> &'static str {
        "Outcome"
    }
    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

/// Throws a core error from a synchronous function.
pub fn throw(env: &Env, err: dcskit::Error) -> napi::Error {
    to_napi_error(env, &err)
}

/// Test hook: the JS error for a core error of `code`, so the class table can be checked for
/// every code, including `INTERNAL`, which no input can cause on purpose.
#[napi(js_name = "errorForCode")]
pub fn error_for_code(env: Env, code: String, message: String) -> napi::Result<()> {
    let kind = dcskit::ErrorKind::from_code(&code)
        .ok_or_else(|| napi::Error::new(Status::InvalidArg, format!("unknown error code {code:?}")))?;
    Err(throw(&env, dcskit::Error::new(kind, message)))
}
