//! Documents asked for plainly: a search, or one document read, by its file name, its words,
//! or its place in the list the last answer gave ("summarise backup-plan.docx", "what does my
//! lease say about pets?", "핵심만 세 줄로 정리해줘" after one file was found).

use super::intent::{
    call, kept_words, listed, number_after, numbered, one, ordinal, pick, query, strip_particle, user_before, STOP,
};
use super::{any_word, contains_any};
use crate::router::decision::Decision;
use crate::router::prompt::Turn;

/// Whether the user's turn before asked for documents ("보험 관련 문서 있어?").
fn docs_before(history: &[Turn]) -> bool {
    user_before(
        history,
        DOC_WORDS,
        &[
            "문서",
            "파일",
            "서류",
            "자료",
            "메모",
            "기획서",
            "계약서",
            "보고서",
            "회의록",
            "이력서",
            "명세서",
            "논문",
            "계획서",
            "제안서",
            "기획안",
        ],
    )
}

/// Documents by name, or by a kind the tool keeps.
const DOC_WORDS: &[&str] = &[
    "document",
    "documents",
    "doc",
    "docs",
    "file",
    "files",
    "notes",
    "lease",
    "memo",
    "agreement",
    "contract",
    "minutes",
    "report",
    "pdf",
    "spreadsheet",
    "slides",
    "resume",
];

/// A deck of slides ("the Q2 board deck", "our pitch deck"; not "a steam deck", "a deck
/// stain", "a commander deck").
fn deck(ws: &[&str]) -> bool {
    #[rustfmt::skip]
    const OF: &[&str] = &[
        "board", "slide", "pitch", "sales", "investor", "kickoff", "q1", "q2", "q3", "q4", "our", "my", "training",
        "onboarding", "strategy", "roadmap",
    ];
    ws.windows(2).any(|w| w[1] == "deck" && OF.contains(&w[0]))
}

/// Kinds of one's own writing ("my draft", "our proposal").
const OWN_KINDS: &[&str] =
    &["draft", "chapter", "thesis", "proposal", "manuscript", "deck", "essay", "paper", "writeup", "spec"];

/// The extensions of the documents the tool reads (and of those users name).
const EXTENSIONS: &[&str] =
    &["pdf", "docx", "doc", "xlsx", "xls", "pptx", "md", "txt", "html", "htm", "csv", "odt", "hwp"];

/// A file name in `t` ("backup-plan.docx", "서버이전계획.docx"); not a link's
/// ("https://x.com/guide.html") nor a path's.
/// A Korean particle after the extension is not part of it ("README_ko.md에서": "README_ko.md").
pub(super) fn file_name(t: &str) -> Option<&str> {
    // A path in the user's home names its file ("~/docs/q3-capacity-plan.docx"); another path
    // (a URL, "src/main.rs") names none.
    // (Only in a short request: "summarize ~/docs/plan.docx", not "why does pandas fail to open
    // ~/data/sales.csv".)
    let short = t.split_whitespace().count() <= 5;
    let home = |w: &str| short && ["~/", "/home/", "/users/", "./"].iter().any(|p| w.starts_with(p));
    t.split_whitespace()
        .filter(|w| !w.contains("://") && (!w.contains('/') || home(w)) && !w.starts_with("www."))
        .map(|w| w.rsplit('/').next().unwrap_or(w))
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .find_map(|w| {
            let (stem, ext) = w.rsplit_once('.')?;
            let end = ext.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(ext.len());
            let particle = &ext[end..];
            let kept = particle.is_empty() || (particle.chars().count() <= 3 && !particle.is_ascii());
            (!stem.is_empty() && EXTENSIONS.contains(&&ext[..end]) && kept).then(|| &w[..stem.len() + 1 + end])
        })
}

/// A file's name without its extension, words joined by '_' ("open level_design_v3").
fn stem_name(t: &str) -> Option<&str> {
    t.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '_')).find(|w| {
        w.split('_').filter(|p| !p.is_empty()).count() >= 2
            && w.chars().all(|c| c.is_alphanumeric() || c == '_')
            && w.chars().any(char::is_alphabetic)
    })
}

