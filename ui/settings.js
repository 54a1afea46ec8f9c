// The settings view: backends (add, edit, remove, reorder within a role, test, the server's
// model list), the assistant, start at login. Every edit goes to the engine, which checks it
// with the same rules as the file and writes it into the user's file (comments kept), or says
// which field is wrong: then nothing is saved and the error is shown beside the field.
// Uses main.js's api, t, $, el and show (classic scripts share their top-level names).
"use strict";

let settings = null; // the last SettingsView
let editing = null; // the name of the backend in the form, or null when adding

function clearErrors(form) {
  for (const e of form.querySelectorAll(".field-error")) e.textContent = "";
  for (const e of form.querySelectorAll("[aria-invalid]")) e.removeAttribute("aria-invalid");
}

// Shows `error` ({field, message}) beside its field, or under the form when it names none;
// for a form that is not shown (a row's remove button), in the settings' result line.
function showError(form, error) {
  if (form.hidden) {
    $("settings-result").textContent = error.message;
    return;
  }
  const spot = form.querySelector(`.field-error[data-for="${CSS.escape(error.field)}"]`)
    ?? form.querySelector('.field-error[data-for=""]');
  spot.textContent = error.message;
  const input = form.elements[error.field];
  if (input) {
    input.setAttribute("aria-invalid", "true");
    input.focus();
  }
}

// The engine's answer to an edit: applied (the list is read again), or refused beside a field.
async function save(form, edit) {
  clearErrors(form);
  let saved;
  try {
    saved = await api.editSettings(edit);
  } catch (e) {
    showError(form, { field: "", message: String(e) });
    return false;
  }
  if (saved.outcome === "refused") {
    showError(form, saved.error);
    return false;
  }
  const c = saved.change;
  const parts = [t("applied")];
  if (c.added.length) parts.push(`+ ${c.added.join(", ")}`);
  if (c.removed.length) parts.push(`− ${c.removed.join(", ")}`);
  if (c.restarted.length) parts.push(`↻ ${c.restarted.join(", ")}`);
  $("settings-result").textContent = parts.join(" · ");
  await refreshSettings();
  return true;
}

function iconButton(label, text, onClick) {
  const b = el("button", "icon", text);
  b.type = "button";
  b.title = label;
  b.setAttribute("aria-label", label);
  b.addEventListener("click", onClick);
  return b;
}

function renderBackends(list) {
  const body = $("backend-list").tBodies[0];
  body.replaceChildren();
  for (const b of list) {
    const tr = el("tr");
    tr.dataset.backend = b.name;
    const model = el("td", "", b.model);
    if (b.managed) model.append(el("span", "muted", ` (${t("managed")})`));
    if (b.has_key) model.append(el("span", "muted key", ` (${t("hasKey")})`));
    const actions = el("td", "actions");
    const removeButton = iconButton(`${t("remove")} ${b.name}`, "✕", async () => {
      // Two clicks: the first arms the button.
      if (!removeButton.classList.contains("armed")) {
        removeButton.classList.add("armed");
        removeButton.title = t("removeConfirm");
        return;
      }
      await save($("backend-form"), { op: "remove_backend", name: b.name });
    });
    actions.append(
      iconButton(`${t("up")}: ${b.name}`, "↑", () => save($("backend-form"), { op: "move_backend", name: b.name, up: true })),
      iconButton(`${t("down")}: ${b.name}`, "↓", () => save($("backend-form"), { op: "move_backend", name: b.name, up: false })),
      iconButton(`${t("edit")} ${b.name}`, "✎", () => openBackendForm(b)),
      removeButton,
    );
    // Notified of its flips, unless muted (kept in the file: [tray] mute).
    const notify = el("input");
    notify.type = "checkbox";
    notify.className = "notify";
    notify.checked = !b.muted;
    notify.setAttribute("aria-label", `${t("notify")}: ${b.name}`);
    notify.addEventListener("change", () => save($("backend-form"), { op: "set_muted", name: b.name, muted: !notify.checked }));
    const notifyCell = el("td");
    notifyCell.appendChild(notify);
    tr.append(el("td", "", b.name), el("td", "", b.role), el("td", "url", b.url), model, el("td", "", b.kind), notifyCell, actions);
    body.appendChild(tr);
  }
}

