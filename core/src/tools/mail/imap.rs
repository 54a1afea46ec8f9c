//! One IMAP account: TLS from the start (`imaps://`) or STARTTLS (`imap://`; a server that
//! does not offer it is refused: the password never travels in clear). The mailbox is opened
//! with `EXAMINE` (read only) and mail fetched with `BODY.PEEK`, so nothing is marked seen.
//! Every call is bounded in time; a mail is read only up to [`MAX_MAIL_BYTES`].

use std::time::Duration;

use async_imap::{Client, Session};
use chrono::{DateTime, Utc};
use futures_util::future::BoxFuture;
use futures_util::{FutureExt, TryStreamExt};
use mail_parser::{MessageParser, MimeHeaders};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::{MailProvider, MAX_RESULTS};
use crate::clock::Clock;
use crate::config::MailAccount;
use crate::model::{Attachment, MailRow, MailView};
use crate::tools::{password, tls, ToolError};

/// The TLS stream, cut off after [`MAX_SESSION_BYTES`] read: a server cannot make us buffer
/// more (`async-imap` itself would grow its buffer to 512 MiB).
type Tls = Capped<TlsStream<TcpStream>>;

/// The most bytes one session reads from the server (one mail at its bound, and headroom).
const MAX_SESSION_BYTES: u64 = MAX_MAIL_BYTES as u64 + 8 * 1024 * 1024;

/// A stream that fails once `left` bytes have been read from it.
#[derive(Debug)]
pub(super) struct Capped<S> {
    inner: S,
    left: u64,
}

impl<S: tokio::io::AsyncRead + Unpin> tokio::io::AsyncRead for Capped<S> {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let this = self.get_mut();
        if this.left == 0 {
            return std::task::Poll::Ready(Err(std::io::Error::other("the server sent more than a mail's bound")));
        }
        let before = buf.filled().len();
        let polled = std::pin::Pin::new(&mut this.inner).poll_read(cx, buf);
        if let std::task::Poll::Ready(Ok(())) = &polled {
            this.left = this.left.saturating_sub((buf.filled().len() - before) as u64);
        }
        polled
    }
}

impl<S: tokio::io::AsyncWrite + Unpin> tokio::io::AsyncWrite for Capped<S> {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        data: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.get_mut().inner).poll_write(cx, data)
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// The longest any one call may take (connect, log in, search or fetch, log out).
const TIMEOUT: Duration = Duration::from_secs(30);
/// The largest mail read.
const MAX_MAIL_BYTES: u32 = 25 * 1024 * 1024;
/// The most characters of a mail's text kept.
const MAX_BODY_CHARS: usize = 20_000;
/// The longest search text sent.
const MAX_QUERY_CHARS: usize = 100;

pub(super) struct Imap {
    account: MailAccount,
    connector: Result<tokio_rustls::TlsConnector, ToolError>,
    clock: Clock,
}

/// Text from a mail for the screen: no control characters but line breaks, at most `max` chars.
fn clean(s: &str, max: usize) -> String {
    s.chars().filter(|c| !c.is_control() || *c == '\n').take(max).collect::<String>().trim().to_string()
}

/// `s` as an IMAP quoted string.
fn quoted(s: &str) -> String {
    let inner: String = s
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_QUERY_CHARS)
        .flat_map(|c| match c {
            '"' | '\\' => vec!['\\', c],
            _ => vec![c],
        })
        .collect();
    format!("\"{inner}\"")
}

fn addresses(a: Option<&mail_parser::Address<'_>>) -> String {
    let Some(a) = a else { return String::new() };
    let list: Vec<String> = a
        .iter()
        .take(20)
        .map(|x| match (x.name(), x.address()) {
            (Some(n), Some(addr)) => format!("{n} <{addr}>"),
            (None, Some(addr)) => addr.to_string(),
            (Some(n), None) => n.to_string(),
            (None, None) => String::new(),
        })
        .filter(|s| !s.is_empty())
        .collect();
    clean(&list.join(", "), 400)
}

fn row(account: &str, uid: u32, msg: Option<&mail_parser::Message<'_>>, arrived: Option<DateTime<Utc>>) -> MailRow {
    let date = msg
        .and_then(|m| m.date())
        .and_then(|d| DateTime::<Utc>::from_timestamp(d.to_timestamp(), 0))
        .or(arrived)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    MailRow {
        account: account.to_string(),
        id: uid.to_string(),
        from: addresses(msg.and_then(|m| m.from())),
        subject: clean(msg.and_then(|m| m.subject()).unwrap_or("(no subject)"), 200),
        date,
    }
}

