//! The tray icon and its menu, through `tray-icon` (what Tauri's tray is built on: a
//! StatusNotifierItem by libappindicator, its menu over com.canonical.dbusmenu). The icon's
//! colour and shape are the overall load (see `switchboard_core::tray`); the menu has a line
//! per backend, then the actions. The menu is also what makes the item appear at all on Linux.
//!
//! The tray lives on the GTK main thread; the hub and the shell's actions send it [`TrayCmd`]s
//! (through [`Shell::tray`]).

use std::sync::Arc;

use switchboard_core::i18n::{self, MenuLabels};
use switchboard_core::model::Lang;
use switchboard_core::tray::icon_rgba;
use switchboard_core::{BackendStatus, Level, State};
use tokio::sync::mpsc;
use tray_icon::menu::{CheckMenuItem, Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tray_icon::{Icon, TrayIcon, TrayIconBuilder};

use crate::ids::MenuId;
use crate::Shell;

pub const TRAY_ID: &str = "main";
/// Icon size handed to the tray (desktops scale it; 32 px is crisp at 16-24 px panels too).
pub const ICON_SIZE: u32 = 32;

/// What the tray is asked to do (it runs on the GTK main thread).
#[derive(Debug)]
pub enum TrayCmd {
    /// Redraw the icon and its tooltip.
    Level(Level),
    /// Rebuild the menu.
    Menu { rows: Vec<BackendStatus>, paused: bool },
    /// The core has stopped: end the main loop.
    Quit,
}

/// Where the shell sends [`TrayCmd`]s.
pub type TrayTx = mpsc::UnboundedSender<TrayCmd>;
/// Where the tray takes them, on the GTK main thread ([`Tray::drive`]).
pub type TrayRx = mpsc::UnboundedReceiver<TrayCmd>;

fn icon(level: Level) -> Result<Icon, tray_icon::BadIcon> {
    Icon::from_rgba(icon_rgba(level, ICON_SIZE), ICON_SIZE, ICON_SIZE)
}

/// The menu's words in the app's language.
fn labels(lang: Lang) -> MenuLabels {
    i18n::menu(lang)
}

/// One menu line for a backend: "big (reasoner): up, busy" / "big (추론): 정상, 바쁨".
pub fn backend_line(s: &BackendStatus, lang: Lang) -> String {
    let line = state_line(s, lang);
    match s.server.as_ref().and_then(|server| i18n::server_state(server, lang)) {
        Some(server) if s.state != State::Up => format!("{line} ({server})"),
        _ => line,
    }
}

fn state_line(s: &BackendStatus, lang: Lang) -> String {
    match lang {
        Lang::En => match s.state {
            State::Up => format!("{} ({}): up, {}", s.name, s.role, s.level),
            State::Down => format!("{} ({}): DOWN", s.name, s.role),
            State::Starting => format!("{} ({}): starting", s.name, s.role),
        },
        Lang::Ko => {
            let (role, state) = (i18n::role(s.role, lang), i18n::state(s.state, lang));
            match s.state {
                State::Up => format!("{} ({role}): {state}, {}", s.name, i18n::level(s.level, lang)),
                State::Down | State::Starting => format!("{} ({role}): {state}", s.name),
            }
        }
    }
}

/// The tray's tooltip: the overall level in words.
pub fn tooltip(level: Level, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Switchboard: {level}"),
        Lang::Ko => format!("Switchboard: {}", i18n::level(level, lang)),
    }
}

fn menu(rows: &[BackendStatus], paused: bool, lang: Lang) -> Result<Menu, tray_icon::menu::Error> {
    let l = labels(lang);
    let menu = Menu::new();
    for (i, s) in rows.iter().enumerate() {
        menu.append(&MenuItem::with_id(format!("backend-{i}"), backend_line(s, lang), false, None))?;
    }
    menu.append(&PredefinedMenuItem::separator())?;
    menu.append(&MenuItem::with_id(MenuId::OpenChat.as_str(), l.open_chat, true, None))?;
    menu.append(&MenuItem::with_id(MenuId::Status.as_str(), l.status, true, None))?;
    menu.append(&MenuItem::with_id(MenuId::CheckNow.as_str(), l.check_now, true, None))?;
    menu.append(&MenuItem::with_id(MenuId::Settings.as_str(), l.settings, true, None))?;
    menu.append(&CheckMenuItem::with_id(MenuId::PauseNotifications.as_str(), l.pause, true, paused, None))?;
    let autostart = crate::autostart::enabled();
    menu.append(&CheckMenuItem::with_id(MenuId::StartAtLogin.as_str(), l.start_at_login, true, autostart, None))?;
    menu.append(&PredefinedMenuItem::separator())?;
    menu.append(&MenuItem::with_id(MenuId::Quit.as_str(), l.quit, true, None))?;
    Ok(menu)
}

