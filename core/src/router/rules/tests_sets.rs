//! The rules' errors found on the benchmark's sets once each was scored blind and read: each
//! a test, beside the near misses its mend must leave alone.
use super::tests_answers::{d, today, turns};
use super::*;

#[test]
fn fresh13_and_fresh14s_rule_errors() {
    let t = turns;
    assert_ne!(d("안녕하세요 손주가 이거 깔아줬어요 잘 부탁합니다", &[]).as_deref(), Some("clarify"));
    assert_eq!(d("do I have a doc with the level design for the ice stage?", &[]).as_deref(), Some("document.search"));
    assert_eq!(d("summarize the Q3 board memo for me", &[]).as_deref(), Some("document.read"));
    assert_eq!(d("지난주에 인사팀에서 온 메일 다 보여줘", &[]).as_deref(), Some("email.search"));
    assert_eq!(d("which is better, the first or the second?", &[]).as_deref(), Some("clarify"));
    assert_eq!(d("둘 중에 뭐가 나아?", &[]).as_deref(), Some("clarify"));
    let two = t("postgres or mysql for a small CRM?", "Postgres for its types; MySQL for its tooling.");
    assert_ne!(d("둘 중에 뭐가 나아?", &two).as_deref(), Some("clarify"));
    assert_eq!(d("why's everything so sluggish today, is the 70b choking again?", &[]).as_deref(), Some("status"));
    assert_eq!(
        d("am I free the week of the 14th? trying to plan a shoot in Busan", &[]).as_deref(),
        Some("calendar.search")
    );
    assert_ne!(d("am I free to plan a trip next week?", &[]).as_deref(), Some("calendar.search"));
    assert_eq!(
        d("grab me the thread where legal signed off on the model risk doc", &[]).as_deref(),
        Some("email.search")
    );
    assert_ne!(d("explain the thread pool in java", &[]).as_deref(), Some("email.search"));
    assert_ne!(
        d("종소세 신고할때 프리랜서 경비처리 어디까지 인정돼요? 노트북이랑 카페 비용 같은거", &[]).as_deref(),
        Some("document.search")
    );
    assert_eq!(d("아 근데 방금 답 왜 이렇게 오래 걸렸어?", &[]).as_deref(), Some("status"));
    assert_eq!(d("민원 건으로 과장님이 보내신 메일 어딨지", &[]).as_deref(), Some("email.search"));
    assert_eq!(d("이번주에 클라이언트한테 온 메일 목록 보여줘", &[]).as_deref(), Some("email.search"));
}

#[test]
fn fresh15s_rule_errors() {
    let cases: &[(&str, &str)] = &[
        ("ugh, what a day. standup ran 40 minutes because the PM wanted to relitigate sprint scope, then my kid's school called about a forgotten lunchbox, and of course the vLLM box OOM'd right in the middle of the client demo. got everything back up around 6 and I've answered like 50 emails since. anyway. just needed to get that off my chest lol", "direct"),
        ("for offline batch inference on 2x A6000, is one vLLM instance with tensor parallel 2 faster than two independent llama.cpp servers behind nginx? model is a 14B at fp16", "not status"),
        ("why did that take like two minutes?? usually it's instant", "status"),
        ("open level_design_v3", "document.read"),
        ("summarize the Q2 board deck for me, I have 5 minutes before the meeting", "document.read"),
        ("아 진짜 오늘 회의만 5개였음.. 팀장님은 보고서 메일 계속 보내시고 서버는 또 재부팅되고 ㅋㅋㅋ 점심도 못먹음. 그냥 하소연 좀 해봤어요. 퇴근하고 싶다", "direct"),
        ("로그 좀 봐줘\n```\n2024/05/02 13:22:41 [error] 2211#2211: *8812 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.1.23, server: api.example.com, upstream: \"http://127.0.0.1:8000/upload\"\n```\n파일 업로드할때만 이래요. 프록시 타임아웃 문제임?", "route"),
    ];
    for (text, want) in cases {
        match want.strip_prefix("not ") {
            Some(not) => assert_ne!(d(text, &[]).as_deref(), Some(not), "{text}"),
            None => assert_eq!(d(text, &[]).as_deref(), Some(*want), "{text}"),
        }
    }
}

