// A subject: holders, accounts, the rank's basis, score reasons, alerts with their citations, its
// pattern instances (each opening the chart's overlay), the identifiers it shares with others
// (resolve's shared-identifier groups), and its notes (read and add; the server checks access
// and the CSRF token).
import { call, casePath, get } from "../api";
import { errorBox, h, section, table } from "../dom";
import type { Screen } from "../main";
import { amountsText, InstanceSummary, kindName } from "./chart_patterns";

interface Evidence { transaction_id: number; time?: string; from?: string; to?: string; channel?: string; amount?: string; currency?: string; source_file: string; source_line: number; }
interface Alert { alert_id: string; rule_id: string; title: string; citation: string; severity: string; sentence: string; window?: { start: string; end: string }; evidence: Evidence[]; }
interface Shared { identifier: string; value: string; other_entities: string[]; other_accounts: string[]; }
interface SubjectView { markings: string[]; subject: Record<string, string>; accounts: string[]; related_parties: string[]; rules: string[]; reasons: string[]; alerts: Alert[];
  patterns_available: boolean; patterns_total: number; patterns: InstanceSummary[]; shared_available: boolean; shared: Shared[]; }
interface Note { id: number; object_type: string; object_id: string; author: string; text: string; markings: string[]; created_at: string; }

const basis: [string, string][] = [
  ["rank", "Rank"], ["tier", "Tier"], ["rule_points", "Rule points"], ["high_rules", "High-severity rules"], ["flow_points", "Flow points"],
  ["pattern_points", "Pattern points"], ["report_points", "Report points"], ["model_probability", "Model probability"], ["pattern_instances", "Pattern instances"],
  ["transactions", "Transactions"], ["flagged_in", "Flagged in"], ["flagged_out", "Flagged out"],
];

