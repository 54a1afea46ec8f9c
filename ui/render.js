// Streaming markdown, rendered incrementally. A reply grows at its end, so what lies before
// its last paragraph break (a blank line outside a code fence) no longer changes: that part
// is rendered once, kept as a settled block, and never rendered again; each frame renders
// only the tail after it. The work per frame is the tail's, not the whole reply's, so a
// 20,000-token reply streams without the window falling behind (re-rendering everything on
// every frame is quadratic in the reply's length).
//
// `render(text)` turns markdown into sanitised HTML (the Rust command); `decorate(el)` adds
// the copy buttons. window.__renderStats counts the work, for the end-to-end benchmark;
// window.__fullRender = true renders the whole text on every frame instead (its baseline).

window.__renderStats = { frames: 0, ms: 0, maxMs: 0, chars: 0 };

// The end of the settled part of `text`: just after its last blank line that is outside a
// fenced code block, scanning from `from` (itself such a point, or 0).
function settledEnd(text, from) {
  let end = from;
  let fence = null; // the fence's marker while inside one
  let at = from;
  while (at < text.length) {
    const nl = text.indexOf("\n", at);
    if (nl < 0) break; // the last line is still being written
    const line = text.slice(at, nl);
    const open = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence === null && open) {
      fence = open[1];
    } else if (fence !== null && open && open[1][0] === fence[0] && open[1].length >= fence.length && line.trim() === open[1]) {
      fence = null;
    } else if (fence === null && line.trim() === "") {
      end = nl + 1;
    }
    at = nl + 1;
  }
  return end;
}

async function renderStep(body, render, decorate) {
  const text = body._text;
  const started = performance.now();
  if (window.__fullRender) {
    body.innerHTML = await render(text);
    decorate(body);
    window.__renderStats.chars += text.length;
  } else {
    // A text that is not the settled part plus more (a new answer in the same element):
    // start over.
    if (body._settled === undefined || !text.startsWith(body._settled) || !body._tail || !body.contains(body._tail)) {
      body._settled = "";
      body._tail = document.createElement("div");
      body._tail.className = "tail";
      body.replaceChildren(body._tail);
    }
    const cut = settledEnd(text, body._settled.length);
    if (cut > body._settled.length) {
      const block = document.createElement("div");
      block.className = "block";
      block.innerHTML = await render(text.slice(body._settled.length, cut)); // sanitised in Rust
      decorate(block);
      body.insertBefore(block, body._tail);
      window.__renderStats.chars += cut - body._settled.length;
      body._settled = text.slice(0, cut);
    }
    const tail = text.slice(cut);
    body._tail.innerHTML = await render(tail); // sanitised in Rust
    decorate(body._tail);
    window.__renderStats.chars += tail.length;
  }
  body._shown = text;
  const ms = performance.now() - started;
  window.__renderStats.frames += 1;
  window.__renderStats.ms += ms;
  window.__renderStats.maxMs = Math.max(window.__renderStats.maxMs, ms);
}

// Renders `text` into `body` at most once per animation frame.
function renderMarkdown(body, text, render, decorate) {
  body._text = text;
  if (body._pending) return;
  body._pending = true;
  requestAnimationFrame(async () => {
    try {
      await renderStep(body, render, decorate);
    } finally {
      body._pending = false;
    }
    if (body._text !== body._shown) renderMarkdown(body, body._text, render, decorate);
  });
}
