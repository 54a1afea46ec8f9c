// Switchboard's web UI: plain JavaScript, no remote content. Model output is rendered to
// sanitised HTML by the Rust side (render_markdown) and only ever inserted as that.
"use strict";

const { invoke, Channel } = window.__TAURI__.core;
const { listen } = window.__TAURI__.event;

// One typed function per command.
const api = {
  status: () => invoke("status"),
  history: (name, spanSecs) => invoke("history", { name, spanSecs }),
  checkNow: () => invoke("check_now"),
  send: (conversation, text, onEvent) => invoke("send_message", { conversation, text, onEvent }),
  stop: (reply) => invoke("stop_reply", { reply }),
  retry: (conversation, onEvent) => invoke("retry", { conversation, onEvent }),
  regenerate: (conversation, onEvent) => invoke("regenerate", { conversation, onEvent }),
  editMessage: (conversation, message, text, onEvent) => invoke("edit_message", { conversation, message, text, onEvent }),
  setConversationBackend: (conversation, backend) => invoke("set_conversation_backend", { conversation, backend }),
  rename: (conversation, title) => invoke("rename_conversation", { conversation, title }),
  remove: (conversation) => invoke("delete_conversation", { conversation }),
  conversations: () => invoke("conversations"),
  messages: (conversation) => invoke("messages", { conversation }),
  render: (text) => invoke("render_markdown", { text }),
  setPaused: (paused) => invoke("set_paused", { paused }),
  locale: () => invoke("locale"),
  openLink: (url) => invoke("open_link", { url }),
  startNotices: () => invoke("start_notices"),
  toolStatus: () => invoke("tool_status"),
  search: (query) => invoke("search", { query }),
  exportConversation: (conversation, format, title) => invoke("export_conversation", { conversation, format, title }),
  settings: () => invoke("settings"),
  editSettings: (edit) => invoke("edit_settings", { edit }),
  testBackend: (original, backend) => invoke("test_backend", { original, backend }),
  setAutostart: (on) => invoke("set_autostart", { on }),
  scanMachine: () => invoke("scan_machine"),
  storeApiKey: (backend, key) => invoke("store_api_key", { backend, key }),
  testAccount: (original, account) => invoke("test_account", { original, account }),
  storePassword: (kind, account, password) => invoke("store_password", { kind, account, password }),
};

