import { casePath, get } from "../api";
import { h, section, table } from "../dom";
import type { Screen } from "../main";

interface Evidence { transaction_id: number; time?: string; from?: string; to?: string; channel?: string; amount?: string; currency?: string; source_file: string; source_line: number; }
interface Alert { alert_id: string; rule_id: string; title: string; citation: string; severity: string; sentence: string; window?: { start: string; end: string }; evidence: Evidence[]; }
interface SubjectView { markings: string[]; subject: Record<string, string>; accounts: string[]; related_parties: string[]; rules: string[]; reasons: string[]; alerts: Alert[]; }

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
  );
}
