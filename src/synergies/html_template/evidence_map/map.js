// The evidence map's view: counts, filters and lays out the findings embedded in #map-data.
// Every word it shows comes from the data (written in the run's language by
// synergies.evidence_map); this file holds no user-facing text.

const D = JSON.parse(document.getElementById("map-data").textContent);
const F = D.findings;
const W = D.words;
const S = D.style;
const N_FINDINGS = F.id.length;

// ------------------------------------------------------------------ small helpers

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

// Digit grouping as synergies.text.numbers.integer writes it for this language.
function fmt(n) {
  const digits = String(n);
  if (n < D.number_format.from) return digits;
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, D.number_format.group);
}

function fill(template, slots) {
  return template.replace(/\{(\w+)\}/g, (m, name) => (name in slots ? slots[name] : m));
}

// English and Spanish have two plural forms: one for 1, one for every other number.
function plural(key, n) {
  return fill(n === 1 ? W[key + "_one"] : W[key + "_other"], { n: fmt(n) });
}

function folded(text) {
  return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

function chip(effect, count, extraClass) {
  const label = count === null ? "" : " " + fmt(count);
  return (
    `<span class="chip ${extraClass || ""}" style="background:${S.colours[effect]};color:${S.ink[effect]}">` +
    `<span aria-hidden="true">${S.glyphs[effect]}</span>${label}</span>`
  );
}

// ------------------------------------------------------------------ derived facts per finding

const caseOfArm = D.arms.map((a) => a.case);
const findingCase = new Int32Array(N_FINDINGS);
const findingDomain = new Int32Array(N_FINDINGS);
for (let f = 0; f < N_FINDINGS; f++) {
  findingCase[f] = caseOfArm[F.arm[f]];
  findingDomain[f] = D.outcomes[F.outcome[f]].domain;
}
const armsOfCase = D.cases.map(() => []);
D.arms.forEach((a, i) => armsOfCase[a.case].push(i));
const armText = D.arms.map((a) => {
  const c = D.cases[a.case];
  return folded([a.name, c.name, c.programmes].join(" "));
});
const caseText = D.cases.map((c) => folded([c.name, c.programmes].join(" ")));

// ------------------------------------------------------------------ state and controls

const state = {
  rows: D.defaults.rows,
  columns: D.defaults.columns,
  country: "",
  domain: "",
  armType: "",
  rob: "",
  significance: "",
  search: "",
  page: 0,
  active: [0, 0],
};

function option(value, label, selected) {
  return `<option value="${esc(value)}"${selected ? " selected" : ""}>${esc(label)}</option>`;
}

function select(id, label, options, current) {
  return (
    `<label for="${id}">${esc(label)}</label>` +
    `<select id="${id}" name="${id}">` +
    options.map(([v, l]) => option(v, l, String(v) === String(current))).join("") +
    "</select>"
  );
}

function buildControls() {
  const all = [["", W.all]];
  const parts = [];
  parts.push(
    '<fieldset class="view"><legend>' + esc(W.rows) + " / " + esc(W.columns) + "</legend>" +
      select("rows", W.rows, [["arm", W.row_arm], ["case", W.row_case], ["country", W.row_country]], state.rows) +
      select("columns", W.columns, [["outcome", W.col_outcome], ["domain", W.col_domain]], state.columns) +
      "</fieldset>",
  );
  const filters = [];
  filters.push(select("country", W.country, all.concat(D.countries.map((c, i) => [i, c])), state.country));
  filters.push(select("domain", W.domain, all.concat(D.domains.map((d, i) => [i, d])), state.domain));
  filters.push(
    select("arm-type", W.arm_type, all.concat([["single", W.arm_types.single], ["combined", W.arm_types.combined]]), state.armType),
  );
  if (D.optional.rob) {
    const present = [...new Set(D.cases.filter((c) => !c.gap).map((c) => c.rob))].sort();
    filters.push(select("rob", W.risk_of_bias, all.concat(present.map((v) => [v, W.rob_values[v] || v])), state.rob));
  }
  if (D.optional.significance) {
    const sig = W.significance_values;
    filters.push(select("significance", W.significance, all.concat([["yes", sig.yes], ["no", sig.no], ["none", sig[""]]]), state.significance));
  }
  filters.push(`<label for="search">${esc(W.search)}</label><input type="search" id="search" name="search" autocomplete="off">`);
  parts.push('<fieldset class="filters"><legend>' + esc(W.filters) + "</legend>" + filters.join("") + "</fieldset>");
  const form = document.getElementById("map-controls");
  form.innerHTML = parts.join("");
  form.addEventListener("submit", (e) => e.preventDefault());
  const bind = (id, key) => {
    const el = document.getElementById(id);
    if (!el) return;
    el.addEventListener(el.tagName === "INPUT" ? "input" : "change", () => {
      state[key] = el.value;
      state.page = 0;
      state.active = [0, 0];
      render();
    });
  };
  bind("rows", "rows");
  bind("columns", "columns");
  bind("country", "country");
  bind("domain", "domain");
  bind("arm-type", "armType");
  bind("rob", "rob");
  bind("significance", "significance");
  bind("search", "search");
  const notes = [];
  if (!D.optional.rob) notes.push(W.hidden_filters.risk_of_bias);
  if (!D.optional.significance) notes.push(W.hidden_filters.significance);
  document.getElementById("map-notes").textContent = notes.join(" ");
}

function buildLegend() {
  const effects = W.effects.map((w, e) => `<li>${chip(e, null)} ${esc(w)}</li>`).join("");
  const sizes = W.size_bins.map((label, k) => `<li><span class="cell-sample size-${k}">${chip(0, null)}</span> ${esc(label)}</li>`).join("");
  document.getElementById("map-legend").innerHTML =
    `<h2>${esc(W.legend)}</h2><ul class="legend">${effects}` +
    `<li><span class="empty-sample" aria-hidden="true"></span> ${esc(W.not_reported)}</li>` +
    (D.optional.contested ? `<li><span class="dagger" aria-hidden="true">†</span> ${esc(W.contested)}</li>` : "") +
    "</ul>" +
    `<p>${esc(W.size_legend)}</p><ul class="legend sizes">${sizes}</ul>`;
}

// ------------------------------------------------------------------ filtering

function casePasses(c) {
  const kase = D.cases[c];
  if (state.country !== "" && kase.country !== Number(state.country)) return false;
  if (state.rob !== "" && kase.rob !== state.rob) return false;
  return true;
}

function armPasses(a) {
  if (!casePasses(D.arms[a].case)) return false;
  if (state.armType !== "" && D.arms[a].type !== state.armType) return false;
  if (state.search !== "" && !armText[a].includes(folded(state.search.trim()))) return false;
  return true;
}

function gapPasses(c) {
  if (!casePasses(c)) return false;
  return state.search === "" || caseText[c].includes(folded(state.search.trim()));
}

function findingPasses(f, armOk) {
  if (!armOk[F.arm[f]]) return false;
  if (state.domain !== "" && findingDomain[f] !== Number(state.domain)) return false;
  if (state.significance !== "") {
    const s = F.significant[f];
    if (state.significance === "yes" && s !== 1) return false;
    if (state.significance === "no" && s !== 0) return false;
    if (state.significance === "none" && s !== null) return false;
  }
  return true;
}

// Rows of the chosen kind, in display order: {label, sub, arms, gapCase}. A gap row is a case
// (or a country whose cases all are) without findings.
function rowEntities() {
  const rows = [];
  if (state.rows === "arm") {
    D.cases.forEach((kase, c) => {
      const where = D.countries[kase.country];
      if (kase.gap) rows.push({ label: kase.name, sub: where, arms: [], gap: kase.gap, cases: [c] });
      for (const a of armsOfCase[c]) {
        rows.push({ label: D.arms[a].name, sub: `${kase.name} · ${where}`, type: D.arms[a].type, arms: [a], cases: [c] });
      }
    });
  } else if (state.rows === "case") {
    D.cases.forEach((kase, c) => {
      rows.push({ label: kase.name, sub: D.countries[kase.country], arms: armsOfCase[c], gap: kase.gap, cases: [c] });
    });
  } else {
    D.countries.forEach((name, i) => {
      const cases = D.cases.map((k, c) => c).filter((c) => D.cases[c].country === i);
      const arms = cases.flatMap((c) => armsOfCase[c]);
      const allGap = cases.every((c) => D.cases[c].gap);
      rows.push({ label: name, sub: "", arms, gap: allGap ? D.cases[cases[0]].gap : "", cases });
    });
  }
  return rows;
}

function columnEntities() {
  let cols;
  if (state.columns === "outcome") {
    cols = D.outcomes.map((o, i) => ({ index: i, label: o.label, domain: o.domain }));
  } else {
    cols = D.domains.map((d, i) => ({ index: i, label: d, domain: i }));
  }
  if (state.domain !== "") cols = cols.filter((c) => c.domain === Number(state.domain));
  return cols;
}

// The current view: visible rows and columns and, per cell, counts by effect and evaluations.
function computeView() {
  const armOk = new Uint8Array(D.arms.length);
  for (let a = 0; a < D.arms.length; a++) armOk[a] = armPasses(a) ? 1 : 0;
  const rows = rowEntities().filter((r) =>
    r.arms.length ? r.arms.some((a) => armOk[a]) || (r.gap && r.cases.some(gapPasses)) : r.cases.some(gapPasses),
  );
  const cols = columnEntities();
  const rowOfArm = new Int32Array(D.arms.length).fill(-1);
  rows.forEach((r, i) => r.arms.forEach((a) => (rowOfArm[a] = i)));
  const colPos = new Int32Array(state.columns === "outcome" ? D.outcomes.length : D.domains.length).fill(-1);
  cols.forEach((c, j) => (colPos[c.index] = j));
  const cells = new Map();
  let total = 0;
  for (let f = 0; f < N_FINDINGS; f++) {
    if (!findingPasses(f, armOk)) continue;
    const r = rowOfArm[F.arm[f]];
    const c = colPos[state.columns === "outcome" ? F.outcome[f] : findingDomain[f]];
    if (r < 0 || c < 0) continue;
    total++;
    const key = r * cols.length + c;
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = { counts: [0, 0, 0, 0], cases: new Set(), contested: 0 }));
    cell.counts[F.effect[f]]++;
    if (D.optional.contested && F.direction_alt[f] >= 0) cell.contested++;
    cell.cases.add(findingCase[f]);
  }
  return { rows, cols, cells, total, armOk, rowOfArm, colPos };
}