const L10N = {
  en: { chat: "Chat", status: "Status", newChat: "New chat", send: "Send", stop: "Stop", checkNow: "Check now",
        placeholder: "Message", direct: "answered directly", route: "by the reasoner", clarify: "clarifying",
        tools: "tool", statusAction: "status", stopped: "stopped", failed: "failed", state: "State", level: "Level",
        retry: "Retry", rename: "Rename", delete: "Delete", confirmDelete: "Delete?",
        wait: "Wait", probe: "Probe", baseline: "Baseline", ping: "Ping", native: "Running / waiting / slots",
        queue: "Our queue", history: "Probe latency (line) and load (strip)",
        theme: "Theme", system: "system", light: "light", dark: "dark", server: "Server",
        openLink: "Open this link in your browser?", open: "Open in browser", cancel: "Cancel",
        serverRestarting: (a, l) => `restarting (${a} of ${l})`, serverFailed: "failed, not started again",
        addEvent: "Add to calendar", dontAdd: "Don't add", yesWord: "yes", noWord: "no", title: "Title",
        when: "When", calendar: "Calendar", note: "Note", allDay: "all day", draftPending: "Draft: not added yet",
        draftWritten: "Added to the calendar", draftDeclined: "Not added", draftFailed: "Could not add: ",
        noEvents: "No events", unreadable: "Could not read: ", noMails: "No mails", from: "From", to: "To",
        cc: "Cc", date: "Date", subject: "Subject", attachment: "Attachment (not opened)", cut: "(shortened)",
        noDocs: "No documents", toolsHead: "Tools", ok: "ok", settings: "Settings", backendsHead: "Backends",
        savedIn: "Saved in", name: "Name", role: "Role", model: "Model", kind: "Kind", addBackend: "Add backend",
        editBackend: "Edit backend", test: "Test", save: "Save", edit: "Edit", remove: "Remove", up: "Move up",
        down: "Move down", assistantHead: "Assistant", persona: "Persona", language: "Language",
        trayScope: "Tray colour counts", scopeReasoners: "the reasoners", scopeAll: "every backend",
        desktopHead: "Desktop", startAtLogin: "Start at login", foldersHead: "Document folders",
        noFolders: "none: the assistant searches and reads the documents in the folders you add",
        folderPath: "Folder", addFolder: "Add folder", testing: "Testing…", applied: "Saved and applied",
        configRefused: "Configuration not applied (the running one is kept): ", managed: "started by Switchboard",
        models: "models", removeConfirm: "Remove?", scan: "Scan this machine", scanning: "Looking on the usual ports…",
        nothingFound: "No LLM server answers on this machine's usual ports", configured: "configured", add: "Add…",
        embeddingsBox: "Serves embeddings (the router compares meanings too)", embedding: "embedding",
        apiKey: "API key", keyRemove: "Remove the key", keyStored: "stored (type to replace)",
        keyNone: "none (kept in the desktop keyring)", hasKey: "key",
        notify: "Notify", pauseNotifications: "Pause notifications", search: "Search", searchLabel: "Search all conversations",
        noHits: "Nothing found", exportMd: "Export Markdown", exportJson: "Export JSON", exported: "Saved to ",
        titleHit: "title", replyDone: "Reply finished", range: "Range", copy: "Copy", editMessage: "Edit message",
        regenerate: "Regenerate", replaced: "Replaced (kept, not sent again)", saveAndSend: "Save and send",
        answeredBy: "Answered by", automatic: "automatic (routed)" },
  ko: { chat: "채팅", status: "상태", newChat: "새 대화", send: "보내기", stop: "중지", checkNow: "지금 확인",
        placeholder: "메시지", direct: "직접 답변", route: "추론 모델", clarify: "확인 질문", tools: "도구",
        statusAction: "상태", stopped: "중지됨", failed: "실패", state: "상태", level: "부하", wait: "대기",
        retry: "다시 시도", rename: "이름 바꾸기", delete: "삭제", confirmDelete: "삭제할까요?",
        probe: "프로브", baseline: "기준", ping: "핑", native: "처리 / 대기 / 슬롯", queue: "대기열",
        history: "프로브 지연(선)과 부하(띠)", theme: "테마", system: "시스템", light: "밝게",
        dark: "어둡게", server: "서버", openLink: "이 링크를 브라우저에서 열까요?", open: "브라우저에서 열기",
        cancel: "취소", serverRestarting: (a, l) => `재시작 중 (${a}/${l})`,
        serverFailed: "실패, 다시 시작하지 않음",
        addEvent: "캘린더에 추가", dontAdd: "추가 안 함", yesWord: "네", noWord: "아니요", title: "제목",
        when: "일시", calendar: "캘린더", note: "메모", allDay: "종일", draftPending: "초안: 아직 추가 안 됨",
        draftWritten: "캘린더에 추가됨", draftDeclined: "추가 안 함", draftFailed: "추가 실패: ",
        noEvents: "일정 없음", unreadable: "읽지 못함: ", noMails: "메일 없음", from: "보낸 사람", to: "받는 사람",
        cc: "참조", date: "날짜", subject: "제목", attachment: "첨부 (열지 않음)", cut: "(일부 생략)",
        noDocs: "문서 없음", toolsHead: "도구", ok: "정상", settings: "설정", backendsHead: "백엔드",
        savedIn: "저장 위치", name: "이름", role: "역할", model: "모델", kind: "종류", addBackend: "백엔드 추가",
        editBackend: "백엔드 편집", test: "테스트", save: "저장", edit: "편집", remove: "삭제", up: "위로",
        down: "아래로", assistantHead: "어시스턴트", persona: "말투", language: "언어",
        trayScope: "트레이 색이 세는 것", scopeReasoners: "추론 모델", scopeAll: "모든 백엔드",
        desktopHead: "데스크톱", startAtLogin: "로그인할 때 시작", foldersHead: "문서 폴더",
        noFolders: "없음: 추가한 폴더의 문서를 어시스턴트가 검색하고 읽어요",
        folderPath: "폴더", addFolder: "폴더 추가", testing: "테스트 중…", applied: "저장하고 적용했습니다",
        configRefused: "설정을 적용하지 않았습니다 (실행 중인 설정 유지): ", managed: "Switchboard가 시작",
        models: "모델", removeConfirm: "삭제할까요?", scan: "이 컴퓨터 검색", scanning: "자주 쓰는 포트를 확인하는 중…",
        nothingFound: "이 컴퓨터의 자주 쓰는 포트에 LLM 서버가 없습니다", configured: "설정됨", add: "추가…",
        embeddingsBox: "임베딩 제공 (라우터가 의미도 비교)", embedding: "임베딩",
        apiKey: "API 키", keyRemove: "키 지우기", keyStored: "저장됨 (입력하면 바뀜)",
        keyNone: "없음 (데스크톱 키링에 저장)", hasKey: "키",
        notify: "알림", pauseNotifications: "알림 일시 중지", search: "검색", searchLabel: "모든 대화 검색",
        noHits: "찾지 못했습니다", exportMd: "Markdown으로 내보내기", exportJson: "JSON으로 내보내기", exported: "저장함: ",
        titleHit: "제목", replyDone: "답변 완료", range: "기간", copy: "복사", editMessage: "메시지 편집",
        regenerate: "다시 생성", replaced: "대체됨 (보관, 다시 보내지 않음)", saveAndSend: "저장하고 보내기",
        answeredBy: "답변", automatic: "자동 (라우팅)" },
};
const LEVELS = { en: { idle: "idle", normal: "normal", busy: "busy", very_busy: "very busy", starting: "starting", down: "down" },
                 ko: { idle: "여유", normal: "보통", busy: "바쁨", very_busy: "매우 바쁨", starting: "시작 중", down: "중단" } };
