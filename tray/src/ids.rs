//! The tray menu's item ids, as an enum (no string splitting). The web UI's event names are
//! [`switchboard_ipc::UiEvent`].

use switchboard_ipc::View;

use crate::Action;

/// Tray menu items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuId {
    OpenChat,
    Status,
    CheckNow,
    Settings,
    PauseNotifications,
    StartAtLogin,
    Quit,
}

impl MenuId {
    pub const ALL: [MenuId; 7] = [
        MenuId::OpenChat,
        MenuId::Status,
        MenuId::CheckNow,
        MenuId::Settings,
        MenuId::PauseNotifications,
        MenuId::StartAtLogin,
        MenuId::Quit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MenuId::OpenChat => "open-chat",
            MenuId::Status => "status",
            MenuId::CheckNow => "check-now",
            MenuId::Settings => "settings",
            MenuId::PauseNotifications => "pause-notifications",
            MenuId::StartAtLogin => "start-at-login",
            MenuId::Quit => "quit",
        }
    }

    pub fn parse(s: &str) -> Option<MenuId> {
        MenuId::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// What clicking the item does.
    pub fn action(self) -> Action {
        match self {
            MenuId::OpenChat => Action::Open(View::Chat),
            MenuId::Status => Action::Open(View::Status),
            MenuId::CheckNow => Action::CheckNow,
            MenuId::Settings => Action::Open(View::Settings),
            MenuId::PauseNotifications => Action::TogglePause,
            MenuId::StartAtLogin => Action::ToggleAutostart,
            MenuId::Quit => Action::Quit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menu_ids_round_trip() {
        for m in MenuId::ALL {
            assert_eq!(MenuId::parse(m.as_str()), Some(m));
        }
        assert_eq!(MenuId::parse("backend:small"), None);
        assert_eq!(MenuId::Status.action(), Action::Open(View::Status));
        assert_eq!(MenuId::PauseNotifications.action(), Action::TogglePause);
    }
}