// ------------------------------------------------------------------ the matrix

let view = null;

function sizeClass(evaluations) {
  let k = 0;
  D.evaluation_bins.forEach((b, i) => {
    if (evaluations >= b) k = i;
  });
  return "size-" + k;
}

function rowHeader(r) {
  const type = r.type ? ` <span class="arm-type">(${esc(W.arm_types[r.type])})</span>` : "";
  const sub = r.sub ? `<br><span class="sub">${esc(r.sub)}</span>` : "";
  return `<th scope="row"><span class="row-label">${esc(r.label)}</span>${type}${sub}</th>`;
}

function cellLabel(r, c, cell) {
  const where = `${r.label} × ${c.label}`;
  if (!cell) return `${where}: ${W.not_reported}`;
  const parts = cell.counts.map((n, e) => (n ? `${fmt(n)} ${W.effects[e]}` : "")).filter(Boolean);
  const contested = cell.contested ? `; † ${W.contested}` : "";
  return `${where}: ${parts.join(", ")}; ${plural("evaluations", cell.cases.size)}${contested}`;
}

function header(cols) {
  // Fixed column widths (table-layout: fixed): the browser lays out thousands of cells without
  // measuring every one first.
  const width = state.columns === "outcome" ? "col-outcome" : "col-domain";
  let html = `<colgroup><col class="col-row">${cols.map(() => `<col class="${width}">`).join("")}</colgroup><thead>`;
  if (state.columns === "outcome") {
    html += '<tr><td class="corner"></td>';
    let j = 0;
    while (j < cols.length) {
      let k = j;
      while (k < cols.length && cols[k].domain === cols[j].domain) k++;
      html += `<th scope="colgroup" colspan="${k - j}" class="group">${esc(D.domains[cols[j].domain])}</th>`;
      j = k;
    }
    html += "</tr>";
  }
  html += `<tr><td class="corner"></td>${cols.map((c) => `<th scope="col">${esc(c.label)}</th>`).join("")}</tr>`;
  return html + "</thead>";
}

