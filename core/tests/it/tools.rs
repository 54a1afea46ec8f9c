//! The tools against real servers on 127.0.0.1: Radicale and Dovecot over TLS with a test CA
//! (started and seeded by `scripts/tool-servers.sh`, fresh per test), and local vdir folders.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use switchboard_core::clock::Clock;
use switchboard_core::model::{EventDraft, EventRow};
use switchboard_core::tools::calendar::Calendars;
use switchboard_core::tools::ToolError;
use switchboard_core::Config;

/// A Radicale started for one test; stopped when dropped.
struct ToolServers {
    dir: tempfile::TempDir,
    env: HashMap<String, String>,
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/tool-servers.sh")
}

impl ToolServers {
    /// Radicale and Dovecot with only the special mails (quick).
    fn start() -> ToolServers {
        ToolServers::start_with_mails(0)
    }

    /// ... and `extra` more mails.
    fn start_with_mails(extra: usize) -> ToolServers {
        let dir = tempfile::tempdir().unwrap();
        let out = std::process::Command::new("bash")
            .env("MAIL_EXTRA", extra.to_string())
            .arg(script())
            .arg("start")
            .arg(dir.path().join("s"))
            .output()
            .unwrap();
        assert!(out.status.success(), "tool-servers.sh: {}", String::from_utf8_lossy(&out.stderr));
        let env = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ToolServers { dir, env }
    }

    fn get(&self, k: &str) -> &str {
        self.env.get(k).map(String::as_str).unwrap_or_default()
    }

    fn password(&self) -> String {
        std::fs::read_to_string(self.get("RADICALE_PASSWORD_FILE")).unwrap().trim().to_string()
    }

    /// The config with one `[[calendar]]` whose URL is `path` on the server and `extra` lines.
    fn config(&self, path: &str, extra: &str) -> Config {
        let text = format!(
            r#"[assistant]
timezone = "Europe/Berlin"

[[backend]]
name = "small"
role = "classifier"
url = "http://127.0.0.1:9"
model = "m"

[[backend]]
name = "big"
role = "reasoner"
url = "http://127.0.0.1:9"
model = "m"

[[calendar]]
name = "work"
caldav = "{}{path}"
user = "alice"
ca_file = "{}"
{extra}
"#,
            self.get("RADICALE_URL"),
            self.get("TOOLS_CA")
        );
        Config::parse(&text, &self.dir.path().join("config.toml")).unwrap()
    }

    fn calendars(&self, path: &str) -> Calendars {
        let extra = format!("password_file = \"{}\"", self.get("RADICALE_PASSWORD_FILE"));
        let c = self.config(path, &extra);
        Calendars::new(&c.calendars, c.chat.timezone.unwrap(), Clock::system())
    }
}

impl ToolServers {
    fn stop(&self) {
        let _ = std::process::Command::new("bash").arg(script()).arg("stop").arg(self.dir.path().join("s")).status();
    }
}

