use serde_json::json;
use switchboard_model::{Action, BackendStatus, ChatEvent, Lang, MessageState, Role};

use super::*;

fn status(name: &str) -> BackendStatus {
    let at = "2024-05-01T12:00:00.123456789Z".parse().unwrap();
    BackendStatus::unchecked(name, Role::Reasoner, at)
}

#[test]
fn requests_and_pushes_round_trip_as_json_lines() {
    let req = Request { id: 7, call: Call::SendMessage { conversation: None, text: "hi\nthere".into() } };
    let line = serde_json::to_string(&req).unwrap();
    assert!(!line.contains('\n'), "{line}");
    assert_eq!(serde_json::from_str::<Request>(&line).unwrap(), req);
    assert_eq!(serde_json::from_str::<Request>(r#"{"id":1,"call":{"cmd":"locale"}}"#).unwrap().call, Call::Locale);
    let sent = Sent { conversation_id: 1, user_message_id: 2, reply_message_id: 3 };
    for push in [
        Push::Reply { id: 1, result: Ok(Answer::Statuses(vec![status("big")])) },
        Push::Reply { id: 1, result: Ok(Answer::Sent(sent)) },
        Push::Reply { id: 1, result: Ok(Answer::Locale(Lang::Ko)) },
        Push::Reply { id: 1, result: Ok(Answer::Done) },
        Push::Reply { id: 2, result: Err(WireError::new(ErrorKind::NotFound, "no such backend: x")) },
        Push::Chat { id: 3, event: ChatEvent::Token { text: "hé\n".into() } },
        Push::Chat {
            id: 3,
            event: ChatEvent::Done {
                state: MessageState::Done,
                action: Some(Action::Direct),
                backend: Some("small".into()),
                model: None,
                ttft_ms: Some(1.5),
                total_ms: 2.0,
                tokens: Some(4),
            },
        },
        Push::Emit { event: UiEvent::Status(vec![status("small"), status("big")]) },
        Push::Show { view: View::Status },
        Push::ChatEnd { id: 3 },
    ] {
        let line = serde_json::to_string(&push).unwrap();
        assert!(!line.contains('\n'), "{line}");
        assert_eq!(serde_json::from_str::<Push>(&line).unwrap(), push);
    }
    assert_eq!(View::parse("status"), Some(View::Status));
    assert_eq!(View::parse("nope"), None);
}

/// What the web UI receives is the value inside the answer, the same JSON as before answers
/// were typed: the ids object, the bare language string, `null` for "done".
#[test]
fn answers_carry_the_values_the_web_ui_receives() {
    let sent = Sent { conversation_id: 1, user_message_id: 2, reply_message_id: 3 };
    assert_eq!(
        serde_json::to_value(sent).unwrap(),
        json!({"conversation_id": 1, "user_message_id": 2, "reply_message_id": 3})
    );
    assert_eq!(serde_json::to_value(Lang::Ko).unwrap(), json!("ko"));
    assert_eq!(serde_json::to_value(Answer::Locale(Lang::En)).unwrap(), json!({"answer": "locale", "value": "en"}));
    assert_eq!(serde_json::to_value(Answer::Done).unwrap(), json!({"answer": "done"}));
    let e = WireError::new(ErrorKind::Unknown, "a request this Switchboard does not know");
    assert_eq!(e.to_string(), "a request this Switchboard does not know", "Display is the message alone");
    assert_eq!(serde_json::to_value(&e).unwrap(), json!({"kind": "unknown", "message": e.message}));
    let wrong = WireError::unexpected("statuses", &Answer::Done);
    assert_eq!((wrong.kind, wrong.message.as_str()), (ErrorKind::Protocol, "expected a `statuses` answer, got `done`"));
}

/// UI events: the name the JavaScript listens to and the payload it gets (a status array, a
/// view name).
#[test]
fn ui_events_have_the_web_uis_names_and_payloads() {
    let ev = UiEvent::Status(vec![status("small"), status("big")]);
    assert_eq!(ev.name(), "status");
    let payload = ev.payload().unwrap();
    assert_eq!(payload[1]["name"], "big", "{payload}");
    assert_eq!(payload[1]["state_since"], "2024-05-01T12:00:00.123456789Z", "{payload}");
    let show = UiEvent::Show(View::Status);
    assert_eq!((show.name(), show.payload().unwrap()), ("show", json!("status")));
}
