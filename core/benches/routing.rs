//! The router's accuracy on a labelled development set (a benchmark, not a test).
//!
//!     cargo bench -p switchboard-core --bench routing [-- --quick]
//!
//! `benches/routing/dev.jsonl`: 154 everyday messages, English and Korean, labelled with the
//! action (and tool operation) a good assistant would take: small talk and simple questions
//! (direct), hard questions, some of them short (route), vague requests (clarify), every tool
//! operation, often without the tool's name, with the history a follow-up needs (tools), and
//! questions about the servers (status).
//!
//! The default classifier (SmolLM2-135M on a real llama-server, the prompt and schema the
//! router sends) answers each message once; the approaches are scored on the same replies:
//! - `model`: the decision read from the classifier's reply (the router before this change);
//! - `rules + model`: the certain rules first (`router::rules`), the model for the rest, and
//!   dates and times in a calendar draft read by code.
//!
//! Printed per approach: accuracy overall, per action and language, tool operations right,
//! tool calls whose parameters pass the checks, a confusion matrix, and the added latency.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde_json::Value;
use switchboard_core::client::{shared_http, BackendClient};
use switchboard_core::router::decision::{self, Decision};
use switchboard_core::router::prompt::{Lang, Persona, Turn};
use switchboard_core::router::{classifier_request, rules, tools};
use switchboard_core::Config;
use switchboard_testkit::llama::{Llama, Model};
use tokio::time::Instant;

const ACTIONS: [&str; 5] = ["direct", "route", "clarify", "tools", "status"];

struct Item {
    lang: Lang,
    want: String,
    op: Option<String>,
    text: String,
    history: Vec<Turn>,
}

fn items() -> Vec<Item> {
    include_str!("routing/dev.jsonl")
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
            Item {
                lang: if v["lang"] == "ko" { Lang::Ko } else { Lang::En },
                want: v["want"].as_str().unwrap().to_string(),
                op: v["op"].as_str().map(str::to_string),
                text: v["text"].as_str().unwrap().to_string(),
                history,
            }
        })
        .collect()
}

fn op_of(d: &Decision) -> Option<String> {
    match d {
        Decision::Tools { tool, operation, .. } => Some(format!("{tool}.{operation}")),
        _ => None,
    }
}

#[derive(Default)]
struct Score {
    /// (want, got) counts.
    confusion: BTreeMap<(String, String), u32>,
    /// Per (action, lang): right, all.
    by: BTreeMap<(String, &'static str), (u32, u32)>,
    tool_ops: (u32, u32),
    valid_params: (u32, u32),
    right: u32,
    all: u32,
    latency_ms: Vec<f64>,
    by_rules: u32,
}

impl Score {
    fn add(&mut self, item: &Item, got: &Decision, ms: f64, by_rules: bool) {
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
        *self.confusion.entry((item.want.clone(), action)).or_default() += 1;
        let e = self.by.entry((item.want.clone(), lang)).or_default();
        e.1 += 1;
        self.all += 1;
        if right {
            e.0 += 1;
            self.right += 1;
        }
        self.latency_ms.push(ms);
        self.by_rules += u32::from(by_rules);
    }

    fn print(&self, name: &str) {
        let pc = |(a, b): (u32, u32)| if b == 0 { 0.0 } else { 100.0 * f64::from(a) / f64::from(b) };
        println!("\n{name}: {:.1} % right ({} of {})", pc((self.right, self.all)), self.right, self.all);
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
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let mut all = items();
    if quick {
        all = all.into_iter().step_by(4).collect();
    }
    let server = Llama::start(Model::SmolLM2, 1).await;
    let url = server.url();
    let text = format!(
        "[[backend]]\nname = \"c\"\nrole = \"classifier\"\nurl = \"{url}\"\nmodel = \"test\"\n\n\
         [[backend]]\nname = \"r\"\nrole = \"reasoner\"\nurl = \"{url}\"\nmodel = \"test\"\n"
    );
    let cfg = Config::parse(&text, Path::new("bench.toml")).unwrap();
    let client = BackendClient::new(shared_http().unwrap(), Arc::new(cfg.backends[0].clone()));
    let clock = switchboard_core::clock::Clock::system();
    let now = clock.now_local();
    let today = now.date_naive();
    println!("Switchboard routing benchmark: {} labelled messages, SmolLM2-135M classifier (llama-server, -t 1), the router's prompt and schema", all.len());
    let (mut model, mut ruled) = (Score::default(), Score::default());
    for item in &all {
        let req = classifier_request(
            &Persona::default(),
            item.lang,
            &now,
            &item.history,
            None,
            &item.text,
            true,
            cfg.backends[0].max_tokens,
        );
        let started = Instant::now();
        let reply = client.chat(&req).await.map(|r| r.text).unwrap_or_default();
        let model_ms = started.elapsed().as_secs_f64() * 1000.0;
        let from_model = decision::parse(&reply, &item.text);
        model.add(item, &from_model, model_ms, false);
        let started = Instant::now();
        let (d, ms, by_rules) = match rules::decide(&item.text, today) {
            Some(d) => (d, started.elapsed().as_secs_f64() * 1000.0, true),
            None => (rules::correct_draft(from_model, &item.text, today), model_ms, false),
        };
        ruled.add(item, &d, ms, by_rules);
    }
    model.print("model (the router before: the classifier's JSON decision)");
    ruled.print("rules + model (certain rules first, dates by code)");
}
