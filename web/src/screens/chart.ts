// The link chart: start from an account (or a subject's accounts, grouped under the subject),
// expand a node's counterparties on the server (filtered; the top N by amount, the rest
// summarised), read each flow's source lines, find the shortest path between two nodes, export
// a PNG or (drawn on the server by Graphviz) an SVG, both illustrative aids (FRE 107); overlay a
// trace (LIBR, FIFO, LIFO, pro-rata) with its schedule; annotate nodes and edges; save the view in
// the case and open it again; the timeline below follows the chart's subject or account, and its
// period filters the chart; the money-weighted path (the widest: the largest smallest hop in one
// currency); a pattern instance's overlay (chart_patterns.ts).
import cytoscape, { Core, EdgeSingular, NodeSingular } from "cytoscape";
import fcose from "cytoscape-fcose";
import expandCollapse from "cytoscape-expand-collapse";
import { call, callBlob, casePath, download, get } from "../api";
import { mountTimeline } from "../timeline";
import { errorBox, h, section, table } from "../dom";
import type { Screen } from "../main";
import { patternOverlay } from "./chart_patterns";

cytoscape.use(fcose);
expandCollapse(cytoscape);


interface NodeInfo { id: number; label: string; kind: string; }
interface Evidence { transaction_id: number; time: string; amount: string; channel: string; source_file: string; source_line: number; }
interface FlowInfo { from: number; to: number; counterparty: NodeInfo; direction: string; currency: string; amount: string; transactions: number; first: string; last: string; channels: string[]; evidence: Evidence[]; evidence_complete: boolean; }
interface ExpandView { markings: string[]; node: NodeInfo; matched_transactions: number; flows: FlowInfo[]; rest: { flows: number; counterparties: number; transactions: number; amounts: { currency: string; amount: string }[] }; }
interface TraceEdge { from: number; to: number; from_node: NodeInfo; to_node: NodeInfo; currency: string; attributed: string; payments: number; exit: boolean; }
interface TraceLine { line: number; hop: number; time: string; transaction_id: number; from: string; to: string; currency: string; amount: string; attributed: string; disposition: string; source_file: string; source_line: number; }
interface TraceView { markings: string[]; seed: NodeInfo; method: string; totals: { currency: string; traced_in: string; remaining: string; exited: string }[]; edges: TraceEdge[]; schedule: TraceLine[]; schedule_lines: number; schedule_complete: boolean; }
interface Annotation { id: number; on: string; target: string; text: string; author: string; created_at: string; markings: string[]; }
interface SavedViewInfo { id: number; name: string; author: string; updated_at: string; version: number; nodes: number; }
interface SavedNode { account: string; x: number; y: number; group?: string; expanded?: boolean; }
interface SavedView extends SavedViewInfo { view: { nodes: SavedNode[]; groups: { id: string; label: string }[]; filters: Record<string, string> }; }
interface PathView { markings: string[]; found: boolean; nodes: NodeInfo[]; hops: { from: number; to: number; flows: FlowInfo[] }[]; sentence?: string; currency?: string; bottleneck?: string; }

const nodeId = (id: number) => `a${id}`;

