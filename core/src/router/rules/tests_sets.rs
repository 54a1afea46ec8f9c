//! The rules' errors found on the benchmark's sets once each was scored blind and read: each
//! a test, beside the near misses its mend must leave alone.
use super::tests_answers::{d, today, turns};
use super::*;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

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

/// Round 11, mail: a reply or a forward asked without the word mail, a reply received asked
/// after, and mail from someone since a time.
#[test]
fn replies_and_forwards_without_the_word_mail() {
    let cases: &[(&str, &str)] = &[
        ("reply to Tom saying I'll be there at 5", "email.send"),
        ("reply to the landlord and tell him tuesday works for the plumber", "email.send"),
        ("reply yes, I'll get to it Thursday", "email.send"),
        ("forward that invoice to accounting@acme.com", "email.send"),
        ("email sam that i'm running 10 min late", "email.send"),
        ("email Tom I'll be 10 min late to the call", "email.send"),
        ("shoot a quick note to the team that standup is cancelled tmrw", "email.send"),
        ("tell Marcus I'm running 10 min late, shoot him an email", "email.send"),
        ("민수한테 점심 ㅇㅋ라고 답장해줘", "email.send"),
        ("거래처에 견적서 잘 받았다고 회신 좀 해줘", "email.send"),
        ("이 메일 민수한테 전달 좀", "email.send"),
        ("편집장님께 기사 초고 첨부해서 보내줘", "email.send"),
        ("did the landlord ever reply?", "email.search"),
        ("did the contractor ever write back about the quote?", "email.search"),
        ("did the publisher ever get back to me about the contract", "email.search"),
        ("김대리가 답장 보냈어?", "email.search"),
        ("교수님 답장 하셨나?", "email.search"),
        ("what has Tom sent me lately?", "email.search"),
        ("pull up everything Stripe sent me about payouts", "email.search"),
        ("did the invoice from Northwind come in yet?", "email.search"),
        ("anything from my editor since this morning?", "email.search"),
        ("인사팀에서 연말정산 관련해서 뭐 온거 있나", "email.search"),
    ];
    for (text, want) in cases {
        assert_eq!(d(text, &[]).as_deref(), Some(*want), "{text}");
    }
    let wrote = turns("write an email to Dana asking for the Q3 numbers", "Subject: Q3 numbers\n\nHi Dana, ...");
    assert_eq!(d("looks good, send it", &wrote).as_deref(), Some("email.send"));
    assert_eq!(d("ㅇㅋ 이대로 보내", &wrote).as_deref(), Some("email.send"));
    let code = turns("write a python script that backs up my photos", "```python\nimport shutil\n```");
    assert_ne!(d("looks good, send it", &code).as_deref(), Some("email.send"));
    #[rustfmt::skip]
    let not: &[(&str, &str)] = &[
        ("how should I reply to my landlord about the rent increase?", "email.send"),
        ("help me reply to Tom, he's upset about the delay", "email.send"),
        ("reply to this review saying thanks for the feedback", "email.send"),
        ("reply to that", "email.send"),
        ("카톡으로 민수한테 답장해줘", "email.send"),
        ("어떻게 답장해야 할지 모르겠어 좀 도와줘", "email.send"),
        ("요점이 잘 전달되게 좀 다듬어줘", "email.send"),
        ("did the server respond?", "email.search"),
        ("did you answer my question about rust lifetimes?", "email.search"),
        ("has the model replied yet? it's been a minute", "email.search"),
        ("did the 70b answer yet", "email.search"),
        ("anything from the 90s worth watching?", "email.search"),
        ("what did you send me earlier, the link you sent me", "email.search"),
        ("인스타에서 답장 왔어 ㅋㅋ", "email.search"),
    ];
    for (text, not) in not {
        assert_ne!(d(text, &[]).as_deref(), Some(*not), "{text}");
    }
}