let lang = "en";
const t = (k) => (L10N[lang] && L10N[lang][k]) || L10N.en[k] || k;

const $ = (id) => document.getElementById(id);
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

// ---- views ----
const VIEWS = ["chat", "status", "settings"];
function show(view) {
  for (const v of VIEWS) {
    $(`view-${v}`).hidden = view !== v;
    $(`tab-${v}`).classList.toggle("active", view === v);
    $(`tab-${v}`).setAttribute("aria-selected", String(view === v));
  }
  if (view === "status") refreshStatus();
  if (view === "settings") refreshSettings();
  if (view === "chat") $("input").focus();
}

// ---- chat ----
let conversation = null;
let conversationTitles = new Map();
let conversationBackends = new Map();
let replying = null; // reply message id under way
let afterReply = null; // what the user asked for while a reply was still ending

function badgeText(action, backend) {
  const name = action === "status" ? t("statusAction") : t(action);
  return backend ? `${name} · ${backend}` : name;
}

// Renders markdown through Rust (sanitised by ammonia there), incrementally (render.js).
function renderInto(body, text) {
  renderMarkdown(body, text, api.render, addCopyButtons);
}

function addCopyButtons(body) {
  for (const pre of body.querySelectorAll("pre")) {
    const b = el("button", "copy", "copy");
    b.addEventListener("click", () => navigator.clipboard.writeText(pre.querySelector("code")?.textContent ?? pre.textContent));
    pre.appendChild(b);
  }
}

function addUser(text) {
  const m = el("div", "msg user", text);
  m.dataset.text = text;
  $("messages").appendChild(m);
  m.scrollIntoView({ block: "end" });
  return m;
}

