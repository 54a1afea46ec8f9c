//! Server-sent events, read from untrusted bytes with bounded memory: lines end with `\n`,
//! `\r\n` or `\r`; `data:` lines accumulate until a blank line ends the event; other fields and
//! comments are ignored. A line (or an event's data) longer than the cap is an error, never a
//! buffer that grows until the process dies. Bytes are decoded per complete line, so a
//! character split across network chunks arrives whole.

/// Longest line, and longest event data, accepted (a few MiB: the longest chunk a real
/// server sends is a few KiB).
pub const MAX_LINE: usize = 4 * 1024 * 1024;

/// The decoder's state between chunks.
#[derive(Debug, Default)]
pub struct Decoder {
    /// The current line, not yet ended.
    line: Vec<u8>,
    /// The current event's data lines, joined by `\n`.
    data: Option<String>,
    /// The last byte was `\r` (a following `\n` belongs to the same line end).
    after_cr: bool,
}

/// A line or an event longer than [`MAX_LINE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLong;

impl Decoder {
    /// Feeds `bytes`; returns the data of every event they complete.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<String>, TooLong> {
        let mut out = Vec::new();
        let mut rest = bytes;
        while !rest.is_empty() {
            if self.after_cr && rest[0] == b'\n' {
                rest = &rest[1..];
                self.after_cr = false;
                continue;
            }
            self.after_cr = false;
            match rest.iter().position(|b| *b == b'\n' || *b == b'\r') {
                Some(i) => {
                    self.extend(&rest[..i])?;
                    self.after_cr = rest[i] == b'\r';
                    rest = &rest[i + 1..];
                    let line = std::mem::take(&mut self.line);
                    if let Some(data) = self.line_done(&line)? {
                        out.push(data);
                    }
                }
                None => {
                    self.extend(rest)?;
                    rest = &[];
                }
            }
        }
        Ok(out)
    }

    /// The end of the stream: an event whose blank line never came is still delivered.
    pub fn finish(&mut self) -> Option<String> {
        let line = std::mem::take(&mut self.line);
        if !line.is_empty() {
            // A last line without its end: take it as a line (errors cannot happen: it fit).
            let _fits = self.line_done(&line);
        }
        self.data.take()
    }

    fn extend(&mut self, bytes: &[u8]) -> Result<(), TooLong> {
        if self.line.len() + bytes.len() > MAX_LINE {
            return Err(TooLong);
        }
        self.line.extend_from_slice(bytes);
        Ok(())
    }

    fn line_done(&mut self, line: &[u8]) -> Result<Option<String>, TooLong> {
        if line.is_empty() {
            return Ok(self.data.take());
        }
        let text = String::from_utf8_lossy(line);
        let (field, value) = match text.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (text.as_ref(), ""),
        };
        if field == "data" {
            let data = self.data.get_or_insert_with(String::new);
            if data.len() + value.len() + 1 > MAX_LINE {
                return Err(TooLong);
            }
            if !data.is_empty() {
                data.push('\n');
            }
            data.push_str(value);
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(chunks: &[&[u8]]) -> Vec<String> {
        let mut d = Decoder::default();
        let mut out: Vec<String> = chunks.iter().flat_map(|c| d.push(c).unwrap()).collect();
        out.extend(d.finish());
        out
    }

    #[test]
    fn events_across_chunks_and_line_ends() {
        assert_eq!(all(&[b"data: a\n\ndata: b\r\n\r\n", b"data: c\r\rdata: d"]), ["a", "b", "c", "d"]);
        assert_eq!(all(&[b"data: one\ndata: two\n\n"]), ["one\ntwo"]);
        assert_eq!(all(&[b": comment\nevent: x\nid: 3\ndata:x\n\n"]), ["x"]);
        assert_eq!(all(&[b"data: a\r", b"\ndata: b\n\n"]), ["a\nb"], "a \\r\\n split across chunks is one line end");
    }

    #[test]
    fn a_character_split_at_every_offset_arrives_whole() {
        let text = "data: {\"t\":\"안녕하세요 🙂\"}\n\n".as_bytes();
        for cut in 0..text.len() {
            assert_eq!(all(&[&text[..cut], &text[cut..]]), ["{\"t\":\"안녕하세요 🙂\"}"], "cut at {cut}");
        }
    }

    #[test]
    fn a_line_without_end_is_cut_off_at_the_cap() {
        let mut d = Decoder::default();
        let chunk = vec![b'x'; 64 * 1024];
        let mut fed = 0;
        let err = loop {
            match d.push(&chunk) {
                Ok(_) => fed += chunk.len(),
                Err(e) => break e,
            }
            assert!(fed <= MAX_LINE, "the decoder kept {fed} bytes");
        };
        assert_eq!(err, TooLong);
    }
}
