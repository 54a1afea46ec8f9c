//! Model output to HTML: markdown rendered by pulldown-cmark, then sanitised by ammonia, so
//! nothing a model writes can run: no scripts, no event handlers, no `javascript:` links, no
//! raw HTML beyond a safe list, no relative links; links open nothing by themselves (the window
//! refuses to navigate, see [`crate::links`]).

use std::collections::HashSet;

use pulldown_cmark::{html, Options, Parser};

/// Renders untrusted markdown to safe HTML.
pub fn render(text: &str) -> String {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let mut raw = String::with_capacity(text.len() * 2);
    html::push_html(&mut raw, Parser::new_ext(text, opts));
    ammonia::Builder::default()
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer"))
        // No relative or scheme-relative (`//host/x`) links: only absolute ones, whose real
        // target the window can show before opening it.
        .url_relative(ammonia::UrlRelative::Deny)
        .add_allowed_classes(
            "code",
            ["language-rust", "language-python", "language-js", "language-sh", "language-json"],
        )
        .clean(&raw)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn markdown_renders() {
        let h = render("**bold** and `code`\n\n```rust\nfn main() {}\n```\n\n- a\n- b");
        assert!(h.contains("<strong>bold</strong>"), "{h}");
        assert!(h.contains("<pre><code class=\"language-rust\">fn main() {}"), "{h}");
        assert!(h.contains("<li>a</li>"), "{h}");
    }

    #[test]
    fn model_output_never_executes() {
        let attacks = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<svg onload=alert(1)><circle/></svg>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
            "<form action=https://evil.example><input name=p></form>",
            "![x](javascript:alert(1))",
            "<a href=\"data:text/html,<script>alert(1)</script>\">d</a>",
        ];
        for a in attacks {
            let h = render(a).to_lowercase();
            for bad in [
                "<script",
                "onerror",
                "onload",
                "javascript:",
                "<iframe",
                "<svg",
                "style=",
                "<form",
                "<input",
                "data:text",
            ] {
                assert!(!h.contains(bad), "{a:?} rendered as {h:?}");
            }
        }
        let h = render("[ok](https://example.com)");
        assert!(h.contains("href=\"https://example.com\"") && h.contains("rel=\"noopener noreferrer\""), "{h}");
        for relative in ["[a](//evil.example/x)", "[b](/etc/passwd)", "[c](../x)", "<a href=\"//evil.example\">d</a>"] {
            let h = render(relative);
            assert!(!h.contains("href"), "{relative:?} rendered as {h:?}");
        }
        // Raw HTML text stays visible as text where it is not allowed.
        assert!(render("a < b > c").contains("a &lt; b &gt; c"));
    }
}
