//! The settings view's side of the engine: the configuration as forms, an edit written into
//! the user's file and applied at once, and a backend tried before it is saved.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::Engine;
use crate::client::{shared_http, BackendClient};
use crate::config::{self, BackendConfig, LangSetting, Structured};
use crate::model::{
    AssistantForm, BackendForm, BackendTest, FieldError, KeyChange, Kind, Saved, SettingsEdit, SettingsView,
};

/// How long each step of a backend test may take.
const TEST_TIMEOUT: Duration = Duration::from_secs(10);

impl Engine {
    /// What the settings view shows: the configuration now, the file it comes from, and
    /// whether Switchboard starts at login (the caller knows).
    pub fn settings_view(&self, path: &Path, autostart: bool, paused: bool) -> SettingsView {
        let c = self.config();
        let backends = c
            .backends
            .iter()
            .map(|b| BackendForm {
                name: b.name.clone(),
                role: b.role,
                url: crate::secret::redact_url(&b.url),
                kind: b.kind,
                model: b.model.clone(),
                managed: b.launch.is_some(),
                has_key: b.api_key.is_some(),
                muted: c.muted.contains(&b.name),
                embeddings: b.embeddings,
                key: Default::default(),
            })
            .collect();
        let language = match c.chat.language {
            LangSetting::Auto => "auto",
            LangSetting::En => "en",
            LangSetting::Ko => "ko",
        };
        SettingsView {
            path: path.display().to_string(),
            backends,
            assistant: AssistantForm {
                name: c.chat.name.clone(),
                persona: c.chat.persona.clone(),
                language: language.into(),
                tray_scope: c.tray_scope,
            },
            folders: c.documents.folders.iter().map(|f| f.display().to_string()).collect(),
            accounts: super::accounts::forms(&c),
            autostart,
            paused,
        }
    }

    /// Writes `edit` into the file at `path` and applies it; or refuses it, naming the field,
    /// with nothing written and the running configuration kept.
    pub async fn edit_settings(&self, path: &Path, edit: SettingsEdit) -> Saved {
        let file = path.to_path_buf();
        let written = tokio::task::spawn_blocking(move || {
            let mut edit = edit;
            let gone = super::entries::before(&file, &mut edit)?;
            let written = config::edit_file(&file, &edit);
            if written.is_ok() {
                super::entries::forget(&file, gone);
            }
            written
        })
        .await;
        match written {
            Ok(Ok(config)) => Saved::Applied { change: self.reload(config).await },
            Ok(Err(error)) => Saved::Refused { error },
            Err(e) => Saved::Refused { error: FieldError { field: String::new(), message: e.to_string() } },
        }
    }

    /// The LLM servers answering on this machine's usual ports (the first run's discovery):
    /// one form per model each serves, ready to add; `has_key` is not used, `managed` says
    /// whether a backend of that URL and model (or of that URL, for a one-model server) is
    /// configured already.
    pub async fn scan_machine(&self) -> Vec<BackendForm> {
        let Ok(http) = shared_http() else { return Vec::new() };
        let opts = crate::servers::discover::Options::from_env();
        let found = crate::servers::discover::scan(&http, &opts.host, &opts.ports).await;
        let config = self.config();
        let mut out = Vec::new();
        for f in found {
            for (model, _) in f.models.iter().take(50) {
                // A server of one model (llama-server) answers whatever model a request names.
                let configured =
                    config.backends.iter().any(|b| b.url == f.url && (&b.model == model || f.models.len() == 1));
                out.push(BackendForm {
                    name: crate::servers::discover::short_name(model),
                    role: crate::model::Role::Reasoner,
                    url: crate::secret::redact_url(&f.url),
                    kind: f.kind,
                    model: model.clone(),
                    managed: configured,
                    has_key: false,
                    muted: false,
                    embeddings: false,
                    key: Default::default(),
                });
            }
        }
        out
    }