export async function renderSubject(s: Screen, caseId: string, subjectId: string): Promise<void> {
  const v = await get<SubjectView>(casePath(caseId, "/views/subject"), { subject: subjectId });
  s.setBanner(v.markings);
  const x = v.subject;
  const chart = (account: string) => h("a", { href: `#/cases/${caseId}/chart?account=${encodeURIComponent(account)}&subject=${encodeURIComponent(subjectId)}` }, account);
  s.main.replaceChildren(
    h("p", {}, h("a", { href: `#/cases/${caseId}` }, "← Case overview")),
    h("h1", {}, `Subject ${subjectId}${x.holder ? `: ${x.holder}` : ""}`),
    h("nav", { class: "actions", "aria-label": "Subject" },
      h("a", { href: `#/cases/${caseId}/chart?subject=${encodeURIComponent(subjectId)}` }, "All accounts on the link chart"),
      h("a", { href: `#/cases/${caseId}/timeline?subject=${encodeURIComponent(subjectId)}` }, "Timeline")),
    section("Accounts", h("ul", {}, ...v.accounts.map((a) => h("li", {}, chart(a), " (open on the link chart)"))),
      v.related_parties.length ? h("p", {}, `Related parties: ${v.related_parties.join(", ")}`) : null),
    section("Ranked evidence",
      h("p", {}, `Ranked ${x.rank} because of: ${v.rules.length ? v.rules.join(", ") : "no rule"}; the rank compares these keys in order.`),
      table("Rank basis", ["Key", "Value"], basis.filter(([k]) => x[k] !== undefined && x[k] !== "").map(([k, label]) => [label, x[k]]))),
    section("Score reasons", v.reasons.length ? h("ol", {}, ...v.reasons.map((r) => h("li", {}, r))) : h("p", {}, "The model gave no reasons (or stepped aside).")),
    section(`Alerts (${v.alerts.length})`, ...v.alerts.map((a) => h("article", { class: "alert" },
      h("h3", {}, `${a.rule_id}: ${a.title}`),
      h("p", { class: "meta" }, `Severity ${a.severity} · cites ${a.citation}`, a.window ? ` · ${a.window.start} to ${a.window.end}` : ""),
      h("p", {}, a.sentence),
      a.evidence.length ? table(`Evidence of ${a.alert_id}`, ["Transaction", "Time", "From", "To", "Channel", "Amount", "Source (file:line)"],
        a.evidence.slice(0, 50).map((e) => [e.transaction_id, e.time ?? "", e.from ?? "", e.to ?? "", e.channel ?? "", e.amount ? `${e.amount} ${e.currency ?? ""}` : "",
          h("code", { title: e.source_file }, `${e.source_file.split("/").pop()}:${e.source_line}`)])) : null))),
    section(`Pattern instances (${v.patterns_total})`,
      !v.patterns_available ? h("p", {}, "The latest investigation wrote no pattern instances (patterns.jsonl): run it again to list them here.")
        : v.patterns.length === 0 ? h("p", {}, "No pattern instance involves this subject's accounts.")
        : table(v.patterns.length < v.patterns_total ? `The first ${v.patterns.length} of ${v.patterns_total} instances` : "Instances on its accounts",
          ["Instance", "Kind", "Accounts", "Transactions", "Amount paid", "Period"],
          v.patterns.map((p) => [
            h("a", { href: `#/cases/${caseId}/chart?subject=${encodeURIComponent(subjectId)}&instance=${p.instance}` }, `#${p.instance} on the chart`),
            kindName(p.kind) + (p.hub ? ` (hub ${p.hub})` : ""), p.accounts.join(" "), p.transaction_count, amountsText(p.total_amount_paid),
            `${p.first_time} to ${p.last_time}`]), "patterns")),
    section(`Shared identifiers (${v.shared.length})`,
      !v.shared_available ? h("p", {}, "The investigation had no shared-identifier groups (resolve's shared.csv with accounts) to compare.")
        : v.shared.length === 0 ? h("p", {}, "This subject's accounts share no identifier with another's.")
        : table("Identifiers its holders share with others", ["Identifier", "Value", "Other entities", "Their accounts"],
          v.shared.map((g) => [g.identifier, g.value, g.other_entities.join(" "), g.other_accounts.join(" ")]), "shared")),
    notesSection(caseId, subjectId),
  );
}

// The subject's notes (object "subject"), and a form to add one.
function notesSection(caseId: string, subjectId: string): HTMLElement {
  const list = h("div", { id: "subject-notes" }, h("p", { class: "meta" }, "Loading the notes…"));
  const text = h("textarea", { id: "note-text", rows: 3, required: true }) as HTMLTextAreaElement;
  const msg = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "filters", id: "note-form" },
    h("fieldset", {}, h("legend", {}, "New note on this subject"),
      h("label", { for: "note-text" }, "Text (kept in the case, journalled)"), text,
      h("button", { type: "submit" }, "Add note")), msg);
  async function load(): Promise<void> {
    try {
      const notes = (await get<Note[]>(casePath(caseId, "/notes"))).filter((n) => n.object_type === "subject" && n.object_id === subjectId);
      list.replaceChildren(notes.length
        ? h("ul", { class: "notes" }, ...notes.map((n) => h("li", {}, h("p", {}, n.text),
          h("p", { class: "meta" }, `${n.author}, ${n.created_at}`, n.markings.length ? ` · ${n.markings.join(", ")}` : ""))))
        : h("p", {}, "No notes on this subject yet."));
    } catch (e) { list.replaceChildren(errorBox(e)); }
  }
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    msg.replaceChildren();
    try {
      await call("POST", casePath(caseId, "/notes"), { object_type: "subject", object_id: subjectId, text: text.value });
      text.value = "";
      msg.replaceChildren(h("p", { class: "status" }, "Note added."));
      await load();
    } catch (e) { msg.replaceChildren(errorBox(e)); }
  });
  void load();
  return section("Notes", list, form);
}
