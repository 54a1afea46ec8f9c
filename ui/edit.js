// Editing a sent message (and answering again from there), regenerating the last answer,
// copying a message. What is replaced is kept, folded under "Replaced", never sent to a model
// again (the engine marks it). Up in an empty message box edits the last message.
// Uses main.js's api, t, $, el, stream, addUser, conversation and replying, and settings.js's
// iconButton.
"use strict";

// The buttons under a message: copy for all, edit for the user's, regenerate for the last answer.
function messageActions(msg, role) {
  msg.querySelector(":scope > .acts")?.remove();
  const acts = el("div", "acts");
  acts.append(iconButton(t("copy"), t("copy"), () => {
    const text = role === "user" ? msg.dataset.text : msg.querySelector(".body")?.textContent ?? "";
    navigator.clipboard.writeText(text);
  }));
  if (role === "user") acts.append(iconButton(t("editMessage"), "✎", () => startEdit(msg)));
  else acts.append(iconButton(t("regenerate"), "↻", () => regenerate(msg)));
  msg.appendChild(acts);
}

// Only the last answer can be regenerated; only messages not replaced can be edited.
function refreshActions() {
  const live = [...$("messages").querySelectorAll(":scope > .msg")];
  const lastReply = live.filter((m) => m.classList.contains("assistant")).pop();
  for (const m of live) {
    const regen = m.querySelector(':scope > .acts button[aria-label="' + t("regenerate") + '"]');
    if (regen) regen.hidden = m !== lastReply;
  }
}

// Moves `from` and every message after it into one folded "Replaced" group.
function foldFrom(from) {
  const box = el("details", "replaced");
  box.appendChild(el("summary", "", t("replaced")));
  from.before(box);
  let m = from;
  while (m) {
    const next = m.nextElementSibling;
    m.querySelector(":scope > .acts")?.remove();
    box.appendChild(m);
    m = next;
  }
}

function startEdit(msg) {
  if (replying !== null || msg.querySelector("textarea")) return;
  const id = Number(msg.dataset.messageId);
  const area = el("textarea", "edit");
  area.value = msg.dataset.text;
  area.rows = Math.min(10, area.value.split("\n").length + 1);
  const save = el("button", "", t("saveAndSend"));
  const cancel = el("button", "", t("cancel"));
  const old = [...msg.childNodes];
  msg.replaceChildren(area, el("div", "buttons"));
  msg.lastChild.append(save, cancel);
  area.focus();
  const restore = () => { msg.replaceChildren(...old); };
  cancel.addEventListener("click", restore);
  area.addEventListener("keydown", (e) => {
    if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); restore(); }
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); save.click(); }
  });
  save.addEventListener("click", () => {
    const text = area.value.trim();
    if (!text) return;
    restore();
    foldFrom(msg);
    const user = addUser(text);
    stream((onEvent) => api.editMessage(conversation, id, text, onEvent), () => {}, user);
  });
}

function regenerate(msg) {
  if (replying !== null || conversation === null) return;
  foldFrom(msg);
  stream((onEvent) => api.regenerate(conversation, onEvent));
}

// Up in an empty box: edit the last message sent.
function editLast() {
  const mine = [...$("messages").querySelectorAll(":scope > .msg.user[data-message-id]")];
  if (mine.length) startEdit(mine[mine.length - 1]);
}
