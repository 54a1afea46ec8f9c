//! Edits from the settings view: the user's own file changed with `toml_edit` (comments,
//! order and layout kept), checked by the same parse as a hand edit before anything is
//! written, then written atomically (a new file renamed over the old one).

mod accounts;

use std::path::Path;

use toml_edit::{value, ArrayOfTables, DocumentMut, Item, Table};

use super::{Config, ConfigError};
use crate::model::{AssistantForm, BackendForm, FieldError, KeyChange, SettingsEdit};

/// The fields of a backend form, as the file names them.
const BACKEND_FIELDS: [&str; 6] = ["name", "role", "url", "kind", "model", "api_key_keyring"];
/// Where a backend's API key can be named.
const KEY_SOURCES: [&str; 3] = ["api_key_env", "api_key_file", "api_key_keyring"];
/// The fields of the assistant form.
const ASSISTANT_FIELDS: [&str; 3] = ["name", "persona", "language"];

fn refused(field: &str, message: impl Into<String>) -> FieldError {
    FieldError { field: field.to_string(), message: message.into() }
}

/// `text` (the file at `path`) with `edit` applied, and the configuration it gives; or the
/// field at fault and why. Nothing is written.
pub fn edited(text: &str, path: &Path, edit: &SettingsEdit) -> Result<(String, Config), FieldError> {
    let mut doc: DocumentMut =
        text.parse().map_err(|e| refused("", format!("{} does not parse: {e}", path.display())))?;
    let array = match edit {
        SettingsEdit::SaveBackend { .. } | SettingsEdit::RemoveBackend { .. } | SettingsEdit::MoveBackend { .. } => {
            Some("backend")
        }
        SettingsEdit::SaveAccount { account, .. } => Some(account.kind.as_str()),
        SettingsEdit::RemoveAccount { kind, .. } => Some(kind.as_str()),
        _ => None,
    };
    if let Some(key) = array {
        editable(&doc, key)?;
    }
    let fields: &[&str] = match edit {
        SettingsEdit::SaveBackend { original, backend } => {
            save_backend(&mut doc, original.as_deref(), backend)?;
            &BACKEND_FIELDS
        }
        SettingsEdit::RemoveBackend { name } => {
            let mut tables = backends(&doc);
            let i = position(&tables, name)?;
            tables.remove(i);
            set_backends(&mut doc, tables);
            set_muted(&mut doc, name, None);
            &[]
        }
        SettingsEdit::SetMuted { name, muted } => {
            position(&backends(&doc), name)?;
            set_muted(&mut doc, name, muted.then_some(name.as_str()));
            &[]
        }
        SettingsEdit::MoveBackend { name, up } => {
            let mut tables = backends(&doc);
            let i = position(&tables, name)?;
            let role = tables[i].get("role").and_then(Item::as_str).map(str::to_string);
            let same_role = |t: &Table| t.get("role").and_then(Item::as_str).map(str::to_string) == role;
            let other = if *up {
                tables[..i].iter().rposition(same_role)
            } else {
                tables[i + 1..].iter().position(same_role).map(|j| i + 1 + j)
            };
            if let Some(j) = other {
                tables.swap(i, j);
                set_backends(&mut doc, tables);
            }
            &[]
        }
        SettingsEdit::SaveAssistant { assistant } => {
            save_assistant(&mut doc, assistant);
            &ASSISTANT_FIELDS
        }
        SettingsEdit::SaveFolders { folders } => {
            save_folders(&mut doc, path, folders)?;
            &["folders"]
        }
        SettingsEdit::SaveAccount { original, account } => {
            accounts::save(&mut doc, path, original.as_deref(), account)?;
            return parsed(doc, path, accounts::field);
        }
        SettingsEdit::RemoveAccount { kind, name } => {
            accounts::remove(&mut doc, *kind, name)?;
            &[]
        }
    };
    parsed(doc, path, |key| fields.iter().find(|f| **f == key).copied())
}

