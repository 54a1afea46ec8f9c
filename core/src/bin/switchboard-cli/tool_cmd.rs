//! `switchboard-cli tool OP key=value...`: one tool call, as the router would make it (the
//! same checks), without a model; `switchboard-cli secret set|delete NAME`: passwords in the
//! desktop keyring.
//!
//! `tool calendar.create_draft ...` shows the draft and asks y/N on a terminal; without a
//! terminal it writes nothing unless `--yes` is given.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use serde_json::{Map, Value};
use switchboard_core::model::{DraftState, Lang, ToolCard};
use switchboard_core::router::{cards, tools as checks};
use switchboard_core::secret::Secret;
use switchboard_core::tools::{keyring, Tools};
use switchboard_core::Config;

use super::term::Clean;
use super::EXIT_ERROR;

/// Exit code when a draft was not written (declined, or no terminal and no `--yes`).
const EXIT_NOT_WRITTEN: u8 = 4;

fn params(args: &[String]) -> Result<Map<String, Value>, String> {
    let mut out = Map::new();
    for a in args {
        let (k, v) = a.split_once('=').ok_or_else(|| format!("`{a}`: parameters are key=value"))?;
        let v = match v.parse::<u64>() {
            Ok(n) if k == "days" => Value::from(n),
            _ => Value::from(v),
        };
        out.insert(k.trim().to_string(), v);
    }
    Ok(out)
}

fn print_card(card: &ToolCard, json: bool) {
    if json {
        if let Ok(s) = serde_json::to_string_pretty(card) {
            println!("{s}");
        }
    } else {
        let tty = std::io::stdout().is_terminal();
        println!("{}", Clean::text(tty, &cards::card_text(card, Lang::En)));
    }
}

