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
//!   dates and times in a calendar draft read by code;
//! - `rules + leanings + model`: also, before the model, reasoning requests to the reasoner
//!   and vague requests answered with a question (`lean_to_reasoner`);
//! - `choose, then write` (`router::choose`): the action alone, scored from the first
//!   token's log-probabilities, then (for a tool) the call written under the schema of the
//!   one operation the nearest tool examples name (`nearest::tool_op`);
//!   `calibrated`: the scores divided by the model's leaning on content-free messages;
//! - `nearest examples` (`router::nearest`): the action of the labelled example utterances
//!   a message is most like (character n-grams, TF-IDF, 5 neighbours);
//! - the rules and leanings, the nearest examples when sure, then choose-then-write
//!   (uncalibrated); with embeddings mixed into the nearest examples (their tool operation
//!   one of a tool the message names, `rules::cued_tools`); and gated (`rules::gates`: no tool
//!   call without a tool cue, no status without a word of the servers, no question back to a
//!   long message): the router now.
//!
//! The sets: `dev.jsonl` (written with the rules, so the rules' figures on it are flattered),
//! `holdout.jsonl` (120 messages written apart, without reading the rules), `test.jsonl` (120
//! more, written blind by someone who read none of the router; its tool requests were read
//! since, to write the tool-cue gate and the document rules), `fresh.jsonl` (120 more,
//! written blind on 2026-12-04, after those rules; its misses have been read since) and
//! `fresh2.jsonl` (120 more, written blind later that day by a helper that read none of the
//! router, the examples or the other sets, and scored once, unread: the honest figure).
//! `--dev` runs the first only, `--set NAME[,NAME..]` those named, `--quick` every fourth message,
//! `--tools` only the tool requests (the share with the right tool and operation).
//! `--tune`: the nearest examples' settings measured leave-one-set-out on the read sets
//! (`routing/tune.rs`), no set scored.
//! `--router`: only the calls the router now makes (no JSON decision, no other approach):
//! a quick score of the router now and its misses; with `--no-write`, a tool call's
//! parameters are not written (its operation is still scored; its parameters count invalid).
//!
//! Printed per approach: accuracy overall, per action and language, tool operations right,
//! tool calls whose parameters pass the checks, a confusion matrix, and the added latency.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use switchboard_core::client::{shared_http, BackendClient};
use switchboard_core::config::DEFAULT_DIRECT_CONFIDENCE;
use switchboard_core::model::Action;
use switchboard_core::router::decision::{self, Decision};
use switchboard_core::router::prompt::{Lang, Persona};
use switchboard_core::router::{choose, classifier_request, embed, nearest, rules, tools_request};
use switchboard_core::Config;
use switchboard_testkit::llama::{Llama, Model};
use tokio::time::Instant;

#[path = "routing/score.rs"]
mod score;
#[path = "routing/tune.rs"]
mod tune;
use score::{items, op_of, By, Item, Score, ACTIONS};

/// The tool call the classifier writes for `item` under the operation `op`'s schema.
async fn write_op(
    no_write: bool,
    client: &BackendClient,
    item: &Item,
    now: &chrono::DateTime<chrono::FixedOffset>,
    max_tokens: u32,
    op: Option<&str>,
) -> Decision {
    if no_write {
        let v = op.map(|o| nearest::Verdict {
            action: Action::Tools,
            op: Some(o.to_string()),
            similarity: 1.0,
            agreement: 1.0,
        });
        return verdict_decision(v.as_ref(), &item.text);
    }
    let req = tools_request(&Persona::default(), item.lang, now, &item.history, &item.text, true, max_tokens, op);
    decision::parse(&client.chat(&req).await.map(|r| r.text).unwrap_or_default(), &item.text)
}

/// A verdict as a decision (a tool call's parameters unwritten); none: a question back.
fn verdict_decision(v: Option<&nearest::Verdict>, text: &str) -> Decision {
    match v.map(|v| (v.action, v.op.as_deref().and_then(|o| o.split_once('.')))) {
        Some((Action::Direct, _)) => Decision::Direct { response: String::new() },
        Some((Action::Route, _)) => Decision::Route { prompt: text.to_string() },
        Some((Action::Status, _)) => Decision::Status,
        Some((Action::Tools, Some((t, o)))) => {
            Decision::Tools { tool: t.into(), operation: o.into(), params: Default::default() }
        }
        _ => Decision::Clarify { response: String::new() },
    }
}

