//! A WebDAV `multistatus` answer, read as untrusted: namespaces ignored (local names only),
//! the five predefined entities and character references resolved, nothing else expanded,
//! bounded in depth and count.

use quick_xml::events::Event;
use quick_xml::Reader;

/// The most `response` elements read.
const MAX_RESPONSES: usize = 20_000;
/// The deepest nesting followed.
const MAX_DEPTH: usize = 32;

/// One `response`: its `href`, the elements it holds and their texts, by path below it
/// (`propstat/prop/calendar-data`).
#[derive(Debug, Default)]
pub struct Response {
    pub href: String,
    elements: Vec<String>,
    texts: Vec<(String, String)>,
}

impl Response {
    /// Whether an element named `name` (a local name: `calendar`) is in it.
    pub fn has(&self, name: &str) -> bool {
        self.elements.iter().any(|e| e == name)
    }

    /// The text of the element whose path ends with `suffix` (`current-user-principal/href`).
    pub fn text(&self, suffix: &str) -> Option<&str> {
        self.texts
            .iter()
            .find(|(path, _)| path == suffix || path.ends_with(&format!("/{suffix}")))
            .map(|(_, t)| t.as_str())
    }
}

fn entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => return None,
    })
}

/// The responses of a `multistatus` body.
pub fn multistatus(text: &str) -> Result<Vec<Response>, String> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<String> = Vec::new();
    let mut out: Vec<Response> = Vec::new();
    let mut current: Option<Response> = None;
    let mut buf = String::new();
    loop {
        let ev = reader.read_event().map_err(|e| format!("not XML ({e})"))?;
        match ev {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if stack.len() >= MAX_DEPTH {
                    return Err("XML nested too deep".into());
                }
                if name == "response" && current.is_none() {
                    if out.len() >= MAX_RESPONSES {
                        break;
                    }
                    current = Some(Response::default());
                } else if let Some(r) = current.as_mut() {
                    r.elements.push(name.clone());
                }
                stack.push(name);
                buf.clear();
            }
            Event::Empty(e) => {
                if let Some(r) = current.as_mut() {
                    r.elements.push(String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
                }
            }
            Event::Text(t) => buf.push_str(&t.decode().map_err(|e| e.to_string())?),
            Event::CData(t) => buf.push_str(&t.decode().map_err(|e| e.to_string())?),
            Event::GeneralRef(r) => {
                if r.is_char_ref() {
                    if let Ok(Some(c)) = r.resolve_char_ref() {
                        buf.push(c);
                    }
                } else if let Some(c) = entity(&r.decode().map_err(|e| e.to_string())?) {
                    buf.push(c);
                }
            }
            Event::End(_) => {
                let name = stack.pop().unwrap_or_default();
                if let Some(r) = current.as_mut() {
                    if name == "response" {
                        out.extend(current.take());
                    } else {
                        let start = stack.iter().rposition(|s| s == "response").map_or(0, |i| i + 1);
                        let mut path: Vec<&str> = stack[start..].iter().map(String::as_str).collect();
                        path.push(&name);
                        let text = std::mem::take(&mut buf);
                        if name == "href" && path.len() == 1 {
                            r.href = text.trim().to_string();
                        } else if !text.trim().is_empty() {
                            r.texts.push((path.join("/"), text));
                        }
                    }
                }
                buf.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hrefs_types_and_calendar_data() {
        let body = r#"<?xml version="1.0"?>
<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
 <response><href>/alice/</href><propstat><prop><resourcetype><collection/></resourcetype>
   <current-user-principal><href>/alice/</href></current-user-principal></prop></propstat></response>
 <response><href>/alice/work/</href><propstat><prop><resourcetype><collection/><C:calendar/></resourcetype></prop></propstat></response>
 <response><href>/alice/work/a.ics</href><propstat><prop><C:calendar-data>BEGIN:VCALENDAR&#13;
SUMMARY:R&amp;D &lt;plan&gt;&#13;
END:VCALENDAR</C:calendar-data></prop><status>HTTP/1.1 200 OK</status></propstat></response>
</multistatus>"#;
        let r = multistatus(body).unwrap();
        assert_eq!(r.len(), 3);
        assert!(!r[0].has("calendar") && r[1].has("calendar"));
        assert_eq!(r[0].text("current-user-principal/href"), Some("/alice/"));
        assert_eq!(r[1].href, "/alice/work/");
        assert_eq!(r[2].text("calendar-data"), Some("BEGIN:VCALENDAR\r\nSUMMARY:R&D <plan>\r\nEND:VCALENDAR"));
    }

    #[test]
    fn hostile_xml_is_refused_or_bounded() {
        assert!(multistatus("<a><b>").is_ok_and(|r| r.is_empty()));
        assert!(multistatus("<multistatus><response><href>x</href></bogus>").is_err());
        let deep = "<x>".repeat(100);
        assert!(multistatus(&deep).is_err());
        // An entity that is not predefined is dropped, not expanded.
        let r =
            multistatus("<!DOCTYPE m [<!ENTITY e \"boom\">]><m><response><href>&e;/a</href></response></m>").unwrap();
        assert_eq!(r[0].href, "/a");
    }
}
