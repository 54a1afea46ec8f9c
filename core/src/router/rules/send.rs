//! Mail to be sent, forwarded or replied to: asked for ("김 부장님께 메일 보내줘", "fwd the
//! vendor quote to finance@acme.io"), or a draft's "send it". The checks refuse it; the rules
//! only recognise it.

use super::{any_word, contains_any};
use crate::router::prompt::Turn;

/// Korean verbs of sending mail.
const KO_SENDS: &[&str] =
    &["보내", "전송", "발송", "회신", "답장", "전달해", "쏴줘", "쏴 줘", "쏴주세요", "쏴줄래", "돌려줘", "돌려 줘"];

/// A request to send mail (en/ko).
pub(crate) fn sends_mail(t: &str, ws: &[&str]) -> bool {
    // Korean sending told of, not asked for ("메일 답장하다가 하루가 다 갔네요").
    let after: Vec<&str> =
        KO_SENDS.iter().flat_map(|v| t.match_indices(v).map(move |(i, _)| &t[i + v.len()..])).collect();
    let told = !after.is_empty()
        && after
            .iter()
            // (Or received: "과장님이 보내신 메일 어딨지", "보내온 자료"; or someone else's,
            // in honorifics: "팀장님은 보고서 메일 계속 보내시고".)
            .all(|a| {
                [
                    "하다가",
                    "다가",
                    "하느라",
                    "느라",
                    "했",
                    "하고 ",
                    "하면서",
                    "신",
                    "온 ",
                    "준 ",
                    "시고",
                    "시는",
                    "셨",
                    "셔서",
                    "시던",
                ]
                .iter()
                .any(|f| a.starts_with(f))
            })
        && !contains_any(t, &["줘", "주세요", "해놔", "보내놔"]);
    let mail = any_word(ws, &["email", "e-mail", "mail", "emails", "mails"]);
    // "shoot him an email" (not "shoot me an email template", "drop the email column").
    let send = any_word(ws, &["send", "forward", "reply", "compose", "write"])
        || contains_any(t, &["shoot him", "shoot her", "shoot them", "drop him", "drop her", "drop them"]);
    let question_about = contains_any(t, &["how do i send", "how to send", "can you explain"]);
    let ko_mail = contains_any(t, &["메일", "이메일"]);
    let ko_send = contains_any(t, KO_SENDS);
    (mail && send && !question_about) || (ko_mail && ko_send && !told)
}

/// Channels that are not mail: a reply asked of them is not one this assistant would send.
#[rustfmt::skip]
pub(super) const CHATS: &[&str] = &[
    "comment", "review", "tweet", "post", "reddit", "slack", "discord", "text him", "text her", "texted", "dm",
    "github", "issue", "pr ", "linkedin", "whatsapp", "chat", "telegram", "signal", "sms", "teams", "instagram",
    "insta", "kakao", "forum", "카톡", "톡", "문자", "디엠", "슬랙", "댓글", "당근", "인스타", "디코", "텔레", "깃헙",
    "메시지", "문의글", "리뷰", "후기", "이슈",
];

/// Whether the talk before was of a chat, not mail ("친구가 카톡으로 … 보냄" … "7시라고 답장 좀
/// 해줘").
pub(super) fn chat_before(history: &[Turn]) -> bool {
    history.iter().any(|turn| contains_any(&turn.text.to_lowercase(), CHATS))
}

