//! The tray <-> window wire (`switchboard-ipc`): one JSON object per line. Every line a peer
//! sends is decoded as each wire type; none may panic, and whatever decodes must survive the
//! trip back: encoded on one line (no raw newline), decoded again to an equal value, and
//! encoded again to the same text.
//!
//! (serde_json's `float_roundtrip` is on in this crate, see Cargo.toml: without it a float
//! may come back one ulp off.)
#![no_main]

use std::fmt::Debug;

use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use serde::Serialize;
use switchboard_ipc::{Answer, Call, ErrorKind, Push, Request, Sent, UiEvent, View, WireError};

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(line: &[u8]) {
    let Ok(v) = serde_json::from_slice::<T>(line) else { return };
    let ty = std::any::type_name::<T>();
    let s = serde_json::to_string(&v).unwrap_or_else(|e| panic!("{ty} {v:?} does not encode: {e}"));
    assert!(!s.contains('\n'), "{ty} encodes on more than one line: {s:?}");
    let back: T = serde_json::from_str(&s).unwrap_or_else(|e| panic!("{ty}: {s} does not decode: {e} (from {v:?})"));
    assert_eq!(back, v, "{ty}: {s}");
    let again = serde_json::to_string(&back).unwrap_or_else(|e| panic!("{ty} {back:?} does not encode: {e}"));
    assert_eq!(again, s, "{ty}: encoding is not stable");
}

fuzz_target!(|data: &[u8]| {
    // What the window sends and what the engine sends, and their parts.
    round_trip::<Request>(data);
    round_trip::<Call>(data);
    round_trip::<Push>(data);
    round_trip::<Answer>(data);
    round_trip::<UiEvent>(data);
    round_trip::<WireError>(data);
    round_trip::<Sent>(data);
    round_trip::<View>(data);
    round_trip::<ErrorKind>(data);
    round_trip::<Result<Answer, WireError>>(data);
});