/// Round 11, status and vague requests: the wait ahead asked, a model by its size first, Korean
/// 바쁨/뻗/로딩; something said before and never shown.
#[test]
fn status_and_vague_requests_round_11() {
    let cases: &[(&str, &str)] = &[
        ("GPU 서버 바쁨?", "status"),
        ("추론 모델 지금 바쁨?", "status"),
        ("gpu서버 또 뻗은거 아님?ㅋㅋ", "status"),
        ("내 앞에 대기 몇개 있음?", "status"),
        ("답변 오는데 얼마나 기다려야돼요?", "status"),
        ("백엔드 재시작했는데 모델 로딩 다 됐나 확인 좀", "status"),
        ("big model up?", "status"),
        ("which model's loaded rn", "status"),
        ("ugh ok how many people are ahead of me", "status"),
        ("how long would I have to wait if I send a long coding question right now", "status"),
        ("Before I paste my whole chapter in, is the reasoner actually awake?", "status"),
        ("seriously, 3 minutes for a one-line answer?? what is going on with the servers", "status"),
        ("same as last time please", "clarify"),
        ("do the same thing as last time", "clarify"),
        ("can you change it like we talked about", "clarify"),
    ];
    for (text, want) in cases {
        assert_eq!(d(text, &[]).as_deref(), Some(*want), "{text}");
    }
    #[rustfmt::skip]
    let not: &[(&str, &str)] = &[
        ("how many people are ahead of me in line at the DMV usually?", "status"),
        ("big model or small model for summarising legal text?", "status"),
        ("what's going on with the housing market", "status"),
        ("요즘 회사일 바쁨? 나는 죽겠다", "status"),
        ("은행 앞에 대기 몇 명 있는지 어떻게 알아?", "status"),
        ("which model's better for code, qwen or llama?", "status"),
    ];
    for (text, not) in not {
        assert_ne!(d(text, &[]).as_deref(), Some(*not), "{text}");
    }
}

