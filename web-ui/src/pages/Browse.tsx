import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { LearnwareSummary, Match, SearchFilters, SearchResult } from "../lib/api";
import { api, useSession } from "../lib/session";
import { href, navigate } from "../lib/router";
import { ErrorBox, Loading, PrivateBadge, ProgressBar, StateBadge, Tag } from "../components/common";
import { summariseInWorker, type RunningSummary } from "../lib/rkme";

const DATA_TYPES = ["table", "image", "text"];
const TASKS = [
  "classification",
  "regression",
  "feature-extraction",
  "segmentation",
  "detection",
  "generation",
  "other",
];
const LICENSES = ["MIT", "Apache-2.0", "BSD-3-Clause", "CC-BY-4.0", "GPL-3.0-or-later"];

/** The URL's filters as a search request's filters; null when only browse filters are set. */
export function searchFilters(params: URLSearchParams): SearchFilters {
  const int = (key: string) => (params.get(key) ? Number(params.get(key)) : undefined);
  const input = { dimension: int("features"), channels: int("channels"), height: int("height"), width: int("width") };
  const hasInput = Object.values(input).some((v) => v !== undefined);
  return {
    dataType: params.get("dataType") || undefined,
    task: params.get("task") || undefined,
    license: params.get("license") || undefined,
    tags: params.getAll("tag").length ? params.getAll("tag") : undefined,
    owner: params.get("owner") || undefined,
    input: hasInput ? input : undefined,
    output: int("classes") !== undefined ? { dimension: int("classes") } : undefined,
  };
}

/** How many filters the URL sets (the text query is not one). */
function activeFilters(params: URLSearchParams): number {
  return [...new Set([...params.keys()])].filter((key) => key !== "q" && key !== "page").length;
}

/** The statistical query: an RKME file, or the RKME of a data file built in this browser. */
interface QueryRkme {
  name: string;
  doc: Record<string, unknown>;
  /** Set when the RKME was built here from a data file. */
  local?: { file: File; description: string; columns?: string[]; label?: string | null; seconds: number };
}

/** A data file being summarised in the Web Worker. */
interface Summarising {
  name: string;
  stage: string;
  fraction: number;
  run: RunningSummary;
}

/** RKME documents are JSON; everything else is data to summarise here (CSV or IDX images, gzip or not). */
function isJson(file: File): boolean {
  return /\.json$/i.test(file.name) || file.type === "application/json";
}

type Results =
  | { kind: "browse"; items: LearnwareSummary[]; total: number }
  | { kind: "search"; result: SearchResult; statistical: boolean };