/// What one message got from each approach (the model's replies made once, scored by all).
struct Run {
    item: Item,
    /// The JSON decision and its time.
    json: (Decision, f64),
    /// The rules' decision, without and with the leanings, and its time.
    rules: [Option<(Decision, f64)>; 2],
    /// Choose, then write: the scores (none: the server gave none), the tool call written
    /// when the best action was `tools`, and the time of both calls.
    chosen: Option<(choose::Scores, Option<Decision>, f64)>,
    /// The nearest examples' verdict, the tool call written for its operation (when it names
    /// one), and the time of that call.
    near: Option<(nearest::Verdict, Option<Decision>, f64)>,
    /// The message's embedding similarity to each example (Gemma-3-270M) and its time.
    embedded: Option<(Vec<f64>, f64)>,
    /// The nearest examples' verdict mixed with embeddings, its tool call, and the time.
    near_emb: Option<(nearest::Verdict, Option<Decision>, f64)>,
    /// Choose-then-write's tool call when the operation comes from the mixed examples.
    chosen_emb_tool: Option<Decision>,
    /// What a model may decide for it (`rules::gates`: a tool call only with a tool cue, ...).
    gates: choose::Gates,
}

/// How the nearest examples and the choice are taken: `embedded`, mixed with embeddings (as
/// the router does when a backend gives them); `gate`, only what `rules::gates` allow (as the
/// router does).
#[derive(Clone, Copy)]
struct How {
    embedded: bool,
    gate: bool,
}

const NGRAMS: How = How { embedded: false, gate: false };
const EMBEDDED: How = How { embedded: true, gate: false };
const NOW: How = How { embedded: true, gate: true };

impl Run {
    /// Choose-then-write's decision at `confidence`; the JSON one where there are no scores.
    /// `gate`: only what `rules::gates` allow (a tool call with a tool cue, the status with a
    /// word of the servers, a question back to a short message).
    fn chosen_decision(&self, confidence: f64, prior: Option<&choose::Scores>, gate: bool) -> (Decision, f64) {
        let Some((scores, tool, ms)) = &self.chosen else { return self.json.clone() };
        let scores = prior.map_or(*scores, |p| scores.calibrated(p));
        let scores = if gate { scores.gated(self.gates) } else { scores };
        // As the router: no direct answer to a long message on the choice alone (when gated).
        let picked = if gate { scores.pick_for(&self.item.text, confidence) } else { scores.pick(confidence) };
        let d = match picked {
            Action::Direct => Decision::Direct { response: String::new() },
            Action::Route => Decision::Route { prompt: self.item.text.clone() },
            Action::Clarify => Decision::Clarify { response: String::new() },
            Action::Status => Decision::Status,
            Action::Tools => match tool {
                Some(d @ Decision::Tools { .. }) => d.clone(),
                _ => Decision::Clarify { response: String::new() },
            },
        };
        (d, *ms)
    }

    /// The embeddings' verdict alone (no n-grams), its operation unwritten.
    fn embedded_only(&self) -> Decision {
        let v = self.embedded.as_ref().and_then(|(e, _)| nearest::nearest_mixed(&self.item.text, e, 1.0));
        verdict_decision(v.as_ref(), &self.item.text)
    }

    /// The nearest examples' decision (any verdict, sure or not); `embedded`: mixed with
    /// embeddings.
    fn near_decision(&self, embedded: bool) -> Option<(Decision, f64)> {
        let (v, tool, ms) = if embedded { self.near_emb.as_ref()? } else { self.near.as_ref()? };
        let d = match tool {
            Some(d @ Decision::Tools { .. }) if v.action == Action::Tools => d.clone(),
            _ => verdict_decision(Some(v), &self.item.text),
        };
        Some((d, *ms))
    }

