//! The tray icon and its menu: a StatusNotifierItem with its menu (com.canonical.dbusmenu),
//! served over D-Bus by `ksni` (no GTK, no libappindicator in this process). The icon's
//! colour and shape are the overall load (see `switchboard_core::tray`); the menu has a line
//! per backend, then the actions; a left click (the item's `Activate`) opens the chat.
//!
//! The item lives in ksni's task; the hub and the shell's actions send it [`TrayCmd`]s
//! (through [`Shell::tray`]), which [`Tray::drive`] applies.

use std::sync::Arc;

use ksni::menu::{CheckmarkItem, MenuItem, StandardItem};
use ksni::TrayMethods;
use switchboard_core::i18n::{self, MenuLabels};
use switchboard_core::model::Lang;
use switchboard_core::tray::icon_rgba;
use switchboard_core::{BackendStatus, Level, State};
use tokio::sync::mpsc;

use crate::ids::MenuId;
use crate::Shell;

/// The item's id on the bus (desktops key their settings for it on this).
pub const TRAY_ID: &str = "switchboard";
/// Icon size handed to the tray (desktops scale it; 32 px is crisp at 16-24 px panels too).
pub const ICON_SIZE: u32 = 32;

/// What the tray is asked to do.
#[derive(Debug)]
pub enum TrayCmd {
    /// Redraw the icon and its tooltip.
    Level(Level),
    /// Rebuild the menu.
    Menu { rows: Vec<BackendStatus>, paused: bool },
    /// The core has stopped: take the item off the bus.
    Quit,
}

/// Where the shell sends [`TrayCmd`]s.
pub type TrayTx = mpsc::UnboundedSender<TrayCmd>;
/// Where the tray takes them ([`Tray::drive`]).
pub type TrayRx = mpsc::UnboundedReceiver<TrayCmd>;