/// A reply, a forward or a note asked for without the word mail ("reply to Tom saying I'll be
/// there at 5", "forward that invoice to accounting@acme.com", "email sam that i'm running
/// late", "민수한테 점심 ㅇㅋ라고 답장해줘"): what this assistant would send is mail.
pub(super) fn reply_asked(t: &str, ws: &[&str]) -> bool {
    #[rustfmt::skip]
    const FILLERS: &[&str] = &[
        "ok", "okay", "perfect", "great", "cool", "pls", "please", "can", "could", "you", "just", "then", "and", "so",
        "yes", "yeah", "alright", "ㅇㅋ",
    ];
    // How to answer, or a text to write, is the reasoner's ("how should I reply to my
    // landlord?", "help me reply to this review", "고객 리뷰에 답장 좀 써줘"), and so is an
    // instruction to the model ("reply with yes if you understand"); a post or a chat is no
    // mail.
    #[rustfmt::skip]
    let other = contains_any(t, &[
        "how ", "what should", "what do i", "help me", "draft", "write", "polite", "?", "reply with", "reply in",
        "respond with", "respond in", "to me", "if you", "어떻게", "뭐라고 답", "초안", "하셨", "했어", "했나", "왔", "다듬",
        "고쳐", "써줘", "써 줘", "법", "방법", "예약하",
    ]) || contains_any(t, CHATS);
    if other {
        return false;
    }
    let at = ws.iter().position(|w| !FILLERS.contains(w)).unwrap_or(0);
    let verb = ws.get(at).copied().unwrap_or_default();
    let rest = &ws[(at + 1).min(ws.len())..];
    // What to say follows: "saying …", "and tell him …", "yes, …", or "that …" after the one
    // it goes to ("reply to tom that …"; not "reply to that").
    let says = rest.iter().take(6).any(|w| ["saying", "telling", "tell", "say", "yes", "no"].contains(w))
        || (rest.first() == Some(&"to") && rest.iter().skip(2).take(4).any(|w| *w == "that"));
    let reply = ["reply", "respond"].contains(&verb) && says;
    // "forward that invoice to accounting@acme.com", "forward it to her".
    let to = rest.iter().position(|w| *w == "to");
    // (Not "forward all my calls to him".)
    let forward = ["forward", "fwd"].contains(&verb)
        && !any_word(rest, &["call", "calls", "phone", "number", "port", "ports", "traffic"])
        && to.is_some_and(|i| t.contains('@') || rest.get(i + 1).is_some_and(|w| ["him", "her", "them"].contains(w)));
    // "email sam that i'm running late", "email Tom I'll be late" (a name, then what to say;
    // not "email regex that …", "email marketing tools that …"), "shoot a quick note to the
    // team that …", "send her a quick yes".
    #[rustfmt::skip]
    let thing = rest.first().is_some_and(|w| [
        "regex", "marketing", "address", "addresses", "validation", "template", "templates", "list", "column", "field",
        "server", "client", "format", "tools", "service", "provider", "signature", "parser", "verification", "input",
    ].contains(w));
    let email = verb == "email" && !thing && matches!(rest.get(1), Some(&"that" | &"saying" | &"i"));
    let note = ["shoot", "send"].contains(&verb)
        && rest.iter().take(4).any(|w| ["note", "yes", "line"].contains(w))
        && (says || rest.contains(&"that") || rest.contains(&"yes"));
    // Korean: a reply or a forward asked ("답장해줘", "회신 좀 해줘", "민수한테 전달 좀"); a
    // forward names who gets it.
    #[rustfmt::skip]
    let ko_reply = contains_any(t, &[
        "답장해", "답장 해", "답장 보내", "답장 좀", "회신해", "회신 해", "회신 좀", "회신 보내", "첨부해서 보내",
    ]);
    let ko_forward = contains_any(t, &["전달해", "전달 좀", "포워드해", "포워드 해", "포워드 좀", "포워딩"])
        && contains_any(t, &["한테", "에게", "께", "@"]);
    let ko_asked = contains_any(t, &["줘", "주세요", "좀", "줄래", "부탁"]);
    reply || forward || email || note || ((ko_reply || ko_forward) && ko_asked)
}

/// "looks good, send it", "ㅇㅋ 이대로 보내" after a mail was written: that mail, sent.
pub(super) fn draft_sent(t: &str, ws: &[&str], history: &[Turn]) -> bool {
    let Some(previous) = history.iter().rev().find(|turn| turn.user) else { return false };
    let p = previous.text.to_lowercase();
    let wrote = contains_any(&p, &["email", "mail", "메일", "reply", "답장", "회신"])
        && contains_any(&p, &["write", "draft", "compose", "써", "작성", "초안"]);
    // A go-ahead and nothing else ("looks good, send it"; not "dont send it yet", "보내지 마",
    // "can u send a shorter version").
    #[rustfmt::skip]
    let go = ws.iter().all(|w| [
        "send", "it", "now", "go", "ahead", "ok", "okay", "looks", "good", "great", "perfect", "yes", "yep", "sure",
        "please", "pls", "that", "this", "off", "out", "lgtm", "ship", "thanks", "fine", "이대로", "ㅇㅋ", "그래", "좋아",
        "네", "응", "그럼", "그대로", "지금", "바로", "좋네", "굿", "오케이", "to", "him", "her", "them", "back", "yeah",
        "yup", "ㅇㅇ", "웅", "넵", "넹", "ㄱㄱ",
    ].contains(w) || (w.starts_with("보내") && !w.starts_with("보내지")) || w.starts_with("쏴"));
    let send = any_word(ws, &["send"]) || contains_any(t, &["보내", "쏴"]);
    // (Not a chat's reply: "카톡 답장 … 초안 써줘", "a reply to this LinkedIn message".)
    wrote && send && go && !t.contains('?') && !contains_any(&p, CHATS)
}