function addAssistant() {
  const m = el("div", "msg assistant");
  const badge = el("span", "badge");
  badge.hidden = true;
  const notices = el("div", "notices");
  const body = el("div", "body");
  const tool = el("div", "toolcard");
  tool.hidden = true;
  const state = el("span", "state");
  m.append(badge, notices, body, tool, state);
  $("messages").appendChild(m);
  return { m, badge, notices, body, tool, state };
}

// ---- tool cards ----
// A tool's answer (events, a draft) as plain text nodes: what a calendar shows, never HTML.
// A draft's buttons send the user's own "yes" / "no": the engine writes only on that answer.
function when(start, end, allDay) {
  const d = (s) => s.slice(0, 10);
  const hm = (s) => s.slice(11, 16);
  if (allDay) {
    const last = new Date(d(end) + "T00:00:00Z");
    last.setUTCDate(last.getUTCDate() - 1);
    const lastDay = last.toISOString().slice(0, 10);
    return lastDay > d(start) ? `${d(start)} – ${lastDay} (${t("allDay")})` : `${d(start)} (${t("allDay")})`;
  }
  return d(start) === d(end) ? `${d(start)} ${hm(start)}–${hm(end)}` : `${d(start)} ${hm(start)} – ${d(end)} ${hm(end)}`;
}

function renderToolCard(view, card) {
  const box = view.tool;
  // The same card again (a refresh): left as it is, buttons and all.
  const json = JSON.stringify(card);
  if (box._card === json) return;
  box._card = json;
  box.replaceChildren();
  box.hidden = false;
  if (card.kind === "events") {
    const ul = el("ul", "events");
    for (const e of card.events) {
      const li = el("li");
      li.append(el("span", "when", when(e.start, e.end, e.all_day)), el("span", "what", e.title));
      if (e.location) li.append(el("span", "where", e.location));
      li.append(el("span", "cal", e.calendar));
      ul.appendChild(li);
    }
    if (!card.events.length) box.appendChild(el("div", "muted", t("noEvents")));
    box.appendChild(ul);
    for (const u of card.unavailable || []) box.appendChild(el("div", "notice", t("unreadable") + u));
    return;
  }
  const local = (rfc) => { const d = new Date(rfc); return isNaN(d) ? rfc : d.toLocaleString(); };
  if (card.kind === "mails") {
    const ul = el("ul", "events mails");
    for (const m of card.mails) {
      const li = el("li");
      li.append(el("span", "when", local(m.date)), el("span", "what", m.subject), el("span", "where", m.from), el("span", "cal", m.id));
      ul.appendChild(li);
    }
    if (!card.mails.length) box.appendChild(el("div", "muted", t("noMails")));
    box.appendChild(ul);
    for (const u of card.unavailable || []) box.appendChild(el("div", "notice", t("unreadable") + u));
    return;
  }
  if (card.kind === "mail") {
    const m = card.mail;
    const dl = el("dl");
    const row = (k, v) => { if (v) dl.append(el("dt", null, t(k)), el("dd", null, v)); };
    row("from", m.row.from); row("to", m.to); row("cc", m.cc); row("date", local(m.row.date)); row("subject", m.row.subject);
    for (const a of m.attachments || []) row("attachment", `${a.name} (${a.mime}, ${a.bytes} B)`);
    box.appendChild(dl);
    // The mail's text, as text: never HTML, never links.
    box.appendChild(el("div", "mailbody", m.body + (m.truncated ? "\n" + t("cut") : "")));
    return;
  }
  if (card.kind === "documents") {
    const ul = el("ul", "events docs");
    for (const d of card.docs) {
      const li = el("li");
      li.append(el("span", "what", d.title), el("span", "cal", d.id), el("div", "where path", d.path), el("div", "snippet", d.snippet));
      ul.appendChild(li);
    }
    if (!card.docs.length) box.appendChild(el("div", "muted", t("noDocs")));
    box.appendChild(ul);
    return;
  }
  if (card.kind === "document") {
    const d = card.doc;
    box.append(el("div", "what", d.row.title), el("div", "where path", d.row.path));
    box.appendChild(el("div", "mailbody", d.text + (d.truncated ? "\n" + t("cut") : "")));
    return;
  }
  if (card.kind !== "draft") return;
  const dr = card.draft;
  const dl = el("dl");
  const row = (k, v) => { dl.append(el("dt", null, t(k)), el("dd", null, v)); };
  row("title", dr.title);
  row("when", when(dr.start, dr.end, false));
  row("calendar", dr.calendar);
  if (dr.description) row("note", dr.description);
  box.appendChild(dl);
  const st = card.state;
  const label = st.state === "pending" ? t("draftPending") : st.state === "written" ? t("draftWritten")
    : st.state === "declined" ? t("draftDeclined") : t("draftFailed") + (st.message || "");
  box.appendChild(el("div", "draft-state " + st.state, label));
  if (st.state === "pending" || st.state === "failed") {
    const buttons = el("div", "buttons");
    const add = el("button", "add", t("addEvent"));
    const no = el("button", "no", t("dontAdd"));
    const answer = (word) => {
      add.disabled = true; no.disabled = true;
      // The card can arrive before its reply has ended: the answer is sent once it has.
      if (replying !== null) afterReply = () => send(word);
      else send(word);
    };
    add.addEventListener("click", () => answer(t("yesWord")));
    no.addEventListener("click", () => answer(t("noWord")));
    buttons.append(add, no);
    box.appendChild(buttons);
  }
}

