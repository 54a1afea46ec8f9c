//! The headless CLI as a script sees it: exit codes, messages, JSON; against an HTTP-level
//! fake (an OpenAI-compatible server with no load figures) and a dead port.

use std::process::{Command, Output};

use switchboard_testkit::fake::{Fake, Reply};

fn cli(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_switchboard-cli"));
    c.args(args).env_remove("SWITCHBOARD_CONFIG").env_remove("RUST_LOG");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).to_string(), String::from_utf8_lossy(&o.stderr).to_string())
}

fn write_config(dir: &std::path::Path, classifier_url: &str) -> String {
    let path = dir.join("config.toml");
    let body = format!(
        "[[backend]]\nname = \"small\"\nrole = \"classifier\"\nurl = \"{classifier_url}\"\nmodel = \"m\"\nkind = \"openai\"\n\
         api_key_env = \"SB_TEST_KEY\"\n\n\
         [[backend]]\nname = \"big\"\nrole = \"reasoner\"\nurl = \"{classifier_url}\"\nmodel = \"m\"\nkind = \"openai\"\n\n\
         [assistant]\ndecide = \"json\"  # the fake answers every call with one streamed JSON decision\n\
         nearest_examples = false\nlean_to_reasoner = false\n"
    );
    std::fs::write(&path, body).unwrap();
    path.display().to_string()
}

#[test]
fn config_errors_name_file_line_and_exit_78() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, "[[backend]]\nname = \"a\"\nrol = \"classifier\"\n").unwrap();
    let o = cli(&["--config", path.to_str().unwrap(), "config", "check"], &[]);
    assert_eq!(o.status.code(), Some(78));
    let (_, err) = text(&o);
    assert!(err.contains(&format!("{}:3:1", path.display())), "{err}");
    assert!(err.contains("rol"), "{err}");
}

#[test]
fn missing_config_explains_and_init_writes_a_valid_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/config.toml");
    let p = path.to_str().unwrap();
    let o = cli(&["status"], &[("SWITCHBOARD_CONFIG", p)]);
    assert_eq!(o.status.code(), Some(78));
    assert!(text(&o).1.contains("config init"), "{}", text(&o).1);
    assert_eq!(cli(&["--config", p, "config", "init"], &[]).status.code(), Some(0));
    assert_eq!(cli(&["--config", p, "config", "init"], &[]).status.code(), Some(1), "never overwrites silently");
    let o = cli(&["--config", p, "config", "check"], &[]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_exit_codes_json_and_no_key_anywhere() {
    let fake = Fake::start().await;
    fake.route("/v1/models", Reply::ok(r#"{"data":[{"id":"m"}]}"#));
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &fake.url());
    let key = ("SB_TEST_KEY", "sk-should-never-print-1234");
    let config2 = config.clone();
    let o = tokio::task::spawn_blocking(move || cli(&["--config", &config2, "-vvv", "status", "--json"], &[key]))
        .await
        .unwrap();
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}\n{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["state"], "up");
    assert_eq!(v[0]["level"], "idle");
    assert!(!out.contains(key.1) && !err.contains(key.1), "the API key leaked");

    // A backend that refuses connections: exit 3, and the table says DOWN with the reason.
    // Port 9 (discard), which nothing here serves: a free port picked at random was once taken
    // by another test's server before this run reached it.
    let dead = "http://127.0.0.1:9".to_string();
    let config = write_config(dir.path(), &dead);
    let o = tokio::task::spawn_blocking(move || cli(&["--config", &config, "status"], &[key])).await.unwrap();
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(3), "{out}");
    assert!(out.contains("DOWN") && out.contains("refused"), "{out}");
}

