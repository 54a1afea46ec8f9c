//! What the rules read of a message and of the turns before it: all of a message up to
//! [`LONGEST`] characters; of a longer one (a paste with a request before or after it), its
//! head and its tail, where what is asked of the paste is said. Every rule scans the text
//! again and again, so a message of megabytes would hold the task (and a runtime worker) for
//! seconds; bounded, the rules take the same time whatever was pasted.

use std::borrow::Cow;

use super::Turn;

/// Longest text the rules read whole, in characters. The longest message of the 21 labelled
/// sets is 435; a pasted mail or a stack trace with its question fits.
pub const LONGEST: usize = 8_000;

/// `text`, or its first and last `LONGEST / 2` characters with a line between.
pub fn text(text: &str) -> Cow<'_, str> {
    let half = LONGEST / 2;
    let Some((head_end, _)) = text.char_indices().nth(half) else { return Cow::Borrowed(text) };
    let Some((tail_start, _)) = text.char_indices().rev().nth(half - 1) else { return Cow::Borrowed(text) };
    if tail_start <= head_end {
        return Cow::Borrowed(text);
    }
    Cow::Owned(format!("{}\n…\n{}", &text[..head_end], &text[tail_start..]))
}

/// `history` with each turn's text bounded as [`text`] bounds it.
pub fn turns(history: &[Turn]) -> Cow<'_, [Turn]> {
    if history.iter().all(|turn| matches!(text(&turn.text), Cow::Borrowed(_))) {
        return Cow::Borrowed(history);
    }
    Cow::Owned(history.iter().map(|turn| Turn { user: turn.user, text: text(&turn.text).into_owned() }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_text_is_read_by_its_head_and_tail() {
        let short = "가".repeat(LONGEST);
        assert!(matches!(text(&short), Cow::Borrowed(_)), "up to LONGEST, whole");
        let long = format!("summarise this:\n{}\nthanks", "가".repeat(1 << 20));
        let read = text(&long);
        assert!(read.starts_with("summarise this:\n"));
        assert!(read.ends_with("\nthanks"));
        assert_eq!(read.chars().count(), LONGEST + 3, "both halves and the line between");
        let one_over = "x".repeat(LONGEST + 1);
        assert_eq!(text(&one_over).chars().count(), LONGEST + 3);
    }

    #[test]
    fn a_long_paste_is_decided_by_what_is_asked_of_it_and_routed_whole() {
        use super::super::{decide, Decision, Lang};
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let paste = "fn main() { let x = vec![1, 2, 3]; println!(\"{}\", x[7]); }\n".repeat(50_000);
        let asked = format!("{paste}\nwhy does this panic with index out of bounds? how do I fix it?");
        match decide(&asked, today, &[], Lang::En, true) {
            Some(Decision::Route { prompt }) => assert_eq!(prompt, asked, "the reasoner gets all of it"),
            other => panic!("a pasted program with its question: {other:?}"),
        }
        let mail =
            format!("please forward this mail to my boss\n\n{}", "Dear Bob, the numbers are in. ".repeat(40_000));
        assert!(matches!(
            decide(&mail, today, &[], Lang::En, true),
            Some(Decision::Tools { tool, operation, .. }) if tool == "email" && operation == "send"
        ));
    }

    #[test]
    fn turns_are_bounded_and_kept_in_order() {
        let history =
            vec![Turn { user: true, text: "y".repeat(LONGEST * 3) }, Turn { user: false, text: "short".into() }];
        let read = turns(&history);
        assert!(matches!(read, Cow::Owned(_)));
        assert_eq!(read[0].text.chars().count(), LONGEST + 3);
        assert!(read[0].user && !read[1].user);
        assert_eq!(read[1].text, "short");
        let short = vec![Turn { user: true, text: "hi".into() }];
        assert!(matches!(turns(&short), Cow::Borrowed(_)));
    }
}
