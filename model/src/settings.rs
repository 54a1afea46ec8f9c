//! The settings view's records: the configuration as the view edits it, an edit, and what
//! saving it did. Validation is the engine's (the same rules as the file's).

use serde::{Deserialize, Serialize};

use crate::backend::{Kind, Role, TrayScope};
use crate::status::ConfigChange;

/// The desktop keyring's service for Switchboard's entries (tool passwords, API keys).
pub const KEYRING_SERVICE: &str = "switchboard";

/// The keyring entry that holds the API key typed for backend `name` in the settings view.
pub fn api_key_entry(name: &str) -> String {
    format!("api-key:{}", name.trim())
}

/// The keyring entry a key typed for backend `name` is kept in for a *Test* before it is saved
/// (so a Test never replaces the key a saved backend uses).
pub fn api_key_test_entry(name: &str) -> String {
    format!("api-key-test:{}", name.trim())
}

/// The keyring entry that holds the password typed in the settings view for the tool account
/// `name` (a calendar or a mail account).
pub fn password_entry(kind: AccountKind, name: &str) -> String {
    format!("password:{}:{}", kind.as_str(), name.trim())
}

/// The keyring entry a password typed for a *Test* is kept in before the account is saved.
pub fn password_test_entry(kind: AccountKind, name: &str) -> String {
    format!("password-test:{}:{}", kind.as_str(), name.trim())
}

/// What saving a backend form does with its API key. The key itself is never here: the
/// window stores a typed key in the desktop keyring and names only the entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "snake_case")]
pub enum KeyChange {
    /// Where the file names it now (or none).
    #[default]
    Keep,
    /// In the keyring entry `entry` (`api_key_keyring`, replacing an env or file key). The
    /// engine takes only the backend's own entry ([`api_key_entry`] of its name; for a Test,
    /// [`api_key_test_entry`] too): a peer cannot have another entry's secret (a mail
    /// password) sent to a URL of its choosing.
    Keyring { entry: String },
    /// No key.
    Remove,
}

/// One backend as the settings view edits it. API keys are not here: they stay where the
/// file names them (an environment variable, a key file, a keyring entry), never on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackendForm {
    pub name: String,
    pub role: Role,
    pub url: String,
    pub kind: Kind,
    pub model: String,
    /// Switchboard starts this backend's server (shown, not edited here).
    #[serde(default)]
    pub managed: bool,
    /// It has an API key (from the file's `api_key_env`, `api_key_file` or `api_key_keyring`).
    #[serde(default)]
    pub has_key: bool,
    /// Its flips are not notified.
    #[serde(default)]
    pub muted: bool,
    /// It answers `/v1/embeddings` (the router's nearest examples use them).
    #[serde(default)]
    pub embeddings: bool,
    /// What a save does with its API key.
    #[serde(default)]
    pub key: KeyChange,
}

/// A tool account's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// `[[calendar]]`: CalDAV, or a vdir folder (or read-only `.ics` files).
    Calendar,
    /// `[[mail]]`: IMAP, read only.
    Mail,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Calendar => "calendar",
            AccountKind::Mail => "mail",
        }
    }
}

/// One tool account as the settings view edits it. Its password is never here: where the file
/// names it (an environment variable, a file, a keyring entry), or a keyring entry the window
/// stored a typed one in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountForm {
    pub kind: AccountKind,
    pub name: String,
    /// A calendar's CalDAV URL or vdir folder; a mail account's IMAP URL (`imaps://host:993`,
    /// or `imap://host:143` with STARTTLS). For read-only `.ics` files: their paths, shown.
    pub location: String,
    /// The user name (CalDAV's may be empty).
    #[serde(default)]
    pub user: String,
    /// The mailbox searched (mail; empty: INBOX).
    #[serde(default)]
    pub mailbox: String,
    /// An extra CA certificate (PEM) to trust, for a server with a private CA (CalDAV, IMAP).
    #[serde(default)]
    pub ca_file: String,
    /// Read-only `.ics` files: shown and removable, edited in the file only.
    #[serde(default)]
    pub files: bool,
    /// It has a password (from `password_env`, `password_file` or `password_keyring`).
    #[serde(default)]
    pub has_password: bool,
    /// What a save does with its password: [`KeyChange::Keyring`] names only
    /// [`password_entry`] of the account (for a Test, [`password_test_entry`] too).
    #[serde(default)]
    pub password: KeyChange,
}

/// A tool account tried from the settings view before it is saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountTest {
    /// How long reaching it (and logging in) took.
    pub reached_ms: Option<f64>,
    /// A calendar's events in the next 7 days; a mail account's mails in the last 7 days (at
    /// most the tool's page, 20).
    pub found: Option<usize>,
    /// What failed first, if anything did.
    pub error: Option<String>,
}

/// The assistant and the tray, as the settings view edits them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssistantForm {
    pub name: String,
    pub persona: String,
    /// `auto`, `en` or `ko`.
    pub language: String,
    pub tray_scope: TrayScope,
}

/// Everything the settings view shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingsView {
    /// The configuration file edited.
    pub path: String,
    /// In priority order (within a role, earlier is preferred).
    pub backends: Vec<BackendForm>,
    pub assistant: AssistantForm,
    /// The document folders (`[documents] folders`, expanded).
    pub folders: Vec<String>,
    /// The calendars, then the mail accounts, each in the file's order.
    #[serde(default)]
    pub accounts: Vec<AccountForm>,
    /// Switchboard starts at login.
    pub autostart: bool,
    /// Notifications are paused (until resumed, or Switchboard restarts).
    #[serde(default)]
    pub paused: bool,
}

/// One change asked by the settings view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum SettingsEdit {
    /// Adds a backend (`original`: `None`) or changes the one named `original`.
    SaveBackend {
        original: Option<String>,
        backend: BackendForm,
    },
    RemoveBackend {
        name: String,
    },
    /// Moves a backend before (`up`) or after the next one of its role.
    MoveBackend {
        name: String,
        up: bool,
    },
    SaveAssistant {
        assistant: AssistantForm,
    },
    /// The document folders (`[documents] folders`), in order; each must be a folder.
    SaveFolders {
        folders: Vec<String>,
    },
    /// Adds a tool account (`original`: `None`) or changes the one of its kind named `original`.
    SaveAccount {
        original: Option<String>,
        account: AccountForm,
    },
    RemoveAccount {
        kind: AccountKind,
        name: String,
    },
    /// Notifies (`muted`: no longer notifies) of the named backend's flips.
    SetMuted {
        name: String,
        muted: bool,
    },
}

/// A field the engine refused, and why (shown beside the field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The form's field (`url`, `name` ...), or `""` for the whole edit.
    pub field: String,
    pub message: String,
}

/// What a save did: refused (nothing written), or written and applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Saved {
    Refused { error: FieldError },
    Applied { change: ConfigChange },
}

/// A backend tried from the settings view before it is saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BackendTest {
    /// The kind detected (or the one given).
    pub kind: Kind,
    /// The health probe's latency.
    pub probe_ms: Option<f64>,
    /// A one-token answer's latency, from the model given.
    pub ping_ms: Option<f64>,
    /// The server's own model list.
    pub models: Vec<String>,
    /// With embeddings asked for: one vector's length and its latency.
    #[serde(default)]
    pub embedding: Option<(usize, f64)>,
    /// What failed first, if anything did.
    pub error: Option<String>,
}