impl Drop for ToolServers {
    fn drop(&mut self) {
        self.stop();
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn at(y: i32, m: u32, day: u32, h: u32, min: u32) -> NaiveDateTime {
    d(y, m, day).and_hms_opt(h, min, 0).unwrap()
}

fn titles(rows: &[EventRow]) -> Vec<(&str, NaiveDateTime)> {
    rows.iter().map(|r| (r.title.as_str(), r.start)).collect()
}

#[tokio::test]
async fn caldav_events_are_expanded_like_a_calendar_app_shows_them() {
    let s = ToolServers::start();
    let cal = s.calendars("alice/");
    let autumn = cal.events(d(2026, 10, 1), d(2026, 11, 30)).await;
    assert!(autumn.unavailable.is_empty(), "{:?}", autumn.unavailable);
    assert_eq!(
        titles(&autumn.events),
        vec![
            ("Standup", at(2026, 10, 15, 10, 0)),
            ("Standup (moved)", at(2026, 10, 29, 14, 0)),
            ("Standup", at(2026, 11, 12, 10, 0)),
            ("Standup", at(2026, 11, 19, 10, 0)),
            ("Standup", at(2026, 11, 26, 10, 0)),
        ]
    );
    // Multi-day all-day, with a Korean title and place; another zone (09:00 New York = 15:00 Berlin).
    let dec = cal.events(d(2026, 12, 3), d(2026, 12, 10)).await;
    let workshop = dec.events.iter().find(|e| e.title == "워크숍").unwrap();
    assert!(workshop.all_day && workshop.end == at(2026, 12, 5, 0, 0) && workshop.location.as_deref() == Some("부산"));
    assert!(titles(&dec.events).contains(&("NY call", at(2026, 12, 10, 15, 0))), "{:?}", titles(&dec.events));
    // The other calendar of the account: a yearly birthday, years on.
    let march = cal.events(d(2031, 3, 15), d(2031, 3, 15)).await;
    assert_eq!(titles(&march.events), vec![("Birthday", at(2031, 3, 15, 0, 0))]);
    assert_eq!(march.events[0].calendar, "work");
}

#[tokio::test]
async fn today_has_the_seeded_all_day_and_floating_events_and_the_root_url_finds_the_calendars() {
    let s = ToolServers::start();
    // The server root: the principal and its calendar home are found from it.
    let cal = s.calendars("");
    // The script seeds "today" in the config's zone (Europe/Berlin); the floating 15:00 is on
    // the user's clock.
    let today = Clock::system().now().with_timezone(&chrono_tz::Europe::Berlin).date_naive();
    let found = cal.events(today, today).await;
    assert!(found.unavailable.is_empty(), "{:?}", found.unavailable);
    let t = titles(&found.events);
    assert!(t.contains(&("창립기념일", today.and_hms_opt(0, 0, 0).unwrap())), "{t:?}");
    assert!(t.contains(&("Dentist", today.and_hms_opt(15, 0, 0).unwrap())), "{t:?}");
}

#[tokio::test]
async fn a_written_event_is_on_the_server_and_its_uid_is_never_written_twice() {
    let s = ToolServers::start();
    let cal = s.calendars("alice/work/");
    let draft = EventDraft {
        title: "치과 예약".into(),
        start: at(2026, 12, 17, 9, 30),
        end: at(2026, 12, 17, 10, 30),
        description: Some("bring the X-ray".into()),
        calendar: "work".into(),
    };
    let uid = cal.create(&draft).await.unwrap();
    let day = cal.events(d(2026, 12, 17), d(2026, 12, 17)).await;
    assert_eq!(titles(&day.events), vec![("치과 예약", at(2026, 12, 17, 9, 30))]);
    assert_eq!(day.events[0].end, at(2026, 12, 17, 10, 30));
    // Written with If-None-Match: the server refuses a second event of the same UID.
    let again = cal.create_with_uid(&EventDraft { title: "other".into(), ..draft.clone() }, &uid).await;
    assert_eq!(again, Err(ToolError::Exists));
    let day = cal.events(d(2026, 12, 17), d(2026, 12, 17)).await;
    assert_eq!(day.events.len(), 1);
}

#[tokio::test]
async fn a_wrong_password_and_a_stopped_server_are_told_plainly_without_the_password() {
    let s = ToolServers::start();
    let pw_file = s.dir.path().join("wrong.password");
    std::fs::write(&pw_file, "not-the-password").unwrap();
    let c = s.config("alice/", &format!("password_file = \"{}\"", pw_file.display()));
    let cal = Calendars::new(&c.calendars, c.chat.timezone.unwrap(), Clock::system());
    let found = cal.events(d(2026, 12, 1), d(2026, 12, 31)).await;
    assert_eq!(found.unavailable.len(), 1);
    let why = &found.unavailable[0];
    assert!(why.contains("refused the user or password") && !why.contains("not-the-password"), "{why}");
    let health = cal.health().await;
    assert!(matches!(health[0].result, Err(ToolError::Auth(_))), "{health:?}");

    // A password from the environment that is not set.
    let c = s.config("alice/", "password_env = \"SWITCHBOARD_TEST_UNSET_PASSWORD\"");
    let cal = Calendars::new(&c.calendars, c.chat.timezone.unwrap(), Clock::system());
    let why = cal.events(d(2026, 12, 1), d(2026, 12, 1)).await.unavailable.join(" ");
    assert!(why.contains("SWITCHBOARD_TEST_UNSET_PASSWORD") && why.contains("not set"), "{why}");

    let good = s.calendars("alice/");
    assert!(good.health().await[0].result.is_ok());
    let secret = s.password();
    s.stop();
    // (stop is a kill: poll until the port is closed)
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while good.health().await[0].result.is_ok() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let health = good.health().await;
    let Err(e) = &health[0].result else { panic!("a stopped server probed ok") };
    assert!(matches!(e, ToolError::Unreachable(_)), "{e:?}");
    assert!(!e.to_string().contains(&secret));
}

#[tokio::test]
async fn a_vdir_folder_is_read_and_written_and_ics_files_are_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("local");
    let file = dir.path().join("holidays.ics");
    std::fs::write(
        &file,
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:h@t\r\nDTSTART;VALUE=DATE:20261225\r\nSUMMARY:Christmas\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    .unwrap();
    let text = format!(
        "[assistant]\ntimezone = \"Asia/Seoul\"\n[[backend]]\nname = \"a\"\nrole = \"classifier\"\nurl = \"http://127.0.0.1:9\"\nmodel = \"m\"\n[[backend]]\nname = \"b\"\nrole = \"reasoner\"\nurl = \"http://127.0.0.1:9\"\nmodel = \"m\"\n[[calendar]]\nname = \"holidays\"\nfiles = [\"{}\"]\n[[calendar]]\nname = \"local\"\ndir = \"{}\"\n",
        file.display(),
        folder.display()
    );
    let c = Config::parse(&text, &dir.path().join("c.toml")).unwrap();
    let cal = Calendars::new(&c.calendars, c.chat.timezone.unwrap(), Clock::system());
    assert_eq!(cal.target(), Some("local"));
    let draft = EventDraft {
        title: "Lunch".into(),
        start: at(2026, 12, 25, 12, 0),
        end: at(2026, 12, 25, 13, 0),
        description: None,
        calendar: "local".into(),
    };
    cal.create(&draft).await.unwrap();
    let ro = cal.create(&EventDraft { calendar: "holidays".into(), ..draft.clone() }).await;
    assert_eq!(ro, Err(ToolError::ReadOnly("holidays".into())));
    let day = cal.events(d(2026, 12, 25), d(2026, 12, 25)).await;
    assert_eq!(titles(&day.events), vec![("Christmas", at(2026, 12, 25, 0, 0)), ("Lunch", at(2026, 12, 25, 12, 0))]);
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 1);
}

/// A router over `config`'s backends and tools, its conversations in memory.
fn router_for(config: Config) -> switchboard_core::Router {
    let chat = config.chat.clone();
    let tools = std::sync::Arc::new(switchboard_core::tools::Tools::new(&config, Clock::system()));
    let registry = switchboard_core::Registry::start(config).unwrap();
    let store = std::sync::Arc::new(switchboard_core::Store::in_memory().unwrap());
    switchboard_core::Router::with_tools(registry, store, &chat, tools)
}

/// All of a reply's text, its card, and whether a model was asked.
async fn reply(
    router: &switchboard_core::Router,
    conv: Option<i64>,
    text: &str,
) -> (i64, String, Option<switchboard_core::model::ToolCard>) {
    use switchboard_core::model::ChatEvent;
    let mut r = router.send(conv, text).unwrap();
    let (mut said, mut card) = (String::new(), None);
    while let Some(ev) = r.events.recv().await {
        match ev {
            ChatEvent::Token { text } => said.push_str(&text),
            ChatEvent::Card { card: c } => card = Some(c),
            ChatEvent::Done { .. } => break,
            _ => {}
        }
    }
    (r.conversation_id, said, card)
}

#[tokio::test]
async fn the_router_answers_calendar_questions_and_writes_a_draft_on_yes_in_both_languages() {
    use switchboard_core::model::{DraftState, ToolCard};
    let s = ToolServers::start();
    let extra = format!("password_file = \"{}\"", s.get("RADICALE_PASSWORD_FILE"));
    let mut config = s.config("alice/work/", &extra);
    config.chat.language = switchboard_core::config::LangSetting::En;
    let router = router_for(config);

    // Decided by the rules (the backends here are dead ports): no model is needed.
    let (_, said, card) = reply(&router, None, "what's on my calendar today?").await;
    let Some(ToolCard::Events { events, .. }) = card else { panic!("no events card: {said}") };
    assert!(events.iter().any(|e| e.title == "창립기념일"), "{said} {events:?}");
    let (_, said, card) = reply(&router, None, "다음주 일정 알려줘").await;
    assert!(said.contains("일정"), "{said}");
    assert!(matches!(card, Some(ToolCard::Events { .. })), "{said}");

    let (conv, said, card) = reply(&router, None, "내일 오후 3시에 치과 예약 잡아줘").await;
    let Some(ToolCard::Draft { draft, state: DraftState::Pending }) = card else { panic!("no draft: {said}") };
    assert!(said.contains("추가할까요"), "{said}");
    let tomorrow = draft.start.date();
    let before = router.tools().calendars.events(tomorrow, tomorrow).await.events.len();
    let (_, said, card) = reply(&router, Some(conv), "네").await;
    assert!(matches!(card, Some(ToolCard::Draft { state: DraftState::Written, .. })), "{said}");
    let after = router.tools().calendars.events(tomorrow, tomorrow).await.events;
    assert_eq!(after.len(), before + 1, "{after:?}");
    assert!(after.iter().any(|e| e.start == draft.start && e.title == draft.title), "{after:?}");
}

/// A private session bus and an unlocked GNOME Keyring on it, in a scratch home; stopped when
/// dropped.
struct Keyring {
    home: tempfile::TempDir,
    bus: String,
    procs: Vec<std::process::Child>,
}

impl Keyring {
    fn start() -> Keyring {
        use std::io::{BufRead, Write};
        use std::process::{Command, Stdio};
        let home = tempfile::tempdir().unwrap();
        let runtime = home.path().join("run");
        std::fs::create_dir_all(&runtime).unwrap();
        std::fs::set_permissions(&runtime, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-daemon (apt: dbus-daemon)");
        let mut address = String::new();
        std::io::BufReader::new(bus.stdout.take().unwrap()).read_line(&mut address).unwrap();
        let mut k = Keyring { home, bus: address.trim().to_string(), procs: vec![bus] };
        let mut daemon = k
            .command("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets", "--foreground"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon (apt: gnome-keyring)");
        // The new login keyring's password, then end of input.
        daemon.stdin.take().unwrap().write_all(b"unlock-password").unwrap();
        k.procs.push(daemon);
        k
    }

    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> std::process::Command {
        let mut c = std::process::Command::new(program);
        let h = self.home.path();
        c.env("DBUS_SESSION_BUS_ADDRESS", &self.bus)
            .env("HOME", h)
            .env("XDG_DATA_HOME", h.join("data"))
            .env("XDG_CONFIG_HOME", h.join("config"))
            .env("XDG_RUNTIME_DIR", h.join("run"));
        c
    }

    /// Whether the daemon owns the Secret Service's name on the private bus yet.
    fn owns_secrets(&self) -> bool {
        let out = self
            .command("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.secrets",
            ])
            .output();
        out.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
    }

    /// The CLI with `stdin`; (exit code, stdout + stderr).
    fn cli(&self, args: &[&str], stdin: &str) -> (i32, String) {
        use std::io::Write;
        let mut child = self
            .command(env!("CARGO_BIN_EXE_switchboard-cli"))
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.code().unwrap_or(-1), text)
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        for p in self.procs.iter_mut().rev() {
            let _ = p.kill();
            let _ = p.wait();
        }
    }
}

#[tokio::test]
async fn a_calendar_password_in_the_desktop_keyring_is_used_and_never_shown() {
    let s = ToolServers::start();
    let k = Keyring::start();
    let password = s.password();
    // The daemon takes a moment to own its bus name, and longer to set up its login keyring
    // on a loaded machine (a clean-clone run once saw "result not returned from SS API" for
    // 15 s): wait for the name, then retry the first store.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    while !k.owns_secrets() {
        assert!(tokio::time::Instant::now() < deadline, "gnome-keyring-daemon never owned org.freedesktop.secrets");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    loop {
        let (code, out) = k.cli(&["secret", "set", "work-cal"], &format!("{password}\n"));
        if code == 0 {
            assert!(!out.contains(&password), "{out}");
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "secret set never worked: {out}");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let config = s.dir.path().join("keyring.toml");
    let c = s.config("alice/", "password_keyring = \"work-cal\"");
    assert!(matches!(
        &c.calendars[0].source,
        switchboard_core::config::CalendarSource::CalDav {
            password: Some(switchboard_core::config::PasswordSource::Keyring(_)),
            ..
        }
    ));
    let text = format!(
        "[assistant]\ntimezone = \"Europe/Berlin\"\n[[backend]]\nname = \"a\"\nrole = \"classifier\"\nurl = \"http://127.0.0.1:9\"\nmodel = \"m\"\n\
         [[backend]]\nname = \"b\"\nrole = \"reasoner\"\nurl = \"http://127.0.0.1:9\"\nmodel = \"m\"\n\
         [[calendar]]\nname = \"work\"\ncaldav = \"{}alice/\"\nuser = \"alice\"\npassword_keyring = \"work-cal\"\nca_file = \"{}\"\n",
        s.get("RADICALE_URL"),
        s.get("TOOLS_CA")
    );
    std::fs::write(&config, text).unwrap();
    let cfg = config.to_str().unwrap();
    let (code, out) =
        k.cli(&["--config", cfg, "tool", "calendar.search", "date_from=2026-12-01", "date_to=2026-12-04"], "");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("워크숍") && !out.contains(&password), "{out}");
    let (code, out) = k.cli(&["--config", cfg, "status"], "");
    assert!(out.contains("calendar work: ok"), "{code} {out}");
    // Deleted: the calendar says where the password should be.
    assert_eq!(k.cli(&["secret", "delete", "work-cal"], "").0, 0);
    let (code, out) = k.cli(&["--config", cfg, "tool", "calendar.today"], "");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("no keyring entry `work-cal`"), "{out}");
}