/// The files of a numbered list in the last assistant turn ("Found 3: 1. plan.md 2.
/// budget.xlsx", "1) Pricing FAQ.docx"): a list of documents without `[doc N]` tags, each
/// item's file name (the whole item when it ends with the extension, spaces and all). An
/// answer that merely mentions a file ("see README.md") is no list.
fn files_listed(history: &[Turn]) -> Vec<String> {
    // Every item, so that "the second one" is the second (an item without a file name stays
    // as it is written).
    let items: Vec<(String, bool)> = numbered(history)
        .into_iter()
        .map(|item| {
            let whole = item.rsplit_once('.').is_some_and(|(_, ext)| EXTENSIONS.contains(&ext));
            match item.split_whitespace().find_map(file_name).map(str::to_string) {
                _ if whole => (item, true),
                Some(name) => (name, true),
                None => (item, false),
            }
        })
        .collect();
    if !items.iter().any(|(_, file)| *file) {
        return Vec::new();
    }
    items.into_iter().map(|(item, _)| item).collect()
}

/// The file names the last assistant turn mentions.
fn files_in_last_answer(history: &[Turn]) -> Vec<String> {
    let Some(last) = history.iter().rev().find(|t| !t.user) else { return Vec::new() };
    let lower = last.text.to_lowercase();
    let mut files: Vec<String> = lower
        .split(|c: char| c.is_whitespace() || "'\"‘’“”,;()[]".contains(c))
        .filter_map(file_name)
        .map(str::to_string)
        .collect();
    files.dedup();
    files
}

/// The file named in the last assistant turn that a word of `t` (two letters or more, its
/// particle stripped) is part of: "자동차보험 거 읽어줘" after "'실손보험_약관.pdf'와
/// '자동차보험_증권.pdf'가 있습니다".
fn mentioned_file(t: &str, history: &[Turn]) -> Option<String> {
    let files = files_in_last_answer(history);
    let words: Vec<&str> = t
        .split(|c: char| !c.is_alphanumeric())
        .map(strip_particle)
        .filter(|w| w.chars().count() >= 3 || (w.chars().count() >= 2 && !w.is_ascii()))
        .filter(|w| !STOP.contains(w) && !["read", "open", "show", "summarise", "summarize", "one"].contains(w))
        .filter(|w| !EXTENSIONS.contains(w))
        .collect();
    let mut hits: Vec<String> = files.iter().filter(|f| words.iter().any(|w| f.contains(w))).cloned().collect();
    // "수정본 요약해줘" after "…_사업계획서.docx" and "…_사업계획서_수정.docx": a Korean word
    // without its last syllable ("수정본" is the "수정" one).
    // A few words naming it, not a comparison ("최종적으로 어떤 게 나은지 비교해서 보여줘").
    if hits.is_empty() && words.len() <= 3 && !contains_any(t, &["비교", "어떤 게", "어떤게", "나은", "compare"])
    {
        let stems: Vec<&str> = words
            .iter()
            .filter(|w| !w.is_ascii() && w.chars().count() >= 3)
            .map(|w| &w[..w.char_indices().last().map_or(0, |(i, _)| i)])
            .collect();
        hits = files.into_iter().filter(|f| stems.iter().any(|w| f.contains(w))).collect();
    }
    // One file, or it is not clear which.
    (hits.len() == 1).then(|| hits[0].clone())
}

/// The document a read request names: its file name, or its words without the request's.
fn doc_name(t: &str) -> String {
    // The clause that names it ("summarize the Q2 board deck for me, I have 5 minutes"), not
    // one that points at a text pasted ("… sent me this agreement, can you summarize …").
    let t = t
        .split([',', ';', '?', '!'])
        .find(|c| {
            let lower = c.to_lowercase();
            let ws = super::words(&lower);
            any_word(&ws, DOC_WORDS) || deck(&ws) || file_name(c).is_some()
        })
        .filter(|c| !any_word(&super::words(&c.to_lowercase()), &["this", "these"]))
        .unwrap_or(t);
    let name = file_name(t).or_else(|| stem_name(t)).map_or_else(|| kept_words(t), str::to_string);
    name.chars().take(64).collect()
}

