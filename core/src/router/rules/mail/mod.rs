//! Mail asked for plainly: a search, or one mail read, by its words, its sender, or its place
//! in the list the last answer gave ("anything from hetzner?", "what did tom say in his last
//! email?", "open the second one").
//!
//! - this file: [`mail`], the search or the mail read that a message asks for;
//! - [`named`]: a mail named by its sender, its subject or its title; the turn before about mail.

mod named;

use chrono::NaiveDate;
use serde_json::Value;

use super::dates::{self, When};
use super::intent::{by_place, call, kept_words, listed, number_after, numbered, one, ordinal, pick, RECENT};
use super::send::CHATS;
use super::{any_word, contains_any, words};
use crate::router::decision::Decision;
use crate::router::prompt::Turn;
use named::{from_someone, mail_before, one_mail_named, sent_thread, subject, DOCUMENTS_SENT, KO_BACK};

pub(super) fn mail(t: &str, ws: &[&str], history: &[Turn], today: NaiveDate) -> Option<Decision> {
    // "whats in it", "뭐래?" after an answer that named one mail: that mail.
    #[rustfmt::skip]
    let of_it = ws.len() <= 5
        && (contains_any(t, &[
            "what's in it", "whats in it", "what is in it", "what does it say", "what did it say", "뭐래", "뭐라고",
            "뭐라는", "내용은", "내용 뭐", "열어줘", "읽어줘",
        ]) || ["open it", "read it", "yes open it", "ok open it"].iter().any(|p| t.starts_with(p)))
        // Not done already, not wanted, not a reply to write ("oh I already read it",
        // "내용은 알겠고 답장 어떻게 쓰지?").
        && !contains_any(t, &[
            "already", "don't", "dont", "not ", "안 ", "말고", "됐어", "답장", "회신", "보내", "reply", "send", "forward",
            "어떻게", "how",
        ]);
    if of_it {
        if let Some(title) = one_mail_named(history) {
            return Some(call("email", "read", one("uid", title)));
        }
    }
    // More mail, after a question about mail ("did she send anything after that?", "그 이후로
    // 또 온건 없고?"): a search.
    // ("did she send anything": a question, not "reply saying I'll send it monday").
    let asks_sent = (t.starts_with("did ") || t.starts_with("has ")) && any_word(ws, &["send", "sent"]);
    let more_mail = mail_before(history)
        && !super::cue::tool_words(t)
        && !any_word(ws, &["reply", "write", "draft", "tell", "forward"])
        && (asks_sent
            || any_word(ws, &["anything", "else", "more", "another", "new"])
            || contains_any(t, &["또 온", "또온", "더 온", "또 왔", "더 왔"]));
    // A reply received is a mail ("거래처에서 온 회신 내용 좀 알려주세요"), one to write is not.
    #[rustfmt::skip]
    let ko_reply = contains_any(t, &["온 회신", "받은 회신", "온 답장", "받은 답장", "온 답메일"])
        && !contains_any(t, &[
            "어떻게", "쓰", "써", "작성", "보내", "할까", "다듬", "뭐라고", "좋을까", "카톡", "톡", "문자", "dm", "뜻",
        ]);
    // "has anyone from the committee mailed me back?": mail received, by its verb.
    // (Asked, not told: "nobody emailed me back after my interview, did I do something
    // wrong?", "my grandma mailed me a fruitcake".)
    let mailed = any_word(ws, &["mailed", "emailed"])
        && any_word(ws, &["back"])
        && ["has ", "have ", "did ", "any"].iter().any(|p| t.starts_with(p))
        && !contains_any(t, &["nobody", "no one", "should", "wrong", "advice", "how"]);
    // "did the landlord ever reply?", "has anyone from the agency written back", "교수님 답장
    // 하셨나?": a reply received, asked (not of the assistant, a server or a model: "did
    // the server respond?", "why didn't you answer?").
    #[rustfmt::skip]
    let wrote_back = ["did ", "has ", "have "].iter().any(|p| t.starts_with(p))
        && ws.len() <= 14
        && contains_any(t, &[
            "reply", "replied", "write back", "wrote back", "written back", "get back to me", "got back to me",
            "gotten back to me", "respond", "responded",
        ])
        // Someone's answer to the user, not to a lawsuit or a philosopher ("did nintendo
        // respond to the lawsuit", "did kant ever respond to hume"), nor the user's own
        // ("did i answer that right"), nor on another channel ("did the maintainer respond to
        // my PR").
        && !["reply to ", "replied to ", "respond to ", "responded to "].iter().any(|p| {
            t.split(p).nth(1).is_some_and(|after| !["me", "my email", "my mail", "my message", "our"].iter().any(|m| after.starts_with(m)))
        })
        && !matches!(ws.get(1), Some(&"i" | &"we"))
        && !contains_any(t, CHATS)
        && !any_word(ws, &["you", "server", "servers", "model", "models", "api", "bot", "it", "vllm", "ollama", "box", "gpu"])
        // Nor a model by its size ("did the 70b answer yet").
        && !ws.iter().any(|w| w.strip_suffix('b').is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())));
    let ko_back = contains_any(t, &["답장", "회신"])
        && contains_any(t, KO_BACK)
        && !contains_any(t, CHATS)
        && !contains_any(t, &["트위터", "페북", "서버", "모델", "읽씹", "ㅠ", "ㅜ"]);
    // "the thread where legal signed off", not "the thread pool".
    let thread = ws.windows(3).any(|w| {
        ["the", "that", "email"].contains(&w[0])
            && w[1] == "thread"
            && ["where", "about", "abt", "re", "from", "with", "on"].contains(&w[2])
    })
        // "facilities sent a huge thread about the outage": a thread someone sent.
        || sent_thread(t, ws);
    // A summary of it asked ("tl;dr it for me", "summarize that long email Fatima sent").
    // (Not a text pasted, nor a how-to or a program: "summarize this email for me: Hi team…",
    // "메일 요약해주는 파이썬 스크립트 짜줘", "best way to summarize a long email thread".)
    let first = t.split([',', '.', '!']).next().unwrap_or(t);
    let sums = (any_word(ws, &["summarize", "summarise", "tldr", "gist"])
        || contains_any(t, &["tl;dr", "sum up", "요약", "결론만", "핵심만", "정리해"]))
        && words(first).len() <= 20
        && !contains_any(
            t,
            &[
                "this email",
                "this mail",
                "this thread",
                "이 메일",
                "script",
                "스크립트",
                "코드",
                "python",
                "파이썬",
                "how ",
                "best way",
                "bot",
                "짜줘",
                "way to",
                "app",
                "function",
                "tool",
            ],
        )
        // (Nor a text pasted after a colon; a quoted subject's "Re:" is none.)
        && !["'re:", "\"re:", "'fwd:", "\"fwd:", "'fw:", "\"fw:"].iter().fold(t.to_string(), |t, p| t.replace(p, "'")).contains(':');
    let subject = subject(t, ws);
    let mail = thread
        || subject.is_some()
        || any_word(ws, &["mail", "mails", "email", "emails", "e-mail", "inbox"])
        || contains_any(t, &["메일", "편지함"])
        || ko_reply
        || mailed
        || wrote_back
        || ko_back;
    // "did HR send me anything about benefits?", "has the landlord sent anything?": mail
    // received, asked without the word mail.
    let sent_anything = ["did ", "has ", "have "].iter().any(|p| t.starts_with(p))
        && any_word(ws, &["send", "sent"])
        && (any_word(ws, &["anything", "something"])
            // "did HR ever send out the updated holiday policy" (not "did NASA ever send a probe").
            || (any_word(ws, &["ever", "out"]) && any_word(ws, DOCUMENTS_SENT)))
        && !any_word(ws, &["you", "i", "she", "he", "they", "it"]);
    // "what has Tom sent me lately?", "dig up the invoices the agency sent me in march" (not
    // "the link you sent me").
    let sent_me = contains_any(t, &["sent me", "sent over", "sent us"])
        && ([
            "what has ",
            "what did ",
            "what have ",
            "did ",
            "has ",
            "can you dig",
            "dig up",
            "pull up",
            "find ",
            "look for",
            "everything ",
        ]
        .iter()
        .any(|p| t.starts_with(p))
            || contains_any(t, &["dig up", "pull up"]))
        // (Not a text's meaning, a song, a video: "what did he mean by the text he sent me",
        // "find the tiktok my sister sent me".)
        && !any_word(ws, &["you", "how", "should", "mean", "meant", "song", "video", "link", "meme", "photo", "pic", "picture"])
        && !contains_any(t, CHATS)
        && !contains_any(t, &["spotify", "tiktok", "youtube", "text"]);
    // "did the invoice from Northwind come in yet?", "have I gotten the shipping confirmation
    // from the supplier yet": a mail awaited, asked.
    let come = ["did ", "has ", "have "].iter().any(|p| t.starts_with(p))
        && contains_any(t, &["come in", "came in", "arrive", "gotten the", "received the", "get the"])
        && (any_word(ws, DOCUMENTS_SENT) || any_word(ws, &["confirmation", "invoices", "statement"]))
        && any_word(ws, &["yet", "from"]);
    let messages_from = t.contains("messages from") || from_someone(t, ws, today) || sent_anything || sent_me || come;
    // What a mail says ("what did tom say in his last email?", "뭐라고 써있어?"): a read.
    // ("what exactly did the HR mail this morning say": one received, by its time.)
    let exactly = contains_any(t, &["what exactly did", "what exactly does"])
        && (contains_any(t, &["this morning", "today", "yesterday", "last night", "'s email", "'s mail"])
            || any_word(ws, &["my"]));
    let says = ((contains_any(t, &["what did", "what does"]) || exactly)
        && any_word(ws, &["say", "says", "said", "write", "wrote"]))
        || contains_any(t, &["뭐라고", "뭐라는", "뭐래", "무슨 내용"]);
    // "open the second one" after a list of mails (tagged, or numbered after a mail question).
    let untagged = if mail_before(history) { numbered(history) } else { Vec::new() };
    let a_list = !listed(history, "uid").is_empty() || !untagged.is_empty();
    // "what's the second one about": an item of that list, asked about.
    let about =
        a_list && ordinal(t).is_some() && contains_any(t, &["about", "what's", "whats", "what is", "뭐야", "무슨"]);
    // "the second one", "2nd", "두번째 거": an item by its place alone.
    let place = if a_list { by_place(t, ws) } else { None };
    let reads = says
        || about
        || place.is_some()
        || sums
        || any_word(ws, &["open", "read", "show"])
        || any_word(ws, &["전문", "전문을", "전문도"])
        || contains_any(t, &["열어", "읽어", "본문", "내용", "보여", "full text", "in full"]);
    // Not a reply to write from it ("2번 내용 참고해서 답장 초안 써줘").
    let writes = contains_any(t, &["답장", "초안", "써줘", "작성", "reply", "draft", "write"]);
    let follow_up = reads && (ordinal(t).is_some() || place.is_some()) && a_list && !writes;
    // What a mail the last answer named says ("결항 안내 뭐라고 써있어?" after a list of mails):
    // the newest mail with those words.
    if says && !mail && mail_before(history) {
        let name: String =
            kept_words(t).split_whitespace().filter(|w| !RECENT.contains(w)).collect::<Vec<_>>().join(" ");
        if !name.is_empty() && name.split_whitespace().count() <= 6 {
            return Some(call("email", "read", one("uid", name)));
        }
    }
    // "what about last month" after a mail question: the same search.
    // "from Carla?" after "any mail from Joaquin?": the same search of another sender.
    let from_again = ["from ", "and from "].iter().any(|p| t.starts_with(p))
        && history.iter().rev().find(|turn| turn.user).is_some_and(|p| {
            let p = p.text.to_lowercase();
            p.contains("from ") && !contains_any(&p, &["how ", "what ", "why "])
        });
    // (Or after mail asked without the word, as the rules read it: "did Priya reply …?".)
    let asked_mail = mail_before(history)
        || history.iter().rev().find(|turn| turn.user).is_some_and(|p| {
            let before = super::decide(&p.text, today, &[], crate::router::prompt::Lang::En, false);
            matches!(before, Some(Decision::Tools { tool, operation, .. }) if tool == "email" && operation != "send")
        });
    // ("드미트리는?": another sender, elliptic.)
    let elliptic = ws.len() <= 2 && super::elliptic(t, ws);
    let again = asked_mail
        && !(a_list && (ordinal(t).is_some() || place.is_some()))
        && (["what about ", "how about ", "and "].iter().any(|p| t.starts_with(p)) || from_again || elliptic)
        && ws.len() <= 5
        && !super::cue::tool_words(t);
    if again {
        // "and the bank?": the bank; "what about last month": the words asked before.
        const WHEN: &[&str] =
            &["last", "this", "next", "week", "month", "year", "yesterday", "today", "지난달", "저번달"];
        let rest: Vec<String> =
            kept_words(t).split_whitespace().filter(|w| !WHEN.contains(w)).map(str::to_string).collect();
        let query = if rest.is_empty() {
            history.iter().rev().find(|turn| turn.user).map(|turn| kept_words(&turn.text)).unwrap_or_default()
        } else {
            rest.join(" ")
        };
        return Some(call("email", "search", one("query", query.chars().take(120).collect::<String>())));
    }
    if !(mail || messages_from || follow_up || more_mail) {
        return None;
    }
    if reads {
        if let Some(uid) = number_after(t, "uid") {
            return Some(call("email", "read", one("uid", uid)));
        }
        let tagged = listed(history, "uid");
        let by_place = place.and_then(|i| tagged.get(if i == usize::MAX { tagged.len().checked_sub(1)? } else { i }));
        if let Some(uid) = by_place.map(|(id, _)| id.clone()).or_else(|| pick(t, &tagged)) {
            return Some(call("email", "read", one("uid", uid)));
        }
        // A numbered list without ids: the newest mail the item's words name.
        if let Some(i) = ordinal(t).or(place).filter(|_| !untagged.is_empty()) {
            let i = if i == usize::MAX { untagged.len() - 1 } else { i };
            if let Some(item) = untagged.get(i) {
                let words: String =
                    item.chars().filter(|c| c.is_alphanumeric() || c.is_whitespace()).take(120).collect();
                return Some(call("email", "read", one("uid", words.split_whitespace().collect::<Vec<_>>().join(" "))));
            }
        }
    }
    // Unread mail, or mails in the plural to show: a list, so a search.
    // "open the latest mail from Tomás … his emails are always long": one mail.
    #[rustfmt::skip]
    let latest_one = contains_any(t, &[
        "the latest mail", "the latest email", "the last mail", "the last email", "the newest mail", "the newest email",
    ]);
    let finds = !says
        && ((thread && !sums)
            || wrote_back
            || ko_back
            || sent_me
            || any_word(ws, &["find", "search", "look", "any", "anything", "did", "got", "check", "unread", "list"])
            || contains_any(t, &["has anyone", "did anyone", "have anyone"])
            || (contains_any(t, &["pull up", "dig up", "bring up", "all the mails", "all the emails", "all mails"])
                && !contains_any(t, &["how do", "how to", "how can", "is it ok", "should i"]))
            || (reads && any_word(ws, &["mails", "emails"]) && !latest_one)
            || (more_mail && !reads)
            || (t.contains("메일들") && !contains_any(t, &["법", "어떻게", "방법"]))
            || contains_any(
                t,
                &[
                    "찾아",
                    "검색",
                    "뒤져",
                    "목록",
                    "리스트",
                    "다 보여",
                    "전부",
                    "모두",
                    "어디 갔",
                    "어디갔",
                    "어딨",
                    "어디 있",
                    "왔어",
                    "왔나",
                    "있어",
                    "있나",
                    "있었나",
                    "있었어",
                    "왔었",
                    "확인",
                    "안 읽은",
                    "안읽은",
                ],
            ));
    if !finds {
        // One mail by its words ("read the latest mail from Jane", "민수한테 온 메일 읽어줘"):
        // the newest that they name (a list, "mails", is the model's or a search).
        let one_mail = any_word(ws, &["mail", "email", "e-mail"])
            || (t.contains("메일") && !t.contains("메일들"))
            || ko_reply
            || thread
            || subject.is_some();
        // A thread by its quoted subject: the subject ("Re:" aside) names it.
        if let Some(s) = subject.filter(|_| reads) {
            return Some(call("email", "read", one("uid", s.chars().take(120).collect::<String>())));
        }
        // (A summary's words, and what says how long, name no mail: "summarize that long email
        // Fatima sent this morning about the outage" is Fatima's about the outage.)
        const ASKED: &[&str] =
            &["summarize", "summarise", "tl", "dr", "tldr", "gist", "sum", "sent", "long", "huge", "thread", "요약"];
        // The sentence that names the mail ("오늘 아침에 온 AWS 청구서 메일 좀 읽어줘. 이번 달 왜
        // …"), and in it the sender, when it says "from" ("open the latest mail from Tomás and
        // tell me what he wants": Tomás).
        let sentence = t
            .split(['.', '!', '?', ','])
            .find(|s| contains_any(s, &["mail", "메일", "thread", "스레드", "회신", "답장"]))
            .unwrap_or(t);
        let sender = ["mail from ", "email from "].iter().find_map(|p| {
            let after = &sentence[sentence.find(p)? + p.len()..];
            let name: Vec<&str> =
                after.split_whitespace().take_while(|w| !["and", "about", "to", "re"].contains(w)).take(2).collect();
            (!name.is_empty()).then(|| name.join(" "))
        });
        let kept_all = kept_words(sentence);
        let kept: Vec<&str> = kept_all
            .split_whitespace()
            .filter(|w| !RECENT.contains(w) && w.chars().count() >= 2 && !(sums && ASKED.contains(w)))
            .collect::<Vec<_>>();
        // A summary asked of a long description: its first words (the sender comes first).
        let name = match sender {
            Some(sender) => sender,
            None if sums => kept.iter().take(6).copied().collect::<Vec<_>>().join(" "),
            None => kept.join(" "),
        };
        let a_name = !name.is_empty() && name.split_whitespace().count() <= 6;
        // "the latest mail", "제일 최근에 온 메일": the newest (the mail tool reads words of
        // recency alone as the newest mail).
        let newest = name.is_empty() && contains_any(t, &["latest", "newest", "last", "최근", "최신", "마지막"]);
        let uid = if newest { "latest".to_string() } else { name };
        return (reads && one_mail && (a_name || newest)).then(|| call("email", "read", one("uid", uid)));
    }
    // Nothing left to search for ("show me my unread emails"): the recent mail, all of it.
    let mut params = one("query", kept_words(t).chars().take(120).collect::<String>());
    if let Some(When::Range(a, _)) = dates::parse(t, today).filter(|w| matches!(w, When::Range(a, _) if *a <= today)) {
        params.insert("days".into(), Value::from((today - a).num_days().clamp(1, 365) + 1));
    }
    Some(call("email", "search", params))
}