/// A reply full of terminal control sequences (clear the screen, set the clipboard through
/// OSC 52, retitle, a carriage return), streamed in 3-character pieces so that sequences are
/// split across tokens: on a terminal (`script` gives the CLI a pty) none reaches it, the
/// text does; through a pipe the text passes unchanged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model_output_reaches_a_terminal_without_control_sequences() {
    let fake = Fake::start().await;
    fake.route("/v1/models", Reply::ok(r#"{"data":[{"id":"m"}]}"#));
    let answer = "safe \u{1b}[2J\u{1b}[Hstart \u{1b}]52;c;c2VjcmV0\u{7}clip \u{1b}]0;pwned\u{1b}\\title\rend";
    let decision = serde_json::json!({"action": "direct", "response": answer}).to_string();
    fake.route("/v1/chat/completions", Reply::sse(&decision, 3, std::time::Duration::ZERO));
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &fake.url());
    let data = dir.path().join("data").display().to_string();
    let bin = env!("CARGO_BIN_EXE_switchboard-cli");
    let command = format!("{bin} --config {config} chat 'hello there'");
    let o = tokio::task::spawn_blocking(move || {
        Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .env("XDG_DATA_HOME", &data)
            .env("SB_TEST_KEY", "k")
            .env_remove("RUST_LOG")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let (out, err) = text(&o);
    assert!(o.status.success(), "{out}\n{err}");
    assert!(out.contains("safe start clip titleend"), "{out:?}");
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "a control sequence reached the terminal: {out:?}");

    let config = write_config(dir.path(), &fake.url());
    let data = dir.path().join("data").display().to_string();
    let o = tokio::task::spawn_blocking(move || {
        cli(&["--config", &config, "chat", "hello again"], &[("XDG_DATA_HOME", &data), ("SB_TEST_KEY", "k")])
    })
    .await
    .unwrap();
    let (out, _) = text(&o);
    assert!(out.contains("\u{1b}]52;c;"), "a pipe gets the text as it is: {out:?}");
}

/// `conversations search` finds a Korean two-syllable word; `conversations export` writes the
/// conversation as Markdown (to a file) and JSON (to stdout), both matching what is stored.
#[test]
fn conversations_are_searched_and_exported_as_markdown_and_json() {
    use switchboard_core::model::{ChatRole, MessageState};
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "http://127.0.0.1:9");
    let store_path = dir.path().join("chat.sqlite3");
    std::fs::write(
        &config,
        std::fs::read_to_string(&config).unwrap() + &format!("store = \"{}\"\n", store_path.display()),
    )
    .unwrap();
    let store = switchboard_core::Store::open(&store_path).unwrap();
    let id = store.create_conversation("lease").unwrap();
    store.add_message(id, ChatRole::User, "임대 계약서를 보내 주세요", MessageState::Done).unwrap();
    store.add_message(id, ChatRole::Assistant, "**Sent** on Friday.", MessageState::Done).unwrap();
    drop(store);
    let cli = |args: &[&str], _: &[(&str, &str)]| cli(args, &[("SB_TEST_KEY", "k")]);

    let o = cli(&["--config", &config, "conversations", "search", "계약"], &[]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(out.contains("lease") && out.contains("계약서를"), "{out}");

    let md = dir.path().join("out/lease.md");
    let o = cli(&["--config", &config, "conversations", "export", &id.to_string(), "-o", md.to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(0), "{:?}", text(&o));
    let md = std::fs::read_to_string(&md).unwrap();
    assert!(
        md.starts_with("# lease\n") && md.contains("임대 계약서를 보내 주세요") && md.contains("**Sent** on Friday."),
        "{md}"
    );

    let o = cli(&["--config", &config, "conversations", "export", &id.to_string(), "--format", "json"], &[]);
    let json: serde_json::Value = serde_json::from_str(&text(&o).0).unwrap();
    assert_eq!(json["messages"][0]["text"], "임대 계약서를 보내 주세요");
    assert_eq!(json["messages"][1]["role"], "assistant");

    let o = cli(&["--config", &config, "conversations", "export", &id.to_string(), "--format", "pdf"], &[]);
    assert_eq!(o.status.code(), Some(1));
    let o = cli(&["--config", &config, "conversations", "export", "999"], &[]);
    assert_eq!(o.status.code(), Some(1));
}