impl ToolServers {
    /// `[[mail]]` accounts: `work` over imaps://, `other` over imap:// + STARTTLS.
    fn mail_config(&self, password_file: &str) -> String {
        format!(
            "[[mail]]\nname = \"work\"\nimap = \"imaps://127.0.0.1:{}\"\nuser = \"alice\"\npassword_file = \"{password_file}\"\nca_file = \"{}\"\n\
             [[mail]]\nname = \"other\"\nimap = \"imap://127.0.0.1:{}\"\nuser = \"alice\"\npassword_file = \"{password_file}\"\nca_file = \"{}\"\n",
            self.get("IMAPS_PORT"),
            self.get("TOOLS_CA"),
            self.get("IMAP_PORT"),
            self.get("TOOLS_CA")
        )
    }

    /// A router (English, the backends dead ports: only the rules decide) over the mail
    /// account with its real password.
    fn mail_router(&self) -> switchboard_core::Router {
        let mut config = self.config("alice/", &self.mail_config(self.get("RADICALE_PASSWORD_FILE")));
        config.chat.language = switchboard_core::config::LangSetting::En;
        router_for(config)
    }

    /// Maildir files whose flags say seen.
    fn seen_files(&self) -> Vec<String> {
        let mut seen = Vec::new();
        for sub in ["cur", "new"] {
            for e in std::fs::read_dir(Path::new(self.get("MAILDIR")).join(sub)).unwrap().flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                if name.rsplit_once(":2,").is_some_and(|(_, flags)| flags.contains('S')) {
                    seen.push(name);
                }
            }
        }
        seen
    }
}