export async function renderChart(s: Screen, caseId: string): Promise<void> {
  const start = s.params.get("account") ?? "";
  const subject = s.params.get("subject") ?? "";
  const input = (id: string, label: string, attrs: Record<string, string> = {}) =>
    [h("label", { for: id }, label), h("input", { id, name: id, ...attrs })];
  const field = (id: string) => document.getElementById(id) as HTMLInputElement;
  const status = h("p", { id: "chart-status", class: "status", "aria-live": "polite" });
  const details = h("div", { id: "chart-details" }, h("p", {}, "Select a node or an edge to see its details; double-click a node (or use Expand) to fetch its counterparties."));
  const container = h("div", { id: "cy", class: "cy", role: "img", "aria-label": "Link chart of accounts and the money between them; the details panel lists what is selected" });
  const filters = h("form", { class: "filters", id: "filters" },
    h("fieldset", {}, h("legend", {}, "Filters for expansions"),
      ...input("f-from", "From (YYYY-MM-DD)", { placeholder: "any", value: s.params.get("from") ?? "" }),
      ...input("f-to", "To (YYYY-MM-DD)", { placeholder: "any", value: s.params.get("to") ?? "" }),
      h("label", { for: "f-direction" }, "Direction"),
      h("select", { id: "f-direction" }, h("option", { value: "both" }, "both"), h("option", { value: "out" }, "money out"), h("option", { value: "in" }, "money in")),
      ...input("f-channel", "Channels (comma-separated)", { placeholder: "all, e.g. wire,cash_deposit" }),
      ...input("f-min", "Minimum amount", { placeholder: "0.00", inputmode: "decimal" }),
      ...input("f-top", "Top counterparties", { value: "15", inputmode: "numeric" })),
    h("fieldset", {}, h("legend", {}, "Start or add a node"),
      ...input("f-account", "Account", { value: start, placeholder: "bank:number" }),
      h("button", { type: "submit", id: "add-node" }, "Expand account")));
  const pathForm = h("form", { class: "filters", id: "path-form" },
    h("fieldset", {}, h("legend", {}, "Paths"),
      ...input("p-from", "From account"), ...input("p-to", "To account"),
      h("label", { for: "p-kind" }, "Path"),
      h("select", { id: "p-kind", title: "shortest: fewest hops, money in either direction; money-weighted: the chain from → to whose smallest hop carried the most" },
        h("option", { value: "shortest" }, "shortest"), h("option", { value: "money" }, "money-weighted")),
      ...input("p-currency", "Currency (money-weighted)", { placeholder: "most used" }),
      h("button", { type: "submit" }, "Find path")));
  const patternSide = h("div", { id: "pattern-side" });
  const patternHost = h("div", { id: "pattern-host" });
  const traceForm = h("form", { class: "filters", id: "trace-form" },
    h("fieldset", {}, h("legend", {}, "Trace overlay"),
      ...input("t-account", "Trace forward from account", { value: start }),
      h("label", { for: "t-method" }, "Method"),
      h("select", { id: "t-method" }, h("option", { value: "libr" }, "LIBR (lowest intermediate balance)"), h("option", { value: "fifo" }, "FIFO"),
        h("option", { value: "lifo" }, "LIFO"), h("option", { value: "pro-rata" }, "pro-rata")),
      h("button", { type: "submit" }, "Trace"),
      h("button", { type: "button", id: "clear-trace" }, "Clear the trace")));
  const viewsForm = h("form", { class: "filters", id: "views-form" },
    h("fieldset", {}, h("legend", {}, "Saved views (kept in the case)"),
      ...input("v-name", "Name for this view"),
      h("button", { type: "submit", id: "save-view" }, "Save view"),
      h("label", { for: "v-list" }, "Saved views"),
      h("select", { id: "v-list" }, h("option", { value: "" }, "none yet")),
      h("button", { type: "button", id: "open-view" }, "Open view")));
  const scheduleHost = h("div", { id: "trace-schedule" }, h("p", { class: "meta" }, "Trace an account to see its attributed flows on the chart and its tracing schedule here."));
  const timelineHost = h("div", { id: "timeline-host" });
  const toolbar = h("div", { class: "toolbar" },
    h("button", { type: "button", id: "expand-selected" }, "Expand selected"),
    h("button", { type: "button", id: "collapse-groups" }, "Collapse groups"),
    h("button", { type: "button", id: "expand-groups" }, "Expand groups"),
    h("button", { type: "button", id: "relayout" }, "Lay out again"),
    h("button", { type: "button", id: "export-png" }, "Export PNG (illustrative aid)"),
    h("button", { type: "button", id: "export-svg" }, "Export SVG (illustrative aid, Graphviz)"));
  s.main.replaceChildren(
    h("p", {}, h("a", { href: `#/cases/${caseId}` }, "← Case overview"), subject ? " · " : null,
      subject ? h("a", { href: `#/cases/${caseId}/subjects/${encodeURIComponent(subject)}` }, `Subject ${subject}`) : null),
    h("h1", {}, "Link chart"),
    h("div", { class: "chart-layout" },
      h("div", { class: "chart-side" }, filters, pathForm, patternSide, traceForm, viewsForm),
      h("div", { class: "chart-main" }, toolbar, container, status),
      h("div", { class: "chart-side" }, section("Details", details))),
    section("Timeline" + (subject ? ` of subject ${subject}` : start ? ` of ${start}` : " of the case"), timelineHost),
    section("Pattern instance", patternHost),
    section("Tracing schedule", scheduleHost));

  const cy: Core = cytoscape({
    container,
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: { label: "data(label)", "font-size": 9, "text-valign": "bottom", "text-margin-y": 3, "background-color": "#3b6ea8", width: 18, height: 18, color: "#1b1b1b" } },
      { selector: "node[kind = 'cash']", style: { shape: "round-rectangle", "background-color": "#8a6d1f" } },
      { selector: "node[kind = 'external']", style: { shape: "diamond", "background-color": "#6b6b6b" } },
      { selector: "node[kind = 'merchant']", style: { shape: "hexagon", "background-color": "#7a4b94" } },
      { selector: "node[?expanded]", style: { "border-width": 3, "border-color": "#16324f" } },
      { selector: "node[?rest]", style: { shape: "round-rectangle", "background-color": "#e8e8e8", "border-width": 1, "border-style": "dashed", "border-color": "#555", width: 28, height: 14, "font-size": 8 } },
      { selector: ":parent", style: { "background-color": "#eef3f8", "border-color": "#3b6ea8", "border-width": 1, label: "data(label)", "text-valign": "top", "font-size": 10 } },
      { selector: "edge", style: { width: "data(width)", "line-color": "#9aa9b8", "target-arrow-color": "#9aa9b8", "target-arrow-shape": "triangle", "curve-style": "bezier", label: "data(label)", "font-size": 7, "text-rotation": "autorotate", color: "#333" } },
      { selector: "edge[?rest]", style: { "line-style": "dashed", "target-arrow-shape": "none" } },
      { selector: "edge.traced", style: { "line-color": "#b3541e", "target-arrow-color": "#b3541e", "line-style": "solid", color: "#7a3510", "font-weight": "bold" } },
      { selector: "edge.traced[?exit]", style: { "line-style": "dashed" } },
      { selector: "node[?annotated]", style: { "border-width": 2, "border-style": "double", "border-color": "#b3541e" } },
      { selector: "edge.pattern", style: { "line-color": "#1f7a4d", "target-arrow-color": "#1f7a4d", "line-style": "solid", color: "#14532d", "font-weight": "bold" } },
      { selector: "node.pattern", style: { "border-width": 3, "border-color": "#1f7a4d" } },
      { selector: ".path", style: { "line-color": "#c0392b", "target-arrow-color": "#c0392b", "border-color": "#c0392b", "border-width": 3 } },
      { selector: ":selected", style: { "overlay-opacity": 0.15, "overlay-color": "#f5a623" } },
    ],
  });
  (window as any).mtChart = cy;  // for the browser tests
  const ec = (cy as any).expandCollapse({ layoutBy: null, fisheye: false, animate: false, undoable: false, cueEnabled: false });

  const flowsById = new Map<string, FlowInfo>();
  let busy = 0;
  const setStatus = (text: string) => { status.textContent = text; };
  const query = (): Record<string, string> => ({
    from: field("f-from").value.trim(), to: field("f-to").value.trim(),
    direction: (document.getElementById("f-direction") as HTMLSelectElement).value,
    channel: field("f-channel").value.trim(), min_amount: field("f-min").value.trim(), top: field("f-top").value.trim(),
  });
  const addNode = (n: NodeInfo, parent?: string) => {
    if (cy.getElementById(nodeId(n.id)).nonempty()) return;
    cy.add({ group: "nodes", data: { id: nodeId(n.id), label: n.label, kind: n.kind, account: n.label, parent } });
  };
  const width = (amount: string) => Math.min(8, 1 + Math.log10(Math.max(1, Number(amount.split(".")[0]) || 1)) / 1.5);
  const addFlow = (f: FlowInfo) => {
    const id = `f${f.from}-${f.to}-${f.currency}`;
    flowsById.set(id, f);
    const existing = cy.getElementById(id);
    const data = { id, source: nodeId(f.from), target: nodeId(f.to), label: `${f.amount} ${f.currency} (${f.transactions})`, width: width(f.amount) };
    if (existing.nonempty()) existing.data(data);
    else cy.add({ group: "edges", data });
  };
  const layout = () => {
    if (cy.nodes().length === 0) return;
    cy.layout({ name: "fcose", animate: false, randomize: false, quality: "default", nodeDimensionsIncludeLabels: true } as any).run();
  };

  const overlay = patternOverlay(cy, caseId, subject ? { subject } : start ? { account: start } : {}, addNode, layout, (t) => setStatus(t));
  patternSide.append(overlay.form);
  patternHost.append(overlay.host);

  async function expand(account: string, relayout = true): Promise<void> {
    busy++;
    setStatus(`Expanding ${account}…`);
    try {
      const v = await get<ExpandView>(casePath(caseId, "/views/expand"), { account, ...query() });
      s.setBanner(v.markings);
      addNode(v.node);
      for (const f of v.flows) { addNode(f.counterparty); addFlow(f); }
      const restId = `rest-${v.node.id}`;
      cy.getElementById(restId).remove();
      if (v.rest.flows > 0) {
        const sums = v.rest.amounts.map((a) => `${a.amount} ${a.currency}`).join(", ");
        cy.add({ group: "nodes", data: { id: restId, label: `+${v.rest.counterparties} more`, rest: true, summary: `${v.rest.flows} more flows with ${v.rest.counterparties} other counterparties: ${v.rest.transactions} transactions, ${sums}` } });
        cy.add({ group: "edges", data: { id: `${restId}-e`, source: nodeId(v.node.id), target: restId, rest: true, width: 1, label: "" } });
      }
      cy.getElementById(nodeId(v.node.id)).data("expanded", true);
      if (relayout) layout();
      setStatus(`${v.node.label}: ${v.flows.length} flows shown of ${v.flows.length + v.rest.flows} (${v.matched_transactions} transactions match the filters). Chart: ${cy.nodes().length} nodes, ${cy.edges().length} edges.`);
    } catch (e) {
      setStatus("");
      details.replaceChildren(errorBox(e));
    } finally {
      busy--;
      container.dataset.busy = String(busy);
    }
  }

  function showNode(n: NodeSingular): void {
    if (n.data("rest")) { details.replaceChildren(h("p", {}, n.data("summary"))); return; }
    if (n.isParent()) { details.replaceChildren(h("p", {}, `${n.data("label")}: ${n.children().length} accounts`)); return; }
    const account = n.data("account") as string;
    details.replaceChildren(
      h("h3", {}, account), h("p", {}, `Kind: ${n.data("kind")}; ${n.connectedEdges().length} edges on the chart`),
      h("button", { type: "button", onclick: () => void expand(account) }, "Expand this node"),
      h("button", { type: "button", onclick: () => { field("p-from").value = account; } }, "Path from here"),
      h("button", { type: "button", onclick: () => { field("p-to").value = account; } }, "Path to here"),
      h("button", { type: "button", onclick: () => { field("t-account").value = account; } }, "Trace from here"),
      annotationBox({ account }, account, () => showNode(n)));
  }
  function showEdge(e: EdgeSingular): void {
    const f = flowsById.get(e.id());
    if (!f) { details.replaceChildren(h("p", {}, "Summary edge: see the summary node.")); return; }
    const src = cy.getElementById(nodeId(f.from)).data("label"), dst = cy.getElementById(nodeId(f.to)).data("label");
    details.replaceChildren(
      h("h3", {}, `${src} → ${dst}`),
      h("p", {}, `${f.amount} ${f.currency} in ${f.transactions} transactions, ${f.first} to ${f.last}; channels: ${f.channels.join(", ")}.`),
      table(f.evidence_complete ? "Every transaction" : `The ${f.evidence.length} largest of ${f.transactions} transactions`,
        ["Id", "Time", "Amount", "Channel", "Source (file:line)"],
        f.evidence.map((x) => [x.transaction_id, x.time, x.amount, x.channel, h("code", { title: x.source_file }, `${x.source_file.split("/").pop()}:${x.source_line}`)]), "evidence"),
      annotationBox({ from: src, to: dst }, `${src}->${dst}`, () => showEdge(e)));
  }

  // ---- Annotations (notes on a node or an edge, kept in the case) ----
  let annotations: Annotation[] = [];
  async function loadAnnotations(): Promise<void> {
    try {
      annotations = (await get<{ annotations: Annotation[] }>(casePath(caseId, "/views/annotations"))).annotations;
    } catch { annotations = []; }
    cy.nodes().forEach((n) => { n.data("annotated", annotations.some((a) => a.on === "account" && a.target === n.data("account"))); });
  }
  function annotationBox(target: Record<string, string>, key: string, refresh: () => void): HTMLElement {
    const mine = annotations.filter((a) => a.target === key);
    const text = h("textarea", { id: "a-text", rows: 2 }) as HTMLTextAreaElement;
    const msg = h("div", { "aria-live": "polite" });
    const form = h("form", { class: "filters", id: "annotate" }, h("label", { for: "a-text" }, "Annotation"), text,
      h("button", { type: "submit" }, "Annotate"), msg);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        await call("POST", casePath(caseId, "/views/annotations"), { ...target, text: text.value });
        await loadAnnotations();
        refresh();
      } catch (e) { msg.replaceChildren(errorBox(e)); }
    });
    return h("div", { class: "annotations" },
      h("h3", {}, `Annotations (${mine.length})`),
      mine.length ? h("ul", {}, ...mine.map((a) => h("li", {}, `${a.text} — ${a.author}, ${a.created_at}`, a.markings.length ? ` [${a.markings.join(", ")}]` : ""))) : null,
      form);
  }

  // ---- The view: nodes with positions, groups, filters (saved views and the SVG export) ----
  const filterValues = (): Record<string, string> => {
    const q = query();
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(q)) if (v !== "") out[k] = v;
    return out;
  };
  function currentView() {
    const nodes: SavedNode[] = [];
    cy.nodes().forEach((n) => {
      const account = n.data("account") as string | undefined;
      if (!account || n.isParent()) return;
      const p = n.position();
      const node: SavedNode = { account, x: p.x, y: p.y };
      if (n.parent().nonempty()) node.group = n.parent().first().id();
      if (n.data("expanded")) node.expanded = true;
      nodes.push(node);
    });
    const groups = cy.nodes(":parent").map((g) => ({ id: g.id(), label: String(g.data("label")) }));
    return { nodes, groups, filters: filterValues() };
  }
  async function listViews(selectId?: number): Promise<void> {
    const sel = document.getElementById("v-list") as HTMLSelectElement;
    try {
      const r = await get<{ views: SavedViewInfo[] }>(casePath(caseId, "/views/saved"));
      sel.replaceChildren(...(r.views.length ? r.views.map((v) => h("option", { value: v.id }, `${v.name} (${v.nodes} nodes, ${v.author}, ${v.updated_at})`)) : [h("option", { value: "" }, "none yet")]));
      if (selectId) sel.value = String(selectId);
    } catch (e) { details.replaceChildren(errorBox(e)); }
  }
  async function openView(id: string): Promise<void> {
    const v = await get<SavedView>(casePath(caseId, `/views/saved/${id}`));
    cy.elements().remove();
    flowsById.clear();
    for (const [k, el] of [["from", "f-from"], ["to", "f-to"], ["channel", "f-channel"], ["min_amount", "f-min"], ["top", "f-top"]]) field(el).value = v.view.filters[k] ?? "";
    (document.getElementById("f-direction") as HTMLSelectElement).value = v.view.filters.direction ?? "both";
    for (const g of v.view.groups) cy.add({ group: "nodes", data: { id: g.id, label: g.label } });
    for (const n of v.view.nodes.filter((x) => x.expanded)) await expand(n.account, false);
    const keep = new Set(v.view.nodes.map((n) => n.account));
    cy.nodes().forEach((n) => { const a = n.data("account"); if (a && !keep.has(a)) n.remove(); });
    cy.nodes("[?rest]").remove();
    for (const n of v.view.nodes) {
      let node = cy.nodes().filter((x) => x.data("account") === n.account);
      if (node.empty()) node = cy.add({ group: "nodes", data: { id: `v-${n.account}`, label: n.account, account: n.account, kind: "account" } });
      if (n.group && cy.getElementById(n.group).nonempty()) node.move({ parent: n.group });
      node.position({ x: n.x, y: n.y });
    }
    cy.fit(undefined, 30);
    await loadAnnotations();
    setStatus(`Opened the saved view "${v.name}" (${v.view.nodes.length} nodes, saved by ${v.author}). Chart: ${cy.nodes().length} nodes, ${cy.edges().length} edges.`);
    container.dataset.view = v.name;
  }

  // ---- Trace overlay ----
  function clearTrace(): void {
    cy.edges(".traced").remove();
  }
  async function runTrace(account: string, method: string): Promise<void> {
    busy++;
    container.dataset.busy = String(busy);
    setStatus(`Tracing ${account} by ${method.toUpperCase()}…`);
    try {
      const v = await get<TraceView>(casePath(caseId, "/views/trace"), { account, method, limit: "500" });
      clearTrace();
      for (const e of v.edges) {
        addNode(e.from_node);
        addNode(e.to_node);
        cy.add({ group: "edges", classes: "traced", data: { id: `t${e.from}-${e.to}-${e.currency}`, source: nodeId(e.from), target: nodeId(e.to), label: `traced ${e.attributed} ${e.currency}`, width: 3, exit: e.exit } });
      }
      layout();
      scheduleHost.replaceChildren(
        h("p", {}, `Forward trace from ${v.seed.label} by ${v.method.toUpperCase()}: ` + v.totals.map((t) => `${t.currency} traced in ${t.traced_in} = still held ${t.remaining} + left the records ${t.exited}`).join("; ") + "."),
        table(v.schedule_complete ? `Tracing schedule (${v.schedule_lines} lines)` : `Tracing schedule: the first ${v.schedule.length} of ${v.schedule_lines} lines`,
          ["Line", "Hop", "Time", "From", "To", "Amount", "Traced", "Disposition", "Source (file:line)"],
          v.schedule.map((x) => [x.line, x.hop, x.time, x.from, x.to, `${x.amount} ${x.currency}`, `${x.attributed} ${x.currency}`, x.disposition,
            h("code", { title: x.source_file }, `${x.source_file.split("/").pop()}:${x.source_line}`)]), "schedule"));
      setStatus(`Trace by ${v.method.toUpperCase()}: ${v.edges.length} edges carry traced money. Chart: ${cy.nodes().length} nodes, ${cy.edges().length} edges.`);
    } catch (e) {
      scheduleHost.replaceChildren(errorBox(e));
    } finally {
      busy--;
      container.dataset.busy = String(busy);
    }
  }

  // ---- The timeline's period filters the chart: every expanded node again, under the period ----
  async function followPeriod(from: string, to: string): Promise<void> {
    field("f-from").value = from;
    field("f-to").value = to;
    const expanded = cy.nodes("[?expanded]").map((n) => String(n.data("account")));
    cy.edges().remove();
    flowsById.clear();
    cy.nodes("[?rest]").remove();
    for (const a of expanded) await expand(a, false);
    cy.nodes().forEach((n) => { if (!n.isParent() && !n.data("expanded") && n.connectedEdges().empty() && n.parent().empty()) n.remove(); });
    layout();
    setStatus(`The chart follows the timeline: ${from} to ${to}. Chart: ${cy.nodes().length} nodes, ${cy.edges().length} edges.`);
  }
  cy.on("tap", "node", (ev) => showNode(ev.target));
  cy.on("tap", "edge", (ev) => showEdge(ev.target));
  cy.on("dbltap", "node", (ev) => { const a = ev.target.data("account"); if (a) void expand(a); });

  filters.addEventListener("submit", (ev) => { ev.preventDefault(); const a = field("f-account").value.trim(); if (a) void expand(a); });
  pathForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    cy.elements().removeClass("path");
    try {
      const money = (document.getElementById("p-kind") as HTMLSelectElement).value === "money";
      const ends = { from_account: field("p-from").value.trim(), to_account: field("p-to").value.trim() };
      const v = money
        ? await get<PathView>(casePath(caseId, "/views/money-path"), { ...ends, ...query(), direction: "", top: "", currency: field("p-currency").value.trim() })
        : await get<PathView>(casePath(caseId, "/views/path"), { ...ends, ...query() });
      if (!v.found) { setStatus(v.sentence ?? "No path."); return; }
      for (const n of v.nodes) addNode(n);
      for (const hop of v.hops) for (const f of hop.flows) addFlow(f);
      layout();
      for (const n of v.nodes) cy.getElementById(nodeId(n.id)).addClass("path");
      for (const hop of v.hops) for (const f of hop.flows) cy.getElementById(`f${f.from}-${f.to}-${f.currency}`).addClass("path");
      setStatus(money
        ? `Money-weighted path of ${v.hops.length} hops, every hop carrying at least ${v.bottleneck} ${v.currency}: ${v.nodes.map((n) => n.label).join(" → ")}`
        : `Path of ${v.hops.length} hops: ${v.nodes.map((n) => n.label).join(" → ")}`);
    } catch (e) {
      details.replaceChildren(errorBox(e));
    }
  });
  (document.getElementById("expand-selected") as HTMLButtonElement).addEventListener("click", () => {
    cy.nodes(":selected").forEach((n) => { const a = n.data("account"); if (a) void expand(a); });
  });
  (document.getElementById("collapse-groups") as HTMLButtonElement).addEventListener("click", () => ec.collapseAll());
  (document.getElementById("expand-groups") as HTMLButtonElement).addEventListener("click", () => { ec.expandAll(); layout(); });
  (document.getElementById("relayout") as HTMLButtonElement).addEventListener("click", layout);
  traceForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const a = field("t-account").value.trim();
    if (a) void runTrace(a, (document.getElementById("t-method") as HTMLSelectElement).value);
  });
  (document.getElementById("clear-trace") as HTMLButtonElement).addEventListener("click", () => { clearTrace(); scheduleHost.replaceChildren(); });
  viewsForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const name = field("v-name").value.trim();
    if (!name) { setStatus("Give the view a name to save it."); return; }
    try {
      const v = await call<SavedViewInfo>("POST", casePath(caseId, "/views/saved"), { name, view: currentView() });
      await listViews(v.id);
      setStatus(`Saved the view "${v.name}" in the case (${v.nodes} nodes).`);
    } catch (e) { details.replaceChildren(errorBox(e)); }
  });
  (document.getElementById("open-view") as HTMLButtonElement).addEventListener("click", async () => {
    const id = (document.getElementById("v-list") as HTMLSelectElement).value;
    if (!id) return;
    try { await openView(id); } catch (e) { details.replaceChildren(errorBox(e)); }
  });
  (document.getElementById("export-svg") as HTMLButtonElement).addEventListener("click", async () => {
    setStatus("Drawing the view on the server (Graphviz)…");
    try {
      const blob = await callBlob("POST", casePath(caseId, "/views/export.svg"), { view: currentView() });
      download(blob, `case-${caseId}-chart.svg`);
      setStatus("Exported the view as SVG (an illustrative aid, FRE 107; edge amounts recomputed from the store).");
    } catch (e) { details.replaceChildren(errorBox(e)); }
  });
  (document.getElementById("export-png") as HTMLButtonElement).addEventListener("click", () => {
    const blob = cy.png({ output: "blob", full: true, bg: "#ffffff", scale: 2 }) as unknown as Blob;
    const a = h("a", { href: URL.createObjectURL(blob), download: `case-${caseId}-chart.png` }) as HTMLAnchorElement;
    document.body.append(a);
    a.click();
    a.remove();
  });

  await loadAnnotations();
  void listViews();
  mountTimeline(timelineHost, caseId, subject ? { subject } : start ? { account: start } : {}, (from, to) => void followPeriod(from, to));
  if (subject) {
    const v = await get<{ accounts: string[] }>(casePath(caseId, "/views/subject"), { subject });
    cy.add({ group: "nodes", data: { id: `subject-${subject}`, label: `Subject ${subject}` } });
    for (const account of v.accounts) {
      await expand(account);
      const n = cy.nodes().filter((x) => x.data("account") === account);
      n.move({ parent: `subject-${subject}` });
    }
    layout();
  } else if (start) {
    await expand(start);
  }
  await overlay.load();
  const instance = Number(s.params.get("instance") ?? "");
  if (instance > 0) await overlay.show(instance);
}