function render() {
  view = computeView();
  clearDetail();
  const { rows, cols, cells } = view;
  const per = rowsPerPage(cols.length);
  const pages = Math.max(1, Math.ceil(rows.length / per));
  state.page = Math.min(state.page, pages - 1);
  const start = state.page * per;
  const shown = rows.slice(start, start + per);
  const grid = document.getElementById("map-grid");
  if (!rows.length) {
    grid.innerHTML = "";
    document.getElementById("map-status").textContent = W.no_rows;
    document.getElementById("map-pager").innerHTML = "";
    return;
  }
  let body = "<tbody>";
  shown.forEach((r, i) => {
    const ri = start + i;
    body += "<tr>" + rowHeader(r);
    const hasCells = r.arms.some((a) => view.armOk[a]);
    if (r.gap && !hasCells) {
      body += `<td colspan="${cols.length}" class="gap-row">${esc(W[r.gap])}</td></tr>`;
      return;
    }
    cols.forEach((c, j) => {
      const cell = cells.get(ri * cols.length + j);
      const label = esc(cellLabel(r, c, cell));
      const content = cell
        ? cell.counts.map((n, e) => (n ? chip(e, n) : "")).join("") +
          (cell.contested ? '<span class="dagger" aria-hidden="true">†</span>' : "")
        : `<span class="empty-mark" aria-hidden="true">·</span>`;
      const cls = cell ? "cell " + sizeClass(cell.cases.size) : "cell empty";
      body += `<td><button type="button" class="${cls}" data-r="${ri}" data-c="${j}" tabindex="-1" aria-label="${label}">${content}</button></td>`;
    });
    body += "</tr>";
  });
  grid.innerHTML = header(cols) + body + "</tbody>";
  const status = `${plural("findings", view.total)}`;
  document.getElementById("map-status").textContent = status;
  const pager = document.getElementById("map-pager");
  if (pages > 1) {
    const text = fill(W.rows_shown, { start: fmt(start + 1), end: fmt(start + shown.length), total: fmt(rows.length) });
    pager.innerHTML =
      `<button type="button" id="page-previous"${state.page === 0 ? " disabled" : ""}>${esc(W.previous)}</button> ` +
      `<span>${esc(text)}</span> ` +
      `<button type="button" id="page-next"${state.page >= pages - 1 ? " disabled" : ""}>${esc(W.next)}</button>`;
    document.getElementById("page-previous").onclick = () => turn(-1);
    document.getElementById("page-next").onclick = () => turn(1);
  } else {
    pager.innerHTML = "";
  }
  // The outcome labels stick below the domain headers, whatever height those wrap to.
  // (The height is read once: reading it after each write would lay the table out 60 times.)
  const groupRow = grid.querySelector("thead tr:nth-child(2)") && grid.querySelector("thead tr:first-child");
  if (groupRow) {
    const top = groupRow.offsetHeight + "px";
    grid.querySelectorAll("thead tr:nth-child(2) th").forEach((th) => (th.style.top = top));
  }
  setActive(state.active[0], state.active[1], false);
}