export function Browse({ params }: { params: URLSearchParams }) {
  const { user } = useSession();
  const [rkme, setRkme] = useState<QueryRkme | null>(null);
  const [summarising, setSummarising] = useState<Summarising | null>(null);
  const [results, setResults] = useState<Results | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [text, setText] = useState(params.get("q") ?? "");
  const [dropError, setDropError] = useState<string | null>(null);
  const [showFilters, setShowFilters] = useState(false);
  const page = Number(params.get("page") ?? 0);
  const key = params.toString();

  useEffect(() => setText(params.get("q") ?? ""), [key]);

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    setError(null);
    const compatibility = ["features", "channels", "height", "width", "classes"].some((k) => params.get(k));
    const mine = params.get("mine");
    const run = async (): Promise<Results> => {
      if (rkme || compatibility) {
        const result = await api.search({
          q: params.get("q") || undefined,
          filters: searchFilters(params),
          statistical: rkme?.doc,
          limit: 20,
          offset: page * 20,
        });
        return { kind: "search", result, statistical: !!rkme };
      }
      const found = await api.browse({
        q: params.get("q") ?? undefined,
        dataType: params.get("dataType") ?? undefined,
        task: params.get("task") ?? undefined,
        license: params.get("license") ?? undefined,
        tag: params.getAll("tag"),
        owner: mine && user ? user.username : (params.get("owner") ?? undefined),
        state: mine && user ? mine : undefined,
        page,
        size: 20,
      });
      return { kind: "browse", items: found.items, total: found.total };
    };
    run()
      .then((r) => !cancelled && setResults(r))
      .catch((e) => !cancelled && setError(e))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [key, rkme, user?.username]);

  // Exact counts per data type and task for the other filters in force (one small query each).
  const [counts, setCounts] = useState<Record<string, Record<string, number>>>({});
  useEffect(() => {
    if (rkme || ["features", "channels", "height", "width", "classes", "mine"].some((k) => params.get(k))) {
      setCounts({});
      return;
    }
    let cancelled = false;
    const base = {
      q: params.get("q") ?? undefined,
      dataType: params.get("dataType") ?? undefined,
      task: params.get("task") ?? undefined,
      license: params.get("license") ?? undefined,
      tag: params.getAll("tag"),
      owner: params.get("owner") ?? undefined,
      size: 1,
    };
    const facets: [string, string[]][] = [
      ["dataType", DATA_TYPES],
      ["task", TASKS],
    ];
    Promise.all(
      facets.flatMap(([facet, values]) =>
        values.map((value) =>
          api.browse({ ...base, [facet]: value }).then((page) => [facet, value, page.total] as const),
        ),
      ),
    )
      .then((totals) => {
        if (cancelled) return;
        const next: Record<string, Record<string, number>> = {};
        for (const [facet, value, total] of totals) (next[facet] ??= {})[value] = total;
        setCounts(next);
      })
      .catch(() => !cancelled && setCounts({}));
    return () => {
      cancelled = true;
    };
  }, [key, rkme]);

  const update = (changes: Record<string, string | string[] | null>) => {
    const next = new URLSearchParams(params);
    next.delete("page");
    for (const [name, value] of Object.entries(changes)) {
      next.delete(name);
      for (const item of Array.isArray(value) ? value : value ? [value] : []) next.append(name, item);
    }
    navigate(href.browse(next));
  };

  const readRkme = async (file: File) => {
    setDropError(null);
    if (!isJson(file)) return summarise(file, undefined);
    try {
      const doc = JSON.parse(await file.text());
      // A whole learnware spec works too: its statistical member is the RKME.
      const statistical = doc.statistical ?? doc;
      if (!statistical.z || !statistical.beta) throw new Error("no RKME (z, beta) in this file");
      setRkme({ name: file.name, doc: statistical });
    } catch (e) {
      setDropError(`${file.name}: ${(e as Error).message}. Make one with bin/learnware spec rkme.`);
    }
  };

  // The data file is read and summarised in a Web Worker; only the RKME it returns is sent with the search.
  const summarise = async (file: File, label: string | null | undefined) => {
    summarising?.run.cancel();
    setDropError(null);
    const features = params.get("features");
    const run = summariseInWorker(
      file,
      { label, dimension: features ? Number(features) : undefined },
      (stage, fraction) =>
        setSummarising((current) => (current && current.run === run ? { ...current, stage, fraction } : current)),
    );
    setSummarising({ name: file.name, stage: "reading", fraction: 0, run });
    try {
      const summary = await run.result;
      setRkme({
        name: file.name,
        doc: summary.doc as unknown as Record<string, unknown>,
        local: {
          file,
          description: summary.description,
          columns: summary.columns,
          label: summary.label,
          seconds: (summary.readMillis + summary.buildMillis) / 1000,
        },
      });
    } catch (e) {
      if ((e as Error).message !== "cancelled") setDropError((e as Error).message);
    } finally {
      setSummarising((current) => (current?.run === run ? null : current));
    }
  };

  const total = results?.kind === "browse" ? results.total : (results?.result.total ?? 0);
  const tagCloud = useMemo(() => {
    if (results?.kind !== "browse") return [];
    const counts = new Map<string, number>();
    for (const item of results.items) for (const tag of item.tags ?? []) counts.set(tag, (counts.get(tag) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 12);
  }, [results]);

  return (
    <div class="browse">
      <section class="hero">
        <h1>Find a model that fits your data</h1>
        <p class="lead">
          Search trained models by what they do, by the shape of your data, or by a statistical summary of your data
          that never leaves your machine.
        </p>
        <form
          class="searchbar"
          role="search"
          onSubmit={(event) => {
            event.preventDefault();
            update({ q: text.trim() || null });
          }}
        >
          <label for="q" class="visually-hidden">
            Search learnwares
          </label>
          <input
            id="q"
            type="search"
            placeholder="e.g. handwritten digits"
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
          />
          <button class="button primary" type="submit">
            Search
          </button>
        </form>
      </section>

      <div class="browse-layout">
        <button
          type="button"
          class="button filters-toggle"
          aria-expanded={showFilters}
          aria-controls="filters"
          onClick={() => setShowFilters(!showFilters)}
        >
          Filters{activeFilters(params) ? ` (${activeFilters(params)} active)` : ""}
        </button>
        <aside id="filters" class={`filters ${showFilters ? "" : "collapsed"}`} aria-label="Filters">
          <Facet
            label="Data type"
            id="f-dataType"
            value={params.get("dataType") ?? ""}
            options={DATA_TYPES}
            counts={counts.dataType}
            onChange={(v) => update({ dataType: v })}
          />
          <Facet
            label="Task"
            id="f-task"
            value={params.get("task") ?? ""}
            options={TASKS}
            counts={counts.task}
            onChange={(v) => update({ task: v })}
          />
          <Facet
            label="Licence"
            id="f-license"
            value={params.get("license") ?? ""}
            options={LICENSES}
            onChange={(v) => update({ license: v })}
          />
          <TextFilter
            label="Owner"
            id="f-owner"
            value={params.get("owner") ?? ""}
            onChange={(v) => update({ owner: v })}
          />
          <TextFilter
            label="Tags (comma separated)"
            id="f-tags"
            value={params.getAll("tag").join(", ")}
            onChange={(v) =>
              update({
                tag: v
                  ? v
                      .split(",")
                      .map((t) => t.trim())
                      .filter(Boolean)
                  : null,
              })
            }
          />
          {tagCloud.length > 0 && (
            <div class="tag-cloud" aria-label="Tags in these results">
              {tagCloud.map(([tag, count]) => (
                <button
                  type="button"
                  class="tag tag-button"
                  key={tag}
                  aria-pressed={params.getAll("tag").includes(tag)}
                  onClick={() => update({ tag: [...new Set([...params.getAll("tag"), tag])] })}
                >
                  {tag} <span class="muted">{count}</span>
                </button>
              ))}
            </div>
          )}
          <fieldset class="compat">
            <legend>Compatible with my data</legend>
            <NumberFilter
              label="Feature count"
              id="f-features"
              value={params.get("features")}
              onChange={(v) => update({ features: v })}
            />
            <NumberFilter
              label="Class count"
              id="f-classes"
              value={params.get("classes")}
              onChange={(v) => update({ classes: v })}
            />
            <div class="shape">
              <NumberFilter
                label="Channels"
                id="f-channels"
                value={params.get("channels")}
                onChange={(v) => update({ channels: v })}
              />
              <NumberFilter
                label="Height"
                id="f-height"
                value={params.get("height")}
                onChange={(v) => update({ height: v })}
              />
              <NumberFilter
                label="Width"
                id="f-width"
                value={params.get("width")}
                onChange={(v) => update({ width: v })}
              />
            </div>
          </fieldset>
          {user && (
            <Facet
              label="My items"
              id="f-mine"
              value={params.get("mine") ?? ""}
              options={["PENDING", "INVALID", "USABLE"]}
              onChange={(v) => update({ mine: v })}
            />
          )}
          {key && (
            <button type="button" class="button ghost small" onClick={() => navigate(href.browse())}>
              Clear all filters
            </button>
          )}
        </aside>

        <section class="results" aria-labelledby="results-heading">
          <RkmeDrop
            rkme={rkme}
            summarising={summarising}
            onFile={readRkme}
            onLabel={(label) => rkme?.local && summarise(rkme.local.file, label)}
            onCancel={() => {
              summarising?.run.cancel();
              setSummarising(null);
            }}
            onClear={() => setRkme(null)}
            error={dropError}
          />
          <div class="results-head">
            <h2 id="results-heading">
              {results ? `${total} learnware${total === 1 ? "" : "s"}` : "Learnwares"}
              {rkme ? <span class="muted"> ranked by fit to {rkme.name}</span> : null}
            </h2>
            {loading && <Loading label="Searching…" />}
          </div>
          <ErrorBox error={error} />
          {results?.kind === "search" && results.result.mixture && <MixturePanel mixture={results.result.mixture} />}
          <ol class="cards" aria-live="polite">
            {results?.kind === "browse" &&
              results.items.map((item) => <SummaryCard key={item.learnware} item={item} />)}
            {results?.kind === "search" &&
              results.result.single.map((match, index) => (
                <MatchCard key={match.learnware} match={match} rank={index + 1} statistical={results.statistical} />
              ))}
          </ol>
          {results && total === 0 && !loading && (
            <div class="empty">
              <p>Nothing matches yet.</p>
              <p class="muted">
                Loosen a filter, or <a href={href.upload()}>upload a learnware</a>.
              </p>
            </div>
          )}
          {total > 20 && (
            <nav class="pager" aria-label="Pages">
              <button
                type="button"
                class="button ghost"
                disabled={page === 0}
                onClick={() => update({ page: String(page - 1) })}
              >
                Previous
              </button>
              <span>
                Page {page + 1} of {Math.ceil(total / 20)}
              </span>
              <button
                type="button"
                class="button ghost"
                disabled={(page + 1) * 20 >= total}
                onClick={() => update({ page: String(page + 1) })}
              >
                Next
              </button>
            </nav>
          )}
        </section>
      </div>
    </div>
  );
}