function finishState(view, state, last) {
  if (state === "stopped" || state === "failed") {
    view.state.textContent = t(state);
    view.state.classList.add(state);
  }
  // A failed last reply can be tried again: the user's message is still in the conversation.
  if (state === "failed" && last) {
    const b = el("button", "retry", t("retry"));
    b.addEventListener("click", () => { b.remove(); retry(); });
    view.m.appendChild(b);
  }
}

async function loadConversations() {
  const list = await api.conversations();
  conversationTitles = new Map(list.map((c) => [c.id, c.title]));
  conversationBackends = new Map(list.map((c) => [c.id, c.backend ?? ""]));
  const ul = $("conversations");
  ul.replaceChildren();
  for (const c of list) {
    const li = el("li", c.id === conversation ? "active" : "");
    li.dataset.id = c.id;
    const title = el("span", "title", c.title);
    const rename = el("button", "icon", "✎");
    rename.title = t("rename");
    rename.setAttribute("aria-label", `${t("rename")}: ${c.title}`);
    const del = el("button", "icon", "×");
    del.title = t("delete");
    del.setAttribute("aria-label", `${t("delete")}: ${c.title}`);
    li.append(title, rename, del);
    li.addEventListener("click", (e) => { if (e.target === li || e.target === title) openConversation(c.id); });
    rename.addEventListener("click", () => {
      const input = el("input", "rename");
      input.value = c.title;
      title.replaceWith(input);
      input.focus();
      const save = async () => {
        const v = input.value.trim();
        if (v && v !== c.title) await api.rename(c.id, v).catch((e) => console.warn(e));
        loadConversations();
      };
      input.addEventListener("keydown", (e) => { if (e.key === "Enter") save(); if (e.key === "Escape") loadConversations(); });
      input.addEventListener("blur", save);
    });
    // Two clicks to delete: the first turns the button into "Delete?".
    del.addEventListener("click", async () => {
      if (!del.classList.contains("armed")) { del.classList.add("armed"); del.textContent = t("confirmDelete"); return; }
      await api.remove(c.id).catch((e) => console.warn(e));
      if (conversation === c.id) { conversation = null; $("messages").replaceChildren(); }
      loadConversations();
    });
    ul.appendChild(li);
  }
  showChatHead();
}

