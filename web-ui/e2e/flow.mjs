// End to end through the web UI in a real browser (Debian's Chromium driven by playwright-core), against a
// started market with a worker (e2e/run.sh starts one): sign in, upload a learnware with the form, find it
// by text and by a statistical spec, open its page, request a distillation and watch its progress to the
// end, open the new version and see its lineage; a robustness evaluation fills the report plots; two
// learnwares are combined and published as an ensemble whose page lists its pinned members; an organisation
// gets a private learnware that a second user sees only once they are a member; a read-only token is made
// and revoked on the tokens page.
// Screenshots of the main pages at 1280 px and 390 px go to --screenshots.
//
//   node web-ui/e2e/flow.mjs --base URL --admin-token TOKEN --rkme my-rkme.json --screenshots docs/screenshots
import { chromium } from "playwright-core";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    base: { type: "string" },
    "admin-token": { type: "string" },
    rkme: { type: "string" },
    // How to run the CLI (java and its class path), for the search the browser's must agree with.
    java: { type: "string", default: "java" },
    "cli-classpath": { type: "string", default: "cli/target/cli.jar:cli/target/lib/*" },
    screenshots: { type: "string", default: "docs/screenshots" },
    chromium: { type: "string", default: process.env.CHROMIUM ?? "/usr/bin/chromium" },
  },
});
const base = args.base;
const fixtures = resolve("fixtures");
const shots = resolve(args.screenshots);
mkdirSync(shots, { recursive: true });
const started = Date.now();
const step = (text) => console.log(`e2e [${((Date.now() - started) / 1000).toFixed(1)} s] ${text}`);

// axe-core's WCAG 2.1 A/AA and best-practice rules, run in the page; any violation fails the flow.
const axeSource = readFileSync(resolve("web-ui/node_modules/axe-core/axe.min.js"), "utf8");
async function audit(page, name) {
  // Evaluated over the DevTools protocol: the page's own CSP (scripts from self only) forbids inline scripts.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () =>
    (await window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"] })).violations.map(
      (v) => `${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}: ${v.help}`,
    ),
  );
  check(violations.length === 0, `accessibility of ${name}:\n${violations.join("\n")}`);
}

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

// A fresh user for this run, created through the API as an operator would.
const username = `e2e${Date.now().toString(36)}`.slice(0, 20);
const created = await fetch(`${base}/api/v1/users`, {
  method: "POST",
  headers: { Authorization: `Bearer ${args["admin-token"]}`, "Content-Type": "application/json" },
  body: JSON.stringify({ username }),
});
check(created.status === 201, `user created (${created.status})`);
const { token } = await created.json();

/** Another user, through the API as an operator would; returns their first token. */
async function createUser(name) {
  const answer = await fetch(`${base}/api/v1/users`, {
    method: "POST",
    headers: { Authorization: `Bearer ${args["admin-token"]}`, "Content-Type": "application/json" },
    body: JSON.stringify({ username: name }),
  });
  check(answer.status === 201, `user ${name} created (${answer.status})`);
  return (await answer.json()).token;
}

