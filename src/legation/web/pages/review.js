// Review page: paste news text, read the candidate engagements legation proposes (with the sentence
// that gives each), accept or reject each, and import the accepted ones. Both calls need the token
// `legation serve` printed; it is kept in this page's memory only. Nothing is written without acceptance.
"use strict";

const review = { items: [], token: "" };

function reviewStatus(message) {
  document.getElementById("review-status").textContent = message;
}

function party(r, side) {
  const code = side === "actor" ? r.actor_iso3 : (r.partner_iso3 || r.partner_group);
  return code ? `${r[side]} (${code})` : r[side];
}

function decisionButtons(r, i) {
  const set = (answer) => () => { review.items[i].accept = answer; drawCandidates(); };
  return el("span", { class: "decision" },
    el("button", { type: "button", class: r.accept === "yes" ? "on" : null, "data-accept": i, "aria-pressed": String(r.accept === "yes"), onclick: set("yes") }, "Accept"),
    el("button", { type: "button", class: r.accept === "no" ? "on" : null, "data-reject": i, "aria-pressed": String(r.accept === "no"), onclick: set("no") }, "Reject"));
}

function drawCandidates() {
  const box = document.getElementById("candidates");
  const n = review.items.filter((r) => r.accept === "yes").length;
  document.getElementById("import-accepted").disabled = n === 0;
  document.getElementById("accepted-count").textContent = `${n} of ${review.items.length} accepted`;
  if (!review.items.length) {
    box.replaceChildren(el("p", { class: "note" }, "No candidate engagements in this text."));
    return;
  }
  box.replaceChildren(table([
    { label: "", get: (r) => decisionButtons(r, review.items.indexOf(r)) },
    { label: "instrument", key: "instrument" },
    { label: "actor", get: (r) => party(r, "actor") },
    { label: "partner", get: (r) => party(r, "partner") },
    { label: "start", key: "start" },
    { label: "±", get: (r) => (Number(r.polarity) < 0 ? "−" : "+") },
    { label: "magnitude", get: (r) => (r.magnitude === null || r.magnitude === undefined ? "" : `${fmt(r.magnitude)} ${r.unit}`) },
    { label: "confidence", key: "confidence", num: true, digits: 2 },
    { label: "evidence", get: (r) => el("q", { class: "evidence" }, r.evidence) },
  ], review.items, "Candidates proposed from the text: accept or reject each, then import the accepted ones."));
}

async function runExtraction() {
  review.token = document.getElementById("review-token").value.trim();
  const text = document.getElementById("review-text").value;
  if (!text.trim()) { reviewStatus("Paste some text first."); return; }
  const doc = { text };
  const date = document.getElementById("review-date").value;
  const url = document.getElementById("review-url").value.trim();
  if (date) doc.date = date;
  if (url) doc.url = url;
  reviewStatus("Reading…");
  try {
    const out = await apiPost("/api/extract", { documents: [doc] }, review.token);
    review.items = out.items.map((r) => Object.assign(r, { accept: "" }));
    reviewStatus(`${out.total} candidates.`);
    drawCandidates();
  } catch (err) {
    reviewStatus(err.message);
  }
}

async function importAccepted() {
  review.token = document.getElementById("review-token").value.trim();
  const button = document.getElementById("import-accepted");
  button.disabled = true;
  reviewStatus("Importing…");
  try {
    const out = await apiPost("/api/extract/import", { candidates: review.items }, review.token);
    reviewStatus(`Imported ${out.rows_written} engagements under source ${out.sources.join(", ")} (import ${out.import_id}).`);
    review.items = review.items.filter((r) => r.accept !== "yes");
    drawCandidates();
  } catch (err) {
    reviewStatus(err.message);
    button.disabled = false;
  }
}

VIEWS.review = async () => {
  const page = document.getElementById("page");
  page.replaceChildren(
    el("h1", {}, "Review text"),
    el("p", { class: "lede" }, "Paste a news story or a ministry statement. legation proposes the engagements it reads, each with its sentence as evidence; only those you accept are imported, under a source registered for the batch, with the article's address as the reference."),
    card("Text",
      el("label", { for: "review-text" }, "Text", el("textarea", { id: "review-text", rows: "8", cols: "80" })),
      el("div", { class: "controls" },
        el("label", { for: "review-date" }, "Date of the text", el("input", { id: "review-date", type: "date" })),
        el("label", { for: "review-url" }, "Address (URL)", el("input", { id: "review-url", type: "url", size: "40" })),
        el("label", { for: "review-token" }, "Token", el("input", { id: "review-token", type: "password", autocomplete: "off", value: review.token }))),
      el("button", { id: "run-extract", type: "button", onclick: runExtraction }, "Propose engagements")),
    card("Candidates",
      el("div", { id: "candidates" }, el("p", { class: "note" }, "Nothing read yet.")),
      el("p", {}, el("span", { id: "accepted-count", class: "muted" }, ""), " ",
        el("button", { id: "import-accepted", type: "button", disabled: "", onclick: importAccepted }, "Import accepted")),
      el("p", { id: "review-status", class: "note", role: "status" }, "")),
  );
  if (review.items.length) drawCandidates();
};
