//! First run: with no config file, find what to watch and write a config for it.
//!
//! 1. Look for LLM servers on this machine's usual ports (Ollama 11434, llama.cpp 8080,
//!    LM Studio 1234, vLLM 8000, SGLang 30000): detect each one's kind and list its models.
//!    The smallest model becomes the classifier and the largest the reasoner (one model plays
//!    both roles when there is only one).
//! 2. Else, if the project's own llama-server and small models are installed
//!    (`scripts/backends.sh install` writes `backends.env` in the cache), write a config whose
//!    backends Switchboard starts itself (`launch`, see [`super::launch`]) on free loopback ports.
//! 3. Else, explain what to do.
//!
//! The written file is a normal, commented config the user can edit; it is checked with the
//! same parser before it is written.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::render::{render, Entry};
use crate::client::{shared_http, BackendClient, ClientError};
use crate::config::{self, BackendConfig, Config, Kind, Role, Structured};

/// The ports local LLM servers listen on by default, and who uses them.
pub const USUAL_PORTS: [(u16, &str); 5] =
    [(11434, "Ollama"), (8080, "llama.cpp"), (1234, "LM Studio"), (8000, "vLLM"), (30000, "SGLang")];

/// Overrides the ports to look at (comma-separated), e.g. for tests.
pub const PORTS_ENV: &str = "SWITCHBOARD_DISCOVER_PORTS";

/// How long one port may take to answer during discovery.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(2);

/// A server found on a port.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub url: reqwest::Url,
    pub kind: Kind,
    /// Model ids with their size in bytes where the server says.
    pub models: Vec<(String, Option<u64>)>,
}

/// The project's own llama-server and models, as `scripts/backends.sh install` left them.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalInstall {
    pub server: PathBuf,
    /// SmolLM2-135M: the classifier.
    pub small: PathBuf,
    /// Gemma-3-270M: the reasoner, when installed.
    pub big: Option<PathBuf>,
}

impl LocalInstall {
    /// Reads `backends.env` in `$SWITCHBOARD_CACHE`, else in `~/.cache/switchboard`.
    pub fn find() -> Option<LocalInstall> {
        Self::from_env_file(&crate::config::cache_dir()?.join("backends.env"))
    }

    /// Reads a `KEY=VALUE` file; every path in it must exist.
    pub fn from_env_file(path: &Path) -> Option<LocalInstall> {
        let text = std::fs::read_to_string(path).ok()?;
        let get = |key: &str| {
            text.lines()
                .filter_map(|l| l.split_once('='))
                .find(|(k, _)| k.trim() == key)
                .map(|(_, v)| PathBuf::from(v.trim()))
                .filter(|p| p.exists())
        };
        Some(LocalInstall {
            server: get("SWITCHBOARD_LLAMA_SERVER")?,
            small: get("SWITCHBOARD_SMOLLM2_GGUF")?,
            big: get("SWITCHBOARD_GEMMA_GGUF"),
        })
    }
}

/// What to look at.
#[derive(Debug, Clone)]
pub struct Options {
    pub host: String,
    pub ports: Vec<u16>,
    /// The fallback when no server answers.
    pub local: Option<LocalInstall>,
}

impl Options {
    /// The usual ports (or `$SWITCHBOARD_DISCOVER_PORTS`) on 127.0.0.1, and the local install
    /// if there is one.
    pub fn from_env() -> Options {
        let ports = std::env::var(PORTS_ENV)
            .ok()
            .map(|v| v.split(',').filter_map(|p| p.trim().parse().ok()).collect())
            .unwrap_or_else(|| USUAL_PORTS.iter().map(|(p, _)| *p).collect());
        Options { host: "127.0.0.1".into(), ports, local: LocalInstall::find() }
    }
}