impl Imap {
    pub(super) fn new(account: &MailAccount, clock: Clock) -> Imap {
        Imap { account: account.clone(), connector: tls::connector(account.ca_file.as_deref()), clock }
    }

    fn shown(&self) -> String {
        format!("{}:{}", self.account.host, self.account.port)
    }

    fn lost(&self, e: impl std::fmt::Display) -> ToolError {
        ToolError::BadAnswer(format!("{} ({e})", self.shown()))
    }

    /// Connected, over TLS, logged in, the mailbox examined (read only).
    async fn session(&self) -> Result<Session<Tls>, ToolError> {
        let a = &self.account;
        let connector = self.connector.as_ref().map_err(Clone::clone)?;
        let tcp = tokio::time::timeout(Duration::from_secs(10), TcpStream::connect((a.host.as_str(), a.port)))
            .await
            .map_err(|_| ToolError::Unreachable(format!("{} (timed out)", self.shown())))?
            .map_err(|_| ToolError::Unreachable(format!("{} (cannot connect)", self.shown())))?;
        let tcp = if a.implicit_tls {
            tcp
        } else {
            // Before TLS: a greeting and one answer, a few hundred bytes.
            let mut plain = Client::new(Capped { inner: tcp, left: 64 * 1024 });
            plain.read_response().await.map_err(|e| self.lost(e))?;
            plain.run_command_and_check_ok("STARTTLS", None).await.map_err(|_| {
                ToolError::Unreachable(format!(
                    "{} offers no STARTTLS: the password is not sent in clear",
                    self.shown()
                ))
            })?;
            plain.into_inner().inner
        };
        let stream = Capped { inner: tls::wrap(connector, &a.host, tcp).await?, left: MAX_SESSION_BYTES };
        let mut client = Client::new(stream);
        if a.implicit_tls {
            client.read_response().await.map_err(|e| self.lost(e))?;
        }
        let secret = match &a.password {
            Some(source) => password::read_async(source).await?,
            None => return Err(ToolError::NoPassword(format!("mail account `{}` names no password", a.name))),
        };
        let mut session = client
            .login(&a.user, secret.expose())
            .await
            .map_err(|_| ToolError::Auth(format!("{} refused the user or password", self.shown())))?;
        session.examine(&a.mailbox).await.map_err(|e| self.lost(e))?;
        Ok(session)
    }

    /// `UID FETCH set items`, every answer collected.
    async fn fetch(
        &self,
        s: &mut Session<Tls>,
        set: &str,
        items: &str,
    ) -> Result<Vec<async_imap::types::Fetch>, ToolError> {
        s.uid_fetch(set, items).await.map_err(|e| self.lost(e))?.try_collect().await.map_err(|e| self.lost(e))
    }

    async fn search_in(&self, query: &str, days: u32) -> Result<Vec<MailRow>, ToolError> {
        let mut s = self.session().await?;
        let since = (self.clock.now() - chrono::Duration::days(i64::from(days))).format("%d-%b-%Y");
        let criteria = if query.is_empty() {
            format!("SINCE {since}")
        } else {
            let q = quoted(query);
            format!("CHARSET UTF-8 SINCE {since} OR FROM {q} OR SUBJECT {q} BODY {q}")
        };
        let found = s.uid_search(&criteria).await.map_err(|e| self.lost(e))?;
        // UIDs grow with arrival: the highest are the newest.
        let mut uids: Vec<u32> = found.into_iter().collect();
        uids.sort_unstable_by(|a, b| b.cmp(a));
        uids.truncate(MAX_RESULTS);
        let mut rows = Vec::new();
        if !uids.is_empty() {
            let set = uids.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
            let fetches = self.fetch(&mut s, &set, "(UID INTERNALDATE BODY.PEEK[HEADER])").await?;
            for f in &fetches {
                let Some(uid) = f.uid else { continue };
                let parsed = f.header().and_then(|h| MessageParser::default().parse_headers(h));
                let arrived = f.internal_date().map(|d| d.with_timezone(&Utc));
                rows.push(row(&self.account.name, uid, parsed.as_ref(), arrived));
            }
        }
        let _ = s.logout().await;
        rows.sort_by(|a, b| b.date.cmp(&a.date));
        Ok(rows)
    }

