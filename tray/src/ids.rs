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
    PauseNotifications,
    Quit,
}

impl MenuId {
    pub const ALL: [MenuId; 5] =
        [MenuId::OpenChat, MenuId::Status, MenuId::CheckNow, MenuId::PauseNotifications, MenuId::Quit];

    pub fn as_str(self) -> &'static str {
        match self {
            MenuId::OpenChat => "open-chat",
            MenuId::Status => "status",
            MenuId::CheckNow => "check-now",
            MenuId::PauseNotifications => "pause-notifications",
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
            MenuId::PauseNotifications => Action::TogglePause,
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