#[tokio::test]
async fn mail_is_searched_and_read_over_tls_and_starttls_and_never_marked_seen() {
    use switchboard_core::tools::Tools;
    let s = ToolServers::start_with_mails(2000);
    let c = s.config("alice/", &s.mail_config(s.get("RADICALE_PASSWORD_FILE")));
    let tools = Tools::new(&c, Clock::system());
    let subjects = |rows: &[switchboard_core::model::MailRow]| {
        rows.iter().map(|r| (r.id.clone(), r.subject.clone())).collect::<Vec<_>>()
    };

    let invoice = tools.mail.search("invoice", 7).await;
    assert!(invoice.unavailable.is_empty(), "{:?}", invoice.unavailable);
    // Both accounts see the same mailbox: once over TLS (plain ids), once over STARTTLS.
    let found = subjects(&invoice.mails);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|(_, subject)| subject == "Invoice March"), "{found:?}");
    assert!(found.iter().any(|(id, _)| id.starts_with("other:")) && found.iter().any(|(id, _)| !id.contains(':')));
    // Korean: subject, sender's name, a two-syllable word of the body.
    for q in ["계약", "김민수", "임대"] {
        let f = tools.mail.search(q, 7).await;
        assert!(f.mails.iter().any(|m| m.subject == "계약서 검토 요청"), "{q}: {:?}", subjects(&f.mails));
    }
    // Newest first, bounded, over 2,000 more mails.
    let started = tokio::time::Instant::now();
    let all = tools.mail.search("", 60).await;
    let took = started.elapsed();
    assert_eq!(all.mails.len(), switchboard_core::tools::mail::MAX_RESULTS);
    assert!(all.mails.windows(2).all(|w| w[0].date >= w[1].date));
    assert_eq!(all.mails[0].subject, "Calendar sync");
    let one = tools.mail.search("ref 1234", 60).await;
    assert!(one.mails.iter().all(|m| m.subject.starts_with("Update 1234")) && !one.mails.is_empty());
    println!("[mail] newest 20 of 2,005 mails in {took:?} (two accounts)");

    // Read: HTML as text (no script), an attachment listed and not opened.
    let html_id = invoice_id(&tools, "Quarterly report").await;
    let html = tools.mail.read(&html_id).await.unwrap();
    assert!(html.body.starts_with("Q3 report\nRevenue grew 12%."), "{}", html.body);
    assert!(!html.body.contains("alert") && !html.body.contains("<"), "{}", html.body);
    let trip = tools.mail.read(&format!("other:{}", invoice_id(&tools, "Photos from the trip").await)).await.unwrap();
    assert_eq!(trip.attachments.len(), 1);
    assert_eq!(
        (trip.attachments[0].name.as_str(), trip.attachments[0].mime.as_str()),
        ("itinerary.pdf", "application/pdf")
    );
    assert!(matches!(tools.mail.read("99999").await, Err(ToolError::NotFound(_))));
    // Nothing read was marked seen on the server.
    assert_eq!(s.seen_files(), Vec::<String>::new());

    // A wrong password: told plainly, without it.
    let wrong = s.dir.path().join("wrong");
    std::fs::write(&wrong, "nope-not-it").unwrap();
    let c = s.config("alice/", &s.mail_config(wrong.to_str().unwrap()));
    let bad = Tools::new(&c, Clock::system());
    let f = bad.mail.search("invoice", 7).await;
    assert_eq!(f.unavailable.len(), 2, "{:?}", f.unavailable);
    assert!(f.unavailable.iter().all(|u| u.contains("refused the user or password") && !u.contains("nope-not-it")));
}

