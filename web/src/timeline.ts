// The timeline of a case, a subject or an account (vis-timeline, Apache-2.0 OR MIT): its
// transactions (one by one, or per day when there are many), alerts (their windows), notes and
// requests for records, filterable by kind; the visible period can drive the link chart.
// Every item's content is built as DOM (no HTML strings from the server).
// The peer builds: the standalone one injects its style sheets as <style> elements, which the
// Content-Security-Policy (no inline style) refuses; style.css imports vis-timeline's instead.
import { Timeline } from "vis-timeline/peer";
import { DataSet } from "vis-data/peer";
import { casePath, get } from "./api";
import { errorBox, h } from "./dom";

export interface TimelineItem {
  kind: string; id: string; start: string; end?: string;
  transaction_id?: number; from?: string; to?: string; amount?: string; currency?: string; channel?: string; source_file?: string; source_line?: number;
  transactions?: number; amounts?: { currency: string; amount: string }[];
  alert_id?: string; rule_id?: string; title?: string; sentence?: string; severity?: string;
  text?: string; author?: string; object_type?: string; object_id?: string; markings?: string[];
  bank?: string; legal_process?: string; name?: string; note?: string;
}
interface TimelineView { markings: string[]; scope: { kind: string; id: string }; transactions?: { transactions: number; shown: string; missing?: string }; items: TimelineItem[]; }

const KINDS: [string, string][] = [["transactions", "Transactions"], ["alerts", "Alerts"], ["notes", "Notes"], ["requests", "Record requests"]];
const GROUP_OF: Record<string, string> = { transaction: "transactions", transactions_day: "transactions", alert: "alerts", note: "notes", request: "requests", receipt: "requests" };

function content(i: TimelineItem): HTMLElement {
  switch (i.kind) {
    case "transaction": return h("span", {}, `${i.amount} ${i.currency} ${i.from} → ${i.to}`);
    case "transactions_day": return h("span", {}, `${i.transactions} tx: ${(i.amounts ?? []).map((a) => `${a.amount} ${a.currency}`).join(", ")}`);
    case "alert": return h("span", {}, `${i.rule_id} ${i.title ?? ""}`);
    case "note": return h("span", {}, `Note (${i.author}): ${(i.text ?? "").slice(0, 60)}`);
    case "request": return h("span", {}, `Request to ${i.bank}`);
    case "receipt": return h("span", {}, `Received from ${i.bank}: ${i.name}`);
    default: return h("span", {}, i.kind);
  }
}

function describe(i: TimelineItem): string {
  switch (i.kind) {
    case "transaction": return `Transaction ${i.transaction_id} at ${i.start}: ${i.amount} ${i.currency} from ${i.from} to ${i.to} by ${i.channel}; source ${(i.source_file ?? "").split("/").pop()}:${i.source_line}`;
    case "transactions_day": return `${i.start.slice(0, 10)}: ${i.transactions} transactions, ${(i.amounts ?? []).map((a) => `${a.amount} ${a.currency}`).join(", ")}`;
    case "alert": return `${i.alert_id} (${i.severity}) ${i.start} to ${i.end}: ${i.sentence}`;
    case "note": return `Note by ${i.author} at ${i.start} on ${i.object_type} ${i.object_id ?? ""}: ${i.text}${i.markings?.length ? ` [${i.markings.join(", ")}]` : ""}`;
    case "request": return `Request for records to ${i.bank} (${i.legal_process || "legal process not stated"}) sent ${i.start}${i.end ? `, due ${i.end}` : ""}`;
    case "receipt": return `Records received from ${i.bank} at ${i.start}: ${i.name}${i.note ? ` (${i.note})` : ""}`;
    default: return i.kind;
  }
}

export interface TimelineHandle { reload(): Promise<void>; window(): { from: string; to: string } | null; }

// Mounts a timeline in `host`. `scope` is {subject} or {account} or {} (the whole case).
// `onPeriod` is called (debounced) when the user moves or zooms the visible period while
// "the chart follows" is ticked.
export function mountTimeline(host: HTMLElement, caseId: string, scope: Record<string, string>,
  onPeriod?: (from: string, to: string) => void): TimelineHandle {
  const boxes = KINDS.map(([k, label]) => {
    const box = h("input", { type: "checkbox", id: `tl-${k}`, checked: true }) as HTMLInputElement;
    return { k, box, el: h("label", { for: `tl-${k}`, class: "check" }, box, ` ${label}`) };
  });
  const follow = h("input", { type: "checkbox", id: "tl-follow", checked: true }) as HTMLInputElement;
  const status = h("p", { class: "status", id: "timeline-status", "aria-live": "polite" });
  const detail = h("p", { id: "timeline-detail", class: "meta" });
  const area = h("div", { id: "timeline", class: "timeline-area" });
  host.replaceChildren(
    h("div", { class: "filters inline" }, ...boxes.map((b) => b.el),
      onPeriod ? h("label", { for: "tl-follow", class: "check" }, follow, " The chart follows the timeline's period") : null),
    area, status, detail);
  const items = new DataSet<any>([]);
  const groups = new DataSet<any>(KINDS.map(([k, label]) => ({ id: k, content: label })));
  const timeline = new Timeline(area, items, groups, {
    stack: true, maxHeight: 320, minHeight: 160, zoomMin: 60 * 60 * 1000, showCurrentTime: false,
    xss: { disabled: false }, tooltip: { followMouse: false },
  });
  let current: TimelineItem[] = [];
  let timer: number | undefined;
  timeline.on("rangechanged", (p: { start: Date; end: Date; byUser: boolean }) => {
    if (!p.byUser || !onPeriod || !follow.checked) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(() => onPeriod(iso(p.start), iso(p.end)), 400);
  });
  timeline.on("select", (p: { items: string[] }) => {
    const it = current.find((x) => x.id === p.items[0]);
    detail.textContent = it ? describe(it) : "";
  });
  const iso = (d: Date) => d.toISOString().slice(0, 19) + "Z";

  async function reload(): Promise<void> {
    const kinds = boxes.filter((b) => b.box.checked).map((b) => b.k);
    status.textContent = "Loading the timeline…";
    try {
      const v = await get<TimelineView>(casePath(caseId, "/views/timeline"), { ...scope, kinds: kinds.join(",") || "alerts" });
      current = kinds.length ? v.items : [];
      items.clear();
      items.add(current.map((i: TimelineItem) => ({
        id: i.id, group: GROUP_OF[i.kind] ?? "notes", start: i.start, end: i.end && i.end !== i.start ? i.end : undefined,
        type: i.end && i.end !== i.start ? "range" : i.kind === "transaction" ? "point" : "box",
        content: content(i), title: describe(i), className: `tl-${i.kind}`,
      })));
      groups.update(KINDS.map(([k]) => ({ id: k, visible: kinds.includes(k) })));
      if (current.length) timeline.fit({ animation: false });
      const tx = v.transactions;
      status.textContent = `${current.length} items` + (tx && !tx.missing ? ` (${tx.transactions} transactions, shown ${tx.shown})` : "") + ". Drag or zoom to choose a period.";
    } catch (e) {
      status.textContent = "";
      host.append(errorBox(e));
    }
  }
  for (const b of boxes) b.box.addEventListener("change", () => void reload());
  void reload();
  return {
    reload,
    window: () => { const w = timeline.getWindow(); return { from: iso(w.start), to: iso(w.end) }; },
  };
}
