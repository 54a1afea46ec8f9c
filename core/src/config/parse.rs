//! Reading and checking the file: every error names the file, line, column and key.

use std::path::Path;
use std::time::Duration;

use super::check::Check;
use super::{raw, BackendConfig, Config, ConfigError, Role};

impl Config {
    /// Reads and validates the file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ConfigError::Missing { path: path.to_path_buf() })
            }
            Err(source) => return Err(ConfigError::Read { path: path.to_path_buf(), source }),
        };
        Self::parse(&text, path)
    }

    /// Parses and validates `text`; `path` is only used in error messages and to resolve
    /// relative key files.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let at = |span: Option<std::ops::Range<usize>>, key: Option<&str>, message: String| {
            let (line, column) = span.map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            ConfigError::Invalid { path: path.to_path_buf(), line, column, key: key.map(str::to_string), message }
        };
        let raw: raw::File = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().to_string();
            let key = message
                .split('`')
                .nth(1)
                .filter(|_| message.starts_with("unknown field") || message.starts_with("missing field"))
                .map(str::to_string)
                .or_else(|| e.span().and_then(|s| key_before(text, s.start)));
            at(e.span(), key.as_deref(), message)
        })?;

        let check = Check { at: &at };
        let c = &check;
        let health = raw.health.into_settings(c)?;
        let chat = raw.assistant.into_settings(path, c)?;
        let load = raw.load.into_settings(c)?;
        if load.very_busy_ms < load.busy_ms {
            return Err(at(None, Some("load.very_busy_ms"), "very_busy_ms must not be below busy_ms".into()));
        }

        let mut backends: Vec<BackendConfig> = Vec::new();
        for b in raw.backend {
            let name = b.name.get_ref().trim().to_string();
            if name.is_empty() {
                return Err(at(Some(b.name.span()), Some("name"), "backend name must not be empty".into()));
            }
            if backends.iter().any(|o| o.name == name) {
                return Err(at(Some(b.name.span()), Some("name"), format!("duplicate backend name `{name}`")));
            }
            let url = parse_url(b.url.get_ref()).map_err(|m| at(Some(b.url.span()), Some("url"), m))?;
            let role = *b.role.get_ref();
            let temperature = c.float(&b.temperature, "temperature", 0.0, 2.0)?.unwrap_or(match role {
                Role::Classifier => 0.3,
                Role::Reasoner => 0.7,
            });
            let max_tokens = c.int(&b.max_tokens, "max_tokens", 1, 1_000_000)?.map_or(
                match role {
                    Role::Classifier => 1024,
                    Role::Reasoner => 16000,
                },
                |n| n as u32,
            );
            let timeout = c.secs(&b.timeout_secs, "timeout_secs", Duration::from_secs(120))?;
            let stall_timeout = c.secs(&b.stall_timeout_secs, "stall_timeout_secs", Duration::from_secs(30))?;
            let max_concurrent = c.int(&b.max_concurrent, "max_concurrent", 0, 1024)?.filter(|n| *n > 0);
            let src = super::keys::KeySource {
                env: b.api_key_env.as_deref(),
                file: b.api_key_file.as_deref(),
                keyring: b.api_key_keyring.as_deref(),
            };
            let api_key = super::keys::read(src, path, &name)
                .map_err(|(key, message)| at(Some(b.name.span()), Some(key), message))?;
            let launch = match b.launch {
                None => None,
                Some(argv) => {
                    let span = Some(argv.span());
                    let argv: Vec<String> = argv.into_inner();
                    if argv.first().is_none_or(|p| p.trim().is_empty()) {
                        return Err(at(
                            span,
                            Some("launch"),
                            "launch needs a program: [\"/path/to/server\", \"args\"...]".into(),
                        ));
                    }
                    if !is_loopback(&url) {
                        return Err(at(
                            span,
                            Some("launch"),
                            format!(
                                "launch starts a server on this machine, but url `{url}` is not a loopback address"
                            ),
                        ));
                    }
                    Some(argv)
                }
            };
            backends.push(BackendConfig {
                name,
                role,
                url,
                model: b.model,
                kind: b.kind,
                api_key,
                temperature,
                max_tokens,
                timeout,
                stall_timeout,
                max_concurrent: max_concurrent.map(|n| n as usize),
                structured: b.structured_output,
                launch,
                embeddings: b.embeddings.unwrap_or(false),
            });
        }
        for role in [Role::Classifier, Role::Reasoner] {
            if !backends.iter().any(|b| b.role == role) {
                let end = text.len();
                return Err(at(
                    Some(end..end),
                    Some("role"),
                    format!("no backend has role `{role}`: add a [[backend]] with role = \"{role}\""),
                ));
            }
        }
        let calendars = super::tools::calendars(raw.calendar, path, c)?;
        let mails = super::tools::mails(raw.mail, path, c)?;
        let documents = raw.documents.into_settings(path);
        let mut muted = Vec::new();
        for m in raw.tray.mute {
            let name = m.get_ref().trim().to_string();
            if !backends.iter().any(|b| b.name == name) {
                return Err(at(Some(m.span()), Some("mute"), format!("no backend named `{name}` to mute")));
            }
            muted.push(name);
        }
        Ok(Config { health, load, chat, tray_scope: raw.tray.scope, muted, backends, calendars, mails, documents })
    }
}