/// The file `doc` gives and its configuration, or the form's field at fault (`field` maps the
/// file's key to it).
fn parsed(
    doc: DocumentMut,
    path: &Path,
    field: impl Fn(&str) -> Option<&'static str>,
) -> Result<(String, Config), FieldError> {
    let text = doc.to_string();
    match Config::parse(&text, path) {
        Ok(config) => Ok((text, config)),
        Err(ConfigError::Invalid { key, message, .. }) => {
            let field = key.as_deref().and_then(field).unwrap_or_default().to_string();
            Err(FieldError { field, message })
        }
        Err(e) => Err(refused("", e.to_string())),
    }
}

/// The keyring entry (`key`: `api_key_keyring`, `password_keyring`) that the table of the
/// array `[[array]]` named `name` names in `text`.
pub fn named_entry(text: &str, array: &str, name: &str, key: &str) -> Option<String> {
    let doc: DocumentMut = text.parse().ok()?;
    let list = tables(&doc, array);
    let t = list.iter().find(|t| t.get("name").and_then(Item::as_str) == Some(name))?;
    t.get(key).and_then(Item::as_str).map(str::to_string)
}

/// Every keyring entry `text` names (backends' keys, accounts' passwords).
pub fn named_entries(text: &str) -> Vec<String> {
    let Ok(doc) = text.parse::<DocumentMut>() else { return Vec::new() };
    let mut out = Vec::new();
    for (array, key) in [("backend", "api_key_keyring"), ("calendar", "password_keyring"), ("mail", "password_keyring")]
    {
        out.extend(tables(&doc, array).iter().filter_map(|t| t.get(key).and_then(Item::as_str).map(str::to_string)));
    }
    out
}

/// The `[[backend]]` tables, in order.
fn backends(doc: &DocumentMut) -> Vec<Table> {
    tables(doc, "backend")
}

fn set_backends(doc: &mut DocumentMut, list: Vec<Table>) {
    set_tables(doc, "backend", list)
}

/// Refuses an edit of `key` when the file writes it as something else than `[[key]]` tables
/// (an inline array of tables): saving would drop what it holds.
fn editable(doc: &DocumentMut, key: &str) -> Result<(), FieldError> {
    match doc.get(key) {
        Some(item) if !item.is_array_of_tables() => {
            Err(refused("", format!("`{key}` is written inline in the file: edit it there, or as [[{key}]] tables")))
        }
        _ => Ok(()),
    }
}

/// The tables of the array `[[key]]`, in order.
fn tables(doc: &DocumentMut, key: &str) -> Vec<Table> {
    doc.get(key).and_then(Item::as_array_of_tables).map(|a| a.iter().cloned().collect()).unwrap_or_default()
}

/// Replaces the `[[key]]` tables with `list`, shown in the order given (in the places the old
/// ones had in the file; a new one after the last, or at the end of the file).
fn set_tables(doc: &mut DocumentMut, key: &str, list: Vec<Table>) {
    // (An inline array, `calendar = [{...}]`, is refused before: see `editable`.)
    let mut places: Vec<isize> = tables(doc, key).iter().filter_map(Table::position).collect();
    places.sort_unstable();
    let mut array = ArrayOfTables::new();
    for (i, mut t) in list.into_iter().enumerate() {
        t.set_position(places.get(i).copied().or_else(|| places.last().map(|p| p + i as isize)));
        array.push(t);
    }
    if array.is_empty() {
        doc.remove(key);
    } else {
        doc[key] = Item::ArrayOfTables(array);
    }
}

fn position(tables: &[Table], name: &str) -> Result<usize, FieldError> {
    tables
        .iter()
        .position(|t| t.get("name").and_then(Item::as_str) == Some(name))
        .ok_or_else(|| refused("name", format!("no backend named `{name}` in the file")))
}