/// What the first run did.
#[derive(Debug, Clone, PartialEq)]
pub enum FirstRun {
    /// A config file was already there; nothing was written.
    Existing,
    /// A config pointing at these servers was written.
    Discovered(Vec<Found>),
    /// A config with managed local llama-servers was written.
    Local,
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error(
        "no configuration at {}, no LLM server answers on {host} ports {ports}, and the local llama-server \
         is not installed.\n  Start a server (Ollama, llama.cpp, LM Studio, vLLM, SGLang), or run \
         scripts/backends.sh install, or write a config with `switchboard-cli config init`",
        path.display()
    )]
    NothingFound { path: PathBuf, host: String, ports: String },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Client(#[from] ClientError),
    #[error("the config written for first run does not load (a bug): {0}")]
    Invalid(#[from] config::ConfigError),
}

fn probe_config(url: reqwest::Url) -> BackendConfig {
    BackendConfig {
        name: "discovery".into(),
        role: Role::Classifier,
        url,
        model: String::new(),
        kind: Kind::Auto,
        api_key: None,
        temperature: 0.0,
        max_tokens: 1,
        timeout: ANSWER_TIMEOUT,
        stall_timeout: ANSWER_TIMEOUT,
        max_concurrent: None,
        structured: Structured::Auto,
        launch: None,
        embeddings: false,
    }
}

/// Looks at `port` on `host`: `None` when nothing (or nothing that lists models) answers.
async fn look(http: &reqwest::Client, host: &str, port: u16) -> Option<Found> {
    let url = reqwest::Url::parse(&format!("http://{host}:{port}/")).ok()?;
    let client = BackendClient::new(http.clone(), Arc::new(probe_config(url.clone())));
    let kind = client.detect(ANSWER_TIMEOUT).await.ok()?;
    let models = match client.models(kind, ANSWER_TIMEOUT).await {
        Ok(m) if !m.is_empty() => m,
        // llama.cpp serves one model and ignores the id; while it loads, the list may fail.
        _ if kind == Kind::Llamacpp => vec![("default".into(), None)],
        _ => return None,
    };
    Some(Found { url, kind, models })
}

/// Every server answering on `ports` of `host`, in port order (looked at concurrently).
pub async fn scan(http: &reqwest::Client, host: &str, ports: &[u16]) -> Vec<Found> {
    let looks = ports.iter().map(|p| look(http, host, *p));
    futures_util::future::join_all(looks).await.into_iter().flatten().collect()
}

/// A short, readable backend name from a model id (`/models/qwen2.5-7b.gguf` → `qwen2.5-7b`).
pub fn short_name(id: &str) -> String {
    let last = id.rsplit(['/', '\\']).next().unwrap_or(id);
    let last = last.strip_suffix(".gguf").unwrap_or(last);
    let name: String = last.chars().take(32).collect();
    if name.trim().is_empty() {
        "model".into()
    } else {
        name
    }
}

/// A config for the servers found: the smallest model classifies, the largest reasons.
pub fn config_for_servers(found: &[Found]) -> Option<String> {
    let mut models: Vec<(&Found, &str, Option<u64>)> =
        found.iter().flat_map(|f| f.models.iter().map(move |(id, size)| (f, id.as_str(), *size))).collect();
    // Embedding models cannot chat; keep them only if nothing else is there.
    if models.iter().any(|(_, id, _)| !id.contains("embed")) {
        models.retain(|(_, id, _)| !id.contains("embed"));
    }
    if models.iter().all(|(_, _, size)| size.is_some()) {
        models.sort_by_key(|(_, _, size)| *size);
    }
    let small = *models.first()?;
    let big = *models.last()?;
    let mut small_name = short_name(small.1);
    let mut big_name = short_name(big.1);
    if small_name == big_name {
        small_name = format!("{small_name}-classifier");
        big_name = format!("{big_name}-reasoner");
    }
    fn entry<'a>((f, id, _): (&Found, &'a str, Option<u64>), name: String, role: Role) -> Entry<'a> {
        Entry {
            name,
            role,
            url: f.url.as_str().trim_end_matches('/').to_string(),
            model: id,
            kind: f.kind,
            launch: None,
            embeddings: false,
            comment: format!("found on first run: {} at {}", f.kind, f.url),
        }
    }
    let header = "# Switchboard configuration, written on first run from the servers found on this machine.\n\
                  # Edit freely: add remote servers, change roles, set API keys (see `config init --print`).\n";
    Some(render(header, &[entry(small, small_name, Role::Classifier), entry(big, big_name, Role::Reasoner)]))
}

fn llama_argv(local: &LocalInstall, model: &Path, alias: &str, port: u16, threads: usize, gemma: bool) -> Vec<String> {
    let mut argv = vec![
        local.server.display().to_string(),
        "-m".into(),
        model.display().to_string(),
        "--host".into(),
        "127.0.0.1".into(),
        "--port".into(),
        port.to_string(),
        "--alias".into(),
        alias.into(),
        "-t".into(),
        threads.to_string(),
        "-c".into(),
        "8192".into(),
        "-np".into(),
        "1".into(),
        "--metrics".into(),
    ];
    if gemma {
        argv.extend(["--no-jinja", "--chat-template", "gemma"].map(String::from));
        // Mean-pooled vectors for the router's nearest examples (chat is served as before).
        argv.extend(["--embeddings", "--pooling", "mean"].map(String::from));
    }
    argv
}

