//! Quick answers: a one-line question of fact, a definition, a conversion, a translation of
//! a word or a joke. The quick model answers these as well as the reasoner would, and routing
//! them costs the user a wait; a weak classifier sends many of them away (to the reasoner, or
//! to the status answer when they ask "how many"). Impersonal questions only: "how many
//! meetings do I have" is the user's own business, never a fact.

use super::{any_word, contains_any};

/// How a question of fact starts, after any greeting.
#[rustfmt::skip]
const FACT_STARTS_EN: &[&str] = &[
    "what is the capital of", "what's the capital of", "whats the capital of", "capital of",
    "who wrote", "who painted", "who invented", "who discovered", "who directed", "who composed",
    "who founded", "who was the first", "what year did", "what year was", "in what year",
    "what's the meaning of", "what is the meaning of", "meaning of", "define ", "how do you say",
    "how do you spell", "what's the plural of", "what is the plural of", "what's the opposite of",
    "what is the opposite of", "another word for", "synonym for", "tell me a joke", "tell me a fun fact",
    "translate ",
];

/// Korean forms of the same (matched anywhere: the verb comes last).
#[rustfmt::skip]
const FACT_KO: &[&str] = &[
    "수도가 어디", "수도는 어디", "수도가 뭐", "뜻이 뭐", "뜻이뭐", "무슨 뜻", "뜻 알려", "의 약자", "약자야",
    "약자가 뭐", "약자였", "누가 썼", "누가 쓴", "누가 만들었", "누가 발명", "누가 그렸", "몇 년에", "몇년에",
    "몇 년도", "몇년도", "언제 태어", "영어로 뭐", "일본어로 뭐", "한국어로 뭐", "농담 하나", "농담 해줘",
    "농담해줘", "농담 좀", "개그 하나", "개그 해줘", "아재개그", "심심해", "말 좀 걸어", "말좀 걸어",
    "뭐였더라", "뭐더라", "기본 포트", "포트 몇", "섭씨로", "화씨로", "몇 메가", "몇메가", "몇 인치", "몇인치", "몇 센티", "몇센티", "몇 마일", "몇마일",
];

/// Words of code: "define a function", "translate this script to rust" are the reasoner's.
const CODE_EN: &[&str] =
    &["function", "script", "code", "python", "rust", "javascript", "typescript", "class", "program", "regex", "sql"];
const CODE_KO: &[&str] = &["코드", "함수", "스크립트"];

/// Words that make a question the user's own (a tool's, or a conversation's), not a fact.
const PERSONAL: &[&str] = &["i", "my", "me", "we", "our", "i'm", "im", "i've", "mine", "us"];

const GREETINGS: &[&str] =
    &["hey ", "hi ", "hello ", "ok ", "okay ", "so ", "quick question", "quick one", "um ", "q:"];

