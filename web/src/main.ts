// The investigator's screens (issue #23; docs/ui.md): hash routes, one function per screen.
// The server enforces every access rule; these screens only show what it answers.
import { ApiError, csrfToken, get, signOut, User } from "./api";
import { errorBox, h } from "./dom";
import { renderSignIn } from "./screens/signin";
import { renderCases } from "./screens/cases";
import { renderOverview } from "./screens/overview";
import { renderSubject } from "./screens/subject";
import { renderChart } from "./screens/chart";
import { renderQueue } from "./screens/queue";
import { renderEvidence } from "./screens/evidence";
import { renderTimeline } from "./screens/timeline";
import { renderRequests } from "./screens/requests";

export interface Screen {
  main: HTMLElement;
  user: User;
  params: URLSearchParams;
  setBanner(markings: string[] | null): void;
}

const main = () => document.getElementById("main") as HTMLElement;

function setBanner(markings: string[] | null): void {
  const b = document.getElementById("banner") as HTMLElement;
  if (!markings) {
    b.hidden = true;
    return;
  }
  b.hidden = false;
  b.textContent = markings.length ? `Case markings: ${markings.join(" / ")} (handle accordingly)` : "Case markings: none";
}

async function route(): Promise<void> {
  const hash = window.location.hash.replace(/^#/, "") || "/cases";
  const [path, query] = hash.split("?");
  const params = new URLSearchParams(query ?? "");
  const m = main();
  m.replaceChildren(h("p", { class: "loading" }, "Loading…"));
  setBanner(null);
  if (path === "/signin") {
    renderSignIn(m, (u) => { showUser(u); window.location.hash = "#/cases"; });
    return;
  }
  if (!csrfToken()) {  // never signed in from this tab: no need to ask the server
    showUser(null);
    window.location.hash = "#/signin";
    return;
  }
  let user: User;
  try {
    user = await get<User>("/api/v1/me");
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      showUser(null);
      window.location.hash = "#/signin";
      return;
    }
    m.replaceChildren(errorBox(e));
    return;
  }
  showUser(user);
  const s: Screen = { main: m, user, params, setBanner };
  const parts = path.split("/").filter(Boolean);
  try {
    if (parts[0] === "cases" && parts.length === 1) await renderCases(s);
    else if (parts[0] === "cases" && parts.length === 2) await renderOverview(s, parts[1]);
    else if (parts[0] === "cases" && parts[2] === "subjects" && parts[3]) await renderSubject(s, parts[1], decodeURIComponent(parts[3]));
    else if (parts[0] === "cases" && parts[2] === "chart") await renderChart(s, parts[1]);
    else if (parts[0] === "cases" && parts[2] === "queue") await renderQueue(s, parts[1]);
    else if (parts[0] === "cases" && parts[2] === "evidence") await renderEvidence(s, parts[1]);
    else if (parts[0] === "cases" && parts[2] === "timeline") await renderTimeline(s, parts[1]);
    else if (parts[0] === "cases" && parts[2] === "requests") await renderRequests(s, parts[1]);
    else m.replaceChildren(h("h1", {}, "Not found"), h("p", {}, "No screen at this address. "), h("a", { href: "#/cases" }, "Cases"));
  } catch (e) {
    m.replaceChildren(h("h1", {}, "Cannot show this"), errorBox(e), h("p", {}, h("a", { href: "#/cases" }, "Back to cases")));
  }
  m.focus({ preventScroll: true });
}

function showUser(u: User | null): void {
  const who = document.getElementById("who") as HTMLElement;
  const out = document.getElementById("signout") as HTMLButtonElement;
  who.textContent = u ? `${u.display_name || u.username} · ${u.agency} · ${u.role} · cleared: ${u.clearances.join(", ") || "none"}` : "";
  out.hidden = !u;
}

window.addEventListener("hashchange", () => void route());
window.addEventListener("DOMContentLoaded", () => {
  (document.getElementById("signout") as HTMLButtonElement).addEventListener("click", async () => {
    await signOut().catch(() => undefined);
    showUser(null);
    window.location.hash = "#/signin";
  });
  void route();
});