// `b`: the backend edited; `prefill`: a server found by the scan, to add.
function openBackendForm(b, prefill = null) {
  const form = $("backend-form");
  clearErrors(form);
  editing = b ? b.name : null;
  b = b ?? prefill;
  $("backend-form-title").textContent = editing !== null ? `${t("editBackend")}: ${editing}` : t("addBackend");
  $("bf-name").value = b ? b.name : "";
  $("bf-role").value = b ? b.role : "reasoner";
  $("bf-url").value = b ? b.url : "";
  $("bf-kind").value = b ? b.kind : "auto";
  $("bf-model").value = b ? b.model : "";
  $("bf-embeddings").checked = Boolean(b && b.embeddings);
  // The key itself never comes here: only whether there is one.
  const hasKey = Boolean(editing !== null && b && b.has_key);
  $("bf-key").value = "";
  $("bf-key").placeholder = hasKey ? t("keyStored") : t("keyNone");
  $("bf-key-remove").checked = false;
  $("bf-key-remove-row").hidden = !hasKey;
  $("bf-models").replaceChildren();
  $("bf-test-result").textContent = "";
  form.hidden = false;
  $("bf-name").focus();
}

// `key`: what saving does with the API key (a typed one is in the keyring by then).
function backendFromForm(key = { to: "keep" }) {
  return { name: $("bf-name").value, role: $("bf-role").value, url: $("bf-url").value, kind: $("bf-kind").value,
           model: $("bf-model").value, managed: false, has_key: false, embeddings: $("bf-embeddings").checked, key };
}

// A typed key goes to the desktop keyring (from the window's process, never over the socket);
// the form then names its entry. Throws what went wrong, shown beside the key field.
// The key is stored in the backend's Test entry either way; the engine makes it the saved one
// only once a Save's edit passes the file's checks. `forTest`: the box keeps it for the Save.
async function keyChange(forTest) {
  if ($("bf-key-remove").checked) return { to: "remove" };
  const typed = $("bf-key").value.trim();
  if (!typed) return { to: "keep" };
  const change = await api.storeApiKey($("bf-name").value.trim(), typed);
  if (!forTest) $("bf-key").value = "";
  return change;
}

// A form's Test into its result line `out`: "Testing…", then the parts `describe` makes of
// the answer and its error, red when it failed (or the call's own error). The answer, or null.
async function runTest(out, call, describe) {
  out.textContent = t("testing");
  out.classList.remove("failed");
  let r;
  try {
    r = await call();
  } catch (e) {
    out.textContent = String(e);
    out.classList.add("failed");
    return null;
  }
  const parts = describe(r);
  if (r.error) parts.push(r.error);
  out.textContent = parts.join(" · ");
  out.classList.toggle("failed", Boolean(r.error));
  return r;
}

// What a backend's Test found, as the result line's parts (its error added by runTest).
function describeBackendTest(r) {
  const parts = [`${t("kind")}: ${r.kind}`];
  if (r.probe_ms !== null) parts.push(`${t("probe")} ${fmt(r.probe_ms)}`);
  if (r.ping_ms !== null) parts.push(`${t("ping")} ${fmt(r.ping_ms)}`);
  if (r.models.length) parts.push(r.models.length === 1 ? `${t("model")}: ${r.models[0]}` : `${r.models.length} ${t("models")}`);
  if (r.embedding) parts.push(`${t("embedding")} ${r.embedding[0]} · ${fmt(r.embedding[1])}`);
  return parts;
}

// Probe, model list and a one-token answer, with the figures; the models fill the list.
async function testBackend() {
  const r = await runTest($("bf-test-result"), async () => api.testBackend(editing, backendFromForm(await keyChange(true))),
                          describeBackendTest);
  if (r === null) return;
  $("bf-models").replaceChildren(...r.models.map((m) => { const o = el("option"); o.value = m; return o; }));
  if (r.kind !== "auto" && $("bf-kind").value === "auto") $("bf-kind").value = r.kind;
  if (!$("bf-model").value && r.models.length === 1) $("bf-model").value = r.models[0];
}

