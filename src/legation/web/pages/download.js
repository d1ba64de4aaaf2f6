// "Download brief" on the country and dyad pages: wraps those views (app.js) and, once a page has
// rendered, adds buttons that fetch the brief of the state or pair shown from /api/reports as PDF or
// HTML. The state codes come from the page's own selects, so the brief is always of what is on screen.
"use strict";

function briefButtons(path, label) {
  const paper = select("Paper", "brief-paper", [{ value: "a4", label: "A4" }, { value: "letter", label: "US Letter" }], "a4", () => {});
  const get = (format) => {
    const url = new URL(path, window.location.origin);
    url.searchParams.set("format", format);
    url.searchParams.set("paper", document.getElementById("brief-paper").value);
    const link = el("a", { href: url.pathname + url.search, download: "" });
    document.body.append(link);
    link.click();
    link.remove();
  };
  return el("div", { class: "brief-download", id: "brief-download", style: "display:flex;gap:.5rem;align-items:end;margin-left:auto" },
    paper,
    el("button", { type: "button", id: "download-brief", title: `Download the ${label} brief as PDF`, onclick: () => get("pdf") }, "Download brief (PDF)"),
    el("button", { type: "button", id: "download-brief-html", title: `The ${label} brief as one HTML page`, onclick: () => get("html") }, "HTML"));
}

function withBrief(view, path, label) {
  return async (params) => {
    await view(params);
    const controls = document.querySelector("#page .controls");
    const where = path();
    if (controls && where) controls.append(briefButtons(where, label));
  };
}

VIEWS.country = withBrief(VIEWS.country, () => {
  const s = document.getElementById("country-state");
  return s && s.value ? `/api/reports/country/${encodeURIComponent(s.value)}` : null;
}, "country");

VIEWS.dyad = withBrief(VIEWS.dyad, () => {
  const a = document.getElementById("dyad-a"), b = document.getElementById("dyad-b");
  return a && b && a.value && b.value && a.value !== b.value
    ? `/api/reports/dyad/${encodeURIComponent(a.value)}/${encodeURIComponent(b.value)}` : null;
}, "dyad");