    /// Tries `form` as a backend: its kind (detected when `auto`), a health probe, the
    /// server's model list and a one-token answer, each timed. The key is the one the form
    /// names (a keyring entry the window just stored), else that of the backend `original`.
    pub async fn test_backend(&self, original: Option<&str>, form: &BackendForm) -> BackendTest {
        let mut out = BackendTest {
            kind: form.kind,
            probe_ms: None,
            ping_ms: None,
            models: Vec::new(),
            embedding: None,
            error: None,
        };
        let url = match config::parse_url(form.url.trim()) {
            Ok(u) => u,
            Err(e) => {
                out.error = Some(e);
                return out;
            }
        };
        let api_key = match &form.key {
            KeyChange::Keep => original.and_then(|name| {
                self.config().backends.iter().find(|b| b.name == name).and_then(|b| b.api_key.clone())
            }),
            KeyChange::Remove => None,
            KeyChange::Keyring { entry } => {
                // Only this backend's own entries: never another secret sent to this URL.
                let own = [crate::model::api_key_entry(&form.name), crate::model::api_key_test_entry(&form.name)];
                if !own.contains(entry) {
                    out.error = Some("not this backend's keyring entry".into());
                    return out;
                }
                let entry = entry.clone();
                // A keyring that prompts or hangs does not hold the Test.
                let read = tokio::time::timeout(
                    TEST_TIMEOUT,
                    tokio::task::spawn_blocking(move || crate::secret_store::get(&entry)),
                )
                .await;
                match read {
                    Ok(Ok(Ok(key))) => Some(key),
                    Ok(Ok(Err(e))) => {
                        out.error = Some(e.to_string());
                        return out;
                    }
                    Ok(Err(e)) => {
                        out.error = Some(e.to_string());
                        return out;
                    }
                    Err(_) => {
                        out.error = Some("the desktop keyring did not answer".into());
                        return out;
                    }
                }
            }
        };
        let cfg = BackendConfig {
            name: form.name.clone(),
            role: form.role,
            url,
            model: form.model.trim().to_string(),
            kind: form.kind,
            api_key,
            temperature: 0.0,
            max_tokens: 1,
            timeout: TEST_TIMEOUT,
            stall_timeout: TEST_TIMEOUT,
            max_concurrent: None,
            structured: Structured::None,
            launch: None,
            embeddings: false,
        };
        let http = match shared_http() {
            Ok(h) => h,
            Err(e) => {
                out.error = Some(e.to_string());
                return out;
            }
        };
        let client = BackendClient::new(http, Arc::new(cfg));
        if form.kind == Kind::Auto {
            match client.detect(TEST_TIMEOUT).await {
                Ok(k) => out.kind = k,
                Err(e) => {
                    out.error = Some(e.to_string());
                    return out;
                }
            }
        }
        match client.probe(out.kind, TEST_TIMEOUT).await {
            Ok(p) => out.probe_ms = Some(p.latency_ms),
            Err(e) => {
                out.error = Some(e.to_string());
                return out;
            }
        }
        match client.models(out.kind, TEST_TIMEOUT).await {
            Ok(models) => out.models = models.into_iter().map(|(id, _)| id).take(200).collect(),
            Err(e) => out.error = Some(e.to_string()),
        }
        if !form.model.trim().is_empty() {
            match client.ping(TEST_TIMEOUT).await {
                Ok(ms) => out.ping_ms = Some(ms),
                Err(e) => out.error = out.error.take().or(Some(e.to_string())),
            }
        }
        if form.embeddings {
            let started = tokio::time::Instant::now();
            match client.embed(&["Switchboard"], TEST_TIMEOUT).await {
                Ok(v) => out.embedding = v.first().map(|v| (v.len(), started.elapsed().as_secs_f64() * 1000.0)),
                Err(e) => out.error = out.error.take().or(Some(e.to_string())),
            }
        }
        out
    }
}
