//! A CalDAV account (RFC 4791) over `reqwest`: the calendars found from the configured URL (a
//! calendar collection, or an account root: its principal's calendar home), events by
//! `calendar-query` with a time range, new events by `PUT` with `If-None-Match: *`.
//!
//! The server is untrusted: every body is read to a bound, the XML is parsed without entity
//! expansion beyond the five predefined ones, and errors shown to the user carry the URL
//! without credentials and never the password.

use std::path::Path;
use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::{FutureExt, StreamExt};
use reqwest::{Method, StatusCode, Url};
use tokio::sync::Mutex;

use super::ics::Range;
use super::CalendarProvider;
use crate::config::PasswordSource;
use crate::secret::redact_url;
use crate::tools::{password, ToolError};

/// The largest response read (a year of events with their text).
const MAX_BODY: usize = 32 * 1024 * 1024;
/// The most calendars one account contributes.
const MAX_CALENDARS: usize = 50;
const TIMEOUT: Duration = Duration::from_secs(20);

pub(super) struct CalDav {
    name: String,
    url: Url,
    user: Option<String>,
    password: Option<PasswordSource>,
    /// The client, or why it could not be made (a bad CA file), reported on use.
    http: Result<reqwest::Client, String>,
    /// The calendar collections, found on first use.
    collections: Mutex<Option<Vec<Url>>>,
}

mod xml;

impl CalDav {
    pub(super) fn new(
        name: &str,
        url: &Url,
        user: Option<String>,
        password: Option<PasswordSource>,
        ca_file: Option<&Path>,
    ) -> CalDav {
        CalDav {
            name: name.to_string(),
            url: url.clone(),
            user,
            password,
            http: client(ca_file),
            collections: Mutex::new(None),
        }
    }

    fn shown(&self, url: &Url) -> String {
        redact_url(url)
    }

    async fn request(
        &self,
        method: Method,
        url: &Url,
        depth: Option<&str>,
        body: String,
    ) -> Result<(StatusCode, String), ToolError> {
        let http = self.http.as_ref().map_err(|e| ToolError::Config(e.clone()))?;
        let mut req = http.request(method, url.clone()).header("Content-Type", "application/xml; charset=utf-8");
        if let Some(d) = depth {
            req = req.header("Depth", d);
        }
        req = self.auth(req).await?;
        let resp = req.body(body).send().await.map_err(|e| self.unreachable(url, &e))?;
        read(self, url, resp).await
    }

    async fn auth(&self, req: reqwest::RequestBuilder) -> Result<reqwest::RequestBuilder, ToolError> {
        Ok(match (&self.user, &self.password) {
            (Some(user), Some(source)) => {
                let secret = password::read_async(source).await?;
                req.basic_auth(user, Some(secret.expose()))
            }
            (Some(user), None) => req.basic_auth(user, None::<&str>),
            _ => req,
        })
    }

    fn unreachable(&self, url: &Url, e: &reqwest::Error) -> ToolError {
        // reqwest's message can carry the URL: only its kind is kept.
        let why = if e.is_timeout() {
            "timed out"
        } else if e.is_connect() {
            "cannot connect"
        } else {
            "request failed"
        };
        ToolError::Unreachable(format!("{} ({why})", self.shown(url)))
    }

    async fn propfind(&self, url: &Url, depth: &str, props: &str) -> Result<Vec<xml::Response>, ToolError> {
        let body = format!(
            r#"<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop>{props}</d:prop></d:propfind>"#
        );
        let method = Method::from_bytes(b"PROPFIND").map_err(|e| ToolError::Config(e.to_string()))?;
        let (status, text) = self.request(method, url, Some(depth), body).await?;
        if status != StatusCode::MULTI_STATUS {
            return Err(self.status_error(url, status));
        }
        xml::multistatus(&text).map_err(|e| ToolError::BadAnswer(format!("{}: {e}", self.shown(url))))
    }

