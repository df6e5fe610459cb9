// The timeline screen: the case's (or a subject's, or an account's) transactions, alerts, notes
// and requests for records on one time axis; the visible period opens the link chart filtered to it.
import { h } from "../dom";
import type { Screen } from "../main";
import { casePath, get } from "../api";
import { mountTimeline } from "../timeline";

export async function renderTimeline(s: Screen, caseId: string): Promise<void> {
  const subject = s.params.get("subject") ?? "";
  const account = s.params.get("account") ?? "";
  const scope: Record<string, string> = subject ? { subject } : account ? { account } : {};
  const host = h("div", { id: "timeline-host" });
  const open = h("button", { type: "button", id: "open-chart" }, "Open the link chart for the visible period");
  s.main.replaceChildren(h("p", {}, h("a", { href: `#/cases/${caseId}` }, "← Case overview")),
    h("h1", {}, subject ? `Timeline of subject ${subject}` : account ? `Timeline of ${account}` : "Timeline of the case"),
    h("section", { class: "card" }, host), open);
  const o = await get<{ markings: string[] }>(casePath(caseId, "/views/saved"));
  s.setBanner(o.markings);
  const t = mountTimeline(host, caseId, scope);
  open.addEventListener("click", () => {
    const w = t.window();
    const q = new URLSearchParams({ ...scope, ...(w ? { from: w.from, to: w.to } : {}) });
    window.location.hash = `#/cases/${caseId}/chart?${q.toString()}`;
  });
}
