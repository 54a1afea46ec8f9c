//! `load::native::prometheus`: exposition text from a server's `/metrics`. The module's
//! promise: lines that do not parse are skipped, never fatal (no panic). Checked besides:
//! - at most one sample per line that is neither blank nor a comment;
//! - every sample's name is non-empty, taken from the text, with no whitespace or `{`;
//!   label keys hold no `=`;
//! - `totals` has one entry per sample name, each the sum of that name's values in the
//!   order they came (values may be NaN or infinite: the format allows `NaN`, `+Inf`, and
//!   the module does not promise finite values, so only the sum itself is compared).
#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use switchboard_core::load::native::prometheus::{parse, totals};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let samples = parse(&text);

    let lines = text.lines().filter(|l| !l.trim().is_empty() && !l.trim().starts_with('#')).count();
    assert!(samples.len() <= lines, "{} samples from {lines} lines", samples.len());
    for s in &samples {
        assert!(!s.name.is_empty(), "a sample without a name");
        assert!(!s.name.contains(|c: char| c == '{' || c.is_whitespace()), "name {:?}", s.name);
        assert!(text.contains(s.name.as_str()), "name {:?} not in the text", s.name);
        for (k, _) in &s.labels {
            assert!(!k.contains('='), "label key {k:?}");
        }
    }

    let t = totals(&samples);
    let mut want: HashMap<&str, f64> = HashMap::new();
    for s in &samples {
        *want.entry(s.name.as_str()).or_insert(0.0) += s.value;
    }
    assert_eq!(t.len(), want.len(), "totals has one entry per name");
    for (name, sum) in want {
        let got = *t.get(name).unwrap_or_else(|| panic!("no total for {name:?}"));
        assert!(got == sum || (got.is_nan() && sum.is_nan()), "total of {name:?}: {got} != {sum}");
    }
});