pub(crate) fn parse_url(s: &str) -> Result<reqwest::Url, String> {
    // Shown without what may be credentials (`user:pass@`) or a query (`?key=...`).
    let shown = match reqwest::Url::parse(s.trim()) {
        Ok(u) => crate::secret::redact_url(&u),
        Err(_) => {
            let s = s.split(['?', '#']).next().unwrap_or("");
            match s.rsplit_once('@') {
                Some((_, host)) => format!("redacted@{host}"),
                None => s.to_string(),
            }
        }
    };
    let mut url = reqwest::Url::parse(s.trim()).map_err(|e| format!("invalid url `{shown}`: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!("invalid url `{shown}`: expected http://host:port or https://host:port"));
    }
    // Accept both `http://h:p` and `http://h:p/v1`: store the server root.
    // The stored path always ends in `/` so that `Url::join("v1/...")` appends.
    let path = url.path().trim_end_matches('/').trim_end_matches("/v1").to_string();
    url.set_path(&format!("{path}/"));
    Ok(url)
}

/// Whether `url` names this machine (127.0.0.0/8, ::1 or `localhost`).
pub fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|a| a.is_loopback())
}

/// The key whose value starts at byte `at` (`key = <value>` on one line): the key of a bad
/// value (an unknown variant, a wrong type), which serde does not name.
fn key_before(text: &str, at: usize) -> Option<String> {
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let key = text.get(line_start..at)?.trim_end().strip_suffix('=')?.trim();
    let bare = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    bare.then(|| key.to_string())
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(before.len(), |i| before.len() - i - 1) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{HealthSettings, LoadSettings, EXAMPLE};

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("/etc/sb.toml"))
    }

    const TWO: &str = r#"
[[backend]]
name = "small"
role = "classifier"
url = "http://127.0.0.1:8080/v1"
model = "smol"