function Facet({
  label,
  id,
  value,
  options,
  counts,
  onChange,
}: {
  label: string;
  id: string;
  value: string;
  options: string[];
  counts?: Record<string, number>;
  onChange: (v: string | null) => void;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value || null)}>
        <option value="">Any</option>
        {[...new Set([...options, ...(value ? [value] : [])])].map((option) => (
          <option key={option} value={option} disabled={counts?.[option] === 0 && option !== value}>
            {counts?.[option] !== undefined ? `${option} (${counts[option]})` : option}
          </option>
        ))}
      </select>
    </div>
  );
}

function TextFilter({
  label,
  id,
  value,
  onChange,
}: {
  label: string;
  id: string;
  value: string;
  onChange: (v: string | null) => void;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} value={value} onChange={(e) => onChange(e.currentTarget.value.trim() || null)} />
    </div>
  );
}

function NumberFilter({
  label,
  id,
  value,
  onChange,
}: {
  label: string;
  id: string;
  value: string | null;
  onChange: (v: string | null) => void;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        type="number"
        min={1}
        inputMode="numeric"
        value={value ?? ""}
        onChange={(e) => onChange(e.currentTarget.value || null)}
      />
    </div>
  );
}

/** Overall progress: reading the file is about a fifth of the work, the RKME the rest. */
function overall(stage: string, fraction: number): number {
  return stage.startsWith("RKME") ? 0.2 + 0.8 * fraction : 0.2 * fraction;
}

