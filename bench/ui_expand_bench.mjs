// Server time of the link chart's node expansion (GET .../views/expand) on a case's store, read
// from the route's Server-Timing header (the handler's time, access check and journal entry
// included; the network excluded), with the client's wall time beside it.
// Usage: node bench/ui_expand_bench.mjs BASE_URL USER PASSWORD CASE_ID ACCOUNTS N SEED
// (ACCOUNTS: the store's account count; nodes are drawn uniformly from 0..ACCOUNTS-1 by SEED.)
const [base, user, password, caseId, accounts, n, seed] = process.argv.slice(2);
const login = await fetch(`${base}/api/v1/session`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ username: user, password }) });
const cookie = login.headers.get("set-cookie").split(";")[0];
let state = Number(seed) >>> 0 || 1;
const rand = () => { state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0; return state; };
async function expand(id) {
  const t0 = performance.now();
  const res = await fetch(`${base}/api/v1/cases/${caseId}/views/expand?account=%23${id}&top=25`, { headers: { Cookie: cookie } });
  const body = await res.json();
  const wall = performance.now() - t0;
  if (!res.ok) throw new Error(JSON.stringify(body));
  const server = Number(/dur=([0-9.]+)/.exec(res.headers.get("server-timing"))[1]);
  return { server, wall, matched: body.matched_transactions };
}
const first = await expand(rand() % Number(accounts));
const server = [], wall = [];
let maxMatched = 0;
for (let i = 0; i < Number(n); ++i) {
  const r = await expand(rand() % Number(accounts));
  server.push(r.server); wall.push(r.wall); maxMatched = Math.max(maxMatched, r.matched);
}
const q = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
console.log(JSON.stringify({
  first_call_ms: { server: +first.server.toFixed(1), wall: +first.wall.toFixed(1) },
  expansions: Number(n), max_transactions_of_a_node: maxMatched,
  server_ms: { p50: +q(server, 0.5).toFixed(2), p95: +q(server, 0.95).toFixed(2), max: +Math.max(...server).toFixed(2) },
  wall_ms: { p50: +q(wall, 0.5).toFixed(2), p95: +q(wall, 0.95).toFixed(2), max: +Math.max(...wall).toFixed(2) },
}));