    /// `lean`: with the leanings; `near`: the nearest examples when sure at these (similarity,
    /// agreement); `choose`: the model part by choose-then-write at `confidence`; `how`: with
    /// embeddings (their time added to the decision's) and the tool-cue gate, or not.
    fn decision(
        &self,
        lean: bool,
        near: Option<(f64, f64)>,
        choose: Option<f64>,
        prior: Option<&choose::Scores>,
        today: NaiveDate,
        how: How,
    ) -> (Decision, f64, By) {
        if let Some((d, ms)) = &self.rules[usize::from(lean)] {
            return (d.clone(), *ms, By::Rules);
        }
        let embedded = how.embedded && self.near_emb.is_some();
        let gated = |v: &nearest::Verdict| how.gate && !self.gates.allows(v.action);
        let embed_ms = if embedded { self.embedded.as_ref().map_or(0.0, |e| e.1) } else { 0.0 };
        if let Some((sim, agree)) = near {
            let verdict = if embedded { &self.near_emb } else { &self.near };
            if verdict.as_ref().is_some_and(|(v, _, _)| v.sure(sim, agree) && !gated(v)) {
                if let Some((d, ms)) = self.near_decision(embedded) {
                    return (rules::correct_draft(d, &self.item.text, today), ms + embed_ms, By::Examples);
                }
            }
        }
        let (mut d, ms) = match choose {
            Some(c) => self.chosen_decision(c, prior, how.gate),
            None => self.json.clone(),
        };
        if embedded && choose.is_some() && matches!(d, Decision::Tools { .. }) {
            if let Some(t) = &self.chosen_emb_tool {
                d = t.clone();
            }
        }
        (rules::correct_draft(d, &self.item.text, today), ms + embed_ms, By::Model)
    }
}

