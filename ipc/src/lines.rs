//! Reading the wire's lines with a bound: a peer that sends a line with no end cannot grow
//! our memory past [`MAX_CALL_LINE`] / [`MAX_PUSH_LINE`].

use std::io;

use tokio::io::{AsyncBufRead, AsyncBufReadExt};

/// The longest request line the engine reads (a message of a few MiB fits).
pub const MAX_CALL_LINE: usize = 4 << 20;
/// The longest line the window reads from the engine (a long conversation's messages).
pub const MAX_PUSH_LINE: usize = 32 << 20;

/// Lines of at most `max` bytes, as UTF-8 text. Cancel safe: what was read of a line is kept
/// in `self` until the line ends.
#[derive(Debug)]
pub struct LineReader<R> {
    inner: R,
    buf: Vec<u8>,
    max: usize,
}

impl<R: AsyncBufRead + Unpin> LineReader<R> {
    pub fn new(inner: R, max: usize) -> Self {
        Self { inner, buf: Vec::new(), max }
    }

    /// The next line without its newline; `None` at the end of the stream (a last line with
    /// no newline is dropped: the peer went away in the middle of it). An error for a line
    /// over the bound or not UTF-8; the stream is then not to be read further.
    pub async fn next_line(&mut self) -> io::Result<Option<String>> {
        loop {
            let chunk = self.inner.fill_buf().await?;
            if chunk.is_empty() {
                return Ok(None);
            }
            let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (i, true),
                None => (chunk.len(), false),
            };
            if self.buf.len() + take > self.max {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("a line longer than {} bytes", self.max),
                ));
            }
            self.buf.extend_from_slice(&chunk[..take]);
            self.inner.consume(if done { take + 1 } else { take });
            if done {
                let line = std::mem::take(&mut self.buf);
                return String::from_utf8(line)
                    .map(Some)
                    .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "a line that is not UTF-8"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn lines_are_bounded_and_split_anywhere() {
        let data: &[u8] = b"{\"a\":1}\n\xed\x95\x9c\n\n";
        let mut r = LineReader::new(tokio::io::BufReader::with_capacity(1, data), 16);
        assert_eq!(r.next_line().await.unwrap().as_deref(), Some("{\"a\":1}"));
        assert_eq!(r.next_line().await.unwrap().as_deref(), Some("한"), "a character split across reads");
        assert_eq!(r.next_line().await.unwrap().as_deref(), Some(""));
        assert_eq!(r.next_line().await.unwrap(), None);

        let long = [b'x'; 100];
        let mut r = LineReader::new(&long[..], 16);
        assert_eq!(r.next_line().await.unwrap_err().kind(), io::ErrorKind::InvalidData);
        let mut r = LineReader::new(&b"\xff\xfe\n"[..], 16);
        assert!(r.next_line().await.unwrap_err().to_string().contains("UTF-8"));
        let mut r = LineReader::new(&b"no newline"[..], 16);
        assert_eq!(r.next_line().await.unwrap(), None);
    }
}