/// Round 11, from the read sets' calendar requests the rules left to the model: the day's
/// look asked without a calendar word, Korean with 미팅 and 몇 시, a block of time to add.
#[test]
fn calendar_questions_without_a_calendar_word() {
    let cases: &[(&str, &str)] = &[
        ("what have I got on today?", "calendar.today"),
        ("what's my day look like", "calendar.today"),
        ("what does my day look like", "calendar.today"),
        ("what am I stuck in today", "calendar.today"),
        ("do I have anything before lunch? trying to sneak in a gym session", "calendar.today"),
        ("what does next week look like for me?", "calendar.search"),
        ("what've i got next tuesday", "calendar.search"),
        ("what do i have friday?", "calendar.search"),
        ("anything booked for the 14th", "calendar.search"),
        ("anything on this weekend?", "calendar.search"),
        ("오늘 회의 몇 시였지?", "calendar.today"),
        ("오늘 오전에 미팅 있나", "calendar.today"),
        ("나 오늘 4시에 비어있나?", "calendar.today"),
        ("담주 수욜 비어있어?", "calendar.search"),
        ("다음주 일정 어떻게 돼요?", "calendar.search"),
        ("이번 주말 일정 좀 봐줘", "calendar.search"),
        ("오늘 스케줄 쭉 읊어줘", "calendar.today"),
    ];
    for (text, want) in cases {
        assert_eq!(d(text, &[]).as_deref(), Some(*want), "{text}");
    }
    #[rustfmt::skip]
    let not: &[(&str, &str)] = &[
        ("what does next week's weather look like?", "calendar.search"),
        ("what do I have left in my budget this month?", "calendar.search"),
        ("what do I have on hand for dinner tonight?", "calendar.today"),
        ("what do i have to install before friday?", "calendar.search"),
        ("what does a good day look like for a junior SRE?", "calendar.today"),
        ("how's the weather looking tomorrow", "calendar.search"),
        ("다음주 회의 자료 몇 개 있어?", "calendar.search"),
        ("오늘 회의록 몇 페이지야?", "calendar.today"),
        ("오늘 서버 디스크 비어있나?", "calendar.today"),
        ("내일 회의실 비어있어?", "calendar.search"),
        ("what did my day look like in the end? crazy lol", "calendar.today"),
    ];
    for (text, not) in not {
        assert_ne!(d(text, &[]).as_deref(), Some(*not), "{text}");
    }
}

/// A block of time, a part of the day, a span, a Korean event made: drafts with the day and
/// the time read by code.
#[test]
fn blocks_of_time_become_drafts() {
    let draft = |text: &str| match decide(text, today(), &[], Lang::En, true) {
        Some(Decision::Tools { operation, params, .. }) if operation == "create_draft" => {
            Some(format!("{} {}", params["date"].as_str().unwrap(), params["time"].as_str().unwrap()))
        }
        _ => None,
    };
    let cases: &[(&str, &str)] = &[
        ("block 2-4 friday for deep work", "2026-12-04 14:00"),
        ("block off friday afternoon for deep work, no meetings", "2026-12-04 13:00"),
        ("block 2 hours tomorrow morning for the tax stuff", "2026-12-03 09:00"),
        ("block 2 to 4 tomorrow for grading, I don't want anyone booking over it", "2026-12-03 14:00"),
        ("can you set up lunch with Marco next Tuesday at 12:30", "2026-12-08 12:30"),
        ("add 'call mom' to my calendar sunday evening around 7", "2026-12-06 19:00"),
        ("parent-teacher conference oct 14 at 4:30, add it pls", "2027-10-14 16:30"),
        ("다음달 3일 오전 10시 건강검진 일정 추가해줘", "2027-01-03 10:00"),
        ("금요일 10시에 장애 회고 한 시간짜리로 만들어 줘요", "2026-12-04 10:00"),
        ("다음달 25일 부가세 신고 마감 캘린더에 박아놔", "2027-01-25 09:00"),
    ];
    for (text, want) in cases {
        assert_eq!(draft(text).as_deref(), Some(*want), "{text}");
    }
    #[rustfmt::skip]
    let not = [
        "is my 9am focus block tomorrow still on?",
        "block port 8080 tomorrow afternoon",
        "Running late — remind me what's first on the schedule this morning",
        "내일 오후 3시까지 보고서 만들어줘",
        "오늘 ㄹㅇ 미쳤음ㅋㅋㅋ 아침부터 회의 세개 연달아 하고 팀장님은 캘린더에 또 뭐 잡아놓으심.. 걍 하소연임",
        "how do I block ads on my router tomorrow morning",
        "there's a block party on saturday afternoon, should I go?",
    ];
    for text in not {
        assert_eq!(draft(text), None, "{text}");
    }
}