/// A config whose two backends are the project's llama-servers, started by Switchboard on
/// `ports` (classifier, reasoner). Each server gets half the machine's cores (at least one):
/// two servers each using every core slow each other down many times over.
pub fn config_for_local(local: &LocalInstall, ports: (u16, u16)) -> String {
    let threads = std::thread::available_parallelism().map(|n| n.get() / 2).unwrap_or(1).max(1);
    let (big_model, gemma) = match &local.big {
        Some(p) => (p.as_path(), true),
        None => (local.small.as_path(), false),
    };
    let entries = [
        Entry {
            name: "small".into(),
            role: Role::Classifier,
            url: format!("http://127.0.0.1:{}", ports.0),
            model: "small",
            kind: Kind::Llamacpp,
            launch: Some(llama_argv(local, &local.small, "small", ports.0, threads, false)),
            embeddings: false,
            comment: "SmolLM2-135M on the project's llama-server, started and stopped by Switchboard".into(),
        },
        Entry {
            name: "big".into(),
            role: Role::Reasoner,
            url: format!("http://127.0.0.1:{}", ports.1),
            model: "big",
            kind: Kind::Llamacpp,
            launch: Some(llama_argv(local, big_model, "big", ports.1, threads, gemma)),
            embeddings: gemma,
            comment: format!(
                "{} on the project's llama-server, started and stopped by Switchboard",
                if gemma { "Gemma-3-270M" } else { "SmolLM2-135M" }
            ),
        },
    ];
    let header = "# Switchboard configuration, written on first run: no LLM server answered on the usual ports,\n\
                  # so Switchboard runs the project's own llama-server with two small models.\n\
                  # Point the backends at your own servers (and remove `launch`) when you have them.\n";
    render(header, &entries)
}

fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn is_free(port: u16) -> bool {
    std::net::TcpListener::bind(("127.0.0.1", port)).is_ok()
}

/// Ports for the managed servers: 18080 and 18081 when free (outside the ephemeral range, so
/// nothing else takes them at random later), else any two free ones.
fn local_ports() -> (u16, u16) {
    let mut picked: Vec<u16> = [18080, 18081].into_iter().filter(|p| is_free(*p)).collect();
    while picked.len() < 2 {
        match free_port() {
            Ok(p) if !picked.contains(&p) => picked.push(p),
            Ok(_) => {}
            Err(_) => picked.push(18082 + picked.len() as u16),
        }
    }
    (picked[0], picked[1])
}

/// Writes `text` to `path` through a temporary file (never a half-written config), after
/// checking that it loads.
fn write_config(path: &Path, text: &str) -> Result<(), DiscoverError> {
    Config::parse(text, path)?;
    let err = |source| DiscoverError::Write { path: path.to_path_buf(), source };
    crate::private::write_atomic(path, text.as_bytes()).map_err(err)
}