/// Whether `t` (lower case) asks for a quick answer.
pub fn quick(t: &str, ws: &[&str]) -> bool {
    // A joke asked, whatever it is for ("tell me a joke about kubernetes, I need something to
    // open my talk with tomorrow"); a greeting of the day ("happy friday 🎉").
    let joke_first = t.trim_start().starts_with("tell me a joke") && ws.len() <= 25;
    #[rustfmt::skip]
    let happy = ws.len() <= 4 && ws.first() == Some(&"happy") && ws.get(1).is_some_and(|w| [
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "weekend", "new", "holidays",
    ].contains(w));
    if joke_first || happy {
        return true;
    }
    if ws.is_empty() || ws.len() > 12 {
        return false;
    }
    let mut s = t.trim_start();
    while let Some(rest) = GREETINGS.iter().find_map(|g| s.strip_prefix(g)) {
        s = rest.trim_start_matches(|c: char| c == ',' || c == ':' || c.is_whitespace());
    }
    if any_word(ws, CODE_EN) || contains_any(t, CODE_KO) {
        return false;
    }
    let jokes = any_word(ws, &["joke", "jokes", "pun", "puns"]) || s.starts_with("tell me a joke");
    // "tell me a joke" says "me"; the rest must be impersonal.
    // A Korean fact, not a recommendation ("재택근무용 모니터 몇 인치가 좋아?").
    let advice = contains_any(t, &["좋아", "추천", "나아", "낫", "어때", "좋을까"]);
    if jokes || (contains_any(t, FACT_KO) && !advice) {
        return true;
    }
    if any_word(ws, PERSONAL) {
        return false;
    }
    let numbers = ws.iter().filter(|w| w.starts_with(|c: char| c.is_ascii_digit())).count();
    let starts = FACT_STARTS_EN.iter().any(|p| s.starts_with(p));
    // "what does GPU stand for", "what does 'serendipity' mean".
    let what_does = s.starts_with("what does")
        && (s.contains("stand for") || s.trim_end_matches(['?', '.', '!', ' ']).ends_with(" mean"));
    // "when was the eiffel tower built".
    let when_was = s.starts_with("when was")
        && any_word(ws, &["born", "built", "founded", "invented", "written", "released", "discovered", "made"]);
    // "how many ounces in a pound", "how many days are in a leap year"; not a sum to work out.
    let how_many_in = s.starts_with("how many")
        && numbers == 0
        && contains_any(s, &[" in a ", " in an ", " in one ", " are in ", " are there in "]);
    // "convert 30 celsius to fahrenheit": one quantity, one unit to another.
    let convert = (s.starts_with("convert ") || s.starts_with("what's ") || s.starts_with("what is "))
        && numbers == 1
        && any_word(
            ws,
            &["celsius", "fahrenheit", "km", "miles", "mile", "kg", "lbs", "pounds", "inches", "cm", "feet"],
        );
    // "1 GB is how many MB?": one quantity, in another unit.
    #[rustfmt::skip]
    let units = ws.iter().filter(|w| [
        "celsius", "fahrenheit", "km", "miles", "mile", "kg", "lbs", "pounds", "inches", "cm", "feet", "gb", "mb",
        "kb", "tb", "meters", "liters", "gallons", "ounces", "oz", "grams",
    ].contains(w)).count();
    let in_units = numbers == 1 && units >= 2 && contains_any(s, &["how many", "how much", "in "]);
    // "default port for redis?", "what port does ssh use".
    let port = any_word(ws, &["port"])
        && ws.len() <= 7
        && contains_any(s, &["default port", "what port", "which port", "port for", "port number"]);
    starts || what_does || when_was || how_many_in || convert || in_units || port
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::router::rules::words;

    fn q(text: &str) -> bool {
        let t = text.to_lowercase();
        quick(&t, &words(&t))
    }

    #[test]
    fn facts_definitions_conversions_and_jokes() {
        for text in [
            "what is the capital of France?",
            "who wrote Romeo and Juliet?",
            "what does GPU stand for?",
            "what does 'serendipity' mean?",
            "how many ounces in a pound?",
            "how many days are in a leap year",
            "convert 30 celsius to fahrenheit pls",
            "what year did the Berlin Wall fall?",
            "hey, tell me a joke about programmers",
            "RAM이 뭐의 약자였지?",
            "재미있는 농담 하나 해줘",
            "호주 수도가 어디야?",
        ] {
            assert!(q(text), "{text}");
        }
    }

    #[test]
    fn not_the_users_own_business_nor_a_sum() {
        for text in [
            "how many meetings do I have tomorrow?",
            "what does my lease say about pets?",
            "how many apples can I buy with 10 dollars if one costs 3?",
            "what does this error mean in my build log",
            "explain the difference between TCP and UDP",
            "when is my dentist appointment?",
            "how many ways can 5 people sit at a round table?",
            "define a function in python that reverses a string",
            "translate this python script to rust",
            "농담 아니고 진지하게 이직할까 고민돼",
            "사회적 약자 배려 캠페인 아이디어 좀",
        ] {
            assert!(!q(text), "{text}");
        }
    }
}