async function refreshSettings() {
  try {
    settings = await api.settings();
  } catch (e) {
    $("settings-result").textContent = String(e);
    return;
  }
  $("settings-path").textContent = settings.path;
  renderBackends(settings.backends);
  const a = settings.assistant;
  $("as-name").value = a.name;
  $("as-persona").value = a.persona;
  $("as-language").value = a.language;
  $("as-scope").value = a.tray_scope;
  $("autostart").checked = settings.autostart;
  $("paused").checked = settings.paused;
  renderFolders(settings.folders);
  renderAccounts(settings.accounts ?? []);
}

// The document folders, each with its remove button (saved at once: the index follows).
function renderFolders(list) {
  const ul = $("folders");
  ul.replaceChildren();
  if (!list.length) ul.appendChild(el("li", "muted", t("noFolders")));
  for (const f of list) {
    const li = el("li", "folder");
    li.dataset.folder = f;
    li.append(el("span", "", f), " ", iconButton(`${t("remove")} ${f}`, "✕", () =>
      save($("folders-form"), { op: "save_folders", folders: list.filter((x) => x !== f) })));
    ul.appendChild(li);
  }
}

// The configuration changed (a save here, or the file edited by hand): a refused file is
// said in the banner until a good one is applied.
function configChanged(change) {
  for (const old of document.querySelectorAll("#banner .config-error")) old.remove();
  if (change.error) {
    $("banner").appendChild(el("div", "notice config-error", t("configRefused") + change.error));
  }
  $("banner").hidden = $("banner").childElementCount === 0;
  if (!$("view-settings").hidden && !change.error) refreshSettings();
}

// The first run's discovery, offered: each server and model found, with Add.
async function scanMachine() {
  const ul = $("scan-results");
  ul.hidden = false;
  ul.replaceChildren(el("li", "muted", t("scanning")));
  const found = await api.scanMachine().catch(() => []);
  ul.replaceChildren();
  if (!found.length) ul.appendChild(el("li", "muted", t("nothingFound")));
  for (const f of found) {
    const li = el("li", "found");
    li.dataset.url = f.url;
    li.append(el("span", "", `${f.kind} · ${f.url} · ${f.model}`));
    if (f.managed) li.append(el("span", "muted", ` (${t("configured")})`));
    else {
      const add = el("button", "", t("add"));
      add.type = "button";
      add.addEventListener("click", () => openBackendForm(null, { ...f, managed: false }));
      li.append(" ", add);
    }
    ul.appendChild(li);
  }
}

function watchSettings() {
  watchAccounts();
  $("scan").addEventListener("click", scanMachine);
  // An error goes once its field is edited.
  for (const form of [$("backend-form"), $("assistant-form"), $("folders-form")]) {
    form.addEventListener("input", (e) => {
      const spot = form.querySelector(`.field-error[data-for="${CSS.escape(e.target.name ?? "")}"]`);
      if (spot) spot.textContent = "";
      e.target.removeAttribute("aria-invalid");
    });
  }
  $("add-backend").addEventListener("click", () => openBackendForm(null));
  $("bf-cancel").addEventListener("click", () => { $("backend-form").hidden = true; });
  $("bf-test").addEventListener("click", testBackend);
  $("backend-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    let key;
    try {
      key = await keyChange(false);
    } catch (err) {
      clearErrors($("backend-form"));
      showError($("backend-form"), { field: "api_key_keyring", message: String(err) });
      return;
    }
    const ok = await save($("backend-form"), { op: "save_backend", original: editing, backend: backendFromForm(key) });
    if (ok) $("backend-form").hidden = true;
  });
  $("folders-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const added = $("folder-new").value.trim();
    if (!added) return;
    const ok = await save($("folders-form"), { op: "save_folders", folders: [...(settings?.folders ?? []), added] });
    if (ok) $("folder-new").value = "";
  });
  $("assistant-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    await save($("assistant-form"), { op: "save_assistant", assistant: {
      name: $("as-name").value, persona: $("as-persona").value, language: $("as-language").value,
      tray_scope: $("as-scope").value } });
  });
  $("paused").addEventListener("change", async () => {
    await api.setPaused($("paused").checked).catch((e) => { $("settings-result").textContent = String(e); });
    refreshSettings();
  });
  $("autostart").addEventListener("change", async () => {
    try {
      await api.setAutostart($("autostart").checked);
    } catch (e) {
      $("settings-result").textContent = String(e);
    }
    refreshSettings();
  });
}
