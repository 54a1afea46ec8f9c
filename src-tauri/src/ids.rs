//! Names shared with the web UI and the tray menu, as enums (no string splitting).

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
}

/// Events emitted to the web UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UiEvent {
    /// Every backend's status (a `Vec<BackendStatus>`), on each change.
    Status,
    /// A health flip.
    Flip,
    /// The tray asked a window to show a view (`"chat"` or `"status"`).
    Show,
}

impl UiEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            UiEvent::Status => "status",
            UiEvent::Flip => "flip",
            UiEvent::Show => "show",
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
    }
}