/// Makes sure a config exists at `path`: keeps an existing one, else writes one for the
/// servers found, else for the managed local servers.
pub async fn first_run(path: &Path, opts: &Options) -> Result<FirstRun, DiscoverError> {
    if path.exists() {
        return Ok(FirstRun::Existing);
    }
    let http = shared_http()?;
    let found = scan(&http, &opts.host, &opts.ports).await;
    if let Some(text) = config_for_servers(&found) {
        write_config(path, &text)?;
        return Ok(FirstRun::Discovered(found));
    }
    let Some(local) = &opts.local else {
        let ports: Vec<String> = opts.ports.iter().map(u16::to_string).collect();
        return Err(DiscoverError::NothingFound {
            path: path.to_path_buf(),
            host: opts.host.clone(),
            ports: ports.join(", "),
        });
    };
    write_config(path, &config_for_local(local, local_ports()))?;
    Ok(FirstRun::Local)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(port: u16, kind: Kind, models: &[(&str, Option<u64>)]) -> Found {
        Found {
            url: reqwest::Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap(),
            kind,
            models: models.iter().map(|(m, s)| (m.to_string(), *s)).collect(),
        }
    }

    fn load(text: &str) -> Config {
        Config::parse(text, Path::new("/tmp/first-run.toml")).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    #[test]
    fn smallest_model_classifies_largest_reasons() {
        let text = config_for_servers(&[found(
            11434,
            Kind::Ollama,
            &[
                ("llama3.1:8b", Some(4_900_000_000)),
                ("nomic-embed-text", Some(270_000_000)),
                ("qwen2.5:0.5b", Some(398_000_000)),
            ],
        )])
        .unwrap();
        let cfg = load(&text);
        assert_eq!(cfg.backends.len(), 2);
        assert_eq!((cfg.backends[0].role, cfg.backends[0].model.as_str()), (Role::Classifier, "qwen2.5:0.5b"));
        assert_eq!((cfg.backends[1].role, cfg.backends[1].model.as_str()), (Role::Reasoner, "llama3.1:8b"));
        assert_eq!(cfg.backends[1].kind, Kind::Ollama);
        assert_eq!(cfg.backends[1].url.as_str(), "http://127.0.0.1:11434/");
    }

    #[test]
    fn one_model_plays_both_roles_and_names_stay_unique() {
        let text = config_for_servers(&[found(8080, Kind::Llamacpp, &[("/models/Qwen \"7B\".gguf", None)])]).unwrap();
        let cfg = load(&text);
        assert_eq!(cfg.backends[0].name, "Qwen \"7B\"-classifier");
        assert_eq!(cfg.backends[1].name, "Qwen \"7B\"-reasoner");
        assert_eq!(cfg.backends[0].model, "/models/Qwen \"7B\".gguf");
        assert!(config_for_servers(&[]).is_none());
    }

    #[test]
    fn two_servers_without_sizes_keep_port_order() {
        let text = config_for_servers(&[
            found(8080, Kind::Llamacpp, &[("small.gguf", None)]),
            found(8000, Kind::Vllm, &[("meta-llama/Llama-3.1-70B", None)]),
        ])
        .unwrap();
        let cfg = load(&text);
        assert_eq!(cfg.backends[0].url.port(), Some(8080));
        assert_eq!(cfg.backends[1].url.port(), Some(8000));
        assert_eq!(cfg.backends[1].name, "Llama-3.1-70B");
    }

    #[test]
    fn local_config_launches_two_servers_on_loopback() {
        let local = LocalInstall {
            server: "/opt/llama/bin/llama-server".into(),
            small: "/m/smol.gguf".into(),
            big: Some("/m/gemma.gguf".into()),
        };
        let cfg = load(&config_for_local(&local, (18123, 18124)));
        let launch = |i: usize| cfg.backends[i].launch.clone().unwrap();
        assert_eq!(launch(0)[0], "/opt/llama/bin/llama-server");
        assert!(launch(0).windows(2).any(|w| w == ["--port", "18123"]));
        assert!(launch(1).windows(2).any(|w| w == ["-m", "/m/gemma.gguf"]));
        assert!(launch(1).iter().any(|a| a == "gemma"));
        // The big server also gives the router its embeddings (the small one is not asked).
        assert!(launch(1).windows(3).any(|w| w == ["--embeddings", "--pooling", "mean"]));
        assert!(cfg.backends[1].embeddings && !cfg.backends[0].embeddings);
        assert!(!launch(0).iter().any(|a| a == "--embeddings"));
        assert_eq!(crate::servers::launch::managed(&cfg.backends).len(), 2);
    }

    #[test]
    fn env_file_needs_existing_paths() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("llama-server");
        let smol = dir.path().join("smol.gguf");
        std::fs::write(&bin, "").unwrap();
        std::fs::write(&smol, "").unwrap();
        let env = dir.path().join("backends.env");
        std::fs::write(
            &env,
            format!(
                "SWITCHBOARD_LLAMA_SERVER={}\nSWITCHBOARD_SMOLLM2_GGUF={}\nSWITCHBOARD_GEMMA_GGUF=/nope\n",
                bin.display(),
                smol.display()
            ),
        )
        .unwrap();
        let local = LocalInstall::from_env_file(&env).unwrap();
        assert_eq!((local.server, local.small, local.big), (bin, smol, None));
        std::fs::write(&env, "SWITCHBOARD_LLAMA_SERVER=/nope\n").unwrap();
        assert!(LocalInstall::from_env_file(&env).is_none());
    }

    #[tokio::test]
    async fn nothing_anywhere_explains_what_to_do_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let port = free_port().unwrap();
        let opts = Options { host: "127.0.0.1".into(), ports: vec![port], local: None };
        let e = first_run(&path, &opts).await.unwrap_err().to_string();
        assert!(e.contains(&port.to_string()) && e.contains("backends.sh install"), "{e}");
        assert!(!path.exists());
        std::fs::write(&path, "x").unwrap();
        assert_eq!(first_run(&path, &opts).await.unwrap(), FirstRun::Existing);
    }
}