// Rows drawn at once: at most D.rows_per_page, fewer when there are many columns, so that a
// page holds about D.cells_per_page cells (drawing costs grow with cells, not findings).
function rowsPerPage(columns) {
  return Math.max(D.min_rows_per_page, Math.min(D.rows_per_page, Math.floor(D.cells_per_page / Math.max(1, columns))));
}

function turn(step) {
  state.page += step;
  state.active = [state.page * rowsPerPage(view.cols.length), 0];
  render();
}

// Roving tab stop: one cell is in the tab order; the arrow keys move it.
function setActive(r, c, focus) {
  const grid = document.getElementById("map-grid");
  const buttons = grid.querySelectorAll("button.cell");
  if (!buttons.length) return;
  let target = grid.querySelector(`button.cell[data-r="${r}"][data-c="${c}"]`) || buttons[0];
  buttons.forEach((b) => b.setAttribute("tabindex", "-1"));
  target.setAttribute("tabindex", "0");
  state.active = [Number(target.dataset.r), Number(target.dataset.c)];
  if (focus) target.focus();
}

function onKey(event) {
  const button = event.target.closest("button.cell");
  if (!button) return;
  let r = Number(button.dataset.r);
  let c = Number(button.dataset.c);
  const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
  if (event.key in moves) {
    const [dr, dc] = moves[event.key];
    const grid = document.getElementById("map-grid");
    const at = (row, col) => grid.querySelector(`button.cell[data-r="${row}"][data-c="${col}"]`);
    if (dr) {
      // Gap rows hold no cell: step over them.
      const per = rowsPerPage(view.cols.length);
      const first = state.page * per;
      const last = first + per - 1;
      let nr = r + dr;
      while (nr >= first && nr <= last && !at(nr, c)) nr += dr;
      if (at(nr, c)) r = nr;
    } else if (at(r, c + dc)) {
      c += dc;
    }
    setActive(r, c, true);
    event.preventDefault();
  } else if (event.key === "Home" || event.key === "End") {
    setActive(r, event.key === "Home" ? 0 : view.cols.length - 1, true);
    event.preventDefault();
  }
}

