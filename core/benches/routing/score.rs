//! The routing benchmark's labelled messages and its score: accuracy overall, per action and
//! language, tool operations, valid parameters, a confusion matrix, latency and the misses.
use std::collections::BTreeMap;

use serde_json::Value;
use switchboard_core::router::decision::Decision;
use switchboard_core::router::prompt::{Lang, Turn};
use switchboard_core::router::tools;

pub const ACTIONS: [&str; 5] = ["direct", "route", "clarify", "tools", "status"];

pub struct Item {
    pub lang: Lang,
    pub want: String,
    pub op: Option<String>,
    pub text: String,
    pub history: Vec<Turn>,
    /// Whether the router's examples hold this very message (a common phrase two sets share,
    /// or a set's own message once it joined the examples): scored apart as well.
    pub seen: bool,
}

pub fn items(source: &str) -> Vec<Item> {
    let examples: std::collections::HashSet<String> =
        switchboard_core::router::nearest::example_texts().iter().map(|t| t.trim().to_lowercase()).collect();
    source
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let history = v["history"]
                .as_array()
                .map(|h| {
                    h.iter().map(|t| Turn { user: t[0] == "user", text: t[1].as_str().unwrap().to_string() }).collect()
                })
                .unwrap_or_default();
            let text = v["text"].as_str().unwrap().to_string();
            Item {
                seen: examples.contains(&text.trim().to_lowercase()),
                lang: if v["lang"] == "ko" { Lang::Ko } else { Lang::En },
                want: v["want"].as_str().unwrap().to_string(),
                op: v["op"].as_str().map(str::to_string),
                text,
                history,
            }
        })
        .collect()
}

/// What decided a message: the rules, the nearest examples, or the classifier (its choice or
/// its JSON).
#[derive(Clone, Copy, PartialEq)]
pub enum By {
    Rules,
    Examples,
    Model,
}

impl By {
    fn as_str(self) -> &'static str {
        match self {
            By::Rules => "rules",
            By::Examples => "examples",
            By::Model => "model",
        }
    }
}

pub fn op_of(d: &Decision) -> Option<String> {
    match d {
        Decision::Tools { tool, operation, .. } => Some(format!("{tool}.{operation}")),
        _ => None,
    }
}

#[derive(Default)]
pub struct Score {
    /// (want, got) counts.
    confusion: BTreeMap<(String, String), u32>,
    /// Per (action, lang): right, all.
    by: BTreeMap<(String, &'static str), (u32, u32)>,
    tool_ops: (u32, u32),
    valid_params: (u32, u32),
    right: u32,
    pub all: u32,
    /// Right and all among the messages the examples do not hold.
    unseen: (u32, u32),
    latency_ms: Vec<f64>,
    by_rules: u32,
    /// What went wrong: the message, what it wanted and what it got.
    misses: Vec<String>,
}

impl Score {
    pub fn add(&mut self, item: &Item, got: &Decision, ms: f64, by: By) {
        let action = got.action().as_str().to_string();
        let lang = if item.lang == Lang::Ko { "ko" } else { "en" };
        let mut right = action == item.want;
        if item.want == "tools" {
            let op_right = op_of(got) == item.op;
            self.tool_ops.1 += 1;
            if op_right {
                self.tool_ops.0 += 1;
            }
            right &= op_right;
        }
        if let Decision::Tools { tool, operation, params } = got {
            self.valid_params.1 += 1;
            // A refused send is the right answer to a send request: its "parameters" are fine.
            let ok = tools::validate(tool, operation, params, false);
            if ok.is_ok() || (operation == "send" && item.op.as_deref() == Some("email.send")) {
                self.valid_params.0 += 1;
            }
        }
        *self.confusion.entry((item.want.clone(), action.clone())).or_default() += 1;
        let e = self.by.entry((item.want.clone(), lang)).or_default();
        e.1 += 1;
        self.all += 1;
        if !item.seen {
            self.unseen.1 += 1;
            self.unseen.0 += u32::from(right);
        }
        if right {
            e.0 += 1;
            self.right += 1;
        } else {
            let want = item.op.clone().unwrap_or_else(|| item.want.clone());
            let got = op_of(got).unwrap_or(action);
            self.misses.push(format!("{want:>16} <- {got:<16} {:<8} {}", by.as_str(), item.text));
        }
        self.latency_ms.push(ms);
        self.by_rules += u32::from(by != By::Model);
    }

    pub fn pc_right(&self) -> f64 {
        100.0 * f64::from(self.right) / f64::from(self.all.max(1))
    }

    /// Messages wanting `action` that got it (whatever the operation).
    pub fn action_share(&self, action: &str) -> f64 {
        f64::from(self.confusion.get(&(action.to_string(), action.to_string())).copied().unwrap_or(0))
    }

    pub fn action_pc(&self, action: &str) -> f64 {
        let (r, a) =
            self.by.iter().filter(|((w, _), _)| w == action).fold((0, 0), |(r, a), (_, (x, y))| (r + x, a + y));
        100.0 * f64::from(r) / f64::from(a.max(1))
    }

    pub fn print(&self, name: &str) {
        let pc = |(a, b): (u32, u32)| if b == 0 { 0.0 } else { 100.0 * f64::from(a) / f64::from(b) };
        println!("\n{name}: {:.1} % right ({} of {})", pc((self.right, self.all)), self.right, self.all);
        println!(
            "  on the {} messages the examples do not hold word for word: {:.1} % right ({})",
            self.unseen.1,
            pc(self.unseen),
            self.unseen.0
        );
        println!("  action     en              ko              both");
        let mut worst: f64 = 100.0;
        for a in ACTIONS {
            let en = self.by.get(&(a.to_string(), "en")).copied().unwrap_or_default();
            let ko = self.by.get(&(a.to_string(), "ko")).copied().unwrap_or_default();
            let both = (en.0 + ko.0, en.1 + ko.1);
            worst = worst.min(pc(both));
            println!(
                "  {a:<8} {:>5.1} % ({:>2}/{:>2})  {:>5.1} % ({:>2}/{:>2})  {:>5.1} %",
                pc(en),
                en.0,
                en.1,
                pc(ko),
                ko.0,
                ko.1,
                pc(both)
            );
        }
        println!("  worst action {worst:.1} %; tool operations right {:.1} % ({}/{}); tool calls with valid parameters {:.1} % ({}/{})",
            pc(self.tool_ops), self.tool_ops.0, self.tool_ops.1, pc(self.valid_params), self.valid_params.0, self.valid_params.1);
        println!("  confusion (rows: wanted, columns: chosen)");
        println!("             {}", ACTIONS.map(|a| format!("{a:>8}")).join(""));
        for want in ACTIONS {
            let row: Vec<String> = ACTIONS
                .iter()
                .map(|got| format!("{:>8}", self.confusion.get(&(want.to_string(), got.to_string())).unwrap_or(&0)))
                .collect();
            println!("  {want:<10} {}", row.join(""));
        }
        let mut l = self.latency_ms.clone();
        l.sort_by(f64::total_cmp);
        let p = |q: f64| l[((l.len() - 1) as f64 * q).round() as usize];
        println!(
            "  decision latency median {:.0} ms, p90 {:.0} ms; {} of {} decided by rules (no model call)",
            p(0.5),
            p(0.9),
            self.by_rules,
            self.all
        );
    }

    /// The messages it got wrong (wanted <- got, the message).
    pub fn print_misses(&self) {
        println!("  wrong ({}): wanted <- got, decided by", self.misses.len());
        for m in &self.misses {
            println!("  {m}");
        }
    }
}