/// A run with only the calls the router now makes (`--router`): the rules, the nearest
/// examples with embeddings, and choose-then-write (its operation from the mixed examples)
/// where those did not decide. The other approaches' fields stay empty.
async fn router_run(
    client: &BackendClient,
    embed_client: &BackendClient,
    examples: &embed::ExampleVectors,
    item: Item,
    now: &chrono::DateTime<chrono::FixedOffset>,
    max_tokens: u32,
    no_write: bool,
) -> Run {
    let today = now.date_naive();
    let started = Instant::now();
    let ruled = rules::decide(&item.text, today, &item.history, item.lang, true)
        .map(|d| (d, started.elapsed().as_secs_f64() * 1000.0));
    let gates = rules::gates(&item.text, today, &item.history);
    let cued = rules::cued_tools(&item.text, today, &item.history);
    let fits = |op: &str| cued.fits(op);
    let mut run = Run {
        item,
        json: (Decision::Clarify { response: String::new() }, 0.0),
        rules: [None, ruled],
        chosen: None,
        near: None,
        embedded: None,
        near_emb: None,
        chosen_emb_tool: None,
        gates,
    };
    if run.rules[1].is_some() {
        return run;
    }
    let item = &run.item;
    let started = Instant::now();
    run.embedded = embed::similarities(embed_client, examples, &item.text)
        .await
        .map(|e| (e, started.elapsed().as_secs_f64() * 1000.0));
    let Some((e, _)) = &run.embedded else { return run };
    let started = Instant::now();
    let verdict = nearest::nearest_embedded(&item.text, e).map(|v| v.fitted(&item.text, Some(e), &fits));
    let sure = verdict.as_ref().is_some_and(|v| {
        gates.allows(v.action) && v.sure(nearest::MIN_SIMILARITY_EMBEDDED, nearest::MIN_AGREEMENT_EMBEDDED)
    });
    run.near_emb = match verdict {
        Some(v) if sure && v.action == Action::Tools && v.op.as_deref() != Some("email.send") => {
            let d = write_op(no_write, client, item, now, max_tokens, v.op.as_deref()).await;
            Some((v, Some(d), started.elapsed().as_secs_f64() * 1000.0))
        }
        Some(v) => Some((v, None, started.elapsed().as_secs_f64() * 1000.0)),
        None => None,
    };
    if sure {
        return run;
    }
    let started = Instant::now();
    let answer = client.chat(&choose::request(item.lang, &item.history, &item.text)).await;
    let Some(scores) = answer.ok().and_then(|a| choose::Scores::from_logprobs(&a.first_token_logprobs)) else {
        return run;
    };
    let gated = scores.gated(gates);
    let mut tool = None;
    if gated.pick(DEFAULT_DIRECT_CONFIDENCE) == Action::Tools {
        let op = nearest::tool_op_among(&item.text, Some(e), &fits);
        tool = Some(write_op(no_write, client, item, now, max_tokens, op.as_deref()).await);
    }
    run.chosen_emb_tool = tool.clone();
    run.chosen = Some((scores, tool, started.elapsed().as_secs_f64() * 1000.0));
    run
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let router_only = args.iter().any(|a| a == "--router");
    let no_write = args.iter().any(|a| a == "--no-write");
    let sets: Vec<(&str, &str)> = [
        ("dev", include_str!("routing/dev.jsonl")),
        ("holdout", include_str!("routing/holdout.jsonl")),
        ("test", include_str!("routing/test.jsonl")),
        ("fresh", include_str!("routing/fresh.jsonl")),
        ("fresh2", include_str!("routing/fresh2.jsonl")),
        ("fresh3", include_str!("routing/fresh3.jsonl")),
        ("fresh4", include_str!("routing/fresh4.jsonl")),
        ("fresh5", include_str!("routing/fresh5.jsonl")),
        ("fresh6", include_str!("routing/fresh6.jsonl")),
        ("fresh7", include_str!("routing/fresh7.jsonl")),
        ("fresh8", include_str!("routing/fresh8.jsonl")),
        ("fresh9", include_str!("routing/fresh9.jsonl")),
        ("fresh10", include_str!("routing/fresh10.jsonl")),
        ("fresh11", include_str!("routing/fresh11.jsonl")),
        ("fresh12", include_str!("routing/fresh12.jsonl")),
        ("fresh13", include_str!("routing/fresh13.jsonl")),
        ("fresh14", include_str!("routing/fresh14.jsonl")),
        ("fresh15", include_str!("routing/fresh15.jsonl")),
        ("fresh16", include_str!("routing/fresh16.jsonl")),
        ("fresh17", include_str!("routing/fresh17.jsonl")),
        ("fresh18", include_str!("routing/fresh18.jsonl")),
        ("fresh19", include_str!("routing/fresh19.jsonl")),
        ("fresh20", include_str!("routing/fresh20.jsonl")),
        ("fresh21", include_str!("routing/fresh21.jsonl")),
        ("fresh22", include_str!("routing/fresh22.jsonl")),
        ("fresh23", include_str!("routing/fresh23.jsonl")),
        ("fresh24", include_str!("routing/fresh24.jsonl")),
        ("fresh25", include_str!("routing/fresh25.jsonl")),
    ]
    .into_iter()
    .filter(|(name, _)| !args.iter().any(|a| a == "--dev") || *name == "dev")
    .filter(|(name, _)| {
        args.iter()
            .position(|a| a == "--set")
            .is_none_or(|i| args.get(i + 1).is_some_and(|names| names.split(',').any(|n| n == *name)))
    })
    .collect();
    let server = Llama::start(Model::SmolLM2, 1).await;
    // The embeddings: Gemma-3-270M, mean-pooled, as the first-run config serves them.
    let embedder = Llama::start(Model::Gemma, 1).await;
    let url = server.url();
    let text = format!(
        "[[backend]]\nname = \"c\"\nrole = \"classifier\"\nurl = \"{url}\"\nmodel = \"test\"\n\n\
         [[backend]]\nname = \"r\"\nrole = \"reasoner\"\nurl = \"{url}\"\nmodel = \"test\"\n"
    );
    let cfg = Config::parse(&text, Path::new("bench.toml")).unwrap();
    let client = BackendClient::new(shared_http().unwrap(), Arc::new(cfg.backends[0].clone()));
    let mut embed_cfg = cfg.backends[1].clone();
    embed_cfg.url = format!("{}/", embedder.url()).parse().unwrap();
    let embed_client = BackendClient::new(shared_http().unwrap(), Arc::new(embed_cfg));
    let started = Instant::now();
    // Kept on disk as the app keeps them (the first run with these examples asks the server).
    let examples = embed::cached_example_vectors(&embed_client, embed::cache_dir().as_deref()).await.unwrap().unwrap();
    println!(
        "the {} examples' embeddings (Gemma-3-270M, or kept from a run before): {:.1} s",
        nearest::example_texts().len(),
        started.elapsed().as_secs_f64()
    );
    // A fixed "now" (a Wednesday morning), so a message's dates ("this friday", "tomorrow")
    // mean the same on every run: on a Friday, "this friday" would be today.
    let now = chrono::DateTime::parse_from_rfc3339("2026-12-02T10:00:00+00:00").unwrap();
    let today = now.date_naive();
    if args.iter().any(|a| a == "--tune") {
        tune::tune(&examples, today);
        return;
    }
    let max_tokens = cfg.backends[0].max_tokens;
    // The classifier's leaning before any message, per language (contextual calibration).
    let mut priors = BTreeMap::new();
    for lang in [Lang::En, Lang::Ko] {
        let mut all = Vec::new();
        for req in choose::prior_requests(lang) {
            let answer = client.chat(&req).await.ok();
            if let Some(s) = answer.and_then(|a| choose::Scores::from_logprobs(&a.first_token_logprobs)) {
                all.push(s);
            }
        }
        let prior = choose::Scores::mean(&all).unwrap();
        println!("prior ({lang:?}, content-free messages): {prior}");
        priors.insert(lang == Lang::Ko, prior);
    }
    for (set, source) in sets {
        let mut all = items(source);
        if quick {
            all = all.into_iter().step_by(4).collect();
        }
        // --tools: the tool requests alone (the tool choices of issue 11).
        if args.iter().any(|a| a == "--tools") {
            all.retain(|i| i.want == "tools");
        }
        println!(
            "\n=== Switchboard routing benchmark, set `{set}`: {} labelled messages, SmolLM2-135M classifier (llama-server, -t 1) ===",
            all.len()
        );
        let mut runs = Vec::new();
        for item in all {
            if router_only {
                runs.push(router_run(&client, &embed_client, &examples, item, &now, max_tokens, no_write).await);
                continue;
            }
            let req = classifier_request(
                &Persona::default(),
                item.lang,
                &now,
                &item.history,
                None,
                &item.text,
                true,
                max_tokens,
            );
            let started = Instant::now();
            let reply = client.chat(&req).await.map(|r| r.text).unwrap_or_default();
            let json = (decision::parse(&reply, &item.text), started.elapsed().as_secs_f64() * 1000.0);
            let rules = [false, true].map(|lean| {
                let started = Instant::now();
                rules::decide(&item.text, today, &item.history, item.lang, lean)
                    .map(|d| (d, started.elapsed().as_secs_f64() * 1000.0))
            });
            let started = Instant::now();
            let answer = client.chat(&choose::request(item.lang, &item.history, &item.text)).await;
            let scores = answer.ok().and_then(|a| choose::Scores::from_logprobs(&a.first_token_logprobs));
            let mut chosen = None;
            if let Some(scores) = scores {
                let calibrated = scores.calibrated(&priors[&(item.lang == Lang::Ko)]);
                let tool = if scores.best() == Action::Tools || calibrated.best() == Action::Tools {
                    // As the router does: the operation from the nearest tool examples.
                    let op = nearest::tool_op(&item.text);
                    let req = tools_request(
                        &Persona::default(),
                        item.lang,
                        &now,
                        &item.history,
                        &item.text,
                        true,
                        max_tokens,
                        op.as_deref(),
                    );
                    let reply = client.chat(&req).await.map(|r| r.text).unwrap_or_default();
                    Some(decision::parse(&reply, &item.text))
                } else {
                    None
                };
                chosen = Some((scores, tool, started.elapsed().as_secs_f64() * 1000.0));
            }
            let started = Instant::now();
            let near = match nearest::nearest(&item.text) {
                Some(v) if v.action == Action::Tools && v.op.as_deref() != Some("email.send") => {
                    let req = tools_request(
                        &Persona::default(),
                        item.lang,
                        &now,
                        &item.history,
                        &item.text,
                        true,
                        max_tokens,
                        v.op.as_deref(),
                    );
                    let reply = client.chat(&req).await.map(|r| r.text).unwrap_or_default();
                    Some((v, Some(decision::parse(&reply, &item.text)), started.elapsed().as_secs_f64() * 1000.0))
                }
                Some(v) => Some((v, None, started.elapsed().as_secs_f64() * 1000.0)),
                None => None,
            };
            let started = Instant::now();
            let embedded = embed::similarities(&embed_client, &examples, &item.text)
                .await
                .map(|e| (e, started.elapsed().as_secs_f64() * 1000.0));
            let mut near_emb = None;
            let mut chosen_emb_tool = None;
            if let Some((e, _)) = &embedded {
                let started = Instant::now();
                // Operations of a tool the message names (`rules::cued_tools`), as the router takes.
                let cued = rules::cued_tools(&item.text, today, &item.history);
                let fits = |op: &str| cued.fits(op);
                near_emb = match nearest::nearest_embedded(&item.text, e).map(|v| v.fitted(&item.text, Some(e), &fits))
                {
                    Some(v) if v.action == Action::Tools && v.op.as_deref() != Some("email.send") => {
                        // The same call as the n-gram verdict's when it names the same operation.
                        let same = near.as_ref().filter(|(n, _, _)| n.op == v.op).and_then(|(_, d, _)| d.clone());
                        let d = match same {
                            Some(d) => d,
                            None => write_op(no_write, &client, &item, &now, max_tokens, v.op.as_deref()).await,
                        };
                        Some((v, Some(d), started.elapsed().as_secs_f64() * 1000.0))
                    }
                    Some(v) => Some((v, None, started.elapsed().as_secs_f64() * 1000.0)),
                    None => None,
                };
                if let Some((_, Some(tool @ Decision::Tools { .. }), _)) = &chosen {
                    let op = nearest::tool_op_among(&item.text, Some(e), &fits);
                    chosen_emb_tool = Some(if op == op_of(tool) {
                        tool.clone()
                    } else {
                        write_op(no_write, &client, &item, &now, max_tokens, op.as_deref()).await
                    });
                }
            }
            let gates = rules::gates(&item.text, today, &item.history);
            runs.push(Run { item, json, rules, chosen, near, embedded, near_emb, chosen_emb_tool, gates });
        }
        let no_scores = runs.iter().filter(|r| r.chosen.is_none()).count();
        let conf = Some(DEFAULT_DIRECT_CONFIDENCE);
        let sure = Some((nearest::MIN_SIMILARITY, nearest::MIN_AGREEMENT));
        let sure_emb = Some((nearest::MIN_SIMILARITY_EMBEDDED, nearest::MIN_AGREEMENT_EMBEDDED));
        type Approach<'a> = (&'a str, Box<dyn Fn(&Run) -> (Decision, f64, By) + 'a>);
        let approaches: Vec<Approach> = vec![
            (
                "model (the router before: the classifier's JSON decision)",
                Box::new(|r: &Run| (r.json.0.clone(), r.json.1, By::Model)),
            ),
            (
                "rules + model (certain rules first, dates by code)",
                Box::new(|r: &Run| r.decision(false, None, None, None, today, NGRAMS)),
            ),
            ("rules + leanings + model (JSON)", Box::new(|r: &Run| r.decision(true, None, None, None, today, NGRAMS))),
            (
                "choose, then write (model only)",
                Box::new(|r: &Run| {
                    let (d, ms) = r.chosen_decision(DEFAULT_DIRECT_CONFIDENCE, None, false);
                    (d, ms, By::Model)
                }),
            ),
            (
                "choose, then write, calibrated (model only)",
                Box::new(|r: &Run| {
                    let (d, ms) =
                        r.chosen_decision(DEFAULT_DIRECT_CONFIDENCE, Some(&priors[&(r.item.lang == Lang::Ko)]), false);
                    (d, ms, By::Model)
                }),
            ),
            (
                "nearest examples only (every verdict taken)",
                Box::new(|r: &Run| {
                    let (d, ms) =
                        r.near_decision(false).unwrap_or_else(|| (Decision::Clarify { response: String::new() }, 0.0));
                    (d, ms, By::Examples)
                }),
            ),
            (
                "rules + leanings + choose, then write",
                Box::new(|r: &Run| r.decision(true, None, conf, None, today, NGRAMS)),
            ),
            (
                "rules + leanings + nearest examples + choose, then write (without embeddings)",
                Box::new(|r: &Run| r.decision(true, sure, conf, None, today, NGRAMS)),
            ),
            (
                "embeddings only (Gemma-3-270M, mean-pooled, centred; every verdict taken)",
                Box::new(|r: &Run| (r.embedded_only(), r.embedded.as_ref().map_or(0.0, |e| e.1), By::Examples)),
            ),
            (
                "nearest examples mixed with embeddings only (every verdict taken)",
                Box::new(|r: &Run| {
                    let (d, ms) =
                        r.near_decision(true).unwrap_or_else(|| (Decision::Clarify { response: String::new() }, 0.0));
                    (d, ms, By::Examples)
                }),
            ),
            (
                "rules + leanings + nearest examples with embeddings + choose, then write (before the tool-cue gate)",
                Box::new(|r: &Run| r.decision(true, sure_emb, conf, None, today, EMBEDDED)),
            ),
            (
                "rules + leanings + nearest examples with embeddings + choose, then write, gated by the cues (the router now: defaults)",
                Box::new(|r: &Run| r.decision(true, sure_emb, conf, None, today, NOW)),
            ),
            (
                "the same, the nearest examples' verdict (sure or not, gated) in place of the classifier's choice (the router now, a variant)",
                Box::new(|r: &Run| {
                    let (d, ms, by) = r.decision(true, sure_emb, conf, None, today, NOW);
                    match r.near_emb.as_ref() {
                        Some((v, _, _)) if by == By::Model && r.gates.allows(v.action) => {
                            let d = rules::correct_draft(verdict_decision(Some(v), &r.item.text), &r.item.text, today);
                            (d, ms, By::Examples)
                        }
                        _ => (d, ms, by),
                    }
                }),
            ),
        ];
        for (name, decide) in &approaches {
            if router_only && !name.contains("(the router now") {
                continue;
            }
            let mut score = Score::default();
            for r in &runs {
                let (d, ms, by) = decide(r);
                score.add(&r.item, &d, ms, by);
            }
            score.print(&format!("[{set}] {name}"));
            if name.contains("(the router now") {
                score.print_misses();
            }
        }
        if router_only {
            continue;
        }
        for embedded in [false, true] {
            let with = if embedded { "with embeddings (the router now)" } else { "n-grams alone" };
            println!("\n[{set}] the nearest examples' thresholds, {with}: overall right");
            for sim in [0.0, 0.2, 0.3, 0.4, 0.5, 0.6] {
                let row: Vec<String> = [0.0, 0.5, 0.6, 0.8, 1.0]
                    .iter()
                    .map(|agree| {
                        let mut score = Score::default();
                        for r in &runs {
                            let (d, ms, by) = r.decision(
                                true,
                                Some((sim, *agree)),
                                conf,
                                None,
                                today,
                                if embedded { NOW } else { NGRAMS },
                            );
                            score.add(&r.item, &d, ms, by);
                        }
                        format!("agreement {agree:.1}: {:>5.1} %", score.pc_right())
                    })
                    .collect();
                println!("  similarity {sim:.1}  {}", row.join("  "));
            }
        }
        println!(
            "\n[{set}] the embeddings' weight (nearest examples only, every verdict): action right, overall right"
        );
        for w in [0.0, 0.3, 0.5, 0.7, 1.0] {
            let mut score = Score::default();
            for r in &runs {
                let d = r.embedded.as_ref().and_then(|(e, _)| nearest::nearest_mixed(&r.item.text, e, w));
                score.add(&r.item, &verdict_decision(d.as_ref(), &r.item.text), 0.0, By::Examples);
            }
            let action: f64 = ACTIONS.iter().map(|a| score.action_share(a)).sum::<f64>() / f64::from(score.all.max(1));
            println!("  {w:.1}: action {:>5.1} %  overall {:>5.1} %", 100.0 * action, score.pc_right());
        }
        if no_scores > 0 {
            println!("  ({no_scores} messages got no token probabilities: JSON decision used for them)");
        }
        println!(
            "\n[{set}] direct_confidence (rules + leanings + choose, the router now): overall, direct, route right"
        );
        for c in [0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8] {
            let mut score = Score::default();
            for r in &runs {
                let (d, ms, by) = r.decision(true, sure_emb, Some(c), None, today, NOW);
                score.add(&r.item, &d, ms, by);
            }
            let (direct, route) = (score.action_pc("direct"), score.action_pc("route"));
            println!("  {c:.1}: {:>5.1} %  direct {direct:>5.1} %  route {route:>5.1} %", score.pc_right());
        }
    }
}