// ------------------------------------------------------------------ the list of a cell's findings

let table = null;

function sourceText(f) {
  const s = F.source[f];
  const locator = D.texts[F.locator[f]];
  let html = "";
  if (s >= 0) {
    const src = D.sources[s];
    const citation = src.citation || src.id;
    // Only web addresses become links (never javascript: or file: URLs written in sources.csv).
    const linked = /^https?:\/\//i.test(src.url);
    html = linked ? `<a href="${esc(src.url)}" rel="noopener noreferrer">${esc(citation)}</a>` : esc(citation);
    html += ` <span class="source-id">[${esc(src.id)}]</span>`;
  }
  if (locator) html += (html ? "<br>" : "") + `<span class="locator">${esc(locator)}</span>`;
  return html;
}

function significanceText(f) {
  const s = F.significant[f];
  const word = W.significance_values[s === 1 ? "yes" : s === 0 ? "no" : ""];
  return esc(F.p[f] ? `${word} (${F.p[f]})` : word);
}

function estimateText(f) {
  const parts = [];
  if (F.estimate[f] !== null) parts.push(F.estimate[f]);
  if (F.se[f] !== null) parts.push(`(${W.se} ${F.se[f]})`);
  if (F.n[f] !== null) parts.push(`n = ${F.n[f]}`);
  return esc(parts.join(" "));
}

function directionText(f) {
  let html = `<span aria-hidden="true">${esc(S.signs[F.direction[f]])}</span> ${esc(W.directions[F.direction[f]])}`;
  if (D.optional.contested && F.direction_alt[f] >= 0) {
    const where = [D.texts[F.alt_source[f]], D.texts[F.alt_locator[f]]].filter(Boolean).join(", ");
    html += `<br><span class="contested">† ${esc(W.other_source)}: ${esc(W.directions[F.direction_alt[f]])}${where ? " (" + esc(where) + ")" : ""}</span>`;
  }
  return html;
}

