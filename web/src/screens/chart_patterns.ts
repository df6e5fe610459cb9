// The link chart's pattern-instance overlay (issue #23): the latest investigation's instances
// (cycles, fan-in/out, scatter-gather, ...; patterns.jsonl) of the chart's subject or account in a
// list; picking one puts its accounts and its hops (exact sums per from, to and currency) on the
// chart, highlighted, and its transactions with their source lines below. The server answers
// only for a case the user may see.
import type { Core } from "cytoscape";
import { casePath, get } from "../api";
import { errorBox, h, table } from "../dom";

interface NodeInfo { id: number; label: string; kind: string; }
export interface InstanceSummary { instance: number; kind: string; hub: string; accounts: string[]; transaction_count: number; total_amount_paid: Record<string, string>; first_time: string; last_time: string; }
interface InstanceList { markings: string[]; available: boolean; total: number; instances: InstanceSummary[]; sentence?: string; }
interface InstanceEdge { from: number; to: number; from_label: string; to_label: string; currency: string; amount: string; transactions: number; }
interface InstanceTx { transaction_id: number; time: string; from: string; to: string; amount: string; currency: string; channel: string; source_file: string; source_line: number; }
interface InstanceView { markings: string[]; instance: InstanceSummary; nodes: NodeInfo[]; edges: InstanceEdge[]; transactions: InstanceTx[]; transactions_complete: boolean; }

// "fan_in" -> "fan-in"; the amounts of an instance in one line.
export const kindName = (k: string) => k.replace(/_/g, "-");
export const amountsText = (a: Record<string, string>) => Object.entries(a).map(([c, v]) => `${v} ${c}`).join(", ");
export const instanceText = (p: InstanceSummary) =>
  `#${p.instance} ${kindName(p.kind)}${p.hub ? ` (hub ${p.hub})` : ""}: ${p.accounts.length} accounts, ${p.transaction_count} transactions, ${amountsText(p.total_amount_paid)}, ${p.first_time} to ${p.last_time}`;

export interface PatternOverlay { form: HTMLElement; host: HTMLElement; show(instance: number): Promise<void>; load(): Promise<void>; }

// `addNode` puts a node on the chart (once); `layout` lays it out again; `setStatus` says what
// happened under the chart.
export function patternOverlay(cy: Core, caseId: string, scope: Record<string, string>,
                               addNode: (n: NodeInfo) => void, layout: () => void, setStatus: (t: string) => void): PatternOverlay {
  const select = h("select", { id: "pi-list" }, h("option", { value: "" }, "none")) as HTMLSelectElement;
  const form = h("form", { class: "filters", id: "pattern-form" },
    h("fieldset", {}, h("legend", {}, "Pattern instances"),
      h("label", { for: "pi-list" }, "Instances of this subject or account"), select,
      h("button", { type: "submit" }, "Show on the chart"),
      h("button", { type: "button", id: "clear-pattern" }, "Clear the pattern")));
  const host = h("div", { id: "pattern-instance" }, h("p", { class: "meta" }, "Pick a pattern instance to see its accounts and transactions on the chart and its source lines here."));
  const nodeId = (id: number) => `a${id}`;
  const clear = () => {
    cy.edges(".pattern").remove();
    cy.nodes(".pattern").removeClass("pattern");
  };
  async function load(): Promise<void> {
    if (!scope.subject && !scope.account) return;
    try {
      const v = await get<InstanceList>(casePath(caseId, "/views/patterns"), scope);
      select.replaceChildren(...(v.instances.length ? v.instances.map((p) => h("option", { value: p.instance }, instanceText(p)))
        : [h("option", { value: "" }, v.available ? "none" : "none (the investigation wrote no instances)")]));
    } catch (e) { host.replaceChildren(errorBox(e)); }
  }
  async function show(instance: number): Promise<void> {
    try {
      const v = await get<InstanceView>(casePath(caseId, "/views/pattern"), { instance: String(instance) });
      clear();
      for (const n of v.nodes) addNode(n);
      for (const e of v.edges) {
        cy.add({ group: "edges", classes: "pattern", data: { id: `p${e.from}-${e.to}-${e.currency}`, source: nodeId(e.from), target: nodeId(e.to), label: `${e.amount} ${e.currency} (${e.transactions})`, width: 3 } });
      }
      for (const n of v.nodes) cy.getElementById(nodeId(n.id)).addClass("pattern");
      layout();
      if (select.querySelector(`option[value="${instance}"]`)) select.value = String(instance);
      const p = v.instance;
      host.replaceChildren(
        h("p", {}, `Pattern instance ${instanceText(p)}. `, `Accounts: ${p.accounts.join(", ")}.`),
        table(v.transactions_complete ? `Its ${v.transactions.length} transactions` : `The first ${v.transactions.length} of its ${p.transaction_count} transactions`,
          ["Id", "Time", "From", "To", "Amount", "Channel", "Source (file:line)"],
          v.transactions.map((x) => [x.transaction_id, x.time, x.from, x.to, `${x.amount} ${x.currency}`, x.channel,
            h("code", { title: x.source_file }, `${x.source_file.split("/").pop()}:${x.source_line}`)]), "pattern-transactions"));
      setStatus(`Pattern instance #${p.instance} (${kindName(p.kind)}): ${v.nodes.length} accounts, ${v.edges.length} hops highlighted. Chart: ${cy.nodes().length} nodes, ${cy.edges().length} edges.`);
    } catch (e) { host.replaceChildren(errorBox(e)); }
  }
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (select.value) void show(Number(select.value));
  });
  (form.querySelector("#clear-pattern") as HTMLButtonElement).addEventListener("click", () => { clear(); host.replaceChildren(); });
  return { form, host, show, load };
}
