import { useEffect, useState } from "preact/hooks";
import { isNotFound, type LearnwareView, type VersionView } from "../lib/api";
import { api, API_BASE, useSession } from "../lib/session";
import { can } from "../lib/access";
import { href, navigate } from "../lib/router";
import { plotsOf } from "../lib/reports";
import { snippets } from "../lib/snippets";
import {
  CopyButton,
  ErrorBox,
  formatBytes,
  formatDate,
  Loading,
  PrivateBadge,
  StateBadge,
  Tabs,
  Tag,
} from "../components/common";
import { AuditLog } from "../components/AuditLog";
import { CorruptionTable, LinePlot } from "../components/Plot";
import { LineageGraph } from "../components/Lineage";
import { EnsembleMembers } from "../components/Ensemble";
import { Evaluations } from "../components/Evaluation";
import { JobForm } from "./JobForm";

const TABS = [
  { id: "overview", label: "Overview" },
  { id: "reuse", label: "Reuse" },
  { id: "reports", label: "Reports" },
  { id: "lineage", label: "Lineage" },
  { id: "versions", label: "Versions" },
  { id: "validation", label: "Validation" },
  { id: "jobs", label: "Run a job" },
];
/** For admins of the learnware's namespace: its visibility and audit log. */
const ACCESS_TAB = { id: "access", label: "Access" };

const REPORT_TITLES: Record<string, string> = {
  robustness: "Robustness",
  validate: "Validation",
  validation: "Validation",
  distill: "Distillation",
  transfer: "Transfer",
  evaluate: "Evaluation",
};

export function LearnwarePage({
  owner,
  name,
  version,
  tab,
}: {
  owner: string;
  name: string;
  version?: string;
  tab?: string;
}) {
  const [learnware, setLearnware] = useState<LearnwareView | null>(null);
  const [current, setCurrent] = useState<VersionView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);
  const { user } = useSession();
  const tabs = can(user, owner, "admin") ? [...TABS, ACCESS_TAB] : TABS;
  const active = tabs.some((t) => t.id === tab) ? tab! : "overview";

  useEffect(() => {
    let cancelled = false;
    setError(null);
    (async () => {
      const view = await api.learnware(owner, name);
      // Without a usable or pending version "latest" does not exist; show the newest one then.
      const ref = version ?? view.latest ?? view.versions[view.versions.length - 1]?.version ?? "latest";
      const shown = await api.version(owner, name, ref);
      if (!cancelled) {
        setLearnware(view);
        setCurrent(shown);
      }
    })().catch((e) => !cancelled && setError(e));
    return () => {
      cancelled = true;
    };
  }, [owner, name, version, reload]);

  // A pending version turns usable or invalid within seconds: look again until it has.
  useEffect(() => {
    if (current?.state !== "PENDING") return;
    const timer = setTimeout(() => setReload((n) => n + 1), 1500);
    return () => clearTimeout(timer);
  }, [current]);

  if (isNotFound(error)) return <NotFound owner={owner} name={name} version={version} signedIn={!!user} />;
  if (error) return <ErrorBox error={error} />;
  if (!learnware || !current) return <Loading />;
  const spec = current.spec;
  const select = (id: string) => navigate(href.learnware(owner, name, version, id === "overview" ? undefined : id));

  return (
    <article class="learnware">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href={href.browse()}>Learnwares</a> <span aria-hidden="true">/</span>{" "}
        <a href={href.browse(new URLSearchParams({ owner }))}>{owner}</a> <span aria-hidden="true">/</span>{" "}
        <span>{name}</span>
      </nav>
      <header class="lw-head">
        <div>
          <h1>{spec.name}</h1>
          <p class="ref">
            {owner}/{name}@{current.version}
            {current.aliases.map((alias) => (
              <span class="chip alias" key={alias}>
                {alias}
              </span>
            ))}
            <StateBadge state={current.state} />
            <PrivateBadge visibility={current.visibility ?? learnware.visibility} />
          </p>
          <p class="meta">
            <span class="chip">{spec.dataType}</span>
            <span class="chip">{spec.task}</span>
            <span class="chip">licence {spec.license}</span>
            {(spec.tags ?? []).map((t) => (
              <Tag key={t}>{t}</Tag>
            ))}
          </p>
        </div>
        <div class="lw-actions">
          <a
            class="button primary"
            href={`${API_BASE}/learnwares/${owner}/${name}/versions/${current.version}/artifact`}
            download
          >
            Download model <span class="muted-inverse">{formatBytes(current.model.size)}</span>
          </a>
          <a class="button" href={href.learnware(owner, name, version, "jobs")}>
            Distil or evaluate
          </a>
        </div>
      </header>

      <Tabs tabs={tabs} active={active} onSelect={select} label="Learnware sections" />
      <div class="panel" role="tabpanel" id={`panel-${active}`} aria-labelledby={`tab-${active}`} tabIndex={0}>
        {active === "overview" && <Overview version={current} />}
        {active === "reuse" && <Reuse version={current} />}
        {active === "reports" && <Reports version={current} />}
        {active === "lineage" && (
          <section>
            <h2>Lineage</h2>
            <p class="muted">Where this version comes from and what was made from it. Select a node to open it.</p>
            <LineageGraph
              self={current.learnware}
              parents={current.lineage.parents}
              children={current.lineage.children}
            />
          </section>
        )}
        {active === "versions" && (
          <Versions learnware={learnware} current={current} onChange={() => setReload((n) => n + 1)} />
        )}
        {active === "validation" && <Validation version={current} />}
        {active === "jobs" && <JobForm version={current} />}
        {active === "access" && <Access learnware={learnware} onChange={() => setReload((n) => n + 1)} />}
      </div>
    </article>
  );
}