function findingRow(f) {
  const arm = D.arms[F.arm[f]];
  const kase = D.cases[arm.case];
  const row = [
    esc(F.id[f]),
    `${esc(arm.name)} <span class="arm-type">(${esc(W.arm_types[arm.type])})</span>` +
      (arm.components ? `<br><span class="sub">${esc(arm.components)}</span>` : "") +
      `<br><span class="sub">${esc(kase.name)} · ${esc(D.countries[kase.country])}</span>`,
    esc(D.outcomes[F.outcome[f]].label),
    directionText(f),
    `${chip(F.effect[f], null)} ${esc(W.effects[F.effect[f]])}`,
    significanceText(f),
    estimateText(f),
    sourceText(f),
    esc(D.texts[F.note[f]]),
  ];
  if (D.optional.subgroup) row.push(esc(D.texts[F.subgroup[f]] || W.whole_sample));
  if (D.optional.comparator) row.push(esc(D.texts[F.comparator[f]]));
  if (D.optional.rob) {
    const rating = W.rob_values[kase.rob] || kase.rob;
    row.push(esc(kase.rob_tool ? `${rating} (${kase.rob_tool})` : rating));
  }
  return row;
}

function tableColumns() {
  const titles = [W.col_id, W.col_arm, W.col_outcome_h, W.col_direction, W.col_effect, W.col_significance, W.col_estimate, W.col_source, W.col_note];
  if (D.optional.subgroup) titles.push(W.col_subgroup);
  if (D.optional.comparator) titles.push(W.col_comparator);
  if (D.optional.rob) titles.push(W.col_rob);
  return titles.map((t) => ({ title: esc(t) }));
}

// The list belongs to one cell of one view: a new view (filters, rows, columns, page) clears it.
function clearDetail() {
  document.getElementById("detail-heading").textContent = W.select_prompt;
  delete document.getElementById("map-detail").dataset.cell;
  if (table) table.clear().draw();
}

function showCell(r, c) {
  const row = view.rows[r];
  const col = view.cols[c];
  const listed = [];
  for (let f = 0; f < N_FINDINGS; f++) {
    if (view.rowOfArm[F.arm[f]] !== r) continue;
    if (view.colPos[state.columns === "outcome" ? F.outcome[f] : findingDomain[f]] !== c) continue;
    if (findingPasses(f, view.armOk)) listed.push(f);
  }
  const count = listed.length ? plural("findings", listed.length) : W.not_reported;
  document.getElementById("detail-heading").textContent = fill(W.cell_heading, { row: row.label, column: col.label, count });
  const DataTable = window.synergiesDataTables.default;
  if (!table) {
    table = new DataTable("#detail-table", {
      data: [],
      columns: tableColumns(),
      order: [],
      pageLength: 25,
      autoWidth: false,
      language: {
        search: W.dt_search,
        info: W.dt_info,
        infoEmpty: W.dt_info_empty,
        infoFiltered: W.dt_info_filtered,
        lengthMenu: W.dt_length,
        zeroRecords: W.dt_zero,
        emptyTable: W.not_reported,
        thousands: D.number_format.group,
        paginate: { first: W.dt_first, last: W.dt_last, next: W.dt_next, previous: W.dt_previous },
      },
    });
  }
  document.querySelectorAll("button.cell.selected").forEach((b) => b.classList.remove("selected"));
  const chosen = document.querySelector(`button.cell[data-r="${r}"][data-c="${c}"]`);
  if (chosen) chosen.classList.add("selected");
  table.clear();
  table.rows.add(listed.map(findingRow));
  table.draw();
  document.getElementById("map-detail").dataset.cell = `${r},${c}`;
}

// ------------------------------------------------------------------ start

document.getElementById("map-intro").textContent = W.intro;
buildControls();
buildLegend();
const grid = document.getElementById("map-grid");
grid.addEventListener("keydown", onKey);
// The tooltip repeats the cell's accessible name; set on hover rather than on thousands of cells.
grid.addEventListener("mouseover", (event) => {
  const button = event.target.closest("button.cell");
  if (button && !button.title) button.title = button.getAttribute("aria-label");
});
grid.addEventListener("click", (event) => {
  const button = event.target.closest("button.cell");
  if (!button) return;
  setActive(Number(button.dataset.r), Number(button.dataset.c), false);
  showCell(Number(button.dataset.r), Number(button.dataset.c));
});
render();
document.body.dataset.ready = "true";
window.synergiesMap = { state, render, showCell, computeView };