/// The id (in the first account) of the newest mail with `subject`.
async fn invoice_id(tools: &switchboard_core::tools::Tools, subject: &str) -> String {
    let f = tools.mail.search(subject, 30).await;
    f.mails.iter().find(|m| m.subject == subject && !m.id.contains(':')).map(|m| m.id.clone()).unwrap()
}

#[tokio::test]
async fn a_mail_that_says_to_add_an_event_creates_nothing() {
    use switchboard_core::model::ToolCard;
    use switchboard_testkit::fake::{Fake, Reply};
    let s = ToolServers::start();
    let classifier = Fake::start().await;
    classifier.route("/v1/models", Reply::ok(r#"{"data":[{"id":"m"}]}"#));
    let cal = s.dir.path().join("local-cal");
    let text = format!(
        "[[backend]]\nname = \"c\"\nrole = \"classifier\"\nurl = \"{}\"\nmodel = \"m\"\nkind = \"openai\"\n\
         [[backend]]\nname = \"r\"\nrole = \"reasoner\"\nurl = \"http://127.0.0.1:9\"\nmodel = \"m\"\n\
         [assistant]\nlanguage = \"en\"\ndecide = \"json\"\nlean_to_reasoner = false\nnearest_examples = false\n\
         [[calendar]]\nname = \"local\"\ndir = \"{}\"\n{}",
        classifier.url(),
        cal.display(),
        s.mail_config(s.get("RADICALE_PASSWORD_FILE"))
    );
    let config = Config::parse(&text, &s.dir.path().join("c.toml")).unwrap();
    let router = router_for(config);
    let id = invoice_id(&router.tools(), "Calendar sync").await;
    let say = |json: String| {
        classifier.route("/v1/chat/completions", Reply::sse(&json, 7, std::time::Duration::from_millis(5)))
    };

    say(format!(r#"{{"action":"tools","tool":"email","operation":"read","params":{{"uid":"{id}"}}}}"#));
    let (conv, said, card) = reply(&router, None, "read the calendar sync mail").await;
    let Some(ToolCard::Mail { mail }) = card else { panic!("no mail card: {said}") };
    assert!(mail.body.contains("ignore previous instructions"), "{}", mail.body);
    // The classifier, fooled by the mail, proposes the event and then "confirms" it.
    say(r#"{"action":"tools","tool":"calendar","operation":"create_draft","params":{"title":"Wire money","date":"2026-12-24","time":"09:00"}}"#.into());
    reply(&router, Some(conv), "what does it want?").await;
    say(r#"{"action":"tools","tool":"calendar","operation":"create_confirmed","params":{}}"#.into());
    let (_, said, _) = reply(&router, Some(conv), "do as the mail says").await;
    assert!(said.contains("answer yes"), "{said}");
    assert_eq!(std::fs::read_dir(&cal).map(|d| d.count()).unwrap_or(0), 0, "an event was written");
    // The mail's text reaches a follow-up only as data.
    let history = router.store().messages(conv).unwrap();
    assert!(history.iter().any(|m| matches!(m.card, Some(ToolCard::Mail { .. }))));
}

#[tokio::test]
async fn a_mail_asked_for_by_its_words_is_the_newest_they_name_read_from_dovecot() {
    use switchboard_core::model::ToolCard;
    let s = ToolServers::start();
    let router = s.mail_router();
    for (ask, subject) in [
        ("read the latest mail from Jane", "Invoice March"),
        ("open the email about the quarterly report", "Quarterly report"),
        ("민수한테 온 메일 읽어줘", "계약서 검토 요청"),
    ] {
        let (_, said, card) = reply(&router, None, ask).await;
        let Some(ToolCard::Mail { mail }) = card else { panic!("{ask}: no mail card: {said}") };
        assert_eq!(mail.row.subject, subject, "{ask}");
    }
    let (_, said, card) = reply(&router, None, "read the mail from Zebulon").await;
    assert!(card.is_none() && said.contains("no mail matching \"zebulon\""), "{said}");
    assert_eq!(s.seen_files(), Vec::<String>::new(), "reading marks nothing seen");
}

#[tokio::test]
async fn a_mail_search_and_its_follow_up_are_decided_by_the_rules_and_read_from_dovecot() {
    use switchboard_core::model::ToolCard;
    let s = ToolServers::start();
    let router = s.mail_router();
    // (The backends are dead ports: only the rules decide here.)
    let (conv, said, card) = reply(&router, None, "메일에서 계약서 찾아줘").await;
    let Some(ToolCard::Mails { mails, .. }) = card else { panic!("no mails card: {said}") };
    assert!(mails.iter().any(|m| m.subject == "계약서 검토 요청"), "{said} {mails:?}");
    let (conv, said, card) = reply(&router, Some(conv), "did I get any mail from Jane this week?").await;
    let Some(ToolCard::Mails { mails, .. }) = card else { panic!("no mails card: {said}") };
    assert!(mails.iter().any(|m| m.subject == "Invoice March"), "{said} {mails:?}");
    // "open the first one": the id comes from the listed card, by the rules.
    let (_, said, card) = reply(&router, Some(conv), "open the first one").await;
    let Some(ToolCard::Mail { mail }) = card else { panic!("no mail card: {said}") };
    assert_eq!(mail.row.subject, mails[0].subject);
    assert!(!mail.body.is_empty());
    assert_eq!(s.seen_files(), Vec::<String>::new());
}

#[tokio::test]
async fn accounts_are_tried_from_their_forms_against_dovecot_and_radicale_and_a_test_writes_nothing() {
    use switchboard_core::model::{AccountForm, AccountKind, KeyChange};
    let s = ToolServers::start();
    let path = s.dir.path().join("config.toml");
    let store = s.dir.path().join("chat.sqlite3");
    let text = format!(
        "# Mine.\n[assistant]\ntimezone = \"Europe/Berlin\"\nstore = \"{}\"\n\
         [[backend]]\nname = \"a\"\nrole = \"classifier\"\nurl = \"http://127.0.0.1:9\"\nmodel = \"m\"\n\
         [[backend]]\nname = \"b\"\nrole = \"reasoner\"\nurl = \"http://127.0.0.1:9\"\nmodel = \"m\"\n\
         [[calendar]]\nname = \"work\"\ncaldav = \"{}alice/work/\"\nuser = \"alice\"\npassword_file = \"{}\"\nca_file = \"{}\"\n{}",
        store.display(),
        s.get("RADICALE_URL"),
        s.get("RADICALE_PASSWORD_FILE"),
        s.get("TOOLS_CA"),
        s.mail_config(s.get("RADICALE_PASSWORD_FILE"))
    );
    std::fs::write(&path, &text).unwrap();
    let engine = switchboard_core::Engine::start(Config::parse(&text, &path).unwrap()).unwrap();
    // The calendar as the settings view shows it, tried as it is: its password from the file.
    let view = engine.settings_view(&path, false, false);
    let work = view.accounts.iter().find(|a| a.name == "work").unwrap().clone();
    assert!(work.has_password && work.ca_file == s.get("TOOLS_CA"), "{work:?}");
    let tried = engine.test_account(&path, Some("work"), &work).await;
    assert!(tried.error.is_none() && tried.reached_ms.is_some(), "{tried:?}");
    // Today's all-day anniversary and the 15:00 dentist are in the next 7 days.
    assert!(tried.found.is_some_and(|n| n >= 2), "{tried:?}");
    // The mail account over STARTTLS, as shown: the special mails of the last days.
    let other = view.accounts.iter().find(|a| a.kind == AccountKind::Mail && a.name == "other").unwrap().clone();
    assert_eq!(other.location, format!("imap://127.0.0.1:{}", s.get("IMAP_PORT")));
    let tried = engine.test_account(&path, Some("other"), &other).await;
    assert!(tried.error.is_none() && tried.found == Some(5), "{tried:?}");
    // A new mail account over imaps:// with no password: told, then a wrong URL told too.
    let mut mail = AccountForm {
        kind: AccountKind::Mail,
        name: "home".into(),
        location: format!("imaps://127.0.0.1:{}", s.get("IMAPS_PORT")),
        user: "alice".into(),
        mailbox: String::new(),
        ca_file: s.get("TOOLS_CA").into(),
        files: false,
        has_password: false,
        password: KeyChange::Keep,
    };
    let tried = engine.test_account(&path, None, &mail).await;
    assert!(tried.error.as_deref().is_some_and(|e| e.contains("password")), "{tried:?}");
    mail.location = format!("imaps://127.0.0.1:{}", s.get("IMAP_PORT"));
    let tried = engine.test_account(&path, None, &mail).await;
    assert!(tried.error.is_some() && tried.reached_ms.is_none(), "{tried:?}");
    // Someone else's keyring entry is refused before anything is read from the keyring.
    mail.password = KeyChange::Keyring { entry: "api-key:b".into() };
    let tried = engine.test_account(&path, None, &mail).await;
    assert!(tried.error.as_deref().is_some_and(|e| e.contains("keyring entry")), "{tried:?}");
    // A test never writes.
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    engine.shutdown().await;
}
