//! The rules' precision on the routing benchmark's read sets.
use serde_json::Value;

use super::tests::{op, today};
use super::*;

/// The rules alone on the benchmark's read sets (every set scored once blind, then read):
/// what they decide must be right. A guard against a new rule that breaks old decisions; the
/// blind figure is the routing benchmark's, on a set no rule was written from.
#[test]
fn what_the_rules_decide_on_the_read_sets_is_right() {
    let sets = [
        include_str!("../../../benches/routing/dev.jsonl"),
        include_str!("../../../benches/routing/holdout.jsonl"),
        include_str!("../../../benches/routing/test.jsonl"),
        include_str!("../../../benches/routing/fresh.jsonl"),
        include_str!("../../../benches/routing/fresh2.jsonl"),
        include_str!("../../../benches/routing/fresh3.jsonl"),
        include_str!("../../../benches/routing/fresh4.jsonl"),
        include_str!("../../../benches/routing/fresh5.jsonl"),
        include_str!("../../../benches/routing/fresh6.jsonl"),
        include_str!("../../../benches/routing/fresh7.jsonl"),
        include_str!("../../../benches/routing/fresh8.jsonl"),
        include_str!("../../../benches/routing/fresh9.jsonl"),
        include_str!("../../../benches/routing/fresh10.jsonl"),
        include_str!("../../../benches/routing/fresh11.jsonl"),
        include_str!("../../../benches/routing/fresh12.jsonl"),
        include_str!("../../../benches/routing/fresh13.jsonl"),
        include_str!("../../../benches/routing/fresh14.jsonl"),
        include_str!("../../../benches/routing/fresh15.jsonl"),
        include_str!("../../../benches/routing/fresh16.jsonl"),
        include_str!("../../../benches/routing/fresh17.jsonl"),
        include_str!("../../../benches/routing/fresh18.jsonl"),
        include_str!("../../../benches/routing/fresh19.jsonl"),
        include_str!("../../../benches/routing/fresh20.jsonl"),
        include_str!("../../../benches/routing/fresh21.jsonl"),
        include_str!("../../../benches/routing/fresh22.jsonl"),
        include_str!("../../../benches/routing/fresh23.jsonl"),
    ];
    let (mut decided, mut right, mut all) = (0, 0, 0);
    let mut wrong = Vec::new();
    for line in sets.iter().flat_map(|s| s.lines()).filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).unwrap();
        let history: Vec<Turn> = v["history"]
            .as_array()
            .map(|h| h.iter().map(|t| Turn { user: t[0] == "user", text: t[1].as_str().unwrap().into() }).collect())
            .unwrap_or_default();
        let lang = if v["lang"] == "ko" { Lang::Ko } else { Lang::En };
        let text = v["text"].as_str().unwrap();
        let want = v["op"].as_str().or(v["want"].as_str()).unwrap();
        all += 1;
        // RULES_SHOW=words: what the rules decide of the messages with those words.
        if std::env::var("RULES_SHOW").is_ok_and(|w| text.contains(&w)) {
            eprintln!("  {want:>22} <- {:?}  {text}", op(&decide(text, today(), &history, lang, true)));
        }
        let Some(got) = op(&decide(text, today(), &history, lang, true)) else {
            if std::env::var_os("RULES_UNDECIDED").is_some() {
                eprintln!("  undecided {want:>22}  {text}");
            }
            continue;
        };
        decided += 1;
        if got == want {
            right += 1;
        } else {
            wrong.push(format!("{want:>22} <- {got:<22} {text}"));
        }
    }
    let precision = f64::from(right) / f64::from(decided);
    eprintln!("the rules decide {decided} of {all}, {right} right ({:.1} %):", precision * 100.0);
    for w in &wrong {
        eprintln!("  {w}");
    }
    assert!(precision >= 0.95, "{:.1} %", precision * 100.0);
}
