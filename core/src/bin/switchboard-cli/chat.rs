//! `switchboard-cli chat`: one message, or an interactive session with history.

use std::io::Write;
use std::process::ExitCode;

use switchboard_core::model::{ChatEvent, MessageState};
use switchboard_core::router::{Reply, Router};
use switchboard_core::Engine;
use tokio::io::AsyncBufReadExt;

use super::term::Clean;
use super::{first_check_timeout, EXIT_DOWN, EXIT_ERROR};

/// Exit code when the user stopped the reply with Ctrl-C.
const EXIT_STOPPED: u8 = 130;

pub(super) async fn run(engine: Engine, message: Option<String>, conversation: Option<i64>, json: bool) -> ExitCode {
    engine.registry().ready(first_check_timeout(engine.registry())).await;
    let router = engine.router();
    let code = match message {
        Some(m) => match router.send(conversation, &m) {
            Ok(reply) => show(router, reply, json).await,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(EXIT_ERROR)
            }
        },
        None => interactive(router, conversation, json).await,
    };
    code
}

/// Prints a reply as it streams; Ctrl-C stops it. Exit: 0 done, 130 stopped, 3 failed.
async fn show(router: &Router, mut reply: Reply, json: bool) -> ExitCode {
    let mut out = std::io::stdout();
    // Model text on a terminal: control sequences removed (see `term`), across tokens.
    let (mut clean_out, err_on) = (Clean::stdout(), Clean::stderr());
    let err = |text: &str| Clean::text(err_on.on(), text);
    loop {
        let ev = tokio::select! {
            _ = tokio::signal::ctrl_c() => {
                router.stop(reply.reply_message_id);
                continue;
            }
            ev = reply.events.recv() => ev,
        };
        let Some(ev) = ev else { return ExitCode::from(EXIT_ERROR) };
        if json {
            if let Ok(s) = serde_json::to_string(&ev) {
                println!("{s}");
            }
        }
        match ev {
            ChatEvent::Decision { action, backend } if !json => eprintln!("[{} · {}]", action.as_str(), err(&backend)),
            ChatEvent::Notice { text, .. } if !json => eprintln!("({})", err(&text)),
            ChatEvent::Token { text } if !json => {
                print!("{}", clean_out.push(&text));
                let _ = out.flush();
            }
            ChatEvent::Card { card } if !json => {
                let text = switchboard_core::router::cards::card_text(&card, router.lang());
                print!("\n{}", clean_out.push(&text));
            }
            ChatEvent::Error { message } if !json => eprintln!("\nerror: {}", err(&message)),
            ChatEvent::Done { state, total_ms, ttft_ms, .. } => {
                if !json {
                    println!();
                    let first = ttft_ms.map(|t| format!(", first word after {:.1} s", t / 1000.0)).unwrap_or_default();
                    eprintln!(
                        "[{state:?} in {:.1} s{first}; conversation {}]",
                        total_ms / 1000.0,
                        reply.conversation_id
                    );
                }
                return match state {
                    MessageState::Done => ExitCode::SUCCESS,
                    MessageState::Stopped => ExitCode::from(EXIT_STOPPED),
                    _ => ExitCode::from(EXIT_DOWN),
                };
            }
            _ => {}
        }
    }
}

const HELP: &str = "Type a message and press Enter. Ctrl-C stops a reply; Ctrl-D quits.
  /new            start a new conversation
  /list           list conversations
  /open ID        continue conversation ID
  /rename TITLE   rename this conversation
  /retry          send the last message again
  /quit";

async fn interactive(router: &Router, mut conversation: Option<i64>, json: bool) -> ExitCode {
    eprintln!("{HELP}");
    let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
    loop {
        eprint!("> ");
        let line = tokio::select! {
            _ = tokio::signal::ctrl_c() => return ExitCode::SUCCESS,
            l = lines.next_line() => l,
        };
        let line = match line {
            Ok(Some(l)) => l,
            Ok(None) | Err(_) => return ExitCode::SUCCESS,
        };
        let line = line.trim();
        let store = router.store();
        let (cmd, arg) = line.split_once(' ').map_or((line, ""), |(c, a)| (c, a.trim()));
        match cmd {
            "" => continue,
            "/quit" | "/exit" => return ExitCode::SUCCESS,
            "/help" => eprintln!("{HELP}"),
            "/new" => {
                conversation = None;
                eprintln!("(new conversation)");
            }
            "/list" => match store.conversations() {
                Ok(list) => list.iter().for_each(|c| eprintln!("{:>5}  {}", c.id, Clean::stderr().push(&c.title))),
                Err(e) => eprintln!("error: {e}"),
            },
            "/open" => match arg.parse::<i64>().ok().map(|id| (id, store.messages(id))) {
                Some((id, Ok(msgs))) => {
                    for m in msgs {
                        eprintln!("{}: {}", m.role, Clean::stderr().push(&m.text));
                    }
                    conversation = Some(id);
                }
                Some((_, Err(e))) => eprintln!("error: {e}"),
                None => eprintln!("usage: /open ID"),
            },
            "/rename" => match conversation {
                Some(id) if !arg.is_empty() => {
                    if let Err(e) = store.rename(id, arg) {
                        eprintln!("error: {e}");
                    }
                }
                _ => eprintln!("usage: /rename TITLE (in a conversation)"),
            },
            "/retry" => match conversation.map(|c| router.retry(c)) {
                Some(Ok(reply)) => {
                    show(router, reply, json).await;
                }
                Some(Err(e)) => eprintln!("error: {e}"),
                None => eprintln!("nothing to retry"),
            },
            _ => match router.send(conversation, line) {
                Ok(reply) => {
                    conversation = Some(reply.conversation_id);
                    show(router, reply, json).await;
                }
                Err(e) => eprintln!("error: {e}"),
            },
        }
    }
}
