// Requests for records (issue #23; the workspace's records routes): each request sent to a bank
// (legal process, accounts, period, sent and due dates), what arrived (evidence items linked as
// its answer, with the accounts each covers) and what is still missing; record a new request;
// mark evidence received against one. The server checks access, markings and the CSRF token; a
// request or receipt the user may not see is not in its answers.
import { call, casePath, CaseInfo, get } from "../api";
import { errorBox, h, markings, section, table } from "../dom";
import type { Screen } from "../main";

interface Receipt { evidence_id: number; name: string; sha256: string; accounts: string[]; note: string; at: string; }
interface RecordsRequest { id: number; bank: string; legal_process: string; accounts: string[]; period_from: string; period_to: string; sent_at: string; due_at: string;
  markings: string[]; version: number; created_by: string; created_at: string; received: Receipt[]; missing_accounts: string[]; complete: boolean; }
interface Evidence { id: number; name: string; sha256: string; }

const words = (text: string) => text.split(/[\s,]+/).map((w) => w.trim()).filter(Boolean);

export async function renderRequests(s: Screen, caseId: string): Promise<void> {
  const c = await get<CaseInfo>(casePath(caseId));
  s.setBanner(c.markings);
  const input = (id: string, label: string, attrs: Record<string, string> = {}) => [h("label", { for: id }, label), h("input", { id, name: id, ...attrs })];
  const value = (id: string) => (document.getElementById(id) as HTMLInputElement).value.trim();
  const listHost = h("div", { id: "request-list" }, h("p", { class: "meta" }, "Loading the requests…"));
  const msg = h("div", { id: "request-msg", "aria-live": "polite" });
  const create = h("form", { class: "filters", id: "request-form" },
    h("fieldset", {}, h("legend", {}, "Record a request sent to a bank"),
      ...input("r-bank", "Bank", { required: "" }),
      ...input("r-process", "Legal process", { placeholder: "e.g. grand-jury subpoena 2026-17" }),
      ...input("r-accounts", "Accounts (space- or comma-separated)", { required: "" }),
      ...input("r-from", "Period from (YYYY-MM-DD)", { required: "", placeholder: "2025-01-01" }),
      ...input("r-to", "Period to (YYYY-MM-DD)", { required: "", placeholder: "2025-12-31" }),
      ...input("r-sent", "Sent (YYYY-MM-DD; empty: today)"),
      ...input("r-due", "Due (YYYY-MM-DD)"),
      h("button", { type: "submit" }, "Record the request")));
  s.main.replaceChildren(
    h("p", {}, h("a", { href: `#/cases/${caseId}` }, "← Case overview"), " · ", h("a", { href: `#/cases/${caseId}/evidence` }, "Evidence and jobs"),
      " · ", h("a", { href: `#/cases/${caseId}/timeline` }, "Timeline")),
    h("h1", {}, `Requests for records: case ${c.number}`),
    h("p", { class: "meta" }, "Case markings: ", markings(c.markings)),
    section("Requests", listHost),
    section("New request", create, msg));

  let evidence: Evidence[] = [];
  function receiveForm(q: RecordsRequest): HTMLElement {
    const id = (x: string) => `rcv-${q.id}-${x}`;
    const pick = h("select", { id: id("evidence") }, ...(evidence.length ? evidence.map((e) => h("option", { value: e.id }, `${e.name} (${e.sha256.slice(0, 12)}…)`))
      : [h("option", { value: "" }, "no evidence uploaded yet")])) as HTMLSelectElement;
    const accounts = h("input", { id: id("accounts"), value: q.missing_accounts.join(" ") }) as HTMLInputElement;
    const note = h("input", { id: id("note") }) as HTMLInputElement;
    const out = h("div", { "aria-live": "polite" });
    const form = h("form", { class: "filters inline receive", id: id("form") },
      h("label", { for: id("evidence") }, "Evidence received"), pick,
      h("label", { for: id("accounts") }, "Accounts it covers"), accounts,
      h("label", { for: id("note") }, "Note"), note,
      h("button", { type: "submit" }, "Mark received"), out);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      if (!pick.value) { out.replaceChildren(h("p", {}, "Upload the bank's answer on the evidence screen first.")); return; }
      try {
        await call("POST", `/api/v1/requests/${q.id}/received`, { evidence_id: Number(pick.value), accounts: words(accounts.value), note: note.value.trim(), version: q.version });
        await load();
      } catch (e) { out.replaceChildren(errorBox(e)); }
    });
    return form;
  }
  async function load(): Promise<void> {
    try {
      const [requests, ev] = await Promise.all([get<RecordsRequest[]>(casePath(caseId, "/requests")), get<Evidence[]>(casePath(caseId, "/evidence")).catch(() => [] as Evidence[])]);
      evidence = ev;
      if (!requests.length) { listHost.replaceChildren(h("p", {}, "No request for records yet.")); return; }
      listHost.replaceChildren(
        table(`${requests.length} ${requests.length === 1 ? "request" : "requests"}, ${requests.filter((q) => q.complete).length} complete`,
          ["Request", "Bank", "Legal process", "Accounts", "Period", "Sent", "Due", "What arrived", "What is missing"],
          requests.map((q) => [`#${q.id}`, q.bank, q.legal_process, q.accounts.join(" "), `${q.period_from} to ${q.period_to}`, q.sent_at, q.due_at || "—",
            q.received.length ? h("ul", {}, ...q.received.map((r) => h("li", {}, `${r.name}: ${r.accounts.join(" ") || "no account named"} (${r.at})${r.note ? `: ${r.note}` : ""}`))) : "nothing yet",
            q.complete ? h("span", { class: "ok" }, "nothing: complete") : h("strong", {}, q.missing_accounts.join(" "))]), "requests"),
        ...requests.filter((q) => !q.complete).map((q) => h("div", { class: "card inner" }, h("h3", {}, `Request #${q.id} to ${q.bank}: mark records received`), receiveForm(q))));
    } catch (e) { listHost.replaceChildren(errorBox(e)); }
  }
  create.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    msg.replaceChildren();
    try {
      const q = await call<RecordsRequest>("POST", casePath(caseId, "/requests"), {
        bank: value("r-bank"), legal_process: value("r-process"), accounts: words(value("r-accounts")),
        period_from: value("r-from"), period_to: value("r-to"), sent_at: value("r-sent"), due_at: value("r-due") });
      msg.replaceChildren(h("p", { class: "status" }, `Recorded request #${q.id} (${q.bank}).`));
      (create as HTMLFormElement).reset();
      await load();
    } catch (e) { msg.replaceChildren(errorBox(e)); }
  });
  await load();
}
