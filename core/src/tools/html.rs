//! HTML (a mail, a document) as plain text, for reading (never rendered): scripts, styles and the head
//! dropped, block elements on their own lines, links as their text, the predefined and numeric
//! entities decoded. Bounded: at most [`MAX_HTML`] bytes are looked at.

/// The most HTML read.
const MAX_HTML: usize = 2 * 1024 * 1024;

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "tr",
    "table",
    "ul",
    "ol",
    "blockquote",
    "hr",
    "section",
    "article",
    "header",
    "footer",
    "pre",
    "title",
];
const HIDDEN: &[&str] = &["script", "style", "head", "template", "noscript"];

fn entity(name: &str) -> Option<char> {
    if let Some(n) = name.strip_prefix('#') {
        let code = match n.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => n.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| !c.is_control() || *c == '\n');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" | "#39" => '\'',
        "nbsp" => ' ',
        _ => return None,
    })
}

/// The text of `html`.
pub fn to_text(html: &str) -> String {
    let mut html = html;
    if html.len() > MAX_HTML {
        let mut cut = MAX_HTML;
        while !html.is_char_boundary(cut) {
            cut -= 1;
        }
        html = &html[..cut];
    }
    let mut out = String::new();
    let mut hidden: Option<String> = None;
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        if hidden.is_none() {
            push_text(&mut out, &rest[..lt]);
        }
        let after = &rest[lt + 1..];
        let Some(gt) = after.find('>') else {
            // An unterminated tag: the rest is not text.
            rest = "";
            break;
        };
        let tag = &after[..gt];
        rest = &after[gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match &hidden {
            Some(h) if closing && *h == name => hidden = None,
            Some(_) => {}
            None if !closing && HIDDEN.contains(&name.as_str()) && !tag.ends_with('/') => hidden = Some(name),
            None if BLOCKS.contains(&name.as_str()) && !out.ends_with('\n') && !out.is_empty() => out.push('\n'),
            None => {}
        }
    }
    if hidden.is_none() {
        push_text(&mut out, rest);
    }
    // Lines trimmed, runs of blank lines kept to one.
    let mut text = String::new();
    let mut blank = false;
    for line in out.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            blank = !text.is_empty();
            continue;
        }
        if blank {
            text.push('\n');
            blank = false;
        }
        text.push_str(&line);
        text.push('\n');
    }
    text.trim_end().to_string()
}

fn push_text(out: &mut String, raw: &str) {
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp].replace(['\r', '\n', '\t'], " "));
        let after = &rest[amp + 1..];
        match after.find(';').filter(|i| *i <= 10).and_then(|i| entity(&after[..i]).map(|c| (i, c))) {
            Some((i, c)) => {
                out.push(c);
                rest = &after[i + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(&rest.replace(['\r', '\n', '\t'], " "));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_lines_and_scripts_are_gone() {
        let html = "<html><head><title>t</title><style>p{}</style></head><body><h1>Q3 report</h1>\
                    <p>Revenue grew <b>12%</b> &amp; more&nbsp;&#8212; &#x263A;</p><script>alert('x')</script>\
                    <p><a href='https://evil.example/'>details</a><br>next</p></body></html>";
        assert_eq!(to_text(html), "Q3 report\nRevenue grew 12% & more — ☺\ndetails\nnext");
        assert_eq!(to_text("a &bogus; b < c"), "a &bogus; b");
        assert_eq!(to_text("<script>never closed"), "");
        assert!(to_text(&"<p>x".repeat(1_000_000)).len() <= MAX_HTML);
    }
}
