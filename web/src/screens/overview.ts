import { casePath, CaseInfo, get } from "../api";
import { h, markings, section, table } from "../dom";
import type { Screen } from "../main";
import { TabulatorFull as Tabulator } from "tabulator-tables";

interface Source { file: string; path: string; sha256: string; format: string; rows_read: number; rows_accepted: number; rows_rejected: number; rows_merged: number; ingested_at: string; custody_balances: boolean; }
interface RuleCount { rule_id: string; title: string; citation: string; severity: string; alerts: number; }
interface Trail { trail: string; subject: string; method: string; totals: { currency: string; traced_in: string; remaining: string; exited_total: string }[]; exits: any[]; }
interface Overview {
  case: CaseInfo; markings: string[];
  records: { transactions: number; accounts: number; manifest_sha256: string; integrity: string; sources: Source[] } | null;
  records_missing?: string;
  run: { alerts: number; alerts_by_rule: RuleCount[]; subjects: number; top_subjects: Record<string, string>[]; trails: Trail[] } | null;
  run_missing?: string;
}

export async function renderOverview(s: Screen, caseId: string): Promise<void> {
  const o = await get<Overview>(casePath(caseId, "/views/overview"));
  s.setBanner(o.markings);
  const c = o.case;
  const subjectLink = (id: string) => h("a", { href: `#/cases/${c.id}/subjects/${encodeURIComponent(id)}` }, id);
  const parts: HTMLElement[] = [
    h("h1", {}, `Case ${c.number}: ${c.title}`),
    h("p", { class: "meta" }, `Owned by ${c.owning_agency} · your access: ${c.access} · `, markings(c.markings)),
    h("nav", { class: "actions", "aria-label": "Case" },
      h("a", { href: `#/cases/${c.id}/chart` }, "Link chart"),
      h("a", { href: `#/cases/${c.id}/queue` }, "Alert queue"),
      h("a", { href: `#/cases/${c.id}/timeline` }, "Timeline"),
      h("a", { href: `#/cases/${c.id}/evidence` }, "Evidence and jobs"),
      h("a", { href: `#/cases/${c.id}/requests` }, "Requests for records")),
  ];
  if (o.records) {
    const r = o.records;
    parts.push(section("Records and their integrity",
      h("p", {}, `${r.transactions.toLocaleString("en-US")} transactions, ${r.accounts.toLocaleString("en-US")} accounts. Integrity: ${r.integrity}. Store state ${r.manifest_sha256.slice(0, 16)}…`),
      table("Source files (custody)", ["File", "Format", "Read", "Accepted", "Rejected", "Merged", "Custody", "SHA-256", "Ingested"],
        r.sources.map((x) => [h("span", { title: x.path }, x.file), x.format, x.rows_read, x.rows_accepted, x.rows_rejected, x.rows_merged,
          x.custody_balances ? "balances" : h("strong", { class: "bad" }, "DOES NOT BALANCE"), h("code", {}, x.sha256.slice(0, 12) + "…"), x.ingested_at]))));
  } else {
    parts.push(section("Records", h("p", {}, o.records_missing ?? "No records.")));
  }
  if (o.run) {
    const run = o.run;
    parts.push(section(`Alerts (${run.alerts}) by rule`,
      table("Alert counts by rule", ["Rule", "What", "Citation", "Severity", "Alerts"],
        run.alerts_by_rule.map((r) => [h("code", {}, r.rule_id), r.title, r.citation, r.severity, r.alerts]))));
    parts.push(section(`Top subjects (of ${run.subjects} ranked)`,
      table("Top subjects by rank", ["Rank", "Subject", "Holder", "Tier", "Alerts", "Rules", "Accounts"],
        run.top_subjects.map((x) => [x.rank, subjectLink(x.subject), x.holder, x.tier, x.alerts, x.rules, x.accounts]))));
    parts.push(section("Where the money went (traced from each top subject's flagged inflows)",
      run.trails.length ? table("Tracing totals per subject", ["Subject", "Method", "Currency", "Traced in", "Still held", "Left the records"],
        run.trails.flatMap((t) => t.totals.map((x) => [subjectLink(t.subject), t.method.toUpperCase(), x.currency, x.traced_in, x.remaining, x.exited_total]))) :
        h("p", {}, "No trails in this investigation.")));
    const holder = h("div", { id: "all-subjects", class: "tabulator-host" });
    parts.push(section("All ranked subjects", holder));
    s.main.replaceChildren(...parts);
    const all = await get<{ subjects: Record<string, string>[] }>(casePath(caseId, "/views/subjects"));
    const t = new Tabulator(holder, {
      data: all.subjects, layout: "fitDataStretch", height: "320px", pagination: false,
      columns: [
        { title: "Rank", field: "rank", sorter: "number", width: 80 },
        { title: "Subject", field: "subject", formatter: (cell) => { const a = subjectLink(String(cell.getValue())); return a; } },
        { title: "Holder", field: "holder" },
        { title: "Tier", field: "tier", sorter: "number" },
        { title: "Alerts", field: "alerts", sorter: "number" },
        { title: "Rules", field: "rules" },
      ],
    });
    // Tabulator's ARIA nests wrappers between its grid and its rows; make them presentational so
    // that the grid owns rows (axe: aria-required-children, aria-required-parent).
    t.on("tableBuilt", () => {
      const roles: [string, string][] = [[".tabulator-header", "rowgroup"], [".tabulator-header-contents", "none"],
        [".tabulator-tableholder", "rowgroup"], [".tabulator-table", "none"]];
      for (const [sel, role] of roles) holder.querySelectorAll(sel).forEach((el) => el.setAttribute("role", role));
    });
  } else {
    parts.push(section("Investigation", h("p", {}, o.run_missing ?? "No investigation yet.")));
    s.main.replaceChildren(...parts);
  }
}
