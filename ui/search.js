// Search across every conversation (Ctrl+K), export (Markdown or JSON, through a save
// dialog), and the keyboard: Enter sends, Shift+Enter is a new line, Esc stops a reply (or
// closes a dialog), Ctrl+N a new chat, Ctrl+K search, Ctrl+, settings.
// Uses main.js's api, t, $, el, show, openConversation and its state (classic scripts share
// their top-level names).
"use strict";

function newChat() {
  conversation = null;
  $("messages").replaceChildren();
  showChatHead();
  show("chat");
  loadConversations();
  $("input").focus();
}

// The open conversation's title, who answers it (routed, or a backend the user chose) and
// its export buttons.
async function showChatHead() {
  $("chat-head").hidden = conversation === null;
  if (conversation === null) return;
  $("chat-title").textContent = conversationTitles.get(conversation) ?? "";
  const rows = await api.status().catch(() => []);
  const select = $("chat-backend");
  const chosen = conversationBackends.get(conversation) ?? "";
  select.replaceChildren(select.options[0]);
  for (const r of rows) {
    const o = el("option", "", `${r.name} (${r.role})`);
    o.value = r.name;
    select.appendChild(o);
  }
  select.value = chosen;
}

async function exportTo(format) {
  if (conversation === null) return;
  try {
    const path = await api.exportConversation(conversation, format, conversationTitles.get(conversation) ?? "");
    if (path) alertNotice(t("exported") + path);
  } catch (e) {
    alertNotice(String(e));
  }
}

// ---- search ----
let searchSeq = 0;

function openSearch() {
  show("chat");
  $("search-dialog").hidden = false;
  $("search-input").value = "";
  $("search-results").replaceChildren();
  $("search-input").focus();
}

function closeSearch() {
  $("search-dialog").hidden = true;
  $("input").focus();
}

async function runSearch() {
  const seq = ++searchSeq;
  const query = $("search-input").value.trim();
  const hits = query ? await api.search(query).catch(() => []) : [];
  if (seq !== searchSeq) return; // a newer query was typed meanwhile
  const ul = $("search-results");
  ul.replaceChildren();
  if (query && hits.length === 0) ul.appendChild(el("li", "muted", t("noHits")));
  hits.forEach((h, i) => {
    const li = el("li", i === 0 ? "hit selected" : "hit");
    li.setAttribute("role", "option");
    li.dataset.conversation = h.conversation_id;
    if (h.message_id !== null) li.dataset.message = h.message_id;
    if (h.role) li.dataset.role = h.role;
    li.append(el("span", "where", h.conversation_title), el("span", "snippet", h.message_id === null ? `(${t("titleHit")})` : h.snippet));
    li.addEventListener("click", () => jump(li));
    ul.appendChild(li);
  });
}

function jump(li) {
  closeSearch();
  openConversation(Number(li.dataset.conversation), li.dataset.message ? Number(li.dataset.message) : null);
}

function watchSearch() {
  let timer = null;
  $("open-search").addEventListener("click", openSearch);
  $("search-input").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(runSearch, 120); });
  $("search-input").addEventListener("keydown", (e) => {
    const hits = [...$("search-results").querySelectorAll("li.hit")];
    const at = hits.findIndex((h) => h.classList.contains("selected"));
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!hits.length) return;
      const next = (at + (e.key === "ArrowDown" ? 1 : hits.length - 1)) % hits.length;
      hits.forEach((h, i) => h.classList.toggle("selected", i === next));
      hits[next].scrollIntoView({ block: "nearest" });
    } else if (e.key === "Enter") {
      e.preventDefault();
      clearTimeout(timer);
      if (hits[at]) jump(hits[at]);
      else runSearch();
    }
  });
  $("search-dialog").addEventListener("click", (e) => { if (e.target === $("search-dialog")) closeSearch(); });
  $("chat-backend").addEventListener("change", async () => {
    if (conversation === null) return;
    const backend = $("chat-backend").value || null;
    try {
      await api.setConversationBackend(conversation, backend);
      conversationBackends.set(conversation, backend ?? "");
    } catch (e) {
      alertNotice(String(e));
    }
  });
  $("export-md").addEventListener("click", () => exportTo("md"));
  $("export-json").addEventListener("click", () => exportTo("json"));
}

function watchShortcuts() {
  document.addEventListener("keydown", (e) => {
    const key = e.key.toLowerCase();
    if (e.ctrlKey && key === ",") { e.preventDefault(); show("settings"); }
    else if (e.ctrlKey && key === "k") { e.preventDefault(); openSearch(); }
    else if (e.ctrlKey && key === "n") { e.preventDefault(); newChat(); }
    else if (e.key === "Escape") {
      if (!$("search-dialog").hidden) closeSearch();
      else if (!$("link-dialog").hidden) closeLinkDialog();
      else if (replying !== null) { e.preventDefault(); api.stop(replying); }
    }
  });
}