    async fn read_one(&self, uid: u32) -> Result<MailView, ToolError> {
        let mut s = self.session().await?;
        let size = self.fetch(&mut s, &uid.to_string(), "(UID RFC822.SIZE)").await?;
        let Some(bytes) = size.iter().find(|f| f.uid == Some(uid)).map(|f| f.size.unwrap_or(0)) else {
            let _ = s.logout().await;
            return Err(ToolError::NotFound(format!("no mail {uid} in {}", self.account.name)));
        };
        if bytes > MAX_MAIL_BYTES {
            let _ = s.logout().await;
            return Err(ToolError::BadAnswer(format!("mail {uid} is larger than {} MiB", MAX_MAIL_BYTES >> 20)));
        }
        let fetched = self.fetch(&mut s, &uid.to_string(), "(UID INTERNALDATE BODY.PEEK[])").await?;
        let _ = s.logout().await;
        let f =
            fetched.iter().find(|f| f.uid == Some(uid)).ok_or_else(|| ToolError::NotFound(format!("no mail {uid}")))?;
        let raw = f.body().unwrap_or_default();
        let msg = MessageParser::default().parse(raw);
        let arrived = f.internal_date().map(|d| d.with_timezone(&Utc));
        let m = msg.as_ref();
        // HTML-only mail: our own text conversion (block elements on their own lines).
        let html_only = m.is_some_and(|m| {
            !m.text_body.is_empty() && m.text_body.iter().all(|i| m.part(*i).is_some_and(|p| p.is_text_html()))
        });
        let text = match m {
            Some(m) if html_only => m.body_html(0).map(|h| crate::tools::html::to_text(&h)).unwrap_or_default(),
            Some(m) => m.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
            None => String::new(),
        };
        let truncated = text.chars().count() > MAX_BODY_CHARS;
        let attachments = m
            .map(|m| {
                m.attachments()
                    .take(100)
                    .map(|p| Attachment {
                        name: clean(p.attachment_name().unwrap_or("(unnamed)"), 200),
                        mime: p
                            .content_type()
                            .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("octet-stream")))
                            .map(|t| clean(&t, 100))
                            .unwrap_or_else(|| "application/octet-stream".into()),
                        bytes: p.len() as u64,
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(MailView {
            row: row(&self.account.name, uid, m, arrived),
            to: addresses(m.and_then(|m| m.to())),
            cc: addresses(m.and_then(|m| m.cc())),
            body: clean(&text, MAX_BODY_CHARS),
            truncated,
            attachments,
        })
    }

    async fn timed<T>(&self, work: impl std::future::Future<Output = Result<T, ToolError>>) -> Result<T, ToolError> {
        tokio::time::timeout(TIMEOUT, work)
            .await
            .unwrap_or_else(|_| Err(ToolError::Unreachable(format!("{} (timed out)", self.shown()))))
    }
}

impl MailProvider for Imap {
    fn name(&self) -> &str {
        &self.account.name
    }

    fn search<'a>(&'a self, query: &'a str, days: u32) -> BoxFuture<'a, Result<Vec<MailRow>, ToolError>> {
        self.timed(self.search_in(query, days)).boxed()
    }

    fn read(&self, uid: u32) -> BoxFuture<'_, Result<MailView, ToolError>> {
        self.timed(self.read_one(uid)).boxed()
    }

    fn probe(&self) -> BoxFuture<'_, Result<(), ToolError>> {
        self.timed(async move {
            let mut s = self.session().await?;
            let _ = s.logout().await;
            Ok(())
        })
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_server_cannot_send_more_than_the_bound() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut server, client) = tokio::io::duplex(64);
        let mut capped = Capped { inner: client, left: 10 };
        tokio::spawn(async move { server.write_all(&[b'x'; 40]).await });
        let mut buf = Vec::new();
        let err = capped.read_to_end(&mut buf).await;
        assert!(err.is_err() && buf.len() <= 64, "{err:?} {}", buf.len());
    }

    #[test]
    fn a_search_text_cannot_break_out_of_its_quotes() {
        assert_eq!(quoted("계약"), "\"계약\"");
        assert_eq!(quoted("a\" OR ALL \\"), "\"a\\\" OR ALL \\\\\"");
        assert_eq!(quoted("x\r\nA1 DELETE INBOX"), "\"xA1 DELETE INBOX\"");
        assert_eq!(quoted(&"y".repeat(500)).len(), MAX_QUERY_CHARS + 2);
    }
}