/// The icon for `level` as the StatusNotifierItem wants it: ARGB32, big-endian.
fn icon(level: Level) -> ksni::Icon {
    let rgba = icon_rgba(level, ICON_SIZE);
    let data = rgba.chunks_exact(4).flat_map(|p| [p[3], p[0], p[1], p[2]]).collect();
    ksni::Icon { width: ICON_SIZE as i32, height: ICON_SIZE as i32, data }
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

/// The item as the desktop sees it: what it shows, and the shell its clicks go to.
struct Item {
    shell: Arc<Shell>,
    lang: Lang,
    level: Level,
    rows: Vec<BackendStatus>,
    paused: bool,
}

fn action(label: String, id: MenuId) -> MenuItem<Item> {
    StandardItem {
        label,
        activate: Box::new(move |item: &mut Item| on_menu(&item.shell, id.as_str())),
        ..Default::default()
    }
    .into()
}

fn check(label: String, checked: bool, id: MenuId) -> MenuItem<Item> {
    CheckmarkItem {
        label,
        checked,
        activate: Box::new(move |item: &mut Item| on_menu(&item.shell, id.as_str())),
        ..Default::default()
    }
    .into()
}

impl ksni::Tray for Item {
    fn id(&self) -> String {
        TRAY_ID.into()
    }

    fn title(&self) -> String {
        "Switchboard".into()
    }

    fn category(&self) -> ksni::Category {
        ksni::Category::ApplicationStatus
    }

    fn icon_pixmap(&self) -> Vec<ksni::Icon> {
        vec![icon(self.level)]
    }

    fn tool_tip(&self) -> ksni::ToolTip {
        ksni::ToolTip { title: tooltip(self.level, self.lang), ..Default::default() }
    }

    /// A left click: the chat, as the menu's first action.
    fn activate(&mut self, _x: i32, _y: i32) {
        on_menu(&self.shell, MenuId::OpenChat.as_str());
    }

    fn menu(&self) -> Vec<MenuItem<Self>> {
        let l = labels(self.lang);
        let mut menu: Vec<MenuItem<Self>> = self
            .rows
            .iter()
            .map(|s| StandardItem { label: backend_line(s, self.lang), enabled: false, ..Default::default() }.into())
            .collect();
        menu.extend([
            MenuItem::Separator,
            action(l.open_chat.into(), MenuId::OpenChat),
            action(l.status.into(), MenuId::Status),
            action(l.check_now.into(), MenuId::CheckNow),
            action(l.settings.into(), MenuId::Settings),
            check(l.pause.into(), self.paused, MenuId::PauseNotifications),
            check(l.start_at_login.into(), crate::autostart::enabled(), MenuId::StartAtLogin),
            MenuItem::Separator,
            action(l.quit.into(), MenuId::Quit),
        ]);
        menu
    }

    /// The desktop's tray host went away (its panel restarting), or there is none yet: this
    /// item's service ends, and [`Tray::drive`] puts up a new one when a host appears.
    /// (ksni's own re-registration holds the item's state while it waits for the host's
    /// answer, and a host that reads the item's properties before it answers, as the test's
    /// does, then waits for D-Bus's 25 s timeout with the icon stale and the menu dead.)
    fn watcher_offline(&self, _reason: ksni::OfflineReason) -> bool {
        false
    }
}

/// How often a new tray host is asked to show the item before the app gives up on it.
const SHOW_ATTEMPTS: u32 = 5;

/// The desktop's tray host (a panel's StatusNotifierWatcher).
const WATCHER: &str = "org.kde.StatusNotifierWatcher";

/// The tray item on the session bus, put up again whenever the desktop's tray host appears.
pub struct Tray {
    shell: Arc<Shell>,
    /// `None` while no host shows it.
    handle: Option<ksni::Handle<Item>>,
    /// The host's comings and goings (`None`: the bus could not be asked; ksni's own
    /// registration is then all there is).
    hosts: Option<(zbus::Connection, zbus::fdo::NameOwnerChangedStream)>,
}

/// The item for the shell as it is now, on the bus (registered with a host if one runs).
async fn spawn_item(shell: &Arc<Shell>) -> Result<ksni::Handle<Item>, ksni::Error> {
    let (rows, lang) = (shell.snapshot(), shell.lang());
    let level = switchboard_core::tray::overall(&rows, shell.scope());
    let item = Item { shell: Arc::clone(shell), lang, level, rows, paused: shell.paused() };
    item.assume_sni_available(true).spawn().await
}

/// The stream of the tray host's owner changes, on a connection of its own.
async fn host_changes() -> Option<(zbus::Connection, zbus::fdo::NameOwnerChangedStream)> {
    let conn = zbus::Connection::session().await.ok()?;
    let bus = zbus::fdo::DBusProxy::new(&conn).await.ok()?;
    let stream = bus.receive_name_owner_changed_with_args(&[(0, WATCHER)]).await.ok()?;
    Some((conn, stream))
}

/// Why the tray could not be built.
#[derive(Debug, thiserror::Error)]
pub enum TrayError {
    #[error("tray icon: {0}")]
    Item(#[from] ksni::Error),
}

impl Tray {
    /// Puts the item on the session bus (in the tokio runtime); its clicks go to [`on_menu`].
    /// A desktop with no tray host yet (a panel starting after us) is not an error: the item
    /// is put up when a host appears.
    pub async fn build(shell: &Arc<Shell>) -> Result<Tray, TrayError> {
        // Followed before the item is spawned: a host appearing in between is not missed.
        let hosts = host_changes().await;
        let handle = spawn_item(shell).await?;
        Ok(Tray { shell: Arc::clone(shell), handle: Some(handle), hosts })
    }

    /// Applies commands until Quit, then takes the item off the bus. While no host shows the
    /// item, commands are dropped: a new item is built from the shell's state when one appears.
    pub async fn drive(mut self, mut rx: TrayRx) {
        use futures_util::StreamExt;
        loop {
            let host_came = async {
                match self.hosts.as_mut() {
                    Some((_, changes)) => changes.next().await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                cmd = rx.recv() => {
                    let Some(handle) = self.handle.as_ref() else {
                        if matches!(cmd, None | Some(TrayCmd::Quit)) { break } else { continue }
                    };
                    let applied = match cmd {
                        None | Some(TrayCmd::Quit) => break,
                        Some(TrayCmd::Level(level)) => handle.update(|t| t.level = level).await,
                        Some(TrayCmd::Menu { rows, paused }) => {
                            handle.update(|t| (t.rows, t.paused) = (rows, paused)).await
                        }
                    };
                    if applied.is_none() {
                        tracing::warn!("the desktop's tray host went away: the icon comes back with it");
                        self.handle = None;
                    }
                }
                change = host_came => {
                    let Some(change) = change else { self.hosts = None; continue };
                    // Gone: this item's service is ended here too (ksni follows the host only
                    // once its first registration is answered, and misses a host that goes in
                    // between; it would then re-register with the next one, held).
                    self.take_down().await;
                    if change.args().is_ok_and(|a| a.new_owner.is_some()) {
                        self.show_again().await;
                    }
                }
            }
        }
        if let Some(handle) = self.handle.take() {
            handle.shutdown().await;
        }
    }

    /// Ends the item's service, if it runs (never waiting on it long).
    async fn take_down(&mut self) {
        if let Some(old) = self.handle.take() {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(1), old.shutdown()).await;
        }
    }

    /// A tray host appeared: the item is put up afresh (its first registration, which holds
    /// nothing while the host reads it). A host that took its name before it answers (a panel
    /// still starting) is asked again a few times.
    async fn show_again(&mut self) {
        for attempt in 1..=SHOW_ATTEMPTS {
            // A watcher that does not answer costs seconds, not D-Bus's 25 s timeout, each.
            let spawned = tokio::time::timeout(std::time::Duration::from_secs(3), spawn_item(&self.shell))
                .await
                .unwrap_or_else(|_| Err(ksni::Error::Watcher(zbus::fdo::Error::TimedOut("no answer in 3 s".into()))));
            match spawned {
                Ok(handle) => {
                    tracing::info!("a tray host appeared: the icon is shown");
                    self.handle = Some(handle);
                    return;
                }
                Err(e) if attempt == SHOW_ATTEMPTS => tracing::error!("tray icon: {e}"),
                Err(e) => {
                    tracing::warn!("tray icon (attempt {attempt} of {SHOW_ATTEMPTS}): {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                }
            }
        }
    }
}

/// A menu click or a left click (in ksni's task, inside the tokio runtime): its action, in a
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
