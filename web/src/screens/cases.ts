import { CaseInfo, get } from "../api";
import { h, markings, table } from "../dom";
import type { Screen } from "../main";

export async function renderCases(s: Screen): Promise<void> {
  const cases = await get<CaseInfo[]>("/api/v1/cases");
  const body = cases.length
    ? table("Cases you are a member of and cleared for", ["Number", "Title", "Owning agency", "Markings", "Your access", "Opened"],
      cases.map((c) => [h("a", { href: `#/cases/${c.id}` }, c.number), c.title, c.owning_agency, markings(c.markings), c.access, c.created_at]), "cases")
    : h("p", {}, "No case you may see. A case appears here when its admin adds you and you hold every marking it carries.");
  s.main.replaceChildren(h("h1", {}, "Cases"), body);
}