const browser = await chromium.launch({
  executablePath: args.chromium,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
  ],
});
const problems = [];
try {
  const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await desktop.newPage();
  page.setDefaultTimeout(30_000);
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  // Refused requests (the deliberate 400 below) are checked where they happen, not as console noise.
  page.on(
    "console",
    (message) =>
      message.type() === "error" &&
      !message.text().startsWith("Failed to load resource") &&
      problems.push(`console: ${message.text()}`),
  );
  const shoot = async (name) => {
    await page.evaluate(() => window.scrollTo(0, 0)); // a sticky header would be drawn mid-page
    await page.waitForTimeout(300); // let charts lay out after their resize observers fire
    await page.screenshot({ path: `${shots}/${name}-1280.png`, fullPage: true });
    await audit(page, `${name} (1280 px)`);
  };

  step("sign in with a token");
  await page.goto(`${base}/#/signin`);
  await page.getByLabel("API token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText(username, { exact: true }).waitFor();
  // Signing in ends on the browse page: wait for it, so that no late navigation overtakes the next click.
  await page.waitForURL((url) => !url.hash.includes("signin"));

  step("upload a learnware with the form, spec filled from a file, live validation");
  await page.getByRole("link", { name: "Upload", exact: true }).click();
  await page.getByRole("heading", { name: "Upload a learnware" }).waitFor();
  await page.locator("input[type=file]").first().setInputFiles(`${fixtures}/digits-mlp/spec.json`);
  await page.getByText("Filled in from spec.json").waitFor();
  await page.locator("#rkme-upload").setInputFiles(args.rkme);
  await page.getByText(/Statistical summary from .* added/).waitFor();
  await page.getByLabel("Name (in the URL)").fill("digits");
  // A wrong class count is caught in the browser, next to its field, before anything is sent.
  await page.getByLabel("Classes").fill("9");
  await page.getByLabel("Classes").blur();
  await page.getByText("has 10 labels but the output dimension is 9").waitFor();
  await page.getByLabel("Classes").fill("10");
  check(
    (await page.getByText("has 10 labels but the output dimension is 9").count()) === 0,
    "the violation clears when fixed",
  );
  await page.getByLabel("Model file").setInputFiles(`${fixtures}/digits-mlp/model.pt`);
  await page.getByText("Ready to upload").waitFor();
  // What only the market can check comes back as problem details, shown at the field they name.
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  const extractorField = page.locator(".field", { has: page.getByLabel("Feature extractor file") });
  await extractorField.getByText("names 'features.pt' but no 'file' part has that file name").waitFor();
  await page.getByText("The market refused the upload").waitFor();
  await page.getByLabel("Extra files (optional)").setInputFiles(`${fixtures}/digits-mlp/features.pt`);
  check(
    (await extractorField.locator(".field-error").count()) === 0,
    "the server's violation clears when the files change",
  );
  await shoot("upload");
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  await page.getByRole("heading", { name: `Uploaded ${username}/digits@1` }).waitFor();

  step("the new version is validated by the worker");
  await page.getByRole("link", { name: "Open the learnware" }).click();
  await page.locator(".lw-head .badge-usable").waitFor({ timeout: 60_000 });
  await page.getByRole("heading", { level: 1, name: "Handwritten digits MLP" }).waitFor();

  step("find it by text");
  await page.goto(`${base}/#/`);
  await page.getByLabel("Search learnwares").fill("handwritten digits");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  const byText = page.locator(".cards .card", { hasText: `${username}/digits` });
  await byText.waitFor();
  await shoot("browse");

  step("find it by a statistical spec of my data, with a score");
  await page.locator("#rkme-file").setInputFiles(args.rkme);
  await page.getByText(/ranked by fit to/).waitFor();
  const match = page.locator(".cards .card.match", { hasText: `${username}/digits@1` });
  await match.waitFor();
  const score = Number(await match.locator(".score-value").textContent());
  check(score > 0.9, `fit score of the learnware trained on this data (${score})`);
  await shoot("search-by-data");

  step("open its page: spec, reuse snippets, validation");
  await match.getByRole("link").click();
  await page.getByRole("heading", { level: 1, name: "Handwritten digits MLP" }).waitFor();
  await page.getByText("64 numbers per row").waitFor();
  await shoot("learnware");
  // Tabs follow the WAI-ARIA pattern: arrow keys move between them.
  await page.getByRole("tab", { name: "Overview" }).focus();
  await page.keyboard.press("ArrowRight");
  await page.getByRole("tab", { name: "Reuse", selected: true }).waitFor();
  await page.getByRole("tab", { name: "Java / DJL" }).click();
  await page.getByText('.optEngine("PyTorch")').waitFor();
  await shoot("reuse");
  await page.getByRole("tab", { name: "Validation" }).click();
  await page.getByText("verdict: usable").waitFor();

  step("request a data-free distillation and follow it live");
  await page.getByRole("tab", { name: "Run a job" }).click();
  await page.getByLabel("Hidden layer sizes").fill("32");
  await page.getByLabel("Epochs").fill("600");
  await page.getByRole("button", { name: "Request distillation" }).click();
  const job = page.locator(".card.job.highlighted");
  await job.waitFor();
  const progress = job.getByRole("progressbar");
  const seen = new Set();
  let shotRunning = false;
  for (const deadline = Date.now() + 180_000; Date.now() < deadline;) {
    seen.add(Number(await progress.getAttribute("aria-valuenow")));
    const state = (await job.locator(".badge").textContent()).trim();
    if (state === "running" && !shotRunning && seen.size > 1) {
      await shoot("job-running");
      shotRunning = true;
    }
    if (["succeeded", "failed", "cancelled"].includes(state)) break;
    await page.waitForTimeout(150);
  }
  const finalState = (await job.locator(".badge").textContent()).trim();
  check(
    finalState === "succeeded",
    `distillation succeeded (it ${finalState}: ${await job.locator(".job-message").textContent()})`,
  );
  check(Number(await progress.getAttribute("aria-valuenow")) === 100, "progress reached 100 %");
  step(`progress values seen: ${[...seen].sort((a, b) => a - b).join(", ")}`);
  check(
    [...seen].some((value) => value > 0 && value < 100),
    "the progress bar moved while the job ran (live events)",
  );
  await job.getByText("fidelity to teacher").waitFor();
  await shoot("jobs");

  step("open the new version and see its lineage");
  await job.getByRole("link", { name: `Open ${username}/digits-distilled@1` }).click();
  await page.getByRole("heading", { level: 1, name: /distilled/ }).waitFor();
  await page.getByRole("tab", { name: "Lineage" }).click();
  const lineage = page.locator(".lineage svg");
  await lineage.getByText(`${username}/digits@1`, { exact: true }).waitFor();
  await lineage.getByText("distilled", { exact: true }).waitFor();
  await shoot("lineage");
  await page.getByRole("tab", { name: "Reports" }).click();
  await page.getByText("Training history").waitFor();
  await shoot("distilled-reports");
  // The teacher's lineage shows the student as its child.
  await lineage.count();
  await page.goto(`${base}/#/l/${username}/digits/1?tab=lineage`);
  await page.locator(".lineage svg").getByText(`${username}/digits-distilled@1`, { exact: true }).waitFor();

  step("cancel a running distillation");
  await page.goto(`${base}/#/l/${username}/digits/1?tab=jobs`);
  await page.getByLabel("Epochs").fill("10000");
  await page.getByLabel("Result learnware (optional)").fill(`${username}/never`);
  await page.getByRole("button", { name: "Request distillation" }).click();
  const long = page.locator(".card.job.highlighted");
  await long.locator(".badge-running").waitFor({ timeout: 60_000 });
  await long.getByRole("button", { name: "Cancel" }).click();
  await long.locator(".badge-cancelled").waitFor();
  check((await long.getByRole("button", { name: "Cancel" }).count()) === 0, "a cancelled job offers no cancel");

  step("evaluate an image classifier's robustness on an uploaded labelled CSV; the report is plotted");
  // The digits CNN is uploaded through the API (the form was exercised above); its rows are 1×8×8 images.
  const form = new FormData();
  form.append(
    "spec",
    new Blob([readFileSync(`${fixtures}/digits-cnn/spec.json`)], { type: "application/json" }),
    "spec.json",
  );
  form.append("model", new Blob([readFileSync(`${fixtures}/digits-cnn/model.pt`)]), "model.pt");
  const cnn = await fetch(`${base}/api/v1/learnwares/${username}/digits-cnn/versions`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}` },
    body: form,
  });
  check(cnn.status === 201, `CNN uploaded (${cnn.status})`);
  await page.goto(`${base}/#/l/${username}/digits-cnn/1?tab=jobs`);
  await page.locator(".lw-head .badge-usable").waitFor({ timeout: 60_000 });
  await page.getByText("Evaluate robustness").click();
  await page.getByLabel("Noise σ values").fill("0, 0.1, 0.2, 0.4");
  await page.getByLabel("CSV file").setInputFiles(`${fixtures}/data/digits-train.csv.gz`);
  await page.getByRole("button", { name: "Request robustness evaluation" }).click();
  const evaluation = page.locator(".card.job.highlighted");
  await evaluation.locator(".badge-succeeded").waitFor({ timeout: 180_000 });
  await evaluation.getByRole("link", { name: "See the report" }).click();
  await page.getByText("Accuracy vs noise σ").waitFor();
  await page.getByText("Accuracy vs ε (L∞)").waitFor();
  await page.getByText("Accuracy under corruptions").waitFor();
  await shoot("reports");

  step("evaluate the digits CNN on the bundled benchmark set; the version shows it under its data set");
  await page.goto(`${base}/#/l/${username}/digits-cnn/1?tab=jobs`);
  await page.getByText("Evaluate on my data").click();
  await page.getByText("A labelled benchmark set bundled with the workers").click();
  await page.getByLabel("Benchmark set", { exact: true }).selectOption("digits-test");
  await page.getByRole("button", { name: "Request evaluation" }).click();
  const evaluated = page.locator(".card.job.highlighted");
  await evaluated.locator(".badge-succeeded").waitFor({ timeout: 180_000 });
  await evaluated.getByText("calibration error (ECE)").waitFor();
  await evaluated.getByRole("link", { name: "See the report" }).click();
  await page.getByRole("heading", { name: "Evaluated on benchmark digits-test" }).waitFor();
  check((await page.locator("table.confusion tbody tr").count()) === 10, "a 10 × 10 confusion matrix");
  await page.locator("svg.reliability .bin").first().waitFor();
  await shoot("evaluation");

  step("transfer the digits MLP's feature extractor to a labelled CSV; the new version shows the gain");
  await page.goto(`${base}/#/l/${username}/digits/1?tab=jobs`);
  // The page shows the CNN it came from until the MLP has loaded: wait for the MLP's form.
  await page.getByRole("heading", { name: `Run a job on ${username}/digits@1` }).waitFor();
  await page.getByText("Transfer to my data").click();
  await page.getByLabel("Epochs").fill("15");
  await page.getByLabel("CSV file").setInputFiles(`${fixtures}/data/digits-train.csv.gz`);
  await page.getByRole("button", { name: "Request transfer" }).click();
  const transfer = page.locator(".card.job.highlighted");
  await transfer.locator(".badge-succeeded").waitFor({ timeout: 180_000 });
  await transfer.getByText("baseline accuracy").waitFor();
  await transfer.getByRole("link", { name: `Open ${username}/digits-transferred@1` }).click();
  await page.getByRole("heading", { level: 1, name: /transferred/ }).waitFor();
  await page.getByRole("tab", { name: "Lineage" }).click();
  await page.locator(".lineage svg").getByText("transferred", { exact: true }).waitFor();

  step("combine two learnwares trained on halves of the digits and publish the ensemble; its page shows the members");
  for (const half of ["digits-low", "digits-high"]) {
    const upload = new FormData();
    upload.append(
      "spec",
      new Blob([readFileSync(`${fixtures}/${half}/spec.json`)], { type: "application/json" }),
      "spec.json",
    );
    upload.append("model", new Blob([readFileSync(`${fixtures}/${half}/model.pt`)]), "model.pt");
    const uploaded = await fetch(`${base}/api/v1/learnwares/${username}/${half}/versions`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
      body: upload,
    });
    check(uploaded.status === 201, `${half} uploaded (${uploaded.status})`);
  }
  // A reuse job combines USABLE versions: wait for both validations (through the API, which a page that
  // still shows the previous version cannot confuse).
  for (const half of ["digits-low", "digits-high"]) {
    for (let tries = 0; ; tries++) {
      const v = await (await fetch(`${base}/api/v1/learnwares/${username}/${half}/versions/1`)).json();
      if (v.state === "USABLE") break;
      check(v.state === "PENDING" && tries < 300, `${half} validated (${v.state})`);
      await page.waitForTimeout(200);
    }
  }
  await page.goto(`${base}/#/l/${username}/digits-low/1?tab=jobs`);
  await page.getByRole("heading", { name: `Run a job on ${username}/digits-low@1` }).waitFor();
  await page.getByText("Combine with others").click();
  await page.getByLabel(/Other learnwares to combine/).fill(`${username}/digits-high`);
  await page.getByLabel("Publish the ensemble as a learnware").check();
  await page.getByLabel("Combined by").selectOption("mean");
  await page.getByLabel("CSV file").setInputFiles(`${fixtures}/data/digits-test.csv.gz`);
  await page.getByLabel("Result learnware (optional)").fill(`${username}/digits-both`);
  await page.getByRole("button", { name: "Request and publish the ensemble" }).click();
  // The request is refused with an error box, or accepted and the job's card shown.
  await page.locator(".card.job.highlighted, .job-form .error-box").first().waitFor();
  const refused = page.locator(".job-form .error-box");
  check((await refused.count()) === 0, `the reuse job was requested: ${await refused.allTextContents()}`);
  const combined = page.locator(".card.job.highlighted");
  await combined.locator(".badge-succeeded").waitFor({ timeout: 180_000 });
  await combined.getByRole("link", { name: `Open ${username}/digits-both@1` }).click();
  await page.getByRole("heading", { name: "Published ensemble" }).waitFor();
  const members = page.locator(".ensemble-members li a");
  check((await members.count()) === 2, "the ensemble lists its two pinned members");
  check(
    (await members.allTextContents()).join(" ") === `${username}/digits-low@1 ${username}/digits-high@1`,
    "the members in the order they were combined",
  );
  // It is validated like an upload: the worker loads it with its members.
  await page.locator(".lw-head .badge-usable").waitFor({ timeout: 60_000 });
  await page.getByRole("tab", { name: "Lineage" }).click();
  await page
    .getByText(/combined from/)
    .first()
    .waitFor();
  await shoot("ensemble");

  step(
    "drop a CSV on the search page: its RKME is built in the browser, only the RKME is sent, same top result as the CLI",
  );
  await page.goto(`${base}/#/`);
  await page.locator(".dropzone").waitFor();
  const csvPath = `${fixtures}/data/digits-train.csv.gz`;
  const sent = [];
  const record = (request) =>
    request.postData() !== null && sent.push({ url: request.url(), body: request.postData() });
  page.on("request", record);
  // A real drop: a DataTransfer holding the file, dispatched on the drop zone.
  const dataTransfer = await page.evaluateHandle(
    (bytes) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], "digits-train.csv.gz"));
      return transfer;
    },
    [...readFileSync(csvPath)],
  );
  await page.dispatchEvent(".dropzone", "drop", { dataTransfer });
  await page
    .getByText(/Summarised in this browser in [0-9.]+ s: 1,437 rows × 64 features, 100 reduced points/)
    .waitFor();
  await page.getByText("ranked by fit to digits-train.csv.gz").waitFor();
  const browserTop = page.locator(".cards .card.match").first();
  await browserTop.waitFor();
  page.off("request", record);
  check(
    (await page.getByLabel("Label column (left out of the features)").inputValue()) === "label",
    "the column named label is left out",
  );
  const searches = sent.filter((request) => request.url.endsWith("/api/v1/search"));
  check(searches.length > 0, "the page searched with the RKME");
  for (const request of sent) {
    const body = JSON.parse(request.body);
    check(
      request.url.endsWith("/api/v1/search") && Object.keys(body.statistical ?? {}).includes("z"),
      `only RKME searches were sent while the file was summarised, not ${request.url}`,
    );
    check(body.statistical.numPoints === 1437 && body.statistical.z.length === 100, "the RKME of the 1,437 rows");
  }
  const cli = JSON.parse(
    execFileSync(
      args.java,
      [
        "-cp",
        args["cli-classpath"],
        "io.learnware.cli.LearnwareCli",
        "search",
        "--server",
        base,
        "--token",
        token,
      ].concat(["--stat", args.rkme, "--limit", "5", "--json"]),
      { encoding: "utf8" },
    ),
  );
  const cliTop = cli.single[0];
  const browserTopRef = await browserTop.locator(".ref").textContent();
  check(
    browserTopRef === cliTop.learnware,
    `the browser's top match (${browserTopRef}) is the CLI's (${cliTop.learnware})`,
  );
  const browserScore = Number(await browserTop.locator(".score-value").textContent());
  check(Math.abs(browserScore - cliTop.score) < 0.01, `same fit score (${browserScore} vs ${cliTop.score})`);
  step(`top match ${cliTop.learnware}, score ${cliTop.score} (CLI) and ${browserScore} (browser)`);
  await shoot("search-by-csv");

  // A CSV that does not fit is explained, not sent.
  await page.getByRole("button", { name: "Remove" }).click();
  await page.locator("#rkme-file").setInputFiles({
    name: "ragged.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("a,b,label\n1,2,x\n3,4\n"),
  });
  await page.getByText('ragged.csv line 3, column 3 ("label"): missing; the row has 2 cells, the header 3').waitFor();

  step("create an organisation and upload a private learnware into it with the form");
  const org = `${username}-lab`;
  await page.getByRole("link", { name: "Organisations" }).click();
  await page.getByLabel("New organisation").fill(org);
  await page.getByRole("button", { name: "Create organisation" }).click();
  await page.getByRole("heading", { level: 1, name: org }).waitFor();
  check(
    (await page.getByLabel(`Role of ${username}`).inputValue()) === "admin",
    "the organisation's creator is its first admin",
  );
  await page.getByRole("link", { name: "Upload", exact: true }).click();
  await page.getByRole("heading", { name: "Upload a learnware" }).waitFor();
  await page.locator("input[type=file]").first().setInputFiles(`${fixtures}/digits-mlp/spec.json`);
  await page.getByText("Filled in from spec.json").waitFor();
  await page.getByLabel("Owner", { exact: true }).selectOption(org);
  await page.getByRole("radio", { name: /^Private/ }).check();
  await page.getByLabel("Name (in the URL)").fill("secret-digits");
  await page.getByLabel("Model file").setInputFiles(`${fixtures}/digits-mlp/model.pt`);
  await page.getByLabel("Extra files (optional)").setInputFiles(`${fixtures}/digits-mlp/features.pt`);
  await page.getByText("Ready to upload").waitFor();
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  await page.getByRole("heading", { name: `Uploaded ${org}/secret-digits@1` }).waitFor();
  await page.getByRole("link", { name: "Open the learnware" }).click();
  await page.locator(".lw-head .badge-usable").waitFor({ timeout: 60_000 });
  await page.locator(".lw-head .badge-private").waitFor();

  step("its admins change its visibility on the Access tab; the audit log records it");
  await page.getByRole("tab", { name: "Access" }).click();
  const auditLog = page.locator(".audit-table");
  await auditLog.getByText("version.uploaded").waitFor();
  await page.getByRole("button", { name: "Make public" }).click();
  await page.getByRole("button", { name: "Make private" }).waitFor();
  check((await page.locator(".lw-head .badge-private").count()) === 0, "a public learnware has no private badge");
  await page.getByRole("button", { name: "Make private" }).click();
  await page.locator(".lw-head .badge-private").waitFor();
  await auditLog.getByText("public → private").waitFor();
  await shoot("access");

  step("a user outside the organisation neither finds it nor opens it");
  const outsider = `${username}-b`;
  const outsiderToken = await createUser(outsider);
  const second = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const other = await second.newPage();
  other.setDefaultTimeout(30_000);
  other.on("pageerror", (error) => problems.push(`page error (second user): ${error.message}`));
  await other.goto(`${base}/`);
  await other.evaluate((value) => localStorage.setItem("learnware.token", value), outsiderToken);
  await other.reload();
  await other.getByText(outsider, { exact: true }).waitFor();
  await other.goto(`${base}/#/?owner=${org}`);
  await other.getByRole("heading", { name: "0 learnwares" }).waitFor();
  await other.goto(`${base}/#/l/${org}/secret-digits`);
  await other.getByRole("heading", { level: 1, name: "Learnware not found" }).waitFor();
  check((await other.locator(".error-box").count()) === 0, "a hidden learnware is 'not found', not an error");
  // A public learnware's lineage keeps the edge to a private parent without naming it.
  const setVisibility = async (visibility) => {
    const answer = await fetch(`${base}/api/v1/learnwares/${username}/digits/visibility`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ visibility }),
    });
    check(answer.status === 200, `${username}/digits made ${visibility} (${answer.status})`);
  };
  await setVisibility("private");
  await other.goto(`${base}/#/l/${username}/digits-distilled/1?tab=lineage`);
  await other.locator(".lineage-summary").getByText("distilled from a private learnware").waitFor();
  await other.locator(".lineage svg .node.private").waitFor();
  check(
    (await other.locator(`.lineage a[href*="/${username}/digits/"]`).count()) === 0,
    "no link to the private parent",
  );
  await setVisibility("public");

  step("an admin adds them as a read member; now they see it, badged private");
  await page.goto(`${base}/#/orgs/${org}`);
  await page.getByLabel("Add a member").fill(outsider);
  await page.getByLabel("Role of the new member").selectOption("read");
  await page.getByRole("button", { name: "Add member" }).click();
  check((await page.getByLabel(`Role of ${outsider}`).inputValue()) === "read", "the new member has the read role");
  await page.locator(".audit-table").getByText(`${outsider} as read`).waitFor();
  await shoot("organisation");
  await other.goto(`${base}/#/?owner=${org}`);
  const shared = other.locator(".cards .card", { hasText: `${org}/secret-digits` });
  await shared.waitFor();
  await shared.locator(".badge-private").waitFor();
  await shared.getByRole("link").click();
  await other.getByRole("heading", { level: 1, name: "Handwritten digits MLP" }).waitFor();
  await other.locator(".lw-head .badge-private").waitFor();
  check((await other.getByRole("tab", { name: "Access" }).count()) === 0, "a read member gets no Access tab");
  await second.close();

  step("make a read-only token on the tokens page, see it listed, revoke it");
  await page.getByRole("link", { name: "Tokens" }).click();
  await page.getByRole("heading", { level: 1, name: "API tokens" }).waitFor();
  await page.locator(".token-table").getByText("this browser").waitFor();
  await page.getByLabel("Name", { exact: true }).fill("e2e-read");
  for (const scope of ["write", "jobs", "admin"]) {
    check(!(await page.getByRole("checkbox", { name: new RegExp(`^${scope} `) }).isChecked()), `${scope} unticked`);
  }
  check(await page.getByRole("checkbox", { name: /^read / }).isChecked(), "read ticked by default");
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.locator(".secret code").textContent()).trim();
  check(secret.startsWith("lw_"), "the new token's secret is shown once");
  const row = page.locator(".token-table tr", { hasText: "e2e-read" });
  await row.waitFor();
  check((await row.locator("td").nth(2).textContent()) === "read", "the new token has the read scope only");
  const me = await (await fetch(`${base}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } })).json();
  check(JSON.stringify(me.scopes) === '["read"]', `the new token is read-only (${JSON.stringify(me.scopes)})`);
  await row.getByRole("button", { name: "Revoke e2e-read" }).click();
  await row.waitFor({ state: "detached" });
  const revoked = await fetch(`${base}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } });
  check(revoked.status === 401, `a revoked token is refused (${revoked.status})`);
  await shoot("tokens");

  step("narrow screens (390 px)");
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const small = await phone.newPage();
  small.on("pageerror", (error) => problems.push(`page error (390 px): ${error.message}`));
  await small.goto(`${base}/`);
  await small.evaluate((value) => localStorage.setItem("learnware.token", value), token);
  await small.reload();
  await small.getByRole("button", { name: "Menu" }).waitFor();
  for (const [name, path, ready] of [
    ["browse", "#/", ".cards .card"],
    ["learnware", `#/l/${username}/digits/1`, ".spec-grid"],
    ["reports", `#/l/${username}/digits-cnn/1?tab=reports`, ".plot"],
    ["lineage", `#/l/${username}/digits-distilled/1?tab=lineage`, ".lineage svg"],
    ["jobs", "#/jobs", ".card.job"],
    ["upload", "#/upload", "form.upload"],
    ["organisation", `#/orgs/${username}-lab`, ".members"],
    ["tokens", "#/tokens", ".token-table"],
  ]) {
    await small.goto(`${base}/${path}`);
    await small.locator(ready).first().waitFor();
    await small.waitForTimeout(300);
    const overflow = await small.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    check(overflow <= 0, `no horizontal overflow at 390 px on ${name} (${overflow} px)`);
    await small.screenshot({ path: `${shots}/${name}-390.png`, fullPage: true });
    await audit(small, `${name} (390 px)`);
  }
  check(problems.length === 0, `no errors in the pages:\n${problems.join("\n")}`);
  step("passed");
} finally {
  await browser.close();
}