// Re-reads the conversation's cards (a draft answered by a later message changed state).
// Redraws in flight (an end-to-end test waits for none before clicking a card).
let refreshing = 0;
async function refreshCards() {
  const id = conversation;
  refreshing += 1;
  try {
    const messages = await api.messages(id).catch(() => []);
    if (id !== conversation) return;
    const views = [...$("messages").querySelectorAll(".msg.assistant")];
    const replies = messages.filter((m) => m.role !== "user");
    replies.forEach((m, i) => {
      const v = views[i];
      if (v && m.card) renderToolCard({ tool: v.querySelector(".toolcard") }, m.card);
    });
  } finally {
    refreshing -= 1;
  }
}

async function openConversation(id, focus = null) {
  conversation = id;
  $("messages").replaceChildren();
  const messages = await api.messages(id);
  const live = messages.filter((m) => !m.replaced);
  let fold = null; // the open "Replaced" group
  messages.forEach((m) => {
    let e;
    if (m.role === "user") {
      e = addUser(m.text);
    } else {
      const v = addAssistant();
      e = v.m;
      if (m.action) { v.badge.textContent = badgeText(m.action, m.backend); v.badge.hidden = false; }
      renderInto(v.body, m.text);
      if (m.card) renderToolCard(v, m.card);
      finishState(v, m.state, !m.replaced && m === live[live.length - 1]);
    }
    e.dataset.messageId = m.id;
    if (m.replaced) {
      if (!fold) {
        fold = el("details", "replaced");
        fold.appendChild(el("summary", "", t("replaced")));
        $("messages").appendChild(fold);
      }
      fold.appendChild(e);
    } else {
      fold = null;
      messageActions(e, m.role);
    }
  });
  refreshActions();
  showChatHead();
  if (focus !== null) {
    const found = $("messages").querySelector(`[data-message-id="${Number(focus)}"]`);
    if (found) {
      found.classList.add("found");
      found.scrollIntoView({ block: "center" });
    }
  }
  loadConversations();
}

function send(text) {
  addUser(text);
  // Not sent (too long, the engine gone): the text goes back into the box, never lost.
  stream((onEvent) => api.send(conversation, text, onEvent), () => {
    if (!$("input").value) $("input").value = text;
  });
}

function retry() {
  if (conversation === null || replying !== null) return;
  stream((onEvent) => api.retry(conversation, onEvent));
}

// Streams one reply into a new assistant message; `start` makes the call with the channel.
async function stream(start, notSent = () => {}, userEl = null) {
  const view = addAssistant();
  let answer = "";
  // A reply decided by rules can end before the call that started it returns.
  let ended = false;
  const onEvent = new Channel();
  onEvent.onmessage = (ev) => {
    switch (ev.type) {
      case "decision": view.badge.textContent = badgeText(ev.action, ev.backend); view.badge.hidden = false; break;
      case "notice": view.notices.appendChild(el("div", "notice", ev.text)); break;
      case "token": answer += ev.text; renderInto(view.body, answer); view.m.scrollIntoView({ block: "end" }); window.__lastReply = { body: view.body, text: answer, doneAt: null }; break;
      case "error": view.notices.appendChild(el("div", "notice", ev.message)); break;
      case "card": renderToolCard(view, ev.card); view.m.scrollIntoView({ block: "end" }); break;
      case "done":
        ended = true;
        if (window.__lastReply) window.__lastReply.doneAt = performance.now();
        finishState(view, ev.state, true);
        view.m.scrollIntoView({ block: "end" });
        // Announced once, when it ends (not on every frame).
        $("announce").textContent = `${t("replyDone")}: ${view.body.textContent.slice(0, 300)}`;
        replying = null;
        $("stop").hidden = true;
        $("send").hidden = false;
        if (afterReply) { const next = afterReply; afterReply = null; setTimeout(next, 0); }
        loadConversations();
        // A settled draft: its earlier card now says where it stands (buttons gone).
        if (view.tool && !view.tool.hidden && conversation !== null) refreshCards();
        break;
    }
  };
  try {
    const sent = await start(onEvent);
    conversation = sent.conversation_id;
    // Their ids, for edit, copy and regenerate (the message is sent, whatever happens here).
    try {
      const user = userEl ?? view.m.previousElementSibling;
      if (user && user.classList.contains("user") && !user.dataset.messageId) {
        user.dataset.messageId = sent.user_message_id;
        messageActions(user, "user");
      }
      view.m.dataset.messageId = sent.reply_message_id;
      messageActions(view.m, "assistant");
      refreshActions();
      // The reply's last row (its actions, a draft's buttons) in view, not cut off under the input.
      if (view.m === $("messages").lastElementChild) view.m.scrollIntoView({ block: "end" });
    } catch (e) {
      console.warn(e);
    }
    if (!ended) {
      replying = sent.reply_message_id;
      $("stop").hidden = false;
      $("send").hidden = true;
    }
  } catch (e) {
    view.notices.appendChild(el("div", "notice", String(e)));
    notSent();
  }
}

