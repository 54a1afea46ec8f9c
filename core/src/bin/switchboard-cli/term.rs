//! Model and server text on a terminal: control sequences removed. A reply could otherwise
//! clear the screen, move the cursor over what was printed, retitle the terminal or set the
//! clipboard (OSC 52). When output is not a terminal (a pipe, a file), text passes unchanged.
//!
//! Removed: ESC sequences (CSI `ESC [ ... final`, OSC / DCS / SOS / PM / APC strings up to
//! BEL or `ESC \`, two-byte escapes), their 8-bit C1 forms, every other C0 and C1 control
//! but newline and tab (a carriage return could overwrite a line), DEL, and the bidirectional
//! overrides that make text read differently from what it is. Stateful, so a sequence split
//! across two streamed chunks is removed whole.

use std::io::IsTerminal;

#[derive(Debug, Default, Clone, Copy, PartialEq)]
enum State {
    #[default]
    Text,
    /// After ESC.
    Escape,
    /// Inside `ESC [` (or CSI), until a final byte.
    Csi,
    /// Inside a string (OSC, DCS, ...), until BEL or ST.
    Str,
    /// ESC inside a string: `\` ends it.
    StrEscape,
}

/// A filter for one stream of text (one per output).
#[derive(Debug, Default)]
pub struct Clean {
    state: State,
    /// Whether to filter at all (the stream is a terminal).
    on: bool,
}

impl Clean {
    pub fn new(on: bool) -> Self {
        Self { state: State::Text, on }
    }

    /// Whether it filters.
    pub fn on(&self) -> bool {
        self.on
    }

    /// For standard output: on when it is a terminal.
    pub fn stdout() -> Self {
        Self::new(std::io::stdout().is_terminal())
    }

    /// For standard error: on when it is a terminal.
    pub fn stderr() -> Self {
        Self::new(std::io::stderr().is_terminal())
    }

    /// `chunk` with every control sequence removed (what starts here and ends in a later
    /// chunk is removed there too).
    pub fn push(&mut self, chunk: &str) -> String {
        if !self.on {
            return chunk.to_string();
        }
        let mut out = String::with_capacity(chunk.len());
        for c in chunk.chars() {
            self.state = match (self.state, c) {
                (State::Text, '\u{1b}') => State::Escape,
                (State::Text, '\u{9b}') => State::Csi,
                (State::Text, '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}') => State::Str,
                (State::Text, c) => {
                    if shown(c) {
                        out.push(c);
                    }
                    State::Text
                }
                (State::Escape, '[') => State::Csi,
                (State::Escape, ']' | 'P' | 'X' | '^' | '_') => State::Str,
                (State::Escape, _) => State::Text, // a two-byte escape: both gone
                (State::Csi, c) if ('\u{40}'..='\u{7e}').contains(&c) => State::Text,
                (State::Csi, _) => State::Csi,
                (State::Str, '\u{7}' | '\u{9c}') => State::Text,
                (State::Str, '\u{1b}') => State::StrEscape,
                (State::Str, _) => State::Str,
                (State::StrEscape, '\\') => State::Text,
                (State::StrEscape, _) => State::Str,
            };
        }
        out
    }

    /// One whole text, cleaned, from a fresh state.
    pub fn text(on: bool, text: &str) -> String {
        Self::new(on).push(text)
    }
}

/// Whether `c` may reach the terminal as text.
fn shown(c: char) -> bool {
    match c {
        '\n' | '\t' => true,
        c if c.is_control() => false, // C0, DEL, C1
        // Bidirectional embeddings, overrides and isolates.
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => false,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_sequences_are_removed_whole_even_split_across_chunks() {
        let cases = [
            ("plain 한국어 text\n\tindented", "plain 한국어 text\n\tindented"),
            ("\u{1b}[2J\u{1b}[Hcleared", "cleared"),
            ("a\u{1b}[31;1mred\u{1b}[0m b", "ared b"),
            ("\u{1b}]52;c;c2VjcmV0\u{7}clip", "clip"),
            ("\u{1b}]0;title\u{1b}\\after", "after"),
            ("\u{9b}2Jc1 csi", "c1 csi"),
            ("line\roverwrite", "lineoverwrite"),
            ("bell\u{7} nul\u{0} del\u{7f}", "bell nul del"),
            ("\u{202e}txt.exe", "txt.exe"),
            ("\u{1b}Mreverse", "reverse"),
            ("\u{1b}P1$qm\u{1b}\\dcs", "dcs"),
        ];
        for (input, want) in cases {
            assert_eq!(Clean::text(true, input), want, "{input:?}");
            // Split at every character boundary: the same result.
            let bounds: Vec<usize> = input.char_indices().map(|(i, _)| i).chain([input.len()]).collect();
            for &at in &bounds {
                let mut c = Clean::new(true);
                let got = c.push(&input[..at]) + &c.push(&input[at..]);
                assert_eq!(got, want, "{input:?} split at {at}");
            }
        }
        assert_eq!(Clean::text(false, "\u{1b}[2J"), "\u{1b}[2J", "not a terminal: unchanged");
    }
}
