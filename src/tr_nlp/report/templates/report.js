// The transcript viewer: renders one interview at a time from the JSON above (no network, no libraries).
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("tr-data").textContent);
  const machine = data.sources.length - 1;
  const byId = new Map(data.interviews.map((iv, i) => [iv.id, i]));
  const select = document.getElementById("iv-select");
  const filter = document.getElementById("iv-filter");
  const viewer = document.getElementById("viewer");
  const status = document.getElementById("iv-status");
  const codeBoxes = Array.from(document.querySelectorAll(".code-filter"));
  // each code's colour, read once from the legend's CSS variable
  const colours = data.codes.map((_, i) => {
    const chip = document.querySelector(".code-chip.c" + i);
    return chip ? getComputedStyle(chip).getPropertyValue("--code").trim() : "#888888";
  });
  let current = 0;
  let target = null;

  function sourceTag(s) {
    if (s === machine) return "M";
    const name = data.sources[s];
    const suffix = name.match(/[_ -]([A-Za-z0-9]{1,3})$/);  // coder_a -> A, annotator_3 -> 3
    return (suffix ? suffix[1] : name.slice(0, 3)).toUpperCase() || String(s + 1);
  }

  function fillSelect() {
    const needle = filter.value.trim().toLowerCase();
    select.textContent = "";
    data.interviews.forEach((iv, i) => {
      if (needle && !iv.id.toLowerCase().includes(needle)) return;
      const option = document.createElement("option");
      option.value = String(i);
      option.textContent = iv.id + (iv.coded ? " (coded)" : "");
      select.appendChild(option);
    });
    select.value = String(current);
  }

  function active() {
    const codes = new Set(codeBoxes.filter((b) => b.checked).map((b) => Number(b.value)));
    const human = document.getElementById("show-human").checked;
    const mach = document.getElementById("show-machine").checked;
    return (a) => codes.has(a[2]) && (a[3] === machine ? mach : human);
  }

  function describe(a) {
    const who = a[3] === machine ? "machine suggestion, probability " + a[4].toFixed(2) + (a[5] ? "; evidence: " + a[5] : "")
      : "coded by " + data.sources[a[3]];
    return data.codes[a[2]] + " (" + who + ")";
  }

  function renderTurn(iv, turn, notes) {
    const [speaker, role, start, text, at, lines] = turn;
    // offsets count characters as Python does (an emoji is one), not as JavaScript's strings (two)
    const chars = Array.from(text);
    const end = start + chars.length;
    const row = document.createElement("div");
    row.className = "turn role-" + role;
    row.dataset.start = String(start);
    row.dataset.end = String(end);
    const who = document.createElement("div");
    who.className = "who";
    who.textContent = data.speakers[speaker];
    // where the turn is: its time in the recording, the lines it runs over
    [[at, "time in the recording"], [lines, "the lines it runs over in the transcript"]].forEach(([mark, title]) => {
      if (!mark) return;
      const place = document.createElement("span");
      place.className = "at";
      place.textContent = mark;
      place.title = title;
      who.appendChild(place);
    });
    const said = document.createElement("div");
    said.className = "said";
    const inside = notes.filter((a) => a[0] < end && a[1] > start);
    const cuts = new Set([start, end]);
    inside.forEach((a) => { cuts.add(Math.max(a[0], start)); cuts.add(Math.min(a[1], end)); });
    // where the evidence of the suggestions shown stands: in bold
    const why = inside.flatMap((a) => (a[3] === machine && a[6]) || []).filter(([s, e]) => s < end && e > start);
    why.forEach(([s, e]) => { cuts.add(Math.max(s, start)); cuts.add(Math.min(e, end)); });
    const points = Array.from(cuts).sort((x, y) => x - y);
    const opened = new Set();
    for (let k = 0; k < points.length - 1; k++) {
      const a0 = points[k], a1 = points[k + 1];
      const piece = chars.slice(a0 - start, a1 - start).join("");
      const covering = inside.filter((a) => a[0] < a1 && a[1] > a0);
      if (!covering.length) { said.appendChild(document.createTextNode(piece)); continue; }
      covering.forEach((a) => {
        if (opened.has(a)) return;
        opened.add(a);
        const tag = document.createElement("span");
        tag.className = "tag c" + a[2];
        tag.textContent = TAGS[a[2]] + "\u00b7" + sourceTag(a[3]) + (a[3] === machine ? " " + a[4].toFixed(2) : "");
        tag.setAttribute("aria-label", describe(a));
        said.appendChild(tag);
      });
      const mark = document.createElement("mark");
      const human = covering.filter((a) => a[3] !== machine);
      const mach = covering.filter((a) => a[3] === machine);
      mark.className = "hl" + (human.length ? " human" : "") + (mach.length ? " machine" : "")
        + (why.some(([s, e]) => s <= a0 && e >= a1) ? " why" : "");
      mark.dataset.codes = Array.from(new Set(covering.map((a) => data.codes[a[2]]))).join(" ");
      mark.dataset.sources = Array.from(new Set(covering.map((a) => data.sources[a[3]]))).join(" ");
      if (human.length) {
        const light = human.map((a) => colours[a[2]] + "40");
        mark.style.setProperty("--hl-bg", light.length === 1 ? light[0] :
          "repeating-linear-gradient(135deg," + light.map((c, i) => c + " " + (i * 8) + "px " + ((i + 1) * 8) + "px").join(",") + ")");
        if (light.length > 1) mark.style.background = mark.style.getPropertyValue("--hl-bg");
      }
      if (mach.length) {
        mark.style.setProperty("--hl-line", colours[mach[0][2]]);
      }
      mark.title = covering.map(describe).join("\n");
      mark.textContent = piece;
      said.appendChild(mark);
    }
    row.append(who, said);
    return row;
  }

  function render() {
    const iv = data.interviews[current];
    const keep = active();
    const notes = iv.ann.filter(keep);
    const onlyCoded = document.getElementById("only-coded").checked;
    const frag = document.createDocumentFragment();
    let shown = 0;
    iv.turns.forEach((turn) => {
      const row = renderTurn(iv, turn, notes);
      if (onlyCoded && !row.querySelector("mark")) return;
      if (target && target[0] < Number(row.dataset.end) && target[1] > Number(row.dataset.start)) row.classList.add("target");
      frag.appendChild(row);
      shown++;
    });
    viewer.textContent = "";
    const heading = document.createElement("h3");
    heading.textContent = "Interview " + iv.id;
    viewer.append(heading, frag);
    status.textContent = "Interview " + (current + 1) + " of " + data.interviews.length + " (" + iv.id + "): " +
      shown + " turns, " + notes.length + " highlights shown" + (data.complete ? "" : "; batch run: participant segments only");
    const hit = viewer.querySelector(".turn.target");
    if (hit) hit.scrollIntoView({ block: "center" });
  }

  function open(index, at) {
    current = Math.max(0, Math.min(data.interviews.length - 1, index));
    target = at || null;
    select.value = String(current);
    render();
  }

  function fromHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    if (!params.has("iv") || !byId.has(params.get("iv"))) return false;
    const at = (params.get("at") || "").split("-").map(Number);
    open(byId.get(params.get("iv")), at.length === 2 && at.every(Number.isFinite) ? at : null);
    document.getElementById("transcripts").scrollIntoView();
    return true;
  }

  document.getElementById("iv-sources").textContent = "Sources: " +
    data.sources.map((name, s) => sourceTag(s) + " = " + (s === machine ? "machine suggestion" : name)).join(", ") + ".";
  filter.addEventListener("input", fillSelect);
  select.addEventListener("change", () => open(Number(select.value)));
  document.getElementById("iv-prev").addEventListener("click", () => open(current - 1));
  document.getElementById("iv-next").addEventListener("click", () => open(current + 1));
  document.querySelectorAll(".viewer-controls input[type=checkbox]").forEach((b) => b.addEventListener("change", render));
  window.addEventListener("hashchange", fromHash);
  fillSelect();
  if (!fromHash()) {
    const first = data.interviews.findIndex((iv) => iv.coded);
    open(first >= 0 ? first : 0);
  }
})();