fn save_backend(doc: &mut DocumentMut, original: Option<&str>, b: &BackendForm) -> Result<(), FieldError> {
    let mut tables = backends(doc);
    let i = match original {
        Some(name) => position(&tables, name)?,
        None => {
            tables.push(Table::new());
            tables.len() - 1
        }
    };
    if let Some(old) = original.filter(|o| *o != b.name.trim()) {
        // A renamed backend stays muted under its new name.
        let was_muted = muted(doc).iter().any(|m| m == old);
        set_muted(doc, old, was_muted.then_some(b.name.trim()));
    }
    let t = &mut tables[i];
    t["name"] = value(b.name.trim());
    t["role"] = value(b.role.to_string());
    t["url"] = value(b.url.trim());
    t["model"] = value(b.model.trim());
    t["kind"] = value(b.kind.as_str());
    if b.embeddings {
        t["embeddings"] = value(true);
    } else {
        t.remove("embeddings");
    }
    match &b.key {
        KeyChange::Keep => {}
        KeyChange::Keyring { entry } => {
            let entry = entry.trim();
            if entry != crate::model::api_key_entry(&b.name) {
                return Err(refused("api_key_keyring", "not this backend's keyring entry"));
            }
            for k in KEY_SOURCES {
                t.remove(k);
            }
            t["api_key_keyring"] = value(entry);
        }
        KeyChange::Remove => {
            for k in KEY_SOURCES {
                t.remove(k);
            }
        }
    }
    set_backends(doc, tables);
    Ok(())
}