// ---- links ----
// A link in a reply never navigates the window (the window refuses that too): a click shows
// the link's real target, and only "Open in browser" hands it to the system browser.
function askToOpen(url) {
  $("link-url").textContent = url;
  $("link-dialog").hidden = false;
  $("link-cancel").focus();
}

function closeLinkDialog() {
  $("link-dialog").hidden = true;
  $("link-url").textContent = "";
}

function watchLinks() {
  $("messages").addEventListener("click", (e) => {
    const a = e.target.closest("a");
    if (!a) return;
    e.preventDefault();
    const href = a.getAttribute("href");
    if (href) askToOpen(a.href);
  });
  $("link-cancel").addEventListener("click", closeLinkDialog);
  $("link-open").addEventListener("click", async () => {
    const url = $("link-url").textContent;
    closeLinkDialog();
    await api.openLink(url).catch((e) => alertNotice(String(e)));
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !$("link-dialog").hidden) closeLinkDialog();
  });
}

function alertNotice(text) {
  $("messages").appendChild(el("div", "notice", text));
}

// ---- status ----
const HOUR = 3600 * 1000;

function fmt(ms) {
  if (ms === null || ms === undefined) return "-";
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(1)} ms`;
}

let renderSeq = 0;
// A day or a week is read again at most every 30 s (the last hour on every status).
let historyCache = { key: "", at: 0, data: null };
async function historiesFor(rows) {
  const key = `${range}|${rows.map((s) => s.name).join(",")}`;
  if (range !== "1h" && historyCache.key === key && Date.now() - historyCache.at < 30e3) return historyCache.data;
  const data = await Promise.all(rows.map((s) => api.history(s.name, rangeSpan()).catch(() => [])));
  historyCache = { key, at: Date.now(), data };
  return data;
}
async function renderCards(rows) {
  const seq = ++renderSeq;
  const histories = await historiesFor(rows);
  if (seq !== renderSeq) return; // a newer status arrived while the histories loaded
  const cards = $("cards");
  cards.replaceChildren();
  rows.forEach((s, i) => {
    const card = el("div", "card");
    card.dataset.backend = s.name;
    const h3 = el("h3");
    h3.append(el("span", `dot lvl-${s.level}`), el("span", "", `${s.name} (${s.role})`));
    const dl = el("dl");
    const n = s.native;
    const pairs = [
      ["state", s.state.toUpperCase()], ["level", LEVELS[lang][s.level] ?? s.level], ["wait", fmt(s.est_wait_ms)],
      ["probe", fmt(s.probe_ms)], ["baseline", fmt(s.baseline_ms)], ["ping", fmt(s.ping_ms)],
      ["native", n && n.running !== null ? `${n.running} / ${n.waiting} / ${n.slots ?? "-"}` : "-"],
      ["queue", String(s.queue.active)],
    ];
    const server = serverText(s.server);
    if (server) pairs.push(["server", server]);
    for (const [k, v] of pairs) {
      const dd = el("dd", "", v);
      dd.dataset.field = k;
      dl.append(el("dt", "", t(k)), dd);
    }
    card.append(h3, dl, el("div", "notice", t("history")), historyChart(histories[i], s.name));
    cards.appendChild(card);
  });
}

// A managed server's state, when it is not simply running (its last exit in brackets).
function serverText(server) {
  if (!server || server.state === "running") return null;
  const words = L10N[lang] ?? L10N.en;
  const what = server.state === "restarting" ? words.serverRestarting(server.attempt, server.limit) : words.serverFailed;
  return `${what} [${server.exit}]`;
}

async function refreshStatus() {
  await renderCards(await api.status());
  // The tools' accounts (probed by the engine at most every 30 s).
  const rows = await api.toolStatus().catch(() => []);
  const ul = $("tool-status");
  ul.replaceChildren();
  for (const r of rows) {
    const li = el("li", r.ok ? "ok" : "down");
    li.dataset.account = `${r.tool}:${r.account}`;
    li.append(el("span", "dot " + (r.ok ? "lvl-idle" : "lvl-down")), el("span", "what", ` ${r.tool} · ${r.account}`),
              el("span", "muted", r.ok ? ` ${t("ok")}` : ` ${r.problem || ""}`));
    ul.appendChild(li);
  }
  ul.hidden = $("tools-head").hidden = rows.length === 0;
}

// ---- theme: the system's (default), or light or dark, remembered in this WebView ----
const THEMES = ["system", "light", "dark"];
function applyTheme(theme) {
  if (theme === "system") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  $("theme").title = `${t("theme")}: ${t(theme)}`;
  $("theme").dataset.theme = theme;
}

// ---- start ----
window.addEventListener("DOMContentLoaded", async () => {
  lang = await api.locale().catch(() => "en");
  document.documentElement.lang = lang;
  for (const e of document.querySelectorAll("[data-l10n]")) e.textContent = t(e.dataset.l10n);
  for (const e of document.querySelectorAll("[data-l10n-placeholder]")) e.placeholder = t(e.dataset.l10nPlaceholder);
  for (const b of document.querySelectorAll("#tabs button[data-view]")) b.addEventListener("click", () => show(b.dataset.view));
  applyTheme(localStorage.getItem("theme") ?? "system");
  $("theme").addEventListener("click", () => {
    const next = THEMES[(THEMES.indexOf($("theme").dataset.theme) + 1) % THEMES.length];
    localStorage.setItem("theme", next);
    applyTheme(next);
  });
  $("new-chat").addEventListener("click", newChat);
  $("composer").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = $("input").value.trim();
    if (!text || replying !== null) return;
    $("input").value = "";
    send(text);
  });
  $("input").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("composer").requestSubmit(); }
    if (e.key === "ArrowUp" && !$("input").value) { e.preventDefault(); editLast(); }
  });
  $("stop").addEventListener("click", () => { if (replying !== null) api.stop(replying); });
  watchLinks();
  $("check-now").addEventListener("click", async () => renderCards(await api.checkNow()));
  $("status-head").appendChild(rangeButtons(refreshStatus));
  await listen("status", (e) => { if (!$("view-status").hidden) renderCards(e.payload); });
  await listen("show", (e) => show(e.payload));
  await listen("config", (e) => configChanged(e.payload));
  watchShortcuts();
  watchSettings();
  watchSearch();
  const first = location.hash.slice(1);
  show(VIEWS.includes(first) ? first : "chat");
  loadConversations();
  // Told once per window: e.g. a damaged chat history that was moved aside at start.
  for (const text of await api.startNotices().catch(() => [])) {
    $("banner").appendChild(el("div", "notice start-notice", text));
    $("banner").hidden = false;
  }
});