pub(super) fn document(t: &str, ws: &[&str], history: &[Turn]) -> Option<Decision> {
    let doc_words = DOC_WORDS;
    // A postmortem of one's own ("find the postmortem from the redis outage"; not "what should
    // a blameless postmortem look like?").
    let postmortem = ["postmortem", "post-mortem"].iter().any(|p| {
        [" from", " for", " doc"].iter().any(|a| t.contains(&format!("{p}{a}"))) || t.contains(&format!("our {p}"))
    });
    let doc = postmortem
        || any_word(ws, doc_words)
        || deck(ws)
        || ws.windows(2).any(|w| w == ["tax", "return"])
        || contains_any(t, &["anything written up", "written up on", "write-up on", "writeup on", "runbook"]);
    // (And a spreadsheet or a guide kept on one's own computer: "정리해둔 엑셀 어디갔지", "설치
    // 가이드 내 컴에 있었던거 같은데".)
    let ko_local =
        contains_any(t, &["내 컴", "내 pc", "로컬에", "내 노트북에"]) && contains_any(t, &["있었던", "있던", "저장"]);
    // (A spreadsheet one made, not Excel's: "엑셀 단축키 보여줘".)
    let ko_sheet = contains_any(t, &["엑셀", "스프레드시트"])
        && contains_any(t, &["정리해둔", "정리한", "저장", "만든", "만들어둔", "어디", "찾아", "있었던", "있던"]);
    let ko_doc = contains_any(t, &["문서", "파일", "메모", "계약서", "회의록", "보고서", "신고", "서류", "이력서"])
        || ko_sheet
        || ko_local;
    // "어제 저장한 회의록 정리해줘": one's own document, summarised.
    let ko_own = contains_any(t, &["내 ", "제 ", "어제", "저장한", "받은", "올린", "작성한", "초안", "지난"]);
    let ko_sums = contains_any(t, &["정리해", "핵심만"]) && ko_own;
    // One's own writing by its kind, summarised ("summarize my chapter 3 draft", "기획안 v3
    // 핵심만 세줄요약"): a document to read, not a pasted text.
    let own_kind = ws
        .windows(2)
        .chain(ws.windows(3))
        .any(|w| ["my", "our"].contains(&w[0]) && w[1..].iter().any(|k| OWN_KINDS.contains(k)));
    // Not a text pasted earlier ("summarize my essay in 3 bullets" after the essay), nor
    // advice on writing one ("제안서 요약 부분에 뭐 넣어야 돼?").
    let pasted_before = history.iter().any(|turn| turn.user && turn.text.split_whitespace().count() > 40);
    let ko_kind = contains_any(t, &["기획안", "제안서", "기획서", "초안", "발표자료", "발표 자료"])
        && contains_any(t, &["요약해", "요약 좀", "세줄요약", "세 줄 요약", "핵심만"])
        && !contains_any(t, &["부분", "넣", "써", "작성", "법", "어떻게"])
        && !pasted_before;
    // "tl;dr of my draft" (not "tl;dr my draft got rejected again", a summary of one's own words).
    let tldr = contains_any(t, &["tl;dr of", "tldr of", "tl;dr on", "tldr on", "tl;dr for", "tldr for"]);
    let summed = (any_word(ws, &["summarise", "summarize", "gist"]) || tldr) && own_kind && !pasted_before || ko_kind;
    // "the gist of my thesis", not "the gist of the Mueller report".
    let gist = any_word(ws, &["gist", "tldr"]) && (any_word(ws, &["my", "our"]) || file_name(t).is_some());
    // A part of a named file ("README_ko.md 열어서 설치 방법 부분만 알려줘"), or its very words
    // ("pull the exact wording from the SLA doc").
    // (Not one to write: "add a troubleshooting section to README.md", "대부분의 README.md에는".)
    let part = file_name(t).is_some()
        && contains_any(t, &["부분만", "부분 알려", "부분 보여", "section of", "part of", "섹션만"])
        && !contains_any(t, &["대부분", "작성", "add ", "write", "하는 법", "하는법", "how to"]);
    // Its very words, from a document named by a word before its kind ("from the SLA doc": "sla doc").
    let kind_name = ws
        .windows(3)
        .find(|w| ["the", "my", "our"].contains(&w[0]) && DOC_WORDS.contains(&w[2]) && !STOP.contains(&w[1]))
        .map(|w| format!("{} {}", w[1], w[2]));
    let wording = contains_any(t, &["exact wording", "word for word", "verbatim"]) && kind_name.is_some();
    // "pull up the first one" after a search found files.
    let pulls = contains_any(t, &["pull up the", "pull the"]) && ordinal(t).is_some();
    let reads = any_word(ws, &["open", "read", "show", "summarise", "summarize"])
        || part
        || wording
        || pulls
        || gist
        || summed
        || ko_sums
        || contains_any(
            t,
            &["열어", "읽어", "내용", "보여", "요약", "what's in the", "whats in the", "what is in the"],
        );
    let asks_how =
        contains_any(t, &["how to", "how do", "how can", "어떻게", "방법", "하는 법", "쓰는 법", "팁"]) && !part;
    // "자동차보험 거 읽어줘" after an answer to a question about documents that named
    // '자동차보험_증권.pdf': the file a word names.
    if reads && !asks_how && docs_before(history) {
        if let Some(name) = mentioned_file(t, history) {
            return Some(call("document", "read", one("doc_id", name)));
        }
    }
    // "핵심만 세 줄로 정리해줘" after an answer that found one file: that file, summarised.
    // A short request, or one that points at it; not another search ("핵심성과지표 문서도
    // 찾아줘") nor a summary of a how-to answer.
    let sums = reads
        || contains_any(t, &["정리해", "핵심만", "요약해", "sum up", "sum it up", "summarize that", "summarise that"]);
    let pointer = any_word(ws, &["that", "it", "this"])
        || contains_any(t, &["in there", "그거", "이거", "그 파일", "그 문서", "거기", "그 안", "그 안에"]);
    let points = ws.len() <= 6 || pointer;
    // "What's the notice period in it?", "거기 예산 얼마로 잡혀 있나요?": a question about it.
    // A question about the file a search just found, not another file ("is there a newer one
    // than that?", "그거 말고 다른 거 있어?") nor something to do with it ("can you email it to
    // my landlord?").
    #[rustfmt::skip]
    let other = any_word(ws, &[
        "newer", "older", "another", "other", "else", "different", "email", "send", "mail", "forward", "share",
        "print", "delete", "rename", "move", "copy",
    ]) || contains_any(t, &["다른", "말고", "최신", "보내", "메일", "공유", "삭제", "옮겨", "복사", "인쇄"]);
    let found = history.iter().rev().find(|turn| !turn.user).is_some_and(|a| {
        contains_any(&a.text.to_lowercase(), &["found", "찾았", "찾은", "있습니다", "있어요", "있네요"])
    });
    let asks_of_it = pointer
        && found
        && !other
        && (t.contains('?')
            || contains_any(t, &["뭐", "얼마", "언제", "몇", "나와", "있나", "있어", "돼 있", "되어 있"]));
    let searches = any_word(ws, &["find", "search", "look", "where"]) || contains_any(t, &["찾아", "검색", "어디"]);
    let how_to = history
        .iter()
        .rev()
        .find(|turn| turn.user)
        .is_some_and(|p| contains_any(&p.text.to_lowercase(), &["how do", "how to", "how should", "어떻게"]));
    if (sums && points || asks_of_it) && !searches && !how_to && !asks_how && docs_before(history) {
        if let [only] = files_in_last_answer(history).as_slice() {
            return Some(call("document", "read", one("doc_id", only.clone())));
        }
    }
    // A list, numbered or not ("I found bench_notes_march.md and bench_results.xlsx"), the
    // answer to a search (not a how-to that names files: "pyproject.toml and README.md").
    let searched_before = history.iter().rev().find(|turn| turn.user).is_some_and(|p| {
        let p = p.text.to_lowercase();
        contains_any(&p, &["find", "search", "look for", "where", "찾아", "검색", "어디", "있어", "있나"])
            && !contains_any(&p, &["how ", "어떻게"])
    });
    let untagged = match files_listed(history) {
        listed if listed.is_empty() && found && searched_before && docs_before(history) => {
            files_in_last_answer(history)
        }
        listed => listed,
    };
    // "tldr of the 3rd", "1번 문서 핵심만 정리해줘": an item of the list, summarised.
    let reads = reads || (ordinal(t).is_some() && (sums || any_word(ws, &["tldr", "gist", "summary"])));
    let follow_up = reads && ordinal(t).is_some() && (!listed(history, "doc").is_empty() || !untagged.is_empty());
    // A file by its name alone, opened ("open level_design_v3", "budget_2025 열어줘").
    // (Not a variable read: "read user_input in python", "OPENAI_API_KEY 읽어와?".)
    let opens = ws.first() == Some(&"open") || t.contains("열어");
    let file = file_name(t).is_some() || (ws.len() <= 5 && opens && stem_name(t).is_some());
    // "the main points in the architecture proposal Jin shared?": a document someone shared,
    // summarised, named by its kind and the word before it.
    let shared = contains_any(t, &["shared", "sent me", "sent over", "attached", "uploaded"]);
    let points_of =
        contains_any(t, &["main points", "key points", "takeaways", "summarize", "summarise", "tldr", "gist"]);
    let kind =
        ws.iter().position(|w| OWN_KINDS.contains(w) || ["report", "agreement", "contract", "slides"].contains(w));
    // Not one pasted ("this agreement, can you summarize the main points? [text]").
    let here = ws.len() > 30 || kind.is_some_and(|i| i > 0 && ["this", "these"].contains(&ws[i - 1]));
    if let Some(i) = kind.filter(|_| shared && points_of && !pasted_before && !asks_how && !here) {
        let name = ws[i.saturating_sub(1)..=i].join(" ");
        return Some(call("document", "read", one("doc_id", name)));
    }
    if !(doc || ko_doc || follow_up || file || summed) {
        return None;
    }
    // What one document says about something ("what does my lease say about pets?",
    // "임대차계약서에 반려동물 관련 조항 있는지 봐줘"): that document read, by the word that
    // names it.
    // The user's own ("my lease", a file's name, "임대차계약서에 … 있는지 봐줘"), not a treaty's
    // or the research's ("what does the paris agreement say about ...").
    let en_content = contains_any(t, &["say about", "says about"]) && any_word(ws, &["my", "our"]);
    let ko_content = contains_any(t, &["있는지 봐", "있는지 확인", "뭐라고 돼", "뭐라고 되어"]);
    if (en_content || ko_content) && !asks_how {
        let ko_nouns = ["계약서", "보고서", "회의록", "이력서"];
        let singular = |w: &&str| {
            doc_words.contains(w) && !["document", "documents", "doc", "docs", "file", "files", "notes"].contains(w)
        };
        let named = file_name(t).map(str::to_string).or_else(|| {
            t.split(|c: char| !c.is_alphanumeric())
                .find(|w| singular(w) || ko_nouns.iter().any(|n| w.contains(n)))
                .map(|w| strip_particle(w).trim_end_matches('에').to_string())
        });
        if let Some(name) = named.filter(|n| !n.is_empty()) {
            return Some(call("document", "read", one("doc_id", name)));
        }
    }
    if reads {
        let id =
            number_after(t, "doc ").or_else(|| number_after(t, "문서")).or_else(|| pick(t, &listed(history, "doc")));
        if let Some(id) = id {
            return Some(call("document", "read", one("doc_id", id)));
        }
        // "the second one" after a list without tags: the file it names (read by name).
        if let Some(i) = ordinal(t).filter(|_| !untagged.is_empty()) {
            let i = if i == usize::MAX { untagged.len() - 1 } else { i };
            if let Some(name) = untagged.get(i) {
                return Some(call("document", "read", one("doc_id", name.clone())));
            }
        }
    }
    let finds = (any_word(ws, &["find", "search", "look", "where", "locate"])
        || contains_any(t, &["찾아", "검색", "어디", "do i have any", "do we have any", "do i have a ", "do we have a "])
        || (contains_any(t, &["dig it up", "dig up", "dig out", "track down", "track it down"]) && !asks_how)
        || ko_local)
        // "경비처리 어디까지 인정돼요?" asks how far, not where.
        && !t.contains("어디까지")
        && !contains_any(t, &["look like", "what should", "how should"]);
    if finds {
        return Some(call("document", "search", one("query", query(t))));
    }
    // One document, by its name ("summarise backup-plan.docx", "read me the lease pdf"): not
    // documents in the plural, which is a search, unless a file name says which one ("from
    // my documents").
    let plural = !file && (any_word(ws, &["documents", "docs", "files", "notes"]) || t.contains("문서들"));
    // A name is a few words: a pasted text to summarise is not one, nor a question about
    // files in general ("show me how to convert a docx file to pdf"), nor an ordinal with no
    // list to pick from ("open the first report").
    // One's own kind of writing is named by the words from "my" to the kind ("tl;dr of my
    // thesis-chapter3 draft pls": "thesis-chapter3 draft").
    let own_name = ws.iter().position(|w| ["my", "our"].contains(w)).and_then(|i| {
        let k = (i + 1..ws.len().min(i + 3)).find(|&k| OWN_KINDS.contains(&ws[k]))?;
        Some(ws[i + 1..=k].join(" "))
    });
    let name = own_name.filter(|_| summed).or(kind_name.filter(|_| wording)).unwrap_or_else(|| doc_name(t));
    let a_name = !name.is_empty() && name.split_whitespace().count() <= 4;
    let pasted = contains_any(t, &["pasted", "above", "below", "위에", "아래"]);
    let no_list = ordinal(t).is_some();
    (reads && !plural && a_name && !asks_how && !pasted && !no_list)
        .then(|| call("document", "read", one("doc_id", name)))
}
