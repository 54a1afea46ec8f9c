//! `router::decision::lenient::parse`: whatever a classifier writes gives a decision (the
//! module's promise: "Every input gives a decision; none panics"), and the decision carries a
//! usable message, as the module's malformed-reply corpus checks for its inputs:
//!
//! - a direct answer or a question back always has visible text;
//! - a route always has a prompt with visible text when the user wrote some (it falls back to
//!   the user's text);
//! - the decision survives its own JSON form (it derives Serialize/Deserialize/PartialEq).
//!
//! Input: `reply \0 user_text` (no 0 byte: all reply, a fixed user text), lossy UTF-8.
#![no_main]

use libfuzzer_sys::fuzz_target;
use switchboard_core::router::decision::{self, Decision};

fuzz_target!(|data: &[u8]| {
    let (reply, user) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b"what is a monad?"[..]),
    };
    let reply = String::from_utf8_lossy(reply);
    let user = String::from_utf8_lossy(user);

    let d = decision::parse(&reply, &user);

    match &d {
        Decision::Direct { response } | Decision::Clarify { response } => {
            assert!(!response.trim().is_empty(), "{:?} with no text from reply {reply:?}", d.action());
        }
        Decision::Route { prompt } => {
            if !user.trim().is_empty() {
                assert!(
                    !prompt.trim().is_empty(),
                    "route with an empty prompt from reply {reply:?} (user text {user:?})"
                );
            }
        }
        Decision::Tools { .. } | Decision::Status => {}
    }

    let json = serde_json::to_string(&d).expect("a decision serialises");
    let back: Decision = serde_json::from_str(&json).expect("a decision's JSON reads back");
    assert_eq!(back, d, "JSON round trip of {json}");
});
