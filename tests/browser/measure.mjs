// Measures of the browser interface in headless Chromium (issue #23; bench/RESULTS-ui.md), on
// loopback against `moneytrail serve`, on a workspace made here (the hand-written statement case,
// ingested and investigated):
//   1. the case overview's first paint: a fresh tab opens the overview's address; the Performance
//      API's first-contentful-paint, and the time (performance.now(), from navigation start) when
//      the overview's alert counts are on the screen; `runs` tabs, the median;
//   2. frames per second while panning a chart of 2,000 nodes (and 3,000 edges, labelled as the
//      chart labels flows) on the link chart screen: requestAnimationFrame callbacks counted in the
//      page while the mouse drags the chart for about 3 seconds; `runs` drags, the median.
// Not a test (no assertion): prints one JSON line per figure.
//
// Usage: node measure.mjs MONEYTRAIL_BINARY SOURCE_DIR OUT_DIR [runs=5]
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { createRequire } from "node:module";

const [bin, src, out, runsArg] = process.argv.slice(2);
if (!bin || !src || !out) {
  console.error("usage: node measure.mjs MONEYTRAIL_BINARY SOURCE_DIR OUT_DIR [runs]");
  process.exit(2);
}
const runs = Number(runsArg ?? 5);
const require = createRequire(join(src, "web", "package.json"));
const { chromium } = require("playwright-core");
const password = "correct horse battery";
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const ws = join(out, "workspace");
const run = (args, env = {}) => {
  const r = spawnSync(bin, args, { env: { ...process.env, ...env }, encoding: "utf8" });
  if (r.status !== 0 && r.status !== 1) throw new Error(`moneytrail ${args.join(" ")}: exit ${r.status}\n${r.stderr}`);
};
run(["workspace", "init", ws, "--agency", "IRS-CI", "--admin", "admin"], { MONEYTRAIL_ADMIN_PASSWORD: password });
const port = await new Promise((resolve) => { const s = createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); }); });
const base = `http://127.0.0.1:${port}`;
const server = spawn(bin, ["serve", "--workspace", ws, "--listen", `127.0.0.1:${port}`, "--web", join(src, "web", "dist")], { stdio: ["ignore", "ignore", "pipe"] });
process.on("exit", () => { if (server.exitCode === null) server.kill("SIGTERM"); });
async function api(session, method, path, body) {
  const headers = { "Content-Type": "application/json" };
  if (session) { headers.Cookie = session.cookie; headers["X-CSRF-Token"] = session.csrf; }
  const res = await fetch(base + path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return { json, res };
}
async function signIn(username) {
  const { json, res } = await api(null, "POST", "/api/v1/session", { username, password });
  return { cookie: res.headers.get("set-cookie").split(";")[0], csrf: json.csrf_token, user: json.user };
}
let browser;
try {
  for (let i = 0; ; ++i) {
    try { await fetch(base + "/"); break; } catch { if (i > 100) throw new Error("serve did not start"); }
    await new Promise((r) => setTimeout(r, 50));
  }
  const admin = await signIn("admin");
  await api(admin, "POST", "/api/v1/users", { username: "irs.agent", agency_id: admin.user.agency_id, role: "agent", clearances: ["LES"], password });
  const irs = await signIn("irs.agent");
  const c = (await api(irs, "POST", "/api/v1/cases", { number: "M-1", title: "measures", markings: ["LES"] })).json;
  const data = join(src, "tests", "data", "statement-case");
  const maps = ["us-credit-union-banner", "us-bigbank-debit-credit", "us-signed-cr-dr"].flatMap((m) => ["--map", join(src, "config", "mappings", `${m}.toml`)]);
  const files = ["summit-ridge-7305-2025-03.csv", "summit-ridge-5518-2025-03.csv", "bigbank-export-2025-03-19.csv", "bigbank-export-2025-03-31.csv", "firststate-000987654321-2025-03.csv"].map((f) => join(data, f));
  const dir = join(ws, "cases", String(c.id));
  run(["ingest", join(dir, "store"), ...files, "--format", "mapped", ...maps]);
  run(["investigate", "--store", join(dir, "store"), "--out", join(dir, "run"), "--no-pdf", "--threads", "2", "--rules", join(src, "rules", "smuggling-trafficking.toml"), "--model", join(src, "models", "default.model")]);

  const chromePath = ["/usr/bin/chromium", "/usr/lib/chromium/chromium"].find(existsSync);
  browser = await chromium.launch({ executablePath: chromePath, args: ["--no-sandbox", "--disable-gpu"] });
  // A signed-in context: the cookie, and the tab's CSRF token in sessionStorage before any script.
  const s = await signIn("irs.agent");
  async function tab() {
    const context = await browser.newContext({ viewport: { width: 1500, height: 950 } });
    await context.addCookies([{ name: "mt_session", value: s.cookie.split("=")[1], url: base }]);
    await context.addInitScript((token) => {
      sessionStorage.setItem("mt.csrf", token);
      new MutationObserver((_, obs) => {
        if ([...document.querySelectorAll("h2")].some((e) => e.textContent.startsWith("Alerts ("))) { window.mtOverviewAt = performance.now(); obs.disconnect(); }
      }).observe(document, { subtree: true, childList: true });
    }, s.csrf);
    return { context, page: await context.newPage() };
  }
  const fcp = [], shown = [];
  for (let i = 0; i < runs; ++i) {
    const t = await tab();
    await t.page.goto(`${base}/#/cases/${c.id}`);
    await t.page.waitForSelector("text=Alerts (");
    const m = await t.page.evaluate(() => ({ fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? -1, shown: window.mtOverviewAt }));
    fcp.push(m.fcp);
    shown.push(m.shown);
    await t.context.close();
  }
  console.log(JSON.stringify({ measure: "case overview, first contentful paint (ms)", runs: fcp.map(Math.round), median: Math.round(median(fcp)) }));
  console.log(JSON.stringify({ measure: "case overview, alert counts on screen (ms from navigation start)", runs: shown.map(Math.round), median: Math.round(median(shown)) }));

  const t = await tab();
  await t.page.goto(`${base}/#/cases/${c.id}/chart`);
  await t.page.waitForSelector("#cy canvas");
  const size = await t.page.evaluate(() => {
    const cy = window.mtChart;
    let seed = 7;
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const els = [];
    for (let i = 0; i < 2000; ++i) els.push({ group: "nodes", data: { id: `m${i}`, label: `011:8064${String(i).padStart(7, "0")}`, kind: i % 10 ? "account" : "cash" }, position: { x: rnd() * 4000, y: rnd() * 3000 } });
    for (let i = 0; i < 3000; ++i) {
      const a = Math.floor(rnd() * 2000), b = Math.floor(rnd() * 2000);
      els.push({ group: "edges", data: { id: `e${i}`, source: `m${a}`, target: `m${b}`, label: `${(rnd() * 90000).toFixed(2)} USD (${1 + Math.floor(rnd() * 9)})`, width: 1 + rnd() * 4 } });
    }
    cy.add(els);
    cy.fit();
    return { nodes: cy.nodes().length, edges: cy.edges().length };
  });
  const box = await t.page.locator("#cy").boundingBox();
  const fps = [];
  for (let i = 0; i < runs; ++i) {
    await t.page.evaluate(() => { window.mtFrames = 0; const tick = () => { window.mtFrames++; if (window.mtCounting) requestAnimationFrame(tick); }; window.mtCounting = true; window.mtStart = performance.now(); requestAnimationFrame(tick); });
    await t.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await t.page.mouse.down();
    const started = Date.now();
    for (let k = 0; Date.now() - started < 3000; ++k) {
      await t.page.mouse.move(box.x + box.width / 2 + 150 * Math.sin(k / 10), box.y + box.height / 2 + 100 * Math.cos(k / 10));
    }
    await t.page.mouse.up();
    const r = await t.page.evaluate(() => { window.mtCounting = false; return { frames: window.mtFrames, ms: performance.now() - window.mtStart }; });
    fps.push(r.frames / (r.ms / 1000));
  }
  console.log(JSON.stringify({ measure: `frames per second panning the chart (${size.nodes} nodes, ${size.edges} edges)`, runs: fps.map((x) => Math.round(x * 10) / 10), median: Math.round(median(fps) * 10) / 10 }));
  await t.page.screenshot({ path: join(out, "chart-2000.png") });
  await t.context.close();
} finally {
  if (browser) await browser.close();
  if (server.exitCode === null) server.kill("SIGTERM");
}
