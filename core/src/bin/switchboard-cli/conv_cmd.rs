//! `switchboard-cli conversations`: list, show, rename or delete stored conversations.

use std::path::Path;
use std::process::ExitCode;

use super::{load_config, term, ConvCmd, EXIT_ERROR};

pub(super) fn conversations(explicit: Option<&Path>, cmd: ConvCmd) -> ExitCode {
    let cfg = match load_config(explicit) {
        Ok((_, cfg)) => cfg,
        Err(code) => return code,
    };
    let store = match switchboard_core::engine::open_store(&cfg.chat, switchboard_core::clock::Clock::system()) {
        Ok((s, set_aside)) => {
            if let Some(a) = set_aside {
                let lang = switchboard_core::model::Lang::En;
                eprintln!("warning: {}", switchboard_core::i18n::store_set_aside(a.reason, &a.moved_to, lang));
            }
            s
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let result = match cmd {
        ConvCmd::List => store.conversations().map(|list| {
            let tty = std::io::IsTerminal::is_terminal(&std::io::stdout());
            for c in list {
                println!(
                    "{:>5}  {}  {:>3} messages  {}",
                    c.id,
                    &c.updated_at[..16.min(c.updated_at.len())],
                    c.messages,
                    term::Clean::text(tty, &c.title)
                );
            }
        }),
        ConvCmd::Show { id } => store.messages(id).map(|msgs| {
            let tty = std::io::IsTerminal::is_terminal(&std::io::stdout());
            for m in msgs {
                let tag = match (&m.action, &m.backend) {
                    (Some(a), Some(b)) => format!(" [{a} · {b}]"),
                    _ => String::new(),
                };
                let tag = term::Clean::text(tty, &tag);
                println!("{}{tag} ({:?}):\n{}\n", m.role, m.state, term::Clean::text(tty, &m.text));
                if let Some(card) = &m.card {
                    let text = switchboard_core::router::cards::card_text(card, switchboard_core::model::Lang::En);
                    println!("{}\n", term::Clean::text(tty, &text));
                }
            }
        }),
        ConvCmd::Rename { id, title } => store.rename(id, &title),
        ConvCmd::Delete { id } => store.delete(id),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