[[backend]]
name = "big"
role = "reasoner"
url = "http://127.0.0.1:8081"
model = "gemma"
"#;

    #[test]
    fn example_parses_with_seed_defaults() {
        let c = parse(EXAMPLE).unwrap();
        assert_eq!(c.backends.len(), 2);
        assert_eq!(c.health, HealthSettings::default());
        assert_eq!(c.load, LoadSettings::default());
        assert_eq!(c.health.interval, Duration::from_secs(30));
        assert_eq!(c.load.cache, Duration::from_secs(30));
        assert_eq!(c.load.cooldown, Duration::from_secs(10));
        assert_eq!(c.backends[0].temperature, 0.3);
        assert_eq!(c.backends[1].max_tokens, 16000);
    }

    #[test]
    fn launch_is_for_loopback_servers_only_and_tray_scope_is_a_setting() {
        let launch = "model = \"gemma\"\nlaunch = [\"/usr/bin/llama-server\", \"--port\", \"8081\"]";
        let c = parse(&format!("[tray]\nscope = \"all\"\n{}", TWO.replace("model = \"gemma\"", launch))).unwrap();
        assert_eq!(c.tray_scope, crate::model::TrayScope::All);
        assert_eq!(c.backends[1].launch.as_deref().map(<[String]>::len), Some(3));
        assert_eq!(parse(TWO).unwrap().tray_scope, crate::model::TrayScope::Reasoners);
        let remote = TWO.replace("model = \"gemma\"", launch).replace("127.0.0.1:8081", "gpu-box:8081");
        let (line, key, message) = invalid(&remote);
        assert_eq!((line, key.as_deref()), (13, Some("launch")), "{message}");
        assert!(message.contains("loopback"), "{message}");
        let (_, key, _) = invalid(&TWO.replace("model = \"gemma\"", "model = \"gemma\"\nlaunch = []"));
        assert_eq!(key.as_deref(), Some("launch"));
        let (_, key, _) = invalid(&format!("[tray]\nscope = \"some\"\n{TWO}"));
        assert_eq!(key.as_deref(), Some("scope"), "a bad value names its key");
    }

    #[test]
    fn v1_suffix_is_stripped() {
        let c = parse(TWO).unwrap();
        assert_eq!(c.backends[0].url.as_str(), "http://127.0.0.1:8080/");
    }

    fn invalid(text: &str) -> (usize, Option<String>, String) {
        match parse(text) {
            Err(ConfigError::Invalid { line, key, message, .. }) => (line, key, message),
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn unknown_key_names_line_and_key() {
        let text = TWO.replace("model = \"gemma\"", "model = \"gemma\"\ntemprature = 0.2");
        let (line, key, message) = invalid(&text);
        assert_eq!(line, 13, "{message}");
        assert_eq!(key.as_deref(), Some("temprature"));
        let shown = parse(&text).unwrap_err().to_string();
        assert!(shown.starts_with("/etc/sb.toml:13:"), "{shown}");
    }

    #[test]
    fn bad_url_names_line() {
        let (line, key, message) = invalid(&TWO.replace("http://127.0.0.1:8081", "ftp://x"));
        assert_eq!((line, key.as_deref()), (11, Some("url")), "{message}");
        let (line, _, _) = invalid(&TWO.replace("http://127.0.0.1:8081", "not a url"));
        assert_eq!(line, 11);
    }

    #[test]
    fn duplicate_name_names_second() {
        let (line, key, message) = invalid(&TWO.replace("\"big\"", "\"small\""));
        assert_eq!((line, key.as_deref()), (9, Some("name")), "{message}");
        assert!(message.contains("duplicate"));
    }

    #[test]
    fn missing_role_key_and_missing_role() {
        let (line, key, message) = invalid(&TWO.replace("role = \"reasoner\"\n", ""));
        assert_eq!(key.as_deref(), Some("role"), "{message}");
        assert!(line >= 8, "{line}");
        let (_, key, message) = invalid(&TWO.replace("\"reasoner\"", "\"classifier\""));
        assert_eq!(key.as_deref(), Some("role"));
        assert!(message.contains("reasoner"), "{message}");
        let (line, _, message) = invalid(&TWO.replace("\"reasoner\"", "\"thinker\""));
        assert_eq!(line, 10, "{message}");
    }

    #[test]
    fn syntax_error_has_line() {
        let (line, _, _) = invalid("[[backend]]\nname = \"x\nrole = 1\n");
        assert_eq!(line, 2);
    }

    #[test]
    fn api_key_from_env_and_file_never_shown() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("k.key"), "sk-file-secret\n").unwrap();
        let text = TWO.replace("model = \"smol\"", "model = \"smol\"\napi_key_file = \"k.key\"");
        let c = Config::parse(&text, &dir.path().join("c.toml")).unwrap();
        assert_eq!(c.backends[0].api_key.as_ref().unwrap().expose(), "sk-file-secret");
        assert!(!format!("{c:?}").contains("sk-file-secret"));

        let text = TWO.replace("model = \"smol\"", "model = \"smol\"\napi_key_env = \"SB_TEST_UNSET_KEY_VAR\"");
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.contains("SB_TEST_UNSET_KEY_VAR"), "{err}");
    }

    #[test]
    fn thresholds_are_settings() {
        let text = format!("{TWO}\n[load]\nbusy_ms = 1000\nvery_busy_ms = 2000\n[health]\nrise = 4\n");
        let c = parse(&text).unwrap();
        assert_eq!(c.load.busy_ms, 1000.0);
        assert_eq!(c.health.rise, 4);
        let (_, key, _) = invalid(&format!("{TWO}\n[load]\nbusy_ms = 9000\n"));
        assert_eq!(key.as_deref(), Some("load.very_busy_ms"));
    }

    #[test]
    fn missing_file_explains() {
        let err = Config::load(Path::new("/nonexistent/sb.toml")).unwrap_err();
        assert!(matches!(err, ConfigError::Missing { .. }));
        assert!(err.to_string().contains("config init"));
    }
}