/// A review of round 11 found these decided wrongly by its first version (each run then): a
/// morning or an evening named, a name that is a month's abbreviation, a weekend of another
/// week, "before lunch" of another day, a part of a month, a machine's or the weather's
/// "look", something of a meeting, a cron job set up, a table booked, a slide deck that is a
/// game's, a variable read, a request with a funny word.
#[test]
fn what_round_11_must_leave_alone() {
    let draft = |text: &str| match decide(text, today(), &[], Lang::En, true) {
        Some(Decision::Tools { operation, params, .. }) if operation == "create_draft" => {
            Some(format!("{} {}", params["date"].as_str().unwrap(), params["time"].as_str().unwrap()))
        }
        _ => None,
    };
    let times: &[(&str, Option<&str>)] = &[
        ("내일 오전 7:30 미팅 잡아줘", Some("2026-12-03 07:30")),
        ("schedule gym tomorrow morning 6:30", Some("2026-12-03 06:30")),
        ("remind me at 6:45 tomorrow morning to take my meds", Some("2026-12-03 06:45")),
        ("add a run friday morning around 7", Some("2026-12-04 07:00")),
        ("dinner with sarah friday around 8, add it pls", Some("2026-12-04 20:00")),
        ("schedule a call with jun 4pm, he's in tokyo", None),
        ("book lunch with jan 1pm", None),
        ("lunch with Jan 12:30 on the 14th, add it", Some("2026-12-14 12:30")),
        ("good morning! add a call with the vendor friday at 3", Some("2026-12-04 15:00")),
        ("can you set up a cron job that runs every friday at 3:00", None),
        ("can you set up ollama on my server tomorrow morning?", None),
        ("i need to book a table for tonight, any good italian places near gangnam?", None),
        ("add milk to the shopping list tonight", None),
        ("내일 오전 회의 자료 만들어줘", None),
        ("내일 부산 여행 일정 만들어줘, 오전엔 해운대 가고 싶어", None),
        ("book a call with the vendor friday after lunch", Some("2026-12-04 13:00")),
        ("good afternoon, please add the team dinner friday", Some("2026-12-04 18:00")),
        ("block 3-4 hours friday for taxes", None),
        ("block reddit on my laptop tomorrow morning", None),
    ];
    for (text, want) in times {
        assert_eq!(draft(text).as_deref(), *want, "{text}");
    }
    let dated: &[(&str, Option<When>)] = &[
        ("am I free the weekend of the 19th?", Some(When::Range(day("2026-12-19"), day("2026-12-20")))),
        ("12월 19일 주말에 약속 있나?", Some(When::Range(day("2026-12-19"), day("2026-12-20")))),
        ("did i have any meetings last weekend", Some(When::Range(day("2026-11-28"), day("2026-11-29")))),
        ("지난 주말에 무슨 약속 있었지?", Some(When::Range(day("2026-11-28"), day("2026-11-29")))),
        (
            "anything on this weekend? i'm thinking of migrating to next.js",
            Some(When::Range(day("2026-12-05"), day("2026-12-06"))),
        ),
        ("am i free christmas weekend?", None),
        ("12월 24일 점심 전에 회의 있어?", Some(When::Day(day("2026-12-24"), None))),
        ("do I have anything on the 14th before lunch?", Some(When::Day(day("2026-12-14"), None))),
        ("what's on my calendar this month after the 15th?", Some(When::Range(day("2026-12-01"), day("2026-12-31")))),
        ("다음달 첫 주말 일정 있어?", Some(When::Range(day("2027-01-01"), day("2027-01-07")))),
    ];
    for (text, want) in dated {
        assert_eq!(dates::parse(text, today()), *want, "{text}");
    }
    #[rustfmt::skip]
    let not: &[(&str, &str)] = &[
        ("어제 점심 전에 회의 있었나?", "calendar.today"),
        ("any good events in seoul this weekend?", "calendar.search"),
        ("do you have any plans for the weekend?", "calendar.search"),
        ("you got any plans this weekend lol", "calendar.search"),
        ("what's my day rate if I want 90k a year working 200 days?", "calendar.today"),
        ("how's tomorrow looking for a hike, weather-wise?", "calendar.search"),
        ("what does saturday look like for surfing at yangyang", "calendar.search"),
        ("what have I got on my gpu box today?", "calendar.today"),
        ("내일 미팅 때 뭐 입고 가지?", "calendar.search"),
        ("내일 회의 때 쓸 슬라이드 좀 봐줘", "calendar.search"),
        ("오늘 회의에서 나온 액션 아이템 몇 개야?", "calendar.today"),
        ("오늘 헬스장 비어있나?", "calendar.today"),
        ("오늘 작업 큐 비어있어?", "calendar.today"),
        ("why did that take 40 minutes to download?", "status"),
        ("why did that take so long to sync to icloud", "status"),
        ("where can I buy a steam deck in seoul?", "document.search"),
        ("find a good deck stain color for cedar", "document.search"),
        ("read user_input in python", "document.read"),
        ("OPENAI_API_KEY 읽어와?", "document.read"),
        ("need a funny caption for my instagram post about my cat knocking over a plant", "direct"),
        ("looking for a funny name for my homelab server, it runs proxmox and has 3 nodes", "direct"),
    ];
    for (text, not) in not {
        assert_ne!(d(text, &[]).as_deref(), Some(*not), "{text}");
    }
    for text in [
        "is the 3090 box offline? use the mac then",
        "is the gpu server online? training needs to start",
        "is the server down? getting this\n```\ncurl: (7) Failed to connect to 10.0.0.5 port 8000\n```",
        "something wild: my 4090 box keeps rebooting when i load the 70b",
    ] {
        assert_eq!(d(text, &[]).as_deref(), Some("status"), "{text}");
    }
}