/// The tray icon (GTK main thread only).
pub struct Tray {
    /// The icon on the panel: redrawn on each level change, its menu rebuilt on each change.
    icon: TrayIcon,
    /// The language of the tooltip and the menu.
    lang: Lang,
}

/// Why the tray could not be built.
#[derive(Debug, thiserror::Error)]
pub enum TrayError {
    #[error("tray icon: {0}")]
    Tray(#[from] tray_icon::Error),
    #[error("tray icon: {0}")]
    Icon(#[from] tray_icon::BadIcon),
    #[error("tray menu: {0}")]
    Menu(#[from] tray_icon::menu::Error),
}

impl Tray {
    /// Builds the tray on the GTK main thread (after `gtk::init`), and routes menu clicks to
    /// [`on_menu`].
    pub fn build(shell: &Arc<Shell>) -> Result<Tray, TrayError> {
        let (rows, lang) = (shell.snapshot(), shell.lang());
        let level = switchboard_core::tray::overall(&rows, shell.scope());
        let icon = TrayIconBuilder::new()
            .with_id(TRAY_ID)
            .with_icon(icon(level)?)
            .with_tooltip(tooltip(level, lang))
            .with_menu(Box::new(menu(&rows, shell.paused(), lang)?))
            .with_menu_on_left_click(false)
            .build()?;
        let s = Arc::clone(shell);
        MenuEvent::set_event_handler(Some(move |event: MenuEvent| on_menu(&s, event.id.0.as_str())));
        Ok(Tray { icon, lang })
    }

    fn apply(&self, cmd: TrayCmd) -> Result<(), TrayError> {
        match cmd {
            TrayCmd::Level(level) => {
                self.icon.set_icon(Some(icon(level)?))?;
                self.icon.set_tooltip(Some(tooltip(level, self.lang)))?;
            }
            TrayCmd::Menu { rows, paused } => self.icon.set_menu(Some(Box::new(menu(&rows, paused, self.lang)?))),
            TrayCmd::Quit => {}
        }
        Ok(())
    }

    /// Applies commands on the GTK main loop until Quit, then ends the loop.
    pub async fn drive(self, mut rx: TrayRx) {
        while let Some(cmd) = rx.recv().await {
            if matches!(cmd, TrayCmd::Quit) {
                break;
            }
            if let Err(e) = self.apply(cmd) {
                tracing::warn!("{e}");
            }
        }
        gtk::main_quit();
    }
}

/// A menu click (on the GTK main thread, inside the tokio runtime's context): its action, in a
/// task of the shell's. The per-backend lines are informational.
pub fn on_menu(shell: &Arc<Shell>, id: &str) {
    let Some(action) = MenuId::parse(id).map(MenuId::action) else { return };
    let s = Arc::clone(shell);
    shell.spawn(async move {
        if let Err(e) = s.perform(action).await {
            tracing::error!("{e}");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_core::Role;

    #[test]
    fn menu_lines_and_tooltip_in_both_languages() {
        let mut s = BackendStatus::unchecked("big", Role::Reasoner, switchboard_core::clock::Clock::system().now());
        assert_eq!(backend_line(&s, Lang::En), "big (reasoner): starting");
        assert_eq!(backend_line(&s, Lang::Ko), "big (추론): 시작 중");
        (s.state, s.level) = (State::Up, Level::VeryBusy);
        assert_eq!(backend_line(&s, Lang::En), "big (reasoner): up, very busy");
        assert_eq!(backend_line(&s, Lang::Ko), "big (추론): 정상, 매우 바쁨");
        s.state = State::Down;
        assert_eq!(backend_line(&s, Lang::Ko), "big (추론): 중단");
        assert_eq!(tooltip(Level::Busy, Lang::En), "Switchboard: busy");
        assert_eq!(tooltip(Level::Busy, Lang::Ko), "Switchboard: 바쁨");
        assert_eq!(labels(Lang::Ko).quit, "종료");
    }
}
