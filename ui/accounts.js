// The tool accounts in the settings view: calendars (CalDAV or a folder) and mail (IMAP, read
// only), each added, edited, tested and removed here. A typed password goes to the desktop
// keyring from the window's process; the engine is told only the entry's name.
// Uses main.js's api, t, $, el and settings.js's save, showError, clearErrors, iconButton, runTest.
"use strict";

Object.assign(L10N.en, {
  accountsHead: "Calendar and mail accounts", noAccounts: "none: add a calendar or a mail account",
  addCalendar: "Add calendar", addMail: "Add mail account", editAccount: "Edit", where: "Where",
  user: "User", mailbox: "Mailbox", password: "Password", passwordRemove: "Remove the password",
  passwordStored: "stored (type to replace)", passwordNone: "none (kept in the desktop keyring)",
  passwordSet: "password stored", mail: "Mail", readOnlyFiles: ".ics files, read only (edited in the file)", reached: "reached in",
  eventsWeek: "events in the next 7 days", mailsWeek: "mails in the last 7 days",
  locationCalendar: "https://cal.example.org/alice/ or ~/.calendars/home", caFile: "CA certificate (PEM, for a private CA)",
});
Object.assign(L10N.ko, {
  accountsHead: "캘린더와 메일 계정", noAccounts: "없음: 캘린더나 메일 계정을 추가하세요",
  addCalendar: "캘린더 추가", addMail: "메일 계정 추가", editAccount: "편집", where: "위치",
  user: "사용자", mailbox: "메일함", password: "비밀번호", passwordRemove: "비밀번호 지우기",
  passwordStored: "저장됨 (입력하면 바뀜)", passwordNone: "없음 (데스크톱 키링에 저장)",
  passwordSet: "비밀번호 있음", mail: "메일", readOnlyFiles: ".ics 파일, 읽기 전용 (파일에서 편집)", reached: "연결",
  eventsWeek: "앞으로 7일의 일정", mailsWeek: "지난 7일의 메일",
  locationCalendar: "https://cal.example.org/alice/ 또는 ~/.calendars/home", caFile: "CA 인증서 (PEM, 사설 CA용)",
});

let editingAccount = null; // {kind, name} of the account in the form, or {kind, name: null} when adding

function renderAccounts(list) {
  const body = $("account-list").tBodies[0];
  body.replaceChildren();
  $("no-accounts").hidden = list.length > 0;
  $("account-list").hidden = list.length === 0;
  for (const a of list) {
    const tr = el("tr");
    tr.dataset.account = `${a.kind}:${a.name}`;
    const where = el("td", "url", a.location);
    if (a.files) where.append(el("span", "muted", ` (${t("readOnlyFiles")})`));
    if (a.has_password) where.append(el("span", "muted key", ` (${t("passwordSet")})`));
    const actions = el("td", "actions");
    if (!a.files) actions.append(iconButton(`${t("editAccount")} ${a.name}`, "✎", () => openAccountForm(a.kind, a)));
    const removeButton = iconButton(`${t("remove")} ${a.name}`, "✕", async () => {
      if (!removeButton.classList.contains("armed")) {
        removeButton.classList.add("armed");
        removeButton.title = t("removeConfirm");
        return;
      }
      await save($("account-form"), { op: "remove_account", kind: a.kind, name: a.name });
    });
    actions.append(removeButton);
    const kind = a.kind === "calendar" ? t("calendar") : t("mail");
    tr.append(el("td", "", kind), el("td", "", a.name), where, el("td", "", a.user), actions);
    body.appendChild(tr);
  }
}

// `a`: the account edited, or none to add one of `kind`.
function openAccountForm(kind, a = null) {
  const form = $("account-form");
  clearErrors(form);
  editingAccount = { kind, name: a ? a.name : null };
  const title = kind === "calendar" ? t("addCalendar") : t("addMail");
  $("account-form-title").textContent = a ? `${t("editAccount")}: ${a.name}` : title;
  $("ac-name").value = a ? a.name : "";
  $("ac-location").value = a ? a.location : "";
  $("ac-location").placeholder = kind === "calendar" ? t("locationCalendar") : "imaps://mail.example.org:993";
  $("ac-user").value = a ? a.user : "";
  $("ac-mailbox").value = a ? a.mailbox : "";
  $("ac-mailbox-row").hidden = kind !== "mail";
  $("ac-ca").value = a ? a.ca_file : "";
  $("ac-password").value = "";
  $("ac-password").placeholder = a && a.has_password ? t("passwordStored") : t("passwordNone");
  $("ac-password-remove").checked = false;
  $("ac-password-remove-row").hidden = !(a && a.has_password);
  $("ac-test-result").textContent = "";
  form.hidden = false;
  $("ac-name").focus();
}

// What saving (or a Test) does with the password: a typed one is stored in the keyring first.
async function passwordChange(forTest) {
  if ($("ac-password-remove").checked) return { to: "remove" };
  const typed = $("ac-password").value;
  if (!typed.trim()) return { to: "keep" };
  const change = await api.storePassword(editingAccount.kind, $("ac-name").value.trim(), typed);
  if (!forTest) $("ac-password").value = "";
  return change;
}

function accountFromForm(password) {
  return { kind: editingAccount.kind, name: $("ac-name").value, location: $("ac-location").value,
           user: $("ac-user").value, mailbox: $("ac-mailbox").value, ca_file: $("ac-ca").value, files: false, has_password: false, password };
}

async function testAccount() {
  const kind = editingAccount.kind;
  await runTest($("ac-test-result"), async () => api.testAccount(editingAccount.name, accountFromForm(await passwordChange(true))),
                (r) => {
                  const parts = [];
                  if (r.reached_ms !== null) parts.push(`${t("reached")} ${fmt(r.reached_ms)}`);
                  if (r.found !== null) parts.push(`${r.found} ${kind === "calendar" ? t("eventsWeek") : t("mailsWeek")}`);
                  return parts;
                });
}

function watchAccounts() {
  const form = $("account-form");
  form.addEventListener("input", (e) => {
    const spot = form.querySelector(`.field-error[data-for="${CSS.escape(e.target.name ?? "")}"]`);
    if (spot) spot.textContent = "";
    e.target.removeAttribute("aria-invalid");
  });
  $("add-calendar").addEventListener("click", () => openAccountForm("calendar"));
  $("add-mail").addEventListener("click", () => openAccountForm("mail"));
  $("ac-cancel").addEventListener("click", () => { form.hidden = true; });
  $("ac-test").addEventListener("click", testAccount);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    let password;
    try {
      password = await passwordChange(false);
    } catch (err) {
      clearErrors(form);
      showError(form, { field: "password", message: String(err) });
      return;
    }
    const ok = await save(form, { op: "save_account", original: editingAccount.name, account: accountFromForm(password) });
    if (ok) form.hidden = true;
  });
}
