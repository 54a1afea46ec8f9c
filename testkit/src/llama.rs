//! Real llama-server processes for tests, from the cache `scripts/backends.sh install` fills.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tokio::time::Instant;

/// Which bundled model to serve.
#[derive(Clone, Copy, Debug)]
pub enum Model {
    SmolLM2,
    Gemma,
}

fn paths() -> HashMap<String, String> {
    let cache = std::env::var("SWITCHBOARD_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/switchboard"));
    let file = cache.join("backends.env");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| {
        panic!("{}: {e}; run `scripts/backends.sh install` first (the README's test command does)", file.display())
    });
    text.lines().filter_map(|l| l.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running llama-server; killed when dropped.
pub struct Llama {
    pub port: u16,
    model: Model,
    slots: u32,
    child: Option<Child>,
}

impl Llama {
    /// Starts a server on a free port and waits until it is healthy.
    pub async fn start(model: Model, slots: u32) -> Llama {
        let mut l = Llama { port: free_port(), model, slots, child: None };
        l.spawn();
        l.wait_healthy(Duration::from_secs(60)).await;
        l
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// (Re)starts the process on the same port, without waiting.
    pub fn spawn(&mut self) {
        let p = paths();
        let (gguf, extra): (&str, &[&str]) = match self.model {
            Model::SmolLM2 => (&p["SWITCHBOARD_SMOLLM2_GGUF"], &[]),
            // As the first-run config starts it: chat, and mean-pooled embeddings.
            Model::Gemma => (
                &p["SWITCHBOARD_GEMMA_GGUF"],
                &["--no-jinja", "--chat-template", "gemma", "--embeddings", "--pooling", "mean"],
            ),
        };
        let log = std::env::temp_dir().join(format!("switchboard-llama-{}.log", self.port));
        let log = std::fs::File::create(log).unwrap();
        let child = Command::new(&p["SWITCHBOARD_LLAMA_SERVER"])
            .args(["-m", gguf, "--host", "127.0.0.1", "--port", &self.port.to_string(), "--alias", "test"])
            .args(["-t", "1", "-c", "4096", "-np", &self.slots.to_string(), "-kvu", "--metrics"])
            // Every request's sampler starts from the same seed (the router sends none): a
            // sampled answer is the same on every run, so a test of what models write (the loop
            // test) passes or fails for the code, not for the dice.
            .args(["--seed", "42"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("llama-server starts");
        self.child = Some(child);
    }

    pub async fn wait_healthy(&self, within: Duration) {
        let deadline = Instant::now() + within;
        let http = reqwest::Client::new();
        loop {
            if let Ok(r) = http.get(format!("{}/health", self.url())).send().await {
                if r.status().is_success() {
                    return;
                }
            }
            assert!(Instant::now() < deadline, "llama-server on {} not healthy within {within:?}", self.port);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn pid(&self) -> String {
        self.child.as_ref().expect("running").id().to_string()
    }

    fn signal(&self, sig: &str) {
        let ok = Command::new("kill").args([sig, &self.pid()]).status().unwrap().success();
        assert!(ok, "kill {sig} failed");
    }

    pub fn kill9(&mut self) {
        self.signal("-KILL");
        if let Some(mut c) = self.child.take() {
            let _ = c.wait();
        }
    }

    pub fn freeze(&self) {
        self.signal("-STOP");
    }

    pub fn thaw(&self) {
        self.signal("-CONT");
    }

    /// One Prometheus counter from `/metrics`.
    pub async fn metric(&self, name: &str) -> f64 {
        let text = reqwest::get(format!("{}/metrics", self.url())).await.unwrap().text().await.unwrap();
        text.lines()
            .filter(|l| l.split(|c: char| c == '{' || c.is_whitespace()).next() == Some(name))
            .filter_map(|l| l.split_whitespace().nth(1).and_then(|v| v.parse::<f64>().ok()))
            .reduce(|a, b| a + b)
            .unwrap_or_else(|| panic!("no {name} in /metrics"))
    }

    /// A generation of exactly `tokens` tokens (end-of-text ignored), as external load.
    pub async fn generate(url: String, tokens: u32) -> reqwest::Result<()> {
        let body = serde_json::json!({
            "messages": [{"role": "user", "content": "Tell me a long story about a lighthouse keeper."}],
            "max_tokens": tokens, "ignore_eos": true, "temperature": 0.8,
        });
        reqwest::Client::new()
            .post(format!("{url}/v1/chat/completions"))
            .json(&body)
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }
}

impl Drop for Llama {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = Command::new("kill").args(["-CONT", &c.id().to_string()]).status();
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
