// How long the search page takes to summarise a large CSV in the browser (docs/benchmarks.md), next to the CLI.
// Writes a seeded CSV of --rows × 64 columns (the digits' rows, resampled with noise, four decimals), serves the
// built web UI (web-ui/target/classes/META-INF/resources) with the market's Content-Security-Policy, chooses
// the file on the search page in Debian's Chromium (playwright-core) and times it until the page shows the
// summary; the RKME the page then sends to /api/v1/search is caught here. With --cli it also times
// `learnware spec rkme` on the same file and prints the MMD between the two RKMEs.
//
//   node web-ui/e2e/bench-rkme.mjs [--rows 100000] [--runs 3] [--cli] [--keep]
// Run from the repository root after `bin/mvn -B -o -DskipTests package -pl web-ui,cli -am`.
import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";

const { values: args } = parseArgs({
  options: {
    rows: { type: "string", default: "100000" },
    runs: { type: "string", default: "3" },
    cli: { type: "boolean", default: false },
    // Keep the CSV and both RKMEs (the directory is printed first).
    keep: { type: "boolean", default: false },
    java: { type: "string", default: process.env.JAVA_HOME ? `${process.env.JAVA_HOME}/bin/java` : "java" },
    chromium: { type: "string", default: process.env.CHROMIUM ?? "/usr/bin/chromium" },
  },
});
const rows = Number(args.rows);
const dir = mkdtempSync(join(tmpdir(), "rkme-bench-"));
const csv = join(dir, `bench-${rows}x64.csv`);

// The digits (1,437 training rows × 64, pixel counts 0–16) resampled with Gaussian noise of σ = 1: realistic, seeded data.
const digits = gunzipSync(readFileSync("fixtures/data/digits-train.csv.gz")).toString("utf8").trim().split("\n");
const header = digits[0].split(",");
const labelAt = header.indexOf("label");
const source = digits.slice(1).map((line) =>
  line
    .split(",")
    .filter((_, i) => i !== labelAt)
    .map(Number),
);
let state = 20261206;
const uniform = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) + 0.5) / 2 ** 32;
const gaussian = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
await new Promise((done) => {
  const out = createWriteStream(csv);
  out.write(`${Array.from({ length: 64 }, (_, c) => `p${c}`).join(",")}\n`);
  let chunk = [];
  for (let i = 0; i < rows; i++) {
    const row = source[Math.floor(uniform() * source.length)];
    chunk.push(row.map((v) => (v + gaussian()).toFixed(4)).join(","));
    if (chunk.length === 1000) {
      out.write(`${chunk.join("\n")}\n`);
      chunk = [];
    }
  }
  out.end(chunk.length ? `${chunk.join("\n")}\n` : "", done);
});
console.log(
  `bench: ${csv}, ${rows.toLocaleString("en")} rows × 64 columns, ${(statSync(csv).size / 1e6).toFixed(1)} MB`,
);

// The built UI with the market's security headers (marketplace-api SecurityHeaders.CSP); the API is absent
// except for the search, whose RKME is kept.
const site = resolve("web-ui/target/classes/META-INF/resources");
const csp =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self';" +
  " object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml" };
let searched = null;
const server = createServer((request, response) => {
  const url = new URL(request.url, "http://localhost");
  if (url.pathname === "/api/v1/search" && request.method === "POST") {
    const body = [];
    request.on("data", (part) => body.push(part));
    request.on("end", () => {
      searched = JSON.parse(Buffer.concat(body).toString("utf8"));
      response.writeHead(200, { "Content-Type": "application/json" });
      response.end(JSON.stringify({ single: [], total: 0, offset: 0, limit: 20 }));
    });
    return;
  }
  if (url.pathname.startsWith("/api/")) {
    response.writeHead(404, { "Content-Type": "application/problem+json" });
    response.end(JSON.stringify({ title: "Not Found", status: 404 }));
    return;
  }
  const path = url.pathname === "/" ? "/index.html" : url.pathname;
  try {
    const body = readFileSync(join(site, path));
    response.writeHead(200, {
      "Content-Type": types[extname(path)] ?? "application/octet-stream",
      "Content-Security-Policy": csp,
    });
    response.end(body);
  } catch {
    response.writeHead(404);
    response.end();
  }
});
await new Promise((done) => server.listen(0, "127.0.0.1", done));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: args.chromium,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
});
const times = [];
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(300_000);
  const problems = [];
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load") && problems.push(m.text()));
  for (let run = 1; run <= Number(args.runs); run++) {
    // A fresh page each run (a query string, so that the browser does not just change the hash).
    await page.goto(`${base}/?run=${run}#/`);
    await page.locator(".dropzone").waitFor();
    searched = null;
    const started = Date.now();
    await page.locator("#rkme-file").setInputFiles(csv);
    const summary = page.getByText(/Summarised in this browser in [0-9.]+ s/);
    await summary.waitFor().catch(async (e) => {
      throw new Error(`no summary; the drop zone says: ${await page.locator(".dropzone").textContent()}`, { cause: e });
    });
    const wall = (Date.now() - started) / 1000;
    const own = Number((await summary.textContent()).match(/in ([0-9.]+) s/)[1]);
    times.push(own);
    console.log(
      `bench: run ${run}: ${own} s in the worker (read, parse, RKME), ${wall.toFixed(2)} s from choosing the file to the summary on the page`,
    );
  }
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  console.log(
    `bench: navigator.hardwareConcurrency ${cores}: ${cores > 1 ? "a helper worker shares the passes" : "one worker"}`,
  );
  if (problems.length) throw new Error(`errors in the page:\n${problems.join("\n")}`);
  for (let tries = 0; !searched && tries < 100; tries++) await new Promise((r) => setTimeout(r, 100));
  if (!searched?.statistical) throw new Error("the page sent no RKME");
  writeFileSync(join(dir, "browser-rkme.json"), JSON.stringify(searched.statistical));
} finally {
  await browser.close();
  server.close();
}
const sorted = [...times].sort((a, b) => a - b);
console.log(`bench: browser ${sorted.join(", ")} s over ${times.length} runs`);

if (args.cli) {
  const started = Date.now();
  execFileSync(
    args.java,
    ["-cp", "cli/target/cli.jar:cli/target/lib/*", "io.learnware.cli.LearnwareCli", "spec", "rkme"].concat([
      "--csv",
      csv,
      "--out",
      join(dir, "java-rkme.json"),
      "--quiet",
    ]),
    { stdio: "inherit" },
  );
  console.log(`bench: CLI spec rkme ${((Date.now() - started) / 1000).toFixed(2)} s (JVM start included)`);
  const java = JSON.parse(readFileSync(join(dir, "java-rkme.json"), "utf8"));
  const browserRkme = JSON.parse(readFileSync(join(dir, "browser-rkme.json"), "utf8"));
  let maxDifference = 0;
  java.z.forEach((row, j) =>
    row.forEach((v, c) => (maxDifference = Math.max(maxDifference, Math.abs(v - browserRkme.z[j][c])))),
  );
  console.log(`bench: largest |z_browser − z_java| ${maxDifference.toExponential(2)}`);
}
if (!args.keep) rmSync(dir, { recursive: true, force: true });
