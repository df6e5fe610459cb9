// The alert queue (issue #22's routes, served by the workspace when present): filter by state,
// rule and subject, take the next unassigned alert, open-and-lock one, set a disposition with the
// note it requires. When the server does not serve the queue yet, the screen says so.
import { ApiError, call, casePath, get } from "../api";
import { errorBox, h, section, table } from "../dom";
import type { Screen } from "../main";

interface QueueAlert { id: number; alert_id: string; rule_id: string; severity: string; title: string; subjects: string[]; sentence: string; markings: string[]; state: string; assignee: string; locked_by: string; version: number; record?: any; history?: { at: string; username: string; action: string; note: string }[]; }
const STATES = ["open", "in_review", "escalated", "confirmed", "cleared"];

export async function renderQueue(s: Screen, caseId: string): Promise<void> {
  const stateSel = h("select", { id: "q-state" }, h("option", { value: "" }, "any"), ...STATES.map((x) => h("option", { value: x }, x))) as HTMLSelectElement;
  const rule = h("input", { id: "q-rule", placeholder: "e.g. ST-FUNNEL" }) as HTMLInputElement;
  const subject = h("input", { id: "q-subject", placeholder: "account or subject" }) as HTMLInputElement;
  const list = h("div", { id: "queue-list" });
  const detail = h("div", { id: "queue-detail" });
  const form = h("form", { class: "filters inline", id: "queue-filters" },
    h("label", { for: "q-state" }, "State"), stateSel, h("label", { for: "q-rule" }, "Rule"), rule,
    h("label", { for: "q-subject" }, "Subject"), subject, h("button", { type: "submit" }, "Filter"),
    h("button", { type: "button", id: "q-next" }, "Take the next unassigned alert"));
  s.main.replaceChildren(h("p", {}, h("a", { href: `#/cases/${caseId}` }, "← Case overview")), h("h1", {}, "Alert queue"), form, list, detail);

  const open = async (id: number) => {
    try {
      const a = await call<QueueAlert>("POST", `/api/v1/alerts/${id}/lock`);
      showAlert(a);
    } catch (e) { detail.replaceChildren(errorBox(e)); }
  };
  const showAlert = (a: QueueAlert) => {
    const note = h("textarea", { id: "d-note", required: true, rows: 3 }) as HTMLTextAreaElement;
    const to = h("select", { id: "d-state" }, ...STATES.map((x) => h("option", { value: x }, x))) as HTMLSelectElement;
    to.value = a.state;
    const msg = h("div", { "aria-live": "polite" });
    const disp = h("form", { class: "filters", id: "disposition" },
      h("label", { for: "d-state" }, "Disposition"), to, h("label", { for: "d-note" }, "Note (required)"), note,
      h("button", { type: "submit" }, "Record disposition"), msg) as HTMLFormElement;
    disp.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        await call<QueueAlert>("POST", `/api/v1/alerts/${a.id}/disposition`, { state: to.value, note: note.value, version: a.version });
        // The disposition's answer has no history; the alert itself has (with the note just made).
        showAlert(await get<QueueAlert>(`/api/v1/alerts/${a.id}`));
        await load();
      } catch (e) { msg.replaceChildren(errorBox(e)); }
    });
    detail.replaceChildren(section(`${a.alert_id}: ${a.title}`,
      h("p", {}, a.sentence), h("p", { class: "meta" }, `State ${a.state} · assignee ${a.assignee || "none"} · locked by ${a.locked_by || "nobody"}`),
      disp,
      a.history?.length ? table("History", ["At", "Who", "Action", "Note"], a.history.map((x) => [x.at, x.username, x.action, x.note])) : null));
  };
  const load = async () => {
    try {
      const r = await get<{ alerts: QueueAlert[] }>(casePath(caseId, "/alerts"), { state: stateSel.value, rule_id: rule.value.trim(), subject: subject.value.trim(), limit: "200" });
      list.replaceChildren(table("Alerts", ["Alert", "Rule", "Severity", "Subjects", "State", "Assignee", ""],
        r.alerts.map((a) => [a.alert_id, a.rule_id, a.severity, a.subjects.join(" "), a.state, a.assignee || "",
          h("button", { type: "button", onclick: () => void open(a.id) }, "Open")]), "queue"));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404 && /no such route/.test(e.message)) {
        list.replaceChildren(h("p", {}, "This server does not serve the alert queue yet (issue #22). The case overview lists the investigation's alerts by rule; a subject's page lists its alerts with their evidence."));
        form.hidden = true;
      } else list.replaceChildren(errorBox(e));
    }
  };
  form.addEventListener("submit", (ev) => { ev.preventDefault(); void load(); });
  (document.getElementById("q-next") as HTMLButtonElement).addEventListener("click", async () => {
    try {
      const r = await call<{ alert: QueueAlert | null }>("POST", casePath(caseId, "/alerts/next"));
      if (r.alert) showAlert(r.alert); else detail.replaceChildren(h("p", {}, "No unassigned open alert."));
      await load();
    } catch (e) { detail.replaceChildren(errorBox(e)); }
  });
  await load();
}