/// A second review of round 11 ran these, decided wrongly by the commit before this test: a
/// reply on another channel or an instruction to the model taken for mail to send, a reply
/// on GitHub or a company's answer to the news taken for mail received, someone else's
/// queue or wait taken for the servers', and times read from a word of another clause.
#[test]
fn what_round_11s_mail_and_status_must_leave_alone() {
    let kakao = turns("친구가 카톡으로 내일 몇시에 볼래? 라고 보냄", "7시 어때요?");
    let texted = turns("my buddy texted me 'are we still on for tonight?'", "Sounds like he wants to confirm.");
    assert_ne!(d("7시라고 답장 좀 해줘", &kakao).as_deref(), Some("email.send"));
    assert_ne!(d("reply yes, tell him 8pm works", &texted).as_deref(), Some("email.send"));
    let wrote = turns("write an email to Dana asking for the Q3 numbers", "Subject: Q3 numbers\n\nHi Dana, ...");
    for text in [
        "dont send it yet",
        "아직 보내지 마",
        "i'll send it myself tomorrow",
        "can u send a shorter version",
        "영어 버전도 보내줘",
    ] {
        assert_ne!(d(text, &wrote).as_deref(), Some("email.send"), "{text}");
    }
    #[rustfmt::skip]
    let not: &[(&str, &str)] = &[
        ("reply with yes if you understand the instructions", "email.send"),
        ("reply in one word, yes or no: is rust memory safe", "email.send"),
        ("drop the email column from the users table", "email.send"),
        ("email regex that handles subdomains and plus addressing", "email.send"),
        ("reply to the github issue saying we fixed it in 0.4.2", "email.send"),
        ("respond to the recruiter on linkedin saying im not interested", "email.send"),
        ("send a note to the group chat that im running 10 min late", "email.send"),
        ("고객 리뷰에 답장 좀 써줘", "email.send"),
        ("아웃룩에서 답장 보내기 예약하는 법 좀 알려줘", "email.send"),
        ("당근 구매자한테 내일 거래 가능하다고 답장 좀 해줘", "email.send"),
        ("shoot me an email template for cold outreach to dentists", "email.send"),
        ("forward all my calls to him while im at the dentist", "email.send"),
        ("has anyone written a rust crate for this", "email.search"),
        ("did the maintainer respond to my PR", "email.search"),
        ("did nintendo respond to the lawsuit", "email.search"),
        ("did i answer that right", "email.search"),
        ("anything new from openai?", "email.search"),
        ("anything from deepseek this week?", "email.search"),
        ("what did he mean by the text he sent me", "email.search"),
        ("find the tiktok my sister sent me yesterday", "email.search"),
        ("디코에서 답장 왔어?", "email.search"),
        ("읽씹당했는데 답장 왔나 계속 확인하게 됨 ㅠ", "email.search"),
        ("교수님 답변 얼마나 기다려야 할까요", "status"),
        ("카페 웨이팅 내 앞에 몇 명인지 어떻게 알아?", "status"),
        ("how long would i have to wait after eating to swim", "status"),
        ("how many people are ahead of me on the waitlist for the apartment", "status"),
        ("what's going on with the gpu shortage", "status"),
        ("is the server team awake yet? need someone to approve my PR", "status"),
        ("gpu 서멀 바르고 나서 자꾸 뻗는데 왜 그럴까", "status"),
        ("Next.js 서버 컴포넌트 로딩 상태 어떻게 처리해", "status"),
        ("로스트아크 서버 점검 언제 풀려?", "status"),
        ("회사 gpu 개인 프로젝트에 써도 되나요", "status"),
        ("서버팀 요즘 바쁨?", "status"),
        ("what model's running the new siri", "status"),
        ("small model that can run offline on a phone?", "status"),
        ("my flask server keeps crashing, trace:\n```\nTraceback (most recent call last): ...\n```", "status"),
        ("i feel like we said goodbye too early", "clarify"),
        ("is the weather tomorrow the same as yesterday", "clarify"),
        ("can you set up a demo environment for friday afternoon", "calendar.create_draft"),
    ];
    for (text, not) in not {
        assert_ne!(d(text, &[]).as_deref(), Some(*not), "{text}");
    }
    let draft = |text: &str| match decide(text, today(), &[], Lang::En, true) {
        Some(Decision::Tools { operation, params, .. }) if operation == "create_draft" => {
            Some(format!("{} {}", params["date"].as_str().unwrap(), params["time"].as_str().unwrap()))
        }
        _ => None,
    };
    let times: &[(&str, &str)] = &[
        ("remind me at 10 tomorrow to book the dinner reservation", "2026-12-03 10:00"),
        ("add a call with the client at 5 tomorrow, i'll leave early", "2026-12-03 17:00"),
        ("add a call with sam at 3 tomorrow, after my morning run", "2026-12-03 15:00"),
        ("add lunch with jay tomorrow, he flies out tonight", "2026-12-03 12:00"),
        ("add lunch with mom on sunday, she can't do dinner", "2026-12-06 12:00"),
    ];
    for (text, want) in times {
        assert_eq!(draft(text).as_deref(), Some(*want), "{text}");
    }
    // Still decided.
    for (text, want) in [
        ("서버 지금 바쁨?", "status"),
        ("큰 모델 뻗었어?", "status"),
        ("is the reasoner awake", "status"),
        ("what's going on with the servers", "status"),
        ("did the landlord ever reply", "email.search"),
    ] {
        assert_eq!(d(text, &[]).as_deref(), Some(want), "{text}");
    }
}
