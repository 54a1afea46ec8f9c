//! The tray icon and its menu. The icon's colour and shape are the overall load (see
//! `switchboard_core::tray`); the menu has a line per backend, then the actions. The menu is
//! also what makes the StatusNotifierItem appear at all on Linux.

use std::sync::Arc;

use switchboard_core::router::prompt::Lang;
use switchboard_core::tray::icon_rgba;
use switchboard_core::{BackendStatus, Level, State};
use tauri::image::Image;
use tauri::menu::{CheckMenuItem, Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{MouseButton, MouseButtonState, TrayIconBuilder, TrayIconEvent};
use tauri::{AppHandle, Runtime};

use crate::ids::MenuId;
use crate::window::{self, View};
use crate::Shell;

pub const TRAY_ID: &str = "main";
/// Icon size handed to the tray (desktops scale it; 32 px is crisp at 16-24 px panels too).
pub const ICON_SIZE: u32 = 32;

pub fn icon(level: Level) -> Image<'static> {
    Image::new_owned(icon_rgba(level, ICON_SIZE), ICON_SIZE, ICON_SIZE)
}

/// The menu's words in the app's language.
struct Labels {
    open_chat: &'static str,
    status: &'static str,
    check_now: &'static str,
    pause: &'static str,
    quit: &'static str,
}

fn labels(lang: Lang) -> Labels {
    match lang {
        Lang::En => Labels {
            open_chat: "Open chat",
            status: "Status",
            check_now: "Check now",
            pause: "Pause notifications",
            quit: "Quit",
        },
        Lang::Ko => Labels {
            open_chat: "채팅 열기",
            status: "상태",
            check_now: "지금 확인",
            pause: "알림 일시 중지",
            quit: "종료",
        },
    }
}

/// One menu line for a backend: "big (reasoner): up, busy" / "big (추론): 정상, 바쁨".
pub fn backend_line(s: &BackendStatus, lang: Lang) -> String {
    match lang {
        Lang::En => match s.state {
            State::Up => format!("{} ({}): up, {}", s.name, s.role, s.level),
            State::Down => format!("{} ({}): DOWN", s.name, s.role),
            State::Starting => format!("{} ({}): starting", s.name, s.role),
        },
        Lang::Ko => {
            let (role, state) = (s.role.label_ko(), s.state.label_ko());
            match s.state {
                State::Up => format!("{} ({role}): {state}, {}", s.name, s.level.label_ko()),
                State::Down | State::Starting => format!("{} ({role}): {state}", s.name),
            }
        }
    }
}

/// The tray's tooltip: the overall level in words.
pub fn tooltip(level: Level, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Switchboard: {level}"),
        Lang::Ko => format!("Switchboard: {}", level.label_ko()),
    }
}

fn menu<R: Runtime>(app: &AppHandle<R>, rows: &[BackendStatus], paused: bool, lang: Lang) -> tauri::Result<Menu<R>> {
    let l = labels(lang);
    let menu = Menu::new(app)?;
    for (i, s) in rows.iter().enumerate() {
        menu.append(&MenuItem::with_id(app, format!("backend-{i}"), backend_line(s, lang), false, None::<&str>)?)?;
    }
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&MenuItem::with_id(app, MenuId::OpenChat.as_str(), l.open_chat, true, None::<&str>)?)?;
    menu.append(&MenuItem::with_id(app, MenuId::Status.as_str(), l.status, true, None::<&str>)?)?;
    menu.append(&MenuItem::with_id(app, MenuId::CheckNow.as_str(), l.check_now, true, None::<&str>)?)?;
    menu.append(&CheckMenuItem::with_id(
        app,
        MenuId::PauseNotifications.as_str(),
        l.pause,
        true,
        paused,
        None::<&str>,
    )?)?;
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&MenuItem::with_id(app, MenuId::Quit.as_str(), l.quit, true, None::<&str>)?)?;
    Ok(menu)
}

/// Builds the tray.
pub fn build<R: Runtime>(app: &AppHandle<R>, shell: &Arc<Shell>) -> tauri::Result<()> {
    let rows = shell.registry.snapshot();
    let level = switchboard_core::tray::overall(&rows, shell.scope);
    let (shell_for_menu, shell_for_click) = (Arc::clone(shell), Arc::clone(shell));
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(icon(level))
        .tooltip(tooltip(level, shell.lang))
        .menu(&menu(app, &rows, false, shell.lang)?)
        .show_menu_on_left_click(false)
        .on_menu_event(move |app, event| on_menu(app, &shell_for_menu, event.id().as_ref()))
        .on_tray_icon_event(move |_tray, event| {
            if let TrayIconEvent::Click { button: MouseButton::Left, button_state: MouseButtonState::Up, .. } = event {
                if let Err(e) = window::open(&shell_for_click, View::Chat) {
                    tracing::error!("cannot open the chat window: {e}");
                }
            }
        })
        .build(app)?;
    Ok(())
}

fn on_menu<R: Runtime>(app: &AppHandle<R>, shell: &Arc<Shell>, id: &str) {
    let result = match MenuId::parse(id) {
        Some(MenuId::OpenChat) => window::open(shell, View::Chat).map_err(tauri::Error::from),
        Some(MenuId::Status) => window::open(shell, View::Status).map_err(tauri::Error::from),
        Some(MenuId::CheckNow) => {
            let s = Arc::clone(shell);
            tauri::async_runtime::spawn(shell.tasks.track_future(async move {
                s.registry.status(true).await;
            }));
            Ok(())
        }
        Some(MenuId::PauseNotifications) => {
            let paused = !shell.paused.load(std::sync::atomic::Ordering::SeqCst);
            shell.set_paused(paused);
            refresh(app, shell, &shell.registry.snapshot())
        }
        Some(MenuId::Quit) => {
            // Stop the core first, while the main loop still runs: the hub may be waiting on
            // it to redraw the icon (tray calls from other threads wait for the main thread),
            // so blocking the main thread on the shutdown could deadlock. Then exit.
            let (s, app) = (Arc::clone(shell), app.clone());
            tauri::async_runtime::spawn(async move {
                s.shutdown().await;
                app.exit(0);
            });
            Ok(())
        }
        None => Ok(()), // the per-backend lines are informational
    };
    if let Err(e) = result {
        tracing::error!("tray menu {id}: {e}");
    }
}

/// Redraws the icon and its tooltip (the overall level).
pub fn set_level<R: Runtime>(app: &AppHandle<R>, level: Level, lang: Lang) -> tauri::Result<()> {
    match app.tray_by_id(TRAY_ID) {
        Some(tray) => {
            tray.set_icon(Some(icon(level)))?;
            tray.set_tooltip(Some(tooltip(level, lang)))
        }
        None => Ok(()),
    }
}

/// Rebuilds the menu (a line per backend, the pause check mark).
pub fn refresh<R: Runtime>(app: &AppHandle<R>, shell: &Shell, rows: &[BackendStatus]) -> tauri::Result<()> {
    let Some(tray) = app.tray_by_id(TRAY_ID) else { return Ok(()) };
    tray.set_menu(Some(menu(app, rows, shell.paused.load(std::sync::atomic::Ordering::SeqCst), shell.lang)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_core::Role;

    #[test]
    fn menu_lines_and_tooltip_in_both_languages() {
        let mut s = BackendStatus::unchecked("big", Role::Reasoner);
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