/// The names in `[tray] mute`.
fn muted(doc: &DocumentMut) -> Vec<String> {
    doc.get("tray")
        .and_then(|t| t.get("mute"))
        .and_then(Item::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// Takes `name` out of `[tray] mute`, and puts `now` in (a rename, or muting).
fn set_muted(doc: &mut DocumentMut, name: &str, now: Option<&str>) {
    let mut list: Vec<String> = muted(doc).into_iter().filter(|m| m != name).collect();
    if let Some(n) = now {
        list.push(n.to_string());
    }
    let had = doc.get("tray").and_then(|t| t.get("mute")).is_some();
    if list.is_empty() && !had {
        return;
    }
    if !doc.contains_table("tray") {
        doc["tray"] = Item::Table(Table::new());
    }
    if list.is_empty() {
        if let Some(t) = doc["tray"].as_table_mut() {
            t.remove("mute");
        }
    } else {
        doc["tray"]["mute"] = value(list.iter().collect::<toml_edit::Array>());
    }
}

fn save_assistant(doc: &mut DocumentMut, a: &AssistantForm) {
    let table = |doc: &mut DocumentMut, name: &str| {
        if !doc.contains_table(name) {
            doc[name] = Item::Table(Table::new());
        }
    };
    table(doc, "assistant");
    let set = |t: &mut Item, key: &str, v: &str| {
        if v.trim().is_empty() {
            if let Some(t) = t.as_table_mut() {
                t.remove(key);
            }
        } else {
            t[key] = value(v.trim());
        }
    };
    set(&mut doc["assistant"], "name", &a.name);
    set(&mut doc["assistant"], "persona", &a.persona);
    set(&mut doc["assistant"], "language", &a.language);
    table(doc, "tray");
    doc["tray"]["scope"] = value(match a.tray_scope {
        crate::model::TrayScope::Reasoners => "reasoners",
        crate::model::TrayScope::All => "all",
    });
}

/// The most document folders the settings view saves.
const MAX_FOLDERS: usize = 64;

/// `[documents] folders` = `folders` (each one added an existing folder; duplicates dropped).
/// A folder the file had keeps the file's spelling ("~/Documents"), and is not checked again:
/// an unmounted drive does not block another change.
fn save_folders(doc: &mut DocumentMut, path: &Path, folders: &[String]) -> Result<(), FieldError> {
    if folders.len() > MAX_FOLDERS {
        return Err(refused("folders", format!("at most {MAX_FOLDERS} folders")));
    }
    let had: Vec<String> = doc
        .get("documents")
        .and_then(|d| d.get("folders"))
        .and_then(Item::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let mut list: Vec<String> = Vec::new();
    let mut seen = Vec::new();
    for f in folders.iter().map(|f| f.trim()).filter(|f| !f.is_empty()) {
        if f.chars().count() > 4096 || f.chars().any(char::is_control) {
            return Err(refused("folders", "not a folder path"));
        }
        let full = super::tools::expand_path(f, path);
        let spelled = had.iter().find(|h| super::tools::expand_path(h, path) == full).cloned();
        if spelled.is_none() && !full.is_dir() {
            return Err(refused("folders", format!("{} is not a folder", full.display())));
        }
        if seen.contains(&full) {
            continue;
        }
        list.push(spelled.unwrap_or_else(|| f.to_string()));
        seen.push(full);
    }
    // `[documents]` as a table, or inline (`documents = { folders = [...] }`): edited in place.
    if doc.get("documents").and_then(Item::as_table_like).is_none() {
        doc["documents"] = Item::Table(Table::new());
    }
    let Some(t) = doc["documents"].as_table_like_mut() else { return Err(refused("folders", "no [documents]")) };
    if list.is_empty() {
        t.remove("folders");
    } else {
        t.insert("folders", value(list.iter().collect::<toml_edit::Array>()));
    }
    Ok(())
}

/// Applies `edit` to the file at `path` and writes it (atomically, mode 0600) when the result
/// is a valid configuration, which it returns; the file is left as it was otherwise.
pub fn edit_file(path: &Path, edit: &SettingsEdit) -> Result<Config, FieldError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| refused("", format!("cannot read {}: {e}", path.display())))?;
    let (text, config) = edited(&text, path, edit)?;
    crate::private::write_atomic(path, text.as_bytes())
        .map_err(|e| refused("", format!("cannot write {}: {e}", path.display())))?;
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Kind, Role, TrayScope};

    const FILE: &str = "# My servers.\n\n[assistant]\nname = \"Ide\" # her name\n\n\
        # The small one.\n[[backend]]\nname = \"small\"\nrole = \"classifier\"\nurl = \"http://127.0.0.1:8081\"\nmodel = \"s\"\n\
        max_concurrent = 2 # keep\n\n\
        # The big one.\n[[backend]]\nname = \"big\"\nrole = \"reasoner\"\nurl = \"http://127.0.0.1:8082\"\nmodel = \"b\"\n";

    fn form(name: &str, url: &str) -> BackendForm {
        BackendForm {
            name: name.into(),
            role: Role::Reasoner,
            url: url.into(),
            kind: Kind::Vllm,
            model: "m".into(),
            managed: false,
            has_key: false,
            muted: false,
            embeddings: false,
            key: Default::default(),
        }
    }

    fn edit(e: SettingsEdit) -> Result<(String, Config), FieldError> {
        edited(FILE, Path::new("/home/u/.config/switchboard/config.toml"), &e)
    }

    #[test]
    fn an_added_backend_keeps_every_comment_and_key() {
        let (text, config) =
            edit(SettingsEdit::SaveBackend { original: None, backend: form("gpu", "http://10.0.0.2:8000") }).unwrap();
        for kept in ["# My servers.", "# her name", "# The small one.", "max_concurrent = 2 # keep", "# The big one."] {
            assert!(text.contains(kept), "{kept} lost:\n{text}");
        }
        assert_eq!(config.backends.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(), ["small", "big", "gpu"]);
        assert_eq!(config.backends[2].kind, Kind::Vllm);
    }

    #[test]
    fn an_invalid_url_is_refused_beside_its_field() {
        let e = edit(SettingsEdit::SaveBackend { original: None, backend: form("gpu", "10.0.0.2:8000") }).unwrap_err();
        assert_eq!(e.field, "url", "{e:?}");
        let e = edit(SettingsEdit::SaveBackend { original: None, backend: form("big", "http://h:1") }).unwrap_err();
        assert_eq!(e.field, "name");
        assert!(e.message.contains("duplicate"), "{e:?}");
    }

    #[test]
    fn an_edit_changes_only_the_backend_named_and_keeps_its_other_keys() {
        let mut small = form("small2", "http://127.0.0.1:9000");
        small.role = Role::Classifier;
        let (text, config) =
            edit(SettingsEdit::SaveBackend { original: Some("small".into()), backend: small }).unwrap();
        assert_eq!(config.backends[0].name, "small2");
        assert_eq!(config.backends[0].max_concurrent, Some(2));
        assert!(text.contains("# The small one.\n[[backend]]\nname = \"small2\""), "{text}");
    }

    #[test]
    fn the_embeddings_box_writes_and_removes_its_key() {
        let mut big = form("big", "http://127.0.0.1:8082");
        big.embeddings = true;
        let (text, config) =
            edit(SettingsEdit::SaveBackend { original: Some("big".into()), backend: big.clone() }).unwrap();
        assert!(config.backends[1].embeddings);
        assert!(text.contains("embeddings = true"), "{text}");
        big.embeddings = false;
        let (text, config) = edited(
            &text,
            Path::new("t.toml"),
            &SettingsEdit::SaveBackend { original: Some("big".into()), backend: big },
        )
        .unwrap();
        assert!(!config.backends[1].embeddings);
        assert!(!text.contains("embeddings"), "{text}");
    }

    #[test]
    fn removing_the_last_backend_of_a_role_is_refused() {
        let e = edit(SettingsEdit::RemoveBackend { name: "big".into() }).unwrap_err();
        assert!(e.message.contains("reasoner"), "{e:?}");
    }

    #[test]
    fn a_backend_moves_within_its_role_only() {
        let (text, _) =
            edit(SettingsEdit::SaveBackend { original: None, backend: form("gpu", "http://10.0.0.2:8000") }).unwrap();
        let path = Path::new("c.toml");
        let (moved, config) = edited(&text, path, &SettingsEdit::MoveBackend { name: "gpu".into(), up: true }).unwrap();
        assert_eq!(config.backends.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(), ["small", "gpu", "big"]);
        let (_, config) = edited(&moved, path, &SettingsEdit::MoveBackend { name: "gpu".into(), up: true }).unwrap();
        assert_eq!(config.backends[1].name, "gpu", "no reasoner above it: stays");
    }

    #[test]
    fn a_muted_backend_is_kept_muted_through_a_rename_and_unmuted_when_removed() {
        let (text, config) = edit(SettingsEdit::SetMuted { name: "big".into(), muted: true }).unwrap();
        assert_eq!(config.muted, ["big"]);
        let path = Path::new("c.toml");
        let big = form("huge", "http://127.0.0.1:8082");
        let (text, config) =
            edited(&text, path, &SettingsEdit::SaveBackend { original: Some("big".into()), backend: big }).unwrap();
        assert_eq!(config.muted, ["huge"]);
        let gpu = SettingsEdit::SaveBackend { original: None, backend: form("gpu", "http://h:1") };
        let (text, _) = edited(&text, path, &gpu).unwrap();
        let (_, config) = edited(&text, path, &SettingsEdit::RemoveBackend { name: "huge".into() }).unwrap();
        assert!(config.muted.is_empty());
        let e = edit(SettingsEdit::SetMuted { name: "nobody".into(), muted: true }).unwrap_err();
        assert_eq!(e.field, "name");
    }

    #[test]
    fn the_assistant_is_saved_and_an_empty_field_goes_back_to_the_default() {
        let a = AssistantForm {
            name: String::new(),
            persona: "Brief.".into(),
            language: "ko".into(),
            tray_scope: TrayScope::All,
        };
        let (text, config) = edit(SettingsEdit::SaveAssistant { assistant: a.clone() }).unwrap();
        assert_eq!(config.chat.name, "Ide");
        assert_eq!(config.chat.persona, "Brief.");
        assert_eq!(config.tray_scope, TrayScope::All);
        assert!(text.contains("# My servers."));
        let bad = AssistantForm { language: "fr".into(), ..a };
        assert_eq!(edit(SettingsEdit::SaveAssistant { assistant: bad }).unwrap_err().field, "language");
    }

    #[test]
    fn a_key_moves_to_the_backends_own_keyring_entry_or_goes_and_no_other_entry_is_taken() {
        let with_env = FILE.replace("model = \"b\"\n", "model = \"b\"\napi_key_env = \"HOME\" # the key\n");
        let path = Path::new("/home/u/.config/switchboard/config.toml");
        let save = |key: KeyChange| SettingsEdit::SaveBackend {
            original: Some("big".into()),
            backend: BackendForm { key, ..form("big", "http://127.0.0.1:8082") },
        };
        // Removed: no key source is left, the other backends' keys and comments stay.
        let (text, config) = edited(&with_env, path, &save(KeyChange::Remove)).unwrap();
        assert!(!text.contains("api_key") && text.contains("max_concurrent = 2 # keep"), "{text}");
        assert!(config.backends.iter().all(|b| b.api_key.is_none()));
        // Kept: as it was.
        let (text, config) = edited(&with_env, path, &save(KeyChange::Keep)).unwrap();
        assert!(text.contains("api_key_env = \"HOME\""), "{text}");
        assert!(config.backends[1].api_key.is_some());
        // Its own entry: the file names it and no other source. No keyring runs here: the
        // backend loads without a key (a warning), the rest of the config is not refused.
        let own = KeyChange::Keyring { entry: "api-key:big".into() };
        let (text, config) = edited(&with_env, path, &save(own)).unwrap();
        assert!(text.contains("api_key_keyring = \"api-key:big\"") && !text.contains("api_key_env"), "{text}");
        assert!(config.backends[1].api_key.is_none());
        // Any other entry (another secret, a Test's entry, nonsense) is refused beside the field.
        for bad in ["imap-work", "api-key:small", "api-key-test:big", "", "a\nb"] {
            let e = edited(&with_env, path, &save(KeyChange::Keyring { entry: bad.into() })).unwrap_err();
            assert_eq!(e.field, "api_key_keyring", "{bad:?}");
        }
    }

    #[test]
    fn document_folders_are_saved_if_they_are_folders_keeping_the_files_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        let b = dir.path().join("b b");
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        let path = dir.path().join("config.toml");
        let file = format!("{FILE}\n# Mine.\n[documents]\nfolders = [\"a\"] # relative\n");
        let save = |folders: Vec<String>| edited(&file, &path, &SettingsEdit::SaveFolders { folders });
        let (text, config) = save(vec![a.display().to_string(), b.display().to_string(), "a".into()]).unwrap();
        // "a" as the file spelled it; the new one as given; the duplicate once.
        assert!(text.contains(&format!("folders = [\"a\", \"{}\"]", b.display())), "{text}");
        assert!(text.contains("# Mine.") && text.contains("# her name"), "{text}");
        assert_eq!(config.documents.folders, vec![a.clone(), b.clone()]);
        // Not a folder: refused beside the field, naming it.
        let missing = dir.path().join("nowhere");
        let e = save(vec![missing.display().to_string()]).unwrap_err();
        assert_eq!(e.field, "folders");
        assert!(e.message.contains("nowhere"), "{e:?}");
        std::fs::write(dir.path().join("f.txt"), "x").unwrap();
        assert_eq!(save(vec![dir.path().join("f.txt").display().to_string()]).unwrap_err().field, "folders");
        assert_eq!(save(vec!["a\u{0}b".into()]).unwrap_err().field, "folders");
        // A folder the file had that is gone now (an unmounted drive) does not block a change.
        let gone = format!("{FILE}\n[documents]\nfolders = [\"gone-drive\", \"a\"]\n");
        let e = edited(
            &gone,
            &path,
            &SettingsEdit::SaveFolders { folders: vec![dir.path().join("gone-drive").display().to_string()] },
        );
        assert!(e.is_ok(), "{e:?}");
        // An inline table is edited in place, its other keys kept.
        let inline = format!("documents = {{ folders = [\"a\"], index = \"ix.sqlite3\" }}\n{FILE}");
        let (text, config) =
            edited(&inline, &path, &SettingsEdit::SaveFolders { folders: vec![b.display().to_string()] }).unwrap();
        assert!(text.contains("index = \"ix.sqlite3\""), "{text}");
        assert_eq!(config.documents.folders, vec![b.clone()]);
        // None: the key goes, the table and its comment stay.
        let (text, config) = save(Vec::new()).unwrap();
        assert!(!text.contains("folders =") && text.contains("[documents]"), "{text}");
        assert!(config.documents.folders.is_empty());
    }
}