fn ask_yes() -> bool {
    eprint!("Add this event? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return false;
    }
    matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

pub(super) async fn tool(cfg: Config, op: String, args: Vec<String>, json: bool, yes: bool) -> ExitCode {
    let fail = |m: String| {
        eprintln!("error: {m}");
        ExitCode::from(EXIT_ERROR)
    };
    let Some((tool, operation)) = op.split_once('.') else {
        return fail(format!("`{op}`: name a tool operation, like calendar.today"));
    };
    let p = match params(&args) {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    if let Err(refusal) = checks::validate(tool, operation, &p, false) {
        return fail(checks::answer(tool, operation, &Err(refusal), Lang::En));
    }
    let tools = Tools::new(&cfg, switchboard_core::clock::Clock::system());
    if tool == "email" {
        return mail(&tools, operation, &p, json).await;
    }
    if tool == "document" {
        return document(&tools, operation, &p, json).await;
    }
    if tool != "calendar" {
        return fail(checks::answer(tool, operation, &Ok(()), Lang::En));
    }
    let cal = &tools.calendars;
    if cal.is_empty() {
        return fail(cards::no_calendar(Lang::En));
    }
    let today = cal.today();
    match operation {
        "today" | "search" => {
            let date = |k: &str| {
                p.get(k).and_then(Value::as_str).and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            };
            let (from, to) = match operation {
                "today" => (today, today),
                _ => (date("date_from").unwrap_or(today), date("date_to").unwrap_or(today)),
            };
            let found = cal.events(from, to).await;
            let (from, to) = (from.min(to), to.max(from));
            if !json {
                eprintln!("{}", cards::events_sentence(&found, from, to, today, Lang::En));
            }
            let unreadable = !found.unavailable.is_empty();
            print_card(&ToolCard::Events { from, to, events: found.events, unavailable: found.unavailable }, json);
            if unreadable {
                ExitCode::from(EXIT_ERROR)
            } else {
                ExitCode::SUCCESS
            }
        }
        "create_draft" => {
            let Some(target) = cal.target().map(str::to_string) else {
                return fail(cards::no_writable_calendar(Lang::En));
            };
            let Some(draft) = cards::draft_from(&p, &target) else {
                return fail("create_draft needs date=YYYY-MM-DD and time=HH:MM".into());
            };
            print_card(&ToolCard::Draft { draft: draft.clone(), state: DraftState::Pending }, json);
            let confirmed = if yes {
                true
            } else if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
                ask_yes()
            } else {
                eprintln!("not written: no terminal to ask on (pass --yes to write without asking)");
                return ExitCode::from(EXIT_NOT_WRITTEN);
            };
            if !confirmed {
                eprintln!("{}", cards::declined(Lang::En));
                return ExitCode::from(EXIT_NOT_WRITTEN);
            }
            match cal.create(&draft).await {
                Ok(uid) => {
                    eprintln!("{} (uid {uid})", cards::written(&draft, Lang::En));
                    ExitCode::SUCCESS
                }
                Err(e) => fail(format!("could not add it: {e}")),
            }
        }
        "create_confirmed" => {
            fail("create_confirmed is the chat's yes to a draft; here, answer the y/N prompt of create_draft".into())
        }
        _ => fail(checks::answer(tool, operation, &Ok(()), Lang::En)),
    }
}

async fn mail(tools: &Tools, operation: &str, p: &Map<String, Value>, json: bool) -> ExitCode {
    if tools.mail.is_empty() {
        eprintln!("error: {}", cards::no_mail(Lang::En));
        return ExitCode::from(EXIT_ERROR);
    }
    let text = |k: &str| cards::param_text(p, k);
    if operation == "search" {
        let days = text("days").parse().unwrap_or(7);
        let query = text("query");
        let found = tools.mail.search(&query, days).await;
        if !json {
            eprintln!("{}", cards::mails_sentence(&found, &query, days, Lang::En));
        }
        let failed = !found.unavailable.is_empty();
        print_card(&ToolCard::Mails { query, days, mails: found.mails, unavailable: found.unavailable }, json);
        return if failed { ExitCode::from(EXIT_ERROR) } else { ExitCode::SUCCESS };
    }
    match tools.mail.read(&text("uid")).await {
        Ok(view) => {
            print_card(&ToolCard::Mail { mail: view }, json);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

async fn document(tools: &Tools, operation: &str, p: &Map<String, Value>, json: bool) -> ExitCode {
    let docs = std::sync::Arc::clone(&tools.docs);
    if docs.is_empty() {
        eprintln!("error: {}", cards::no_documents(Lang::En));
        return ExitCode::from(EXIT_ERROR);
    }
    let key = if operation == "search" { "query" } else { "doc_id" };
    let arg = cards::param_text(p, key);
    let search = operation == "search";
    let result = tokio::task::spawn_blocking(move || {
        if search {
            // Up to date first (only what changed is read again).
            docs.sync(&|_, _| {})?;
            docs.search(&arg).map(|d| ToolCard::Documents { query: arg.clone(), docs: d })
        } else {
            docs.read(&arg).map(|doc| ToolCard::Document { doc })
        }
    })
    .await;
    match result {
        Ok(Ok(card)) => {
            print_card(&card, json);
            ExitCode::SUCCESS
        }
        Ok(Err(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_ERROR)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// `docs index`: the first (or an incremental) index, with a progress bar on a terminal.
pub(super) async fn docs_index(cfg: Config) -> ExitCode {
    let tools = Tools::new(&cfg, switchboard_core::clock::Clock::system());
    let docs = std::sync::Arc::clone(&tools.docs);
    if docs.is_empty() {
        eprintln!("error: {}", cards::no_documents(Lang::En));
        return ExitCode::from(EXIT_ERROR);
    }
    let tty = std::io::stderr().is_terminal();
    let started = tokio::time::Instant::now();
    let result = tokio::task::spawn_blocking(move || {
        let bar = |done: usize, total: usize| {
            if tty && total > 0 {
                let width = 30;
                let filled = done * width / total.max(1);
                eprint!("\r[{}{}] {done}/{total} files", "#".repeat(filled), " ".repeat(width - filled));
                let _ = std::io::stderr().flush();
            }
        };
        let n = docs.sync(&bar);
        (n, docs.count())
    })
    .await;
    if tty {
        eprintln!();
    }
    match result {
        Ok((Ok(n), count)) => {
            eprintln!("{n} files read, {count} in the index ({:.1} s)", started.elapsed().as_secs_f64());
            ExitCode::SUCCESS
        }
        Ok((Err(e), _)) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_ERROR)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

pub(super) fn secret_set(name: &str) -> ExitCode {
    let prompt = format!("Password for keyring entry `{name}`: ");
    let read = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt)
    } else {
        // From a pipe (scripts): the first line.
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map(|_| line.trim_end_matches(['\r', '\n']).to_string())
    };
    let secret = match read {
        Ok(p) if !p.is_empty() => Secret::new(p),
        Ok(_) => {
            eprintln!("error: an empty password was not stored");
            return ExitCode::from(EXIT_ERROR);
        }
        Err(e) => {
            eprintln!("error: cannot read the password: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    match keyring::set(name, &secret) {
        Ok(()) => {
            eprintln!(
                "stored `{name}` in the keyring: name it in the config with password_keyring = \"{name}\" \
                 (a calendar or mail account) or api_key_keyring = \"{name}\" (a backend)"
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

pub(super) fn secret_delete(name: &str) -> ExitCode {
    match keyring::delete(name) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("no keyring entry `{name}`");
            ExitCode::from(EXIT_ERROR)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