/** The market answers 404 for learnwares that do not exist and for private ones the caller may not see. */
function NotFound({
  owner,
  name,
  version,
  signedIn,
}: {
  owner: string;
  name: string;
  version?: string;
  signedIn: boolean;
}) {
  return (
    <section class="not-found">
      <h1>Learnware not found</h1>
      <p>
        There is no learnware{" "}
        <code>
          {owner}/{name}
          {version ? `@${version}` : ""}
        </code>{" "}
        that you can see.
        {signedIn ? "" : " If it is private, sign in as a member of its namespace."}
      </p>
      <p>
        <a href={href.browse()}>Back to the learnwares</a>
        {!signedIn && (
          <>
            {" · "}
            <a href={href.signin()}>Sign in</a>
          </>
        )}
      </p>
    </section>
  );
}

/** Visibility and audit log, for admins of the namespace. */
function Access({ learnware, onChange }: { learnware: LearnwareView; onChange: () => void }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const visibility = learnware.visibility ?? "public";
  const next = visibility === "private" ? "public" : "private";
  const change = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.setVisibility(learnware.owner, learnware.name, next);
      onChange();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="access">
      <section>
        <h2>Visibility</h2>
        <p>
          This learnware is <strong>{visibility}</strong>:{" "}
          {visibility === "private"
            ? `only members of ${learnware.owner} see it, its versions, reports and lineage; everyone else gets “not found”.`
            : "everyone can find it, open it and download it."}
        </p>
        <button type="button" class="button" disabled={busy} onClick={change}>
          {next === "public" ? "Make public" : "Make private"}
        </button>
        <ErrorBox error={error} />
      </section>
      <AuditLog namespace={learnware.owner} learnware={learnware.name} refresh={learnware} />
    </div>
  );
}

