// The review page: draws what the server sends and sends the person's decisions back. It holds no
// text of its own: every change is made, checked and kept by cleaner, and the page redraws from the
// reply. Files are named by their index in the list given on the command line.
"use strict";

(function () {
  const token = new URLSearchParams(window.location.search).get("token") || "";
  const $ = (id) => document.getElementById(id);

  const CATEGORY_LABELS = {
    "tense": "tense",
    "broken-sentence": "broken sentence",
    "punctuation": "punctuation",
    "casing": "casing",
    "grammar": "grammar",
    "spelling": "spelling",
    "typography": "typography",
    "consistency": "consistency",
    "style": "style",
    "untranslated": "untranslated",
    "unintelligible": "unintelligible",
  };
  const KIND_LABELS = {
    safe: "safe",
    unsafe: "unsafe: changes a word, tense or meaning; check it",
    display: "suggestion only",
  };

  const state = {
    files: [],
    fileIndex: 0,
    file: null,
    current: 0,
    choice: 0,
    busy: false,
  };

  function element(tag, props, children) {
    const node = document.createElement(tag);
    Object.entries(props || {}).forEach(([key, value]) => {
      if (key === "text") node.textContent = value;
      else if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value);
    });
    (children || []).forEach((child) => node.append(child));
    return node;
  }

  async function api(path, body) {
    const options = { headers: { "X-Cleaner-Token": token }, cache: "no-store" };
    if (body !== undefined) {
      options.method = "POST";
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(path, options);
    let data = {};
    try {
      data = await response.json();
    } catch (error) {
      data = { error: `the server answered ${response.status} without JSON` };
    }
    return { ok: response.ok, status: response.status, data };
  }

  function say(message) {
    $("status").textContent = message;
  }

  function alarm(message) {
    const box = $("alert");
    box.textContent = message;
    box.hidden = !message;
  }

  function findings() {
    return state.file ? state.file.findings : [];
  }

  // Drawing ------------------------------------------------------------------------------------------

  function describeCounts(counts) {
    const parts = Object.entries(counts).map(([cat, n]) => `${CATEGORY_LABELS[cat] || cat} ${n}`);
    return parts.length ? parts.join(", ") : "nothing left";
  }

  function drawFiles() {
    const list = $("file-list");
    list.replaceChildren();
    state.files.forEach((file) => {
      const current = file.index === state.fileIndex;
      const badges = Object.entries(file.counts).map(([cat, n]) =>
        element("li", { class: `count cat-${cat}` }, [
          element("span", { class: "swatch", "aria-hidden": "true" }),
          `${CATEGORY_LABELS[cat] || cat}: ${n}`,
        ])
      );
      const button = element(
        "button",
        {
          type: "button",
          class: "file",
          "data-index": String(file.index),
          onclick: () => openFile(file.index),
        },
        [
          element("span", { class: "file-name", text: file.name }),
          element("span", {
            class: "file-total",
            text: `${file.total} finding${file.total === 1 ? "" : "s"}${file.unsaved ? " · unsaved changes" : ""}`,
          }),
        ]
      );
      if (current) button.setAttribute("aria-current", "page");
      list.append(element("li", {}, [button, element("ul", { class: "counts", "aria-label": `${file.name} by category` }, badges)]));
    });
  }

  function drawLegend() {
    const legend = $("legend");
    legend.replaceChildren();
    Object.keys(state.file.counts).forEach((cat) => {
      legend.append(
        element("li", {}, [
          element("mark", { class: `f cat-${cat}`, text: CATEGORY_LABELS[cat] || cat }),
          ` ${state.file.counts[cat]}`,
        ])
      );
    });
  }

  function drawArticle() {
    const article = $("article");
    const all = findings();
    const pieces = state.file.segments.map((segment) => {
      if (!segment.findings.length) return document.createTextNode(segment.text);
      const first = all[segment.findings[0]];
      const mark = element("mark", {
        class: `f cat-${first.category}${segment.text ? "" : " point"}${segment.findings.length > 1 ? " many" : ""}`,
        "data-findings": segment.findings.join(" "),
        title: segment.findings.map((n) => `${all[n].rule}: ${all[n].message}`).join("\n"),
        text: segment.text || "‸",
      });
      if (segment.findings.includes(state.current)) mark.classList.add("current");
      mark.addEventListener("click", () => select(segment.findings[0]));
      return mark;
    });
    article.replaceChildren(...pieces);
  }

  function drawCurrentMarks(scroll) {
    let first = null;
    document.querySelectorAll("#article mark.f").forEach((mark) => {
      const ids = mark.dataset.findings.split(" ").map(Number);
      const here = ids.includes(state.current);
      mark.classList.toggle("current", here);
      if (here) {
        mark.setAttribute("aria-current", "true");
        first = first || mark;
      } else {
        mark.removeAttribute("aria-current");
      }
    });
    if (first && scroll) first.scrollIntoView({ block: "center", behavior: "instant" });
  }

  function drawDiff(pieces) {
    const span = element("span", { class: "diff" });
    pieces.forEach(([op, text]) => {
      if (op === "same") span.append(text);
      else if (op === "del") span.append(element("del", {}, [element("span", { class: "sr-only", text: "[removed: " }), text, element("span", { class: "sr-only", text: "]" })]));
      else span.append(element("ins", {}, [element("span", { class: "sr-only", text: "[added: " }), text, element("span", { class: "sr-only", text: "]" })]));
    });
    return span;
  }

  function drawPanel() {
    const all = findings();
    const has = all.length > 0;
    const finding = all[state.current];
    ["accept", "reject", "edit", "prev", "next"].forEach((id) => ($(id).disabled = !has));
    $("position").textContent = has
      ? `${state.current + 1} of ${all.length} in this file`
      : "No finding left in this file.";
    const box = $("finding");
    box.replaceChildren();
    $("candidates").hidden = true;
    closeEditor();
    if (!finding) return;
    box.append(
      element("p", { class: "finding-head" }, [
        element("mark", { class: `f cat-${finding.category} tag`, text: CATEGORY_LABELS[finding.category] || finding.category }),
        " ",
        element("span", { class: `severity sev-${finding.severity}`, text: finding.severity }),
        " ",
        element("code", { class: "rule", text: finding.rule }),
      ]),
      element("p", { class: "message", text: finding.message }),
      element("p", { class: "where", text: `line ${finding.line}, column ${finding.column}` })
    );
    const list = $("candidate-list");
    list.replaceChildren();
    if (!finding.candidates.length) {
      box.append(element("p", { class: "no-candidates", text: "No repair to offer: reject it, or edit the sentence by hand." }));
      $("accept").disabled = true;
      return;
    }
    $("candidates").hidden = false;
    finding.candidates.forEach((candidate, number) => {
      const id = `candidate-${number}`;
      const input = element("input", { type: "radio", name: "candidate", id, value: String(number) });
      input.checked = number === state.choice;
      input.addEventListener("change", () => choose(number));
      const score = candidate.score === null ? [] : [element("span", { class: "score", text: `score ${candidate.score.toFixed(2)}` })];
      const label = element("label", { for: id, class: "candidate" }, [
        element("span", { class: "number", text: `${number + 1}` }),
        drawDiff(candidate.diff),
        element("span", { class: "meta" }, [
          element("span", { class: `kind kind-${candidate.applicability}`, text: KIND_LABELS[candidate.applicability] || candidate.applicability }),
          ...score,
        ]),
      ]);
      list.append(element("div", { class: "candidate-row" }, [input, label]));
    });
  }

  function drawFileState() {
    const file = state.file;
    $("file-title").textContent = file.name;
    $("undo").disabled = !file.can_undo;
    $("save").disabled = !file.unsaved;
    $("accept-safe").disabled = !file.findings.some((f) => f.candidates.length && f.candidates[0].applicability === "safe");
    $("file-state").textContent = `${file.total} finding${file.total === 1 ? "" : "s"} (${describeCounts(file.counts)}); ${
      file.unsaved ? "changes not saved yet: nothing is written before Save" : "no unsaved changes"
    }.`;
    const notes = $("notes");
    notes.replaceChildren(...file.notes.map((note) => element("li", { text: note })));
    const saved = $("saved");
    saved.hidden = !file.saved;
    if (file.saved) {
      const counts = Object.entries(file.saved.counts).map(([kind, n]) => `${n} ${kind}`).join(", ");
      $("saved-summary").textContent = `Wrote ${file.name}: ${counts || "no change"}.${file.saved.backup ? ` The original is kept as ${file.saved.backup}.` : ""}`;
      $("saved-changes").replaceChildren(
        ...file.saved.changes.map((change) =>
          element("li", {}, [
            `${change.kind} `,
            element("code", { text: change.rule }),
            change.kind === "rejected" ? `: “${change.before}” kept` : `: “${change.before}” → “${change.after}”`,
          ])
        )
      );
    }
  }

  function draw(scroll) {
    document.body.dataset.version = `${state.fileIndex}:${state.file.version}`;
    drawFiles();
    drawLegend();
    drawFileState();
    drawArticle();
    drawPanel();
    drawCurrentMarks(scroll);
  }

  // Navigation and decisions -------------------------------------------------------------------------

  function select(index, scroll = true) {
    const all = findings();
    if (!all.length) return;
    state.current = Math.max(0, Math.min(index, all.length - 1));
    state.choice = 0;
    drawPanel();
    drawCurrentMarks(scroll);
  }

  function choose(number) {
    const finding = findings()[state.current];
    if (!finding || number >= finding.candidates.length) {
      say(finding && finding.candidates.length ? `No candidate ${number + 1}: pick 1–${finding.candidates.length}.` : "This finding has no candidate repair.");
      return;
    }
    state.choice = number;
    const input = $(`candidate-${number}`);
    if (input) input.checked = true;
    say(`Candidate ${number + 1} chosen.`);
  }

  function receive(reply, startHint) {
    if (reply.data.files) state.files = reply.data.files;
    if (reply.data.file) {
      state.file = reply.data.file;
      const all = findings();
      let next = all.findIndex((f) => f.start >= startHint);
      if (next < 0) next = all.length - 1;
      state.current = Math.max(0, next);
      state.choice = 0;
      draw(true);
    }
    if (reply.ok) {
      alarm("");
      say(reply.data.message || "");
    } else {
      alarm(reply.data.error || `refused (${reply.status})`);
    }
  }

  async function act(action, extra) {
    if (state.busy || !state.file) return;
    state.busy = true;
    document.body.setAttribute("aria-busy", "true");
    const current = findings()[state.current];
    const hint = current ? current.start : 0;
    say("Checking…");
    try {
      const reply = await api(`/api/files/${state.fileIndex}/${action}`, { version: state.file.version, ...extra });
      receive(reply, hint);
    } catch (error) {
      alarm(`The review server did not answer (${error}). Is cleaner review still running?`);
    } finally {
      state.busy = false;
      document.body.removeAttribute("aria-busy");
    }
  }

  function accept() {
    const finding = findings()[state.current];
    if (!finding || !finding.candidates.length) return;
    act("accept", { finding: state.current, candidate: state.choice });
  }

  function reject() {
    if (findings()[state.current]) act("reject", { finding: state.current });
  }

  function openEditor() {
    const finding = findings()[state.current];
    if (!finding) return;
    const editor = $("editor");
    editor.hidden = false;
    const area = $("edit-text");
    area.value = finding.sentence;
    area.focus();
  }

  function closeEditor() {
    $("editor").hidden = true;
  }

  function applyEdit(event) {
    event.preventDefault();
    const text = $("edit-text").value;
    closeEditor();
    act("edit", { finding: state.current, text });
  }

  async function save() {
    if (!state.file || !state.file.unsaved) return;
    await act("save", {});
  }

  async function download() {
    const response = await fetch(`/api/files/${state.fileIndex}/diff`, { headers: { "X-Cleaner-Token": token } });
    if (!response.ok) {
      alarm(`The diff could not be fetched (${response.status}).`);
      return;
    }
    const blob = await response.blob();
    const link = element("a", { href: URL.createObjectURL(blob), download: `${state.file.name.split("/").pop()}.diff` });
    document.body.append(link);
    link.click();
    link.remove();
    say("Diff downloaded.");
  }

  async function openFile(index) {
    const reply = await api(`/api/files/${index}`);
    if (!reply.ok) {
      alarm(reply.data.error || `refused (${reply.status})`);
      return;
    }
    state.fileIndex = index;
    state.file = reply.data.file;
    state.current = 0;
    state.choice = 0;
    alarm("");
    draw(false);
    say(`${state.file.name}: ${state.file.total} finding${state.file.total === 1 ? "" : "s"}.`);
  }

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest && target.closest("textarea, input[type=text], select, [contenteditable]")) return;
    const key = event.key;
    const actions = {
      j: () => select(state.current + 1),
      k: () => select(state.current - 1),
      y: accept,
      n: reject,
      e: openEditor,
      u: () => act("undo", {}),
    };
    if (actions[key]) {
      event.preventDefault();
      actions[key]();
    } else if (/^[1-9]$/.test(key)) {
      event.preventDefault();
      choose(Number(key) - 1);
    }
  }

  async function start() {
    $("accept").addEventListener("click", accept);
    $("reject").addEventListener("click", reject);
    $("edit").addEventListener("click", openEditor);
    $("prev").addEventListener("click", () => select(state.current - 1));
    $("next").addEventListener("click", () => select(state.current + 1));
    $("undo").addEventListener("click", () => act("undo", {}));
    $("accept-safe").addEventListener("click", () => act("accept-safe", {}));
    $("save").addEventListener("click", save);
    $("download").addEventListener("click", download);
    $("editor").addEventListener("submit", applyEdit);
    $("edit-cancel").addEventListener("click", closeEditor);
    $("edit-text").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) applyEdit(event);
      else if (event.key === "Escape") {
        event.preventDefault();
        closeEditor();
        $("edit").focus();
      }
    });
    document.addEventListener("keydown", onKey);
    const reply = await api("/api/files");
    if (!reply.ok) {
      $("file-title").textContent = "Not allowed";
      alarm(reply.data.error || `refused (${reply.status})`);
      return;
    }
    state.files = reply.data.files;
    await openFile(0);
    document.body.dataset.ready = "true";
  }

  start();
})();
