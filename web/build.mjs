// Builds web/dist from web/src with esbuild: dist/app.js (all TypeScript and libraries, one
// bundle), dist/app.css (our styles, Tabulator's, the Inter font), dist/fonts/, dist/index.html.
// The output is deterministic for a given lock file; web/dist is committed (docs/ui.md says why).
// `node build.mjs --check` builds into a scratch directory and fails when it differs from dist/.
import * as esbuild from "esbuild";
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";

const check = process.argv.includes("--check");
const out = check ? join(tmpdir(), `mt-web-check-${process.pid}`) : "dist";
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await esbuild.build({
  entryPoints: { app: "src/main.ts", "app-style": "src/style.css" },
  bundle: true,
  minify: true,
  sourcemap: false,
  format: "iife",
  target: ["es2020", "chrome110", "firefox110"],
  outdir: out,
  loader: { ".woff2": "file", ".woff": "file" },
  assetNames: "fonts/[name]-[hash]",
  legalComments: "eof",
  logLevel: "warning",
});
cpSync("static/index.html", join(out, "index.html"));
cpSync("static/favicon.svg", join(out, "favicon.svg"));

function files(dir, base = dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p, base) : [p.slice(base.length + 1)];
  }).sort();
}
if (check) {
  const want = files(out), have = files("dist");
  const differ = want.filter((f) => !have.includes(f) || !readFileSync(join(out, f)).equals(readFileSync(join("dist", f))));
  const extra = have.filter((f) => !want.includes(f));
  rmSync(out, { recursive: true, force: true });
  if (differ.length || extra.length) {
    console.error(`web/dist is not what web/src builds to; run (cd web && npm run build) and commit. differs: ${differ.join(", ")} extra: ${extra.join(", ")}`);
    process.exit(1);
  }
  console.log("web/dist matches web/src");
}
