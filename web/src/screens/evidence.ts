// Evidence and jobs (issue #22's routes): the case's evidence with its custody (SHA-256, size,
// markings, verification), uploading statements, an ingest job of the chosen files (format, the
// shipped mappings), an investigation of the store, and the jobs' states, polled until they end.
// When an investigation ends, its alerts are in the queue.
import { call, casePath, csrfToken, get } from "../api";
import { errorBox, h, markings, section, table } from "../dom";
import type { Screen } from "../main";

interface Evidence { id: number; name: string; media_type: string; sha256: string; size: number; markings: string[]; uploaded_by: string; uploaded_at: string; verification: string; }
interface Job { id: number; kind: string; state: string; evidence_ids: number[]; format: string; created_by: string; created_at: string; finished_at: string; message: string; }

const MAPPINGS = ["us-credit-union-banner", "us-bigbank-debit-credit", "us-signed-cr-dr", "debit-credit", "statement-de"];

export async function renderEvidence(s: Screen, caseId: string): Promise<void> {
  const files = h("input", { type: "file", id: "e-files", multiple: true }) as HTMLInputElement;
  const msg = h("div", { id: "evidence-msg", "aria-live": "polite" });
  const evList = h("div", { id: "evidence-list" });
  const jobList = h("div", { id: "job-list" });
  const format = h("select", { id: "j-format" }, ...["mapped", "native", "auto", "ibm-aml", "amlsim"].map((f) => h("option", { value: f }, f))) as HTMLSelectElement;
  const maps = MAPPINGS.map((m) => ({ m, box: h("input", { type: "checkbox", id: `map-${m}`, checked: m.startsWith("us-") }) as HTMLInputElement }));
  const upload = h("form", { class: "filters", id: "upload-form" },
    h("fieldset", {}, h("legend", {}, "Upload statements or other records"),
      h("label", { for: "e-files" }, "Files"), files, h("button", { type: "submit" }, "Upload")));
  const ingest = h("form", { class: "filters", id: "ingest-form" },
    h("fieldset", {}, h("legend", {}, "Ingest the evidence not yet ingested, then investigate"),
      h("label", { for: "j-format" }, "Format"), format,
      h("div", { class: "filters inline" }, ...maps.map(({ m, box }) => h("label", { for: `map-${m}`, class: "check" }, box, ` ${m}`))),
      h("button", { type: "submit", id: "ingest" }, "Ingest"),
      h("button", { type: "button", id: "investigate" }, "Investigate the case's records")));
  s.main.replaceChildren(h("p", {}, h("a", { href: `#/cases/${caseId}` }, "← Case overview"), " · ", h("a", { href: `#/cases/${caseId}/queue` }, "Alert queue")),
    h("h1", {}, "Evidence and jobs"), upload, ingest, msg, section("Evidence (custody)", evList), section("Jobs", jobList));

  let evidence: Evidence[] = [];
  let jobs: Job[] = [];
  let timer: number | undefined;
  const load = async () => {
    evidence = await get<Evidence[]>(casePath(caseId, "/evidence"));
    jobs = await get<Job[]>(casePath(caseId, "/jobs"));
    evList.replaceChildren(evidence.length ? table("Evidence items", ["Id", "Name", "SHA-256", "Bytes", "Markings", "Uploaded", "Verification"],
      evidence.map((e) => [e.id, e.name, h("code", { title: e.sha256 }, e.sha256.slice(0, 16) + "…"), e.size, markings(e.markings), `${e.uploaded_by}, ${e.uploaded_at}`, e.verification]), "evidence-items")
      : h("p", {}, "No evidence yet."));
    jobList.replaceChildren(jobs.length ? table("Jobs", ["Id", "Kind", "State", "Evidence", "By", "Created", "Finished", "Message"],
      jobs.map((j) => [j.id, j.kind, h("span", { class: `job-${j.state}` }, j.state), (j.evidence_ids ?? []).join(" "), j.created_by, j.created_at, j.finished_at, j.message]), "jobs")
      : h("p", {}, "No jobs yet."));
    window.clearTimeout(timer);
    if (jobs.some((j) => j.state === "queued" || j.state === "running")) {
      timer = window.setTimeout(() => { if (document.getElementById("job-list") === jobList) void load().catch((e) => msg.replaceChildren(errorBox(e))); }, 1000);
    }
  };
  upload.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      for (const f of Array.from(files.files ?? [])) {
        const url = new URL(casePath(caseId, "/evidence"), window.location.origin);
        url.searchParams.set("name", f.name);
        const res = await fetch(url, { method: "POST", body: f, headers: { "X-CSRF-Token": csrfToken(), "Content-Type": f.type || "text/csv" }, credentials: "same-origin" });
        if (!res.ok) throw new Error(`${f.name}: ${(await res.json().catch(() => ({}))).message ?? res.status}`);
      }
      msg.replaceChildren(h("p", {}, `Uploaded ${files.files?.length ?? 0} file(s).`));
      files.value = "";
      await load();
    } catch (e) { msg.replaceChildren(errorBox(e)); }
  });
  ingest.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const done = new Set(jobs.filter((j) => j.kind === "ingest" && j.state === "done").flatMap((j) => j.evidence_ids ?? []));
    const ids = evidence.map((e) => e.id).filter((id) => !done.has(id));
    if (!ids.length) { msg.replaceChildren(h("p", {}, "Every evidence item is ingested already.")); return; }
    try {
      const body: Record<string, unknown> = { kind: "ingest", evidence_ids: ids, format: format.value };
      if (format.value === "mapped") body.mappings = maps.filter((x) => x.box.checked).map((x) => x.m);
      const j = await call<Job>("POST", casePath(caseId, "/jobs"), body);
      msg.replaceChildren(h("p", {}, `Ingest job ${j.id} queued.`));
      await load();
    } catch (e) { msg.replaceChildren(errorBox(e)); }
  });
  (document.getElementById("investigate") as HTMLButtonElement).addEventListener("click", async () => {
    try {
      const j = await call<Job>("POST", casePath(caseId, "/jobs"), { kind: "investigate" });
      msg.replaceChildren(h("p", {}, `Investigation job ${j.id} queued; its alerts go to the queue when it ends.`));
      await load();
    } catch (e) { msg.replaceChildren(errorBox(e)); }
  });
  await load();
}
