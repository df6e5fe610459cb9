// The link chart: start from an account (or a subject's accounts, grouped under the subject),
// expand a node's counterparties on the server (filtered; the top N by amount, the rest
// summarised), read each flow's source lines, find the shortest path between two nodes, export
// a PNG (an illustrative aid, FRE 107).
import cytoscape, { Core, EdgeSingular, NodeSingular } from "cytoscape";
import fcose from "cytoscape-fcose";
import expandCollapse from "cytoscape-expand-collapse";
import { casePath, get } from "../api";
import { errorBox, h, section, table } from "../dom";
import type { Screen } from "../main";

cytoscape.use(fcose);
expandCollapse(cytoscape);


interface NodeInfo { id: number; label: string; kind: string; }
interface Evidence { transaction_id: number; time: string; amount: string; channel: string; source_file: string; source_line: number; }
interface FlowInfo { from: number; to: number; counterparty: NodeInfo; direction: string; currency: string; amount: string; transactions: number; first: string; last: string; channels: string[]; evidence: Evidence[]; evidence_complete: boolean; }
interface ExpandView { markings: string[]; node: NodeInfo; matched_transactions: number; flows: FlowInfo[]; rest: { flows: number; counterparties: number; transactions: number; amounts: { currency: string; amount: string }[] }; }
interface PathView { markings: string[]; found: boolean; nodes: NodeInfo[]; hops: { from: number; to: number; flows: FlowInfo[] }[]; sentence?: string; }

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
      ...input("f-from", "From (YYYY-MM-DD)", { placeholder: "any" }),
      ...input("f-to", "To (YYYY-MM-DD)", { placeholder: "any" }),
      h("label", { for: "f-direction" }, "Direction"),
      h("select", { id: "f-direction" }, h("option", { value: "both" }, "both"), h("option", { value: "out" }, "money out"), h("option", { value: "in" }, "money in")),
      ...input("f-channel", "Channels (comma-separated)", { placeholder: "all, e.g. wire,cash_deposit" }),
      ...input("f-min", "Minimum amount", { placeholder: "0.00", inputmode: "decimal" }),
      ...input("f-top", "Top counterparties", { value: "15", inputmode: "numeric" })),
    h("fieldset", {}, h("legend", {}, "Start or add a node"),
      ...input("f-account", "Account", { value: start, placeholder: "bank:number" }),
      h("button", { type: "submit", id: "add-node" }, "Expand account")));
  const pathForm = h("form", { class: "filters", id: "path-form" },
    h("fieldset", {}, h("legend", {}, "Shortest path"),
      ...input("p-from", "From account"), ...input("p-to", "To account"),
      h("button", { type: "submit" }, "Find path")));
  const toolbar = h("div", { class: "toolbar" },
    h("button", { type: "button", id: "expand-selected" }, "Expand selected"),
    h("button", { type: "button", id: "collapse-groups" }, "Collapse groups"),
    h("button", { type: "button", id: "expand-groups" }, "Expand groups"),
    h("button", { type: "button", id: "relayout" }, "Lay out again"),
    h("button", { type: "button", id: "export-png" }, "Export PNG (illustrative aid)"));
  s.main.replaceChildren(
    h("p", {}, h("a", { href: `#/cases/${caseId}` }, "← Case overview"), subject ? " · " : null,
      subject ? h("a", { href: `#/cases/${caseId}/subjects/${encodeURIComponent(subject)}` }, `Subject ${subject}`) : null),
    h("h1", {}, "Link chart"),
    h("div", { class: "chart-layout" },
      h("div", { class: "chart-side" }, filters, pathForm),
      h("div", { class: "chart-main" }, toolbar, container, status),
      h("div", { class: "chart-side" }, section("Details", details))));

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

  async function expand(account: string): Promise<void> {
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
      layout();
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
      h("button", { type: "button", onclick: () => { field("p-to").value = account; } }, "Path to here"));
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
        f.evidence.map((x) => [x.transaction_id, x.time, x.amount, x.channel, h("code", { title: x.source_file }, `${x.source_file.split("/").pop()}:${x.source_line}`)]), "evidence"));
  }
  cy.on("tap", "node", (ev) => showNode(ev.target));
  cy.on("tap", "edge", (ev) => showEdge(ev.target));
  cy.on("dbltap", "node", (ev) => { const a = ev.target.data("account"); if (a) void expand(a); });

  filters.addEventListener("submit", (ev) => { ev.preventDefault(); const a = field("f-account").value.trim(); if (a) void expand(a); });
  pathForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    cy.elements().removeClass("path");
    try {
      const v = await get<PathView>(casePath(caseId, "/views/path"), { from_account: field("p-from").value.trim(), to_account: field("p-to").value.trim(), ...query() });
      if (!v.found) { setStatus(v.sentence ?? "No path."); return; }
      for (const n of v.nodes) addNode(n);
      for (const hop of v.hops) for (const f of hop.flows) addFlow(f);
      layout();
      for (const n of v.nodes) cy.getElementById(nodeId(n.id)).addClass("path");
      for (const hop of v.hops) for (const f of hop.flows) cy.getElementById(`f${f.from}-${f.to}-${f.currency}`).addClass("path");
      setStatus(`Path of ${v.hops.length} hops: ${v.nodes.map((n) => n.label).join(" → ")}`);
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
  (document.getElementById("export-png") as HTMLButtonElement).addEventListener("click", () => {
    const blob = cy.png({ output: "blob", full: true, bg: "#ffffff", scale: 2 }) as unknown as Blob;
    const a = h("a", { href: URL.createObjectURL(blob), download: `case-${caseId}-chart.png` }) as HTMLAnchorElement;
    document.body.append(a);
    a.click();
    a.remove();
  });

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
}