    fn status_error(&self, url: &Url, status: StatusCode) -> ToolError {
        match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
                ToolError::Auth(format!("{} refused the user or password ({status})", self.shown(url)))
            }
            _ => ToolError::BadAnswer(format!("{} answered {status}", self.shown(url))),
        }
    }

    /// Calendar collections under `url` (itself, or its children).
    async fn calendars_at(&self, url: &Url) -> Result<Vec<Url>, ToolError> {
        let found = self.propfind(url, "1", "<d:resourcetype/>").await?;
        let mut out: Vec<Url> = Vec::new();
        for r in found {
            if r.has("calendar") {
                if let Ok(u) = url.join(&r.href) {
                    if u.host_str() == url.host_str() && !out.contains(&u) {
                        out.push(u);
                    }
                }
            }
        }
        // A collection asked at depth 1 lists itself first: when it is a calendar, it alone.
        if out.first() == Some(url) {
            out.truncate(1);
        }
        // In a stable order: new events go to the first.
        out.sort();
        out.truncate(MAX_CALENDARS);
        Ok(out)
    }

    /// The calendar collections, from the configured URL: a calendar, a calendar home, or a
    /// root whose `current-user-principal` leads to one.
    async fn collections(&self) -> Result<Vec<Url>, ToolError> {
        let mut known = self.collections.lock().await;
        if let Some(c) = known.as_ref() {
            return Ok(c.clone());
        }
        let mut found = self.calendars_at(&self.url).await?;
        if found.is_empty() {
            let principal = self.propfind(&self.url, "0", "<d:current-user-principal/>").await?;
            let href = principal.iter().find_map(|r| r.text("current-user-principal/href"));
            if let Some(p) = href.and_then(|h| self.url.join(h).ok()) {
                let home = self.propfind(&p, "0", "<c:calendar-home-set/>").await?;
                let home_href = home.iter().find_map(|r| r.text("calendar-home-set/href"));
                if let Some(h) = home_href.and_then(|h| p.join(h).ok()) {
                    found = self.calendars_at(&h).await?;
                }
            }
        }
        if found.is_empty() {
            return Err(ToolError::BadAnswer(format!("{} has no calendar", self.shown(&self.url))));
        }
        *known = Some(found.clone());
        Ok(found)
    }

    async fn query(&self, collection: &Url, range: &Range) -> Result<Vec<String>, ToolError> {
        // Widened by a day each side: the server compares in UTC, we expand in the user's zone.
        let fmt = |d: chrono::NaiveDate| d.format("%Y%m%dT000000Z").to_string();
        let start = fmt(range.from - chrono::Duration::days(1));
        let end = fmt(range.to + chrono::Duration::days(2));
        let body = format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">
<d:prop><c:calendar-data/></d:prop>
<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT"><c:time-range start="{start}" end="{end}"/></c:comp-filter></c:comp-filter></c:filter>
</c:calendar-query>"#
        );
        let method = Method::from_bytes(b"REPORT").map_err(|e| ToolError::Config(e.to_string()))?;
        let (status, text) = self.request(method, collection, Some("1"), body).await?;
        if status != StatusCode::MULTI_STATUS {
            return Err(self.status_error(collection, status));
        }
        let found =
            xml::multistatus(&text).map_err(|e| ToolError::BadAnswer(format!("{}: {e}", self.shown(collection))))?;
        Ok(found.into_iter().filter_map(|r| r.text("calendar-data").map(str::to_string)).collect())
    }
}

fn client(ca_file: Option<&Path>) -> Result<reqwest::Client, String> {
    let mut b = reqwest::Client::builder().timeout(TIMEOUT).connect_timeout(Duration::from_secs(5));
    if let Some(path) = ca_file {
        let pem = std::fs::read(path).map_err(|e| format!("ca_file {}: {e}", path.display()))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| format!("ca_file {}: not a PEM certificate ({e})", path.display()))?;
        b = b.tls_certs_merge(certs);
    }
    b.build().map_err(|e| format!("cannot set up HTTPS: {e}"))
}

/// The status and body (bounded) of an answer.
async fn read(dav: &CalDav, url: &Url, resp: reqwest::Response) -> Result<(StatusCode, String), ToolError> {
    let status = resp.status();
    let mut body = Vec::new();
    let mut stream = resp.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| dav.unreachable(url, &e))?;
        if body.len() + chunk.len() > MAX_BODY {
            return Err(ToolError::BadAnswer(format!("{}: answer larger than {} MiB", dav.shown(url), MAX_BODY >> 20)));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

impl CalendarProvider for CalDav {
    fn name(&self) -> &str {
        &self.name
    }

    fn writable(&self) -> bool {
        true
    }

    fn resources<'a>(&'a self, range: &'a Range) -> BoxFuture<'a, Result<Vec<String>, ToolError>> {
        async move {
            let collections = match self.collections().await {
                Ok(c) => c,
                Err(e) => return Err(e),
            };
            let mut out = Vec::new();
            for c in &collections {
                match self.query(c, range).await {
                    Ok(r) => out.extend(r),
                    Err(e) => {
                        // A collection that went away: look again next time.
                        *self.collections.lock().await = None;
                        return Err(e);
                    }
                }
            }
            Ok(out)
        }
        .boxed()
    }

    fn create<'a>(&'a self, uid: &'a str, ics: &'a str) -> BoxFuture<'a, Result<(), ToolError>> {
        async move {
            let collections = self.collections().await?;
            let collection = collections.first().ok_or_else(|| ToolError::NoCalendar(self.name.clone()))?;
            let file: String =
                uid.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')).collect();
            let url = collection.join(&format!("{file}.ics")).map_err(|e| ToolError::Config(e.to_string()))?;
            let http = self.http.as_ref().map_err(|e| ToolError::Config(e.clone()))?;
            let req = http
                .put(url.clone())
                .header("Content-Type", "text/calendar; charset=utf-8")
                .header("If-None-Match", "*")
                .body(ics.to_string());
            let resp = self.auth(req).await?.send().await.map_err(|e| self.unreachable(&url, &e))?;
            let (status, _) = read(self, &url, resp).await?;
            match status {
                s if s.is_success() => Ok(()),
                StatusCode::PRECONDITION_FAILED => Err(ToolError::Exists),
                s => Err(self.status_error(&url, s)),
            }
        }
        .boxed()
    }

    fn probe(&self) -> BoxFuture<'_, Result<(), ToolError>> {
        async move { self.propfind(&self.url, "0", "<d:resourcetype/>").await.map(|_| ()) }.boxed()
    }
}