function RkmeDrop({
  rkme,
  summarising,
  onFile,
  onLabel,
  onCancel,
  onClear,
  error,
}: {
  rkme: QueryRkme | null;
  summarising: Summarising | null;
  onFile: (f: File) => void;
  onLabel: (label: string | null) => void;
  onCancel: () => void;
  onClear: () => void;
  error: string | null;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const local = rkme?.local;
  return (
    <div
      class={`dropzone ${over ? "over" : ""} ${rkme ? "loaded" : ""}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const file = e.dataTransfer?.files[0];
        if (file) onFile(file);
      }}
    >
      {summarising ? (
        <div class="summarising">
          <p>
            <strong>Summarising {summarising.name} in this browser:</strong> {summarising.stage}{" "}
            <button type="button" class="button small ghost" onClick={onCancel}>
              Cancel
            </button>
          </p>
          <ProgressBar
            value={overall(summarising.stage, summarising.fraction)}
            label={`Summarising ${summarising.name}`}
          />
        </div>
      ) : rkme ? (
        <div>
          <p>
            <strong>Searching with my data:</strong> {rkme.name} ({String(rkme.doc.numPoints ?? "?")} rows summarised,{" "}
            {String(rkme.doc.dimension ?? "?")} features){" "}
            <button type="button" class="button small ghost" onClick={onClear}>
              Remove
            </button>
          </p>
          {local && (
            <p class="muted local-summary">
              Summarised in this browser in {local.seconds.toFixed(1)} s: {local.description},{" "}
              {(rkme.doc.z as unknown[]).length} reduced points. Only this summary was sent.
            </p>
          )}
          {local?.columns && (
            <p class="label-column">
              <label for="rkme-label">Label column (left out of the features)</label>{" "}
              <select
                id="rkme-label"
                value={local.label ?? ""}
                onChange={(e) => onLabel(e.currentTarget.value === "" ? null : e.currentTarget.value)}
              >
                <option value="">none: every column is a feature</option>
                {local.columns.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            </p>
          )}
        </div>
      ) : (
        <p>
          <strong>Search with my data:</strong> drop a CSV file, IDX images or a statistical spec (JSON) here or{" "}
          <button type="button" class="linkish" onClick={() => input.current?.click()}>
            choose a file
          </button>
          . A data file is summarised in this browser: <strong>your data never leaves this browser</strong>; only its
          RKME summary is sent. A column named <code>label</code> is left out of the features.
        </p>
      )}
      <label class="visually-hidden" for="rkme-file">
        Data file or statistical specification
      </label>
      <input
        id="rkme-file"
        ref={input}
        type="file"
        class="visually-hidden"
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          if (file) onFile(file);
          e.currentTarget.value = "";
        }}
      />
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function MixturePanel({ mixture }: { mixture: NonNullable<SearchResult["mixture"]> }) {
  return (
    <section class="mixture" aria-label="Recommended mixture">
      <h3>Recommended mixture</h3>
      <p class="muted">
        Your data spans several learnwares' data: this weighted combination fits it better than any single one (score{" "}
        {mixture.score.toFixed(3)}, MMD {mixture.mmd.toFixed(4)}).
      </p>
      <ul class="mixture-bars">
        {mixture.items.map((item) => (
          <li key={item.learnware}>
            <a href={href.ref(item.learnware)}>{item.learnware}</a>
            <span class="bar" style={{ width: `${Math.round(item.weight * 100)}%` }} aria-hidden="true" />
            <span>{(item.weight * 100).toFixed(0)} %</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function SummaryCard({ item }: { item: LearnwareSummary }) {
  return (
    <li class="card">
      <div class="card-head">
        <h3>
          <a href={href.learnware(item.owner, item.name)}>{item.title}</a>
        </h3>
        <span class="card-badges">
          <PrivateBadge visibility={item.visibility} />
          {item.state !== "USABLE" && <StateBadge state={item.state} />}
        </span>
      </div>
      <p class="ref">
        {item.owner}/{item.name} <span class="muted">v{item.version}</span>
      </p>
      <p class="description">{item.description}</p>
      <p class="meta">
        <span class="chip">{item.dataType}</span>
        <span class="chip">{item.task}</span>
        <span class="chip">{item.license}</span>
        {(item.tags ?? []).map((tag) => (
          <Tag key={tag}>{tag}</Tag>
        ))}
      </p>
    </li>
  );
}

function MatchCard({ match, rank, statistical }: { match: Match; rank: number; statistical: boolean }) {
  return (
    <li class="card match">
      <div class="card-head">
        <h3>
          <span class="rank">#{rank}</span> <a href={href.ref(match.learnware)}>{match.title}</a>
        </h3>
        <span class="card-badges">
          <PrivateBadge visibility={match.visibility} />
          {match.state !== "USABLE" && <StateBadge state={match.state} />}
        </span>
      </div>
      <p class="ref">{match.learnware}</p>
      <div class="score" title={statistical ? "1 − MMD² / (‖μ_query‖² + ‖μ_learnware‖²)" : "relevance"}>
        <span class="score-label">{statistical ? "fit" : "score"}</span>
        <span class="score-track" aria-hidden="true">
          <span class="score-fill" style={{ width: `${Math.round(match.score * 100)}%` }} />
        </span>
        <span class="score-value">{match.score.toFixed(3)}</span>
        {match.mmd !== undefined && <span class="muted">MMD {match.mmd.toFixed(4)}</span>}
      </div>
      <p class="meta">
        <span class="chip">{match.dataType}</span>
        <span class="chip">{match.task}</span>
      </p>
    </li>
  );
}