function Overview({ version }: { version: VersionView }) {
  const spec = version.spec;
  const input = spec.input ?? {};
  const labels = spec.output?.labels ?? [];
  return (
    <div class="overview">
      <section class="description-block">
        <h2>About</h2>
        <p class="description">{spec.description}</p>
      </section>
      <div class="spec-grid">
        {version.ensemble && <EnsembleMembers ensemble={version.ensemble} />}
        <section class="spec-card">
          <h3>Input</h3>
          {spec.dataType === "image" ? (
            <dl>
              <dt>image shape</dt>
              <dd>
                {input.channels} × {input.height} × {input.width} <span class="muted">(channels × height × width)</span>
              </dd>
              {input.range && (
                <>
                  <dt>pixel range</dt>
                  <dd>
                    {input.range[0]} … {input.range[1]}
                  </dd>
                </>
              )}
            </dl>
          ) : spec.dataType === "text" ? (
            <dl>
              <dt>max length</dt>
              <dd>{input.maxLength ?? "any"}</dd>
              <dt>tokenizer</dt>
              <dd>{input.tokenizer ?? "raw text"}</dd>
            </dl>
          ) : (
            <dl>
              <dt>features</dt>
              <dd>{input.dimension} numbers per row</dd>
            </dl>
          )}
          {input.features && (
            <details>
              <summary>All {input.features.length} features</summary>
              <div class="table-scroll">
                <table class="compact">
                  <thead>
                    <tr>
                      <th scope="col">#</th>
                      <th scope="col">name</th>
                      <th scope="col">meaning</th>
                    </tr>
                  </thead>
                  <tbody>
                    {input.features.map((f, i) => (
                      <tr key={f.name}>
                        <td>{i}</td>
                        <td>
                          <code>{f.name}</code>
                        </td>
                        <td>{f.description}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </details>
          )}
        </section>
        <section class="spec-card">
          <h3>Output</h3>
          <dl>
            <dt>{spec.task === "classification" ? "classes" : "dimension"}</dt>
            <dd>{spec.output?.dimension}</dd>
          </dl>
          {labels.length > 0 && (
            <ul class="labels" aria-label="Class labels">
              {labels.map((l) => (
                <li key={l}>{l}</li>
              ))}
            </ul>
          )}
        </section>
        <section class="spec-card">
          <h3>Model</h3>
          <dl>
            <dt>format</dt>
            <dd>{spec.model?.format}</dd>
            {spec.model?.framework && (
              <>
                <dt>framework</dt>
                <dd>{spec.model.framework}</dd>
              </>
            )}
            {spec.model?.architecture && (
              <>
                <dt>architecture</dt>
                <dd>
                  <code>{JSON.stringify(spec.model.architecture)}</code>
                </dd>
              </>
            )}
            {spec.model?.featureExtractor && (
              <>
                <dt>feature extractor</dt>
                <dd>
                  {spec.model.featureExtractor.file} → {spec.model.featureExtractor.dimension} features
                </dd>
              </>
            )}
            <dt>licence</dt>
            <dd>{spec.license}</dd>
          </dl>
        </section>
        <section class="spec-card">
          <h3>Statistical summary</h3>
          {spec.statistical ? (
            <dl>
              <dt>RKME</dt>
              <dd>
                {spec.statistical.z.length} points in {spec.statistical.dimension} dimensions
              </dd>
              <dt>summarises</dt>
              <dd>{spec.statistical.numPoints.toLocaleString("en")} training rows</dd>
              <dt>kernel γ</dt>
              <dd>{spec.statistical.gamma}</dd>
            </dl>
          ) : (
            <p class="muted">None: this learnware is found by text and filters, not by your data.</p>
          )}
        </section>
      </div>
      <details class="raw">
        <summary>Specification JSON</summary>
        <pre tabIndex={0}>{JSON.stringify({ ...spec, statistical: spec.statistical ? "…" : undefined }, null, 2)}</pre>
      </details>
    </div>
  );
}

function Reuse({ version }: { version: VersionView }) {
  const base = `${API_BASE}/learnwares/${version.owner}/${version.name}/versions/${version.version}`;
  const all = snippets(version, location.origin);
  const [which, setWhich] = useState(all[0].id);
  const snippet = all.find((s) => s.id === which) ?? all[0];
  return (
    <div class="reuse">
      <section>
        <h2>Downloads</h2>
        <ul class="downloads">
          <li>
            <a class="button" href={`${base}/artifact`} download>
              Model ({version.model.format}) · {formatBytes(version.model.size)}
            </a>
            <code class="sha" title="SHA-256">
              {version.model.sha256.slice(0, 16)}…
            </code>
          </li>
          <li>
            <a class="button" href={`${base}/spec`} download="spec.json">
              Specification (JSON)
            </a>
          </li>
          {(version.model.format === "torchscript" || version.model.format === "onnx") && (
            <li>
              <a class="button" href={`${base}/download?format=beimingwu`} download>
                Beimingwu learnware (zip)
              </a>
              <span class="muted">for Beimingwu's learnware package: model class, RKME, semantic spec</span>
            </li>
          )}
          {version.spec.statistical && (
            <li>
              <a class="button" href={`${base}/spec/statistical?format=beimingwu`} download="stat.json">
                RKME, Beimingwu format (JSON)
              </a>
            </li>
          )}
          {version.files.map((file) => (
            <li key={file.filename}>
              <a class="button" href={`${base}/files/${file.filename}`} download>
                {file.filename} · {formatBytes(file.size)}
              </a>
              <code class="sha" title="SHA-256">
                {file.sha256.slice(0, 16)}…
              </code>
            </li>
          ))}
        </ul>
      </section>
      <section>
        <h2>Use it in code</h2>
        <Tabs
          tabs={all.map((s) => ({ id: `snippet-${s.id}`, label: s.label }))}
          active={`snippet-${which}`}
          onSelect={(id) => setWhich(id.replace("snippet-", ""))}
          label="Snippets"
        />
        <div class="snippet" role="tabpanel" id={`panel-snippet-${which}`} aria-labelledby={`tab-snippet-${which}`}>
          <div class="snippet-bar">
            <span class="muted">{snippet.language}</span>
            <CopyButton text={snippet.code} />
          </div>
          <pre tabIndex={0} aria-label={`${snippet.label} snippet`}>
            <code>{snippet.code}</code>
          </pre>
        </div>
      </section>
    </div>
  );
}

function Reports({ version }: { version: VersionView }) {
  const plots = plotsOf(version.reports);
  if (!version.reports.length)
    return <p class="muted">No reports yet. Evaluate this learnware on your data from “Run a job”.</p>;
  return (
    <div class="reports">
      <Evaluations reports={version.reports} />
      {plots.map((plot, index) => (
        <section class="report" key={index}>
          <h2>{REPORT_TITLES[plot.type] ?? plot.type}</h2>
          {plot.headline.length > 0 && (
            <dl class="stats">
              {plot.headline.map((h) => (
                <div key={h.label}>
                  <dt>{h.label}</dt>
                  <dd>{h.value}</dd>
                </div>
              ))}
            </dl>
          )}
          <div class="plots">
            {plot.series.map((s) => (
              <LinePlot key={s.title} series={s} />
            ))}
            {plot.bars.map((b) => (
              <CorruptionTable key={b.title} bars={b} />
            ))}
          </div>
          {plot.notes.length > 0 && (
            <ul class="report-notes">
              {plot.notes.map((note) => (
                <li key={note.name}>
                  <strong>{note.name}</strong> {note.ran ? "ran" : "did not run"}: {note.reason}
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </div>
  );
}

function Versions({
  learnware,
  current,
  onChange,
}: {
  learnware: LearnwareView;
  current: VersionView;
  onChange: () => void;
}) {
  const { user } = useSession();
  const owns = can(user, learnware.owner, "write");
  const [alias, setAlias] = useState("");
  const [error, setError] = useState<unknown>(null);
  return (
    <div>
      <h2>Versions</h2>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">version</th>
              <th scope="col">state</th>
              <th scope="col">aliases</th>
              <th scope="col">size</th>
              <th scope="col">created</th>
            </tr>
          </thead>
          <tbody>
            {[...learnware.versions].reverse().map((v) => (
              <tr key={v.version} class={v.version === current.version ? "current" : ""}>
                <td>
                  <a
                    href={href.learnware(learnware.owner, learnware.name, v.version)}
                    aria-current={v.version === current.version ? "page" : undefined}
                  >
                    v{v.version}
                  </a>
                </td>
                <td>
                  <StateBadge state={v.state} />
                </td>
                <td>
                  {Object.entries(learnware.aliases)
                    .filter(([, n]) => n === v.version)
                    .map(([a]) => (
                      <span class="chip alias" key={a}>
                        {a}
                      </span>
                    ))}
                </td>
                <td>{formatBytes(v.size)}</td>
                <td>{formatDate(v.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {owns && (
        <form
          class="inline-form"
          onSubmit={async (e) => {
            e.preventDefault();
            setError(null);
            try {
              await api.setAlias(learnware.owner, learnware.name, alias.trim(), current.version);
              setAlias("");
              onChange();
            } catch (err) {
              setError(err);
            }
          }}
        >
          <label for="alias">Point an alias at v{current.version}</label>
          <input
            id="alias"
            value={alias}
            placeholder="prod"
            onInput={(e) => setAlias(e.currentTarget.value)}
            required
          />
          <button class="button" type="submit">
            Set alias
          </button>
        </form>
      )}
      <ErrorBox error={error} />
      {owns && (
        <p>
          <a href={href.upload(learnware.owner, learnware.name)}>Upload a new version</a>
        </p>
      )}
    </div>
  );
}

function Validation({ version }: { version: VersionView }) {
  const report = version.reports.find((r) => r.type === "validate" || r.type === "validation")?.report as
    Record<string, unknown> | undefined;
  return (
    <div>
      <h2>
        Validation <StateBadge state={version.state} />
      </h2>
      <p class="muted">
        {version.state === "PENDING"
          ? "A worker is loading and probing the model; this page updates when it is done."
          : version.state === "USABLE"
            ? "A worker loaded the model, probed it with inputs of the declared shape and checked its outputs."
            : "The model did not pass validation; the log says why."}
      </p>
      {report && (
        <dl class="stats">
          <div>
            <dt>loads</dt>
            <dd>{String(report.loads)}</dd>
          </div>
          <div>
            <dt>output shape</dt>
            <dd>{JSON.stringify(report.outputShape)}</dd>
          </div>
          <div>
            <dt>finite outputs</dt>
            <dd>{String(report.finite)}</dd>
          </div>
          {typeof report.parameters === "number" && (
            <div>
              <dt>parameters</dt>
              <dd>{report.parameters.toLocaleString("en")}</dd>
            </div>
          )}
          {typeof report.latencyMsPerSample === "number" && (
            <div>
              <dt>latency</dt>
              <dd>{report.latencyMsPerSample.toPrecision(2)} ms / sample</dd>
            </div>
          )}
        </dl>
      )}
      {version.validationLog ? (
        <pre class="log" tabIndex={0} aria-label="Validation log">
          {version.validationLog}
        </pre>
      ) : (
        <p class="muted">No log yet.</p>
      )}
      {version.modelError && (
        <>
          <p class="muted">The model's own error, shown only to its owner:</p>
          <pre class="log" tabIndex={0} aria-label="Model error">
            {version.modelError}
          </pre>
        </>
      )}
    </div>
  );
}
