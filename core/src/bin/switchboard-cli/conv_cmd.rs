//! `switchboard-cli conversations`: list, show, search, export, rename or delete stored
//! conversations.

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
    if let ConvCmd::Export { id, format, output } = cmd {
        return export(&store, id, &format, output.as_deref(), &cfg.chat.name);
    }
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
        ConvCmd::Search { query } => store.search(&query.join(" ")).map(|hits| {
            let tty = std::io::IsTerminal::is_terminal(&std::io::stdout());
            for h in hits {
                let at = &h.at[..16.min(h.at.len())];
                let place = h.message_id.map(|m| format!("#{m}")).unwrap_or_else(|| "title".into());
                println!(
                    "{:>5} {place:>7}  {at}  {}: {}",
                    h.conversation_id,
                    term::Clean::text(tty, &h.conversation_title),
                    term::Clean::text(tty, &h.snippet)
                );
            }
        }),
        ConvCmd::Rename { id, title } => store.rename(id, &title),
        ConvCmd::Export { .. } => Ok(()),
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

/// `conversations export ID --format md|json [--output FILE]`.
fn export(store: &switchboard_core::Store, id: i64, format: &str, output: Option<&Path>, assistant: &str) -> ExitCode {
    let Some(format) = switchboard_core::chat::export::Format::parse(format) else {
        eprintln!("error: --format is `md` or `json`, not `{format}`");
        return ExitCode::from(EXIT_ERROR);
    };
    let text = match store.export(id, format, assistant) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    match output {
        // Written whole or not at all.
        Some(path) => match switchboard_core::private::write_atomic(path, text.as_bytes()) {
            Ok(()) => {
                eprintln!("wrote {}", path.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                ExitCode::from(EXIT_ERROR)
            }
        },
        None => {
            print!("{text}");
            ExitCode::SUCCESS
        }
    }
}
