import { useState } from "preact/hooks";
import type { JobRequest, Visibility, VersionView } from "../lib/api";
import { api, useSession } from "../lib/session";
import { href, navigate } from "../lib/router";
import { ErrorBox } from "../components/common";

type JobType = "distill" | "transfer" | "robustness" | "evaluate" | "reuse";

/** The labelled sets bundled with the workers (worker BenchmarkSets), for robustness and evaluate. */
export const BENCHMARKS = ["digits-test", "fashion-mnist-test"];

const numberList = (text: string) =>
  text
    .split(/[,\s]+/)
    .filter(Boolean)
    .map(Number);

/**
 * The `params` of a job request from the form's fields (api-contract "Jobs: parameters"); `task` is
 * the learnware's (evaluate takes bins for classifiers, quantiles for regressors; a regressor's
 * distillation has no temperature or α).
 */
export function jobParams(
  type: JobType,
  f: Record<string, string | boolean>,
  task = "classification",
): Record<string, unknown> {
  const n = (key: string) => (f[key] === "" || f[key] === undefined ? undefined : Number(f[key]));
  const params: Record<string, unknown> = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined && !(typeof value === "number" && Number.isNaN(value))) params[key] = value;
  };
  if (type === "distill") {
    const student =
      f.student === "mlp"
        ? { type: "mlp", hidden: numberList(String(f.hidden ?? "")) }
        : f.student === "gbdt"
          ? { type: "gbdt", trees: n("trees"), maxDepth: n("maxDepth"), dart: !!f.dart }
          : { type: f.student };
    set("student", student);
    if (task !== "regression") {
      set("temperature", n("temperature"));
      set("alpha", n("alpha"));
    }
    set("epochs", n("epochs"));
    set("seed", n("seed"));
    if (f.data === "free") set("transferSize", n("transferSize"));
  } else if (type === "transfer") {
    if (f.newTask === "regression") {
      set("task", "regression");
      const target = String(f.targetName ?? "").trim();
      if (target) set("labels", [target]);
    }
    set("head", { hidden: n("headHidden") ?? 0 });
    set("freezeBackbone", !!f.freezeBackbone);
    set("epochs", n("epochs"));
    set("batchSize", n("batchSize"));
    set("learningRate", n("learningRate"));
    set("validationSplit", n("validationSplit"));
    set("seed", n("seed"));
  } else if (type === "reuse") {
    set(
      "sources",
      String(f.sources ?? "")
        .split(/[,\s]+/)
        .filter(Boolean),
    );
    if (f.publish) set("publish", f.publishMethod);
  } else if (type === "evaluate") {
    if (f.data === "benchmark") set("benchmark", f.benchmark);
    if (task === "regression") {
      const quantiles = numberList(String(f.quantiles ?? ""));
      if (quantiles.length) set("quantiles", quantiles);
    } else {
      set("bins", n("bins"));
    }
  } else {
    if (f.data === "benchmark") set("benchmark", f.benchmark);
    set("noise", numberList(String(f.noise ?? "")));
    set("epsilons", numberList(String(f.epsilons ?? "")));
    set("pgdSteps", n("pgdSteps"));
    if (f.blackBox) set("blackBox", true);
    if (f.corruptions) {
      set("corruptions", "all");
      set("severities", numberList(String(f.severities ?? "")));
    }
  }
  return params;
}

/** The default result name's suffix after the source's name, per job that creates a version. */
const TARGET_SUFFIX: Partial<Record<JobType, string>> = {
  distill: "distilled",
  transfer: "transferred",
  reuse: "ensemble",
};

const DEFAULTS: Record<string, string | boolean> = {
  student: "mlp",
  hidden: "32",
  trees: "200",
  maxDepth: "6",
  dart: false,
  temperature: "4",
  alpha: "0.9",
  epochs: "30",
  seed: "7",
  transferSize: "2000",
  data: "free",
  dataset: "",
  target: "",
  newTask: "classification",
  targetName: "",
  headHidden: "0",
  freezeBackbone: true,
  batchSize: "64",
  learningRate: "0.01",
  validationSplit: "0.2",
  noise: "0, 0.1, 0.2, 0.4",
  epsilons: "0, 0.02, 0.05, 0.1",
  pgdSteps: "10",
  blackBox: false,
  corruptions: true,
  severities: "1, 3, 5",
  benchmark: BENCHMARKS[0],
  bins: "15",
  sources: "",
  publish: false,
  publishMethod: "mean",
  quantiles: "0.05, 0.25, 0.5, 0.75, 0.95",
  /** Of a learnware the job creates; "" leaves it out: private when a source is, else the market's default. */
  visibility: "",
};

/**
 * A regressor's robustness defaults, in input units (on standardised features, standard deviations;
 * docs/robustness.md): 0 gives the clean point of each curve.
 */
const REGRESSION_DEFAULTS: Record<string, string> = {
  noise: "0, 0.1, 0.25, 0.5",
  epsilons: "0, 0.05, 0.1, 0.2",
};

export function JobForm({ version }: { version: VersionView }) {
  const { user } = useSession();
  const [type, setType] = useState<JobType>("distill");
  const regressor = version.spec.task === "regression";
  const [fields, setFields] = useState<Record<string, string | boolean>>(() => ({
    ...DEFAULTS,
    ...(regressor ? REGRESSION_DEFAULTS : {}),
    data: version.spec.statistical ? "free" : "upload",
  }));
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!user) {
    return (
      <p>
        <a href={href.signin()}>Sign in</a> to distil, transfer, evaluate or combine this learnware.
      </p>
    );
  }
  if (user.scopes && !user.scopes.includes("jobs")) {
    return (
      <p>
        Your token cannot run jobs: it lacks the <code>jobs</code> scope. <a href={href.tokens()}>Tokens</a>
      </p>
    );
  }
  const set = (key: string) => (event: Event) => {
    const target = event.currentTarget as HTMLInputElement;
    setFields({ ...fields, [key]: target.type === "checkbox" ? target.checked : target.value });
  };
  const needsData = (type !== "distill" || fields.data !== "free") && fields.data !== "benchmark";
  const createsLearnware = type === "distill" || type === "transfer" || (type === "reuse" && !!fields.publish);
  const canBenchmark = type === "robustness" || type === "evaluate";
  const canDataFree = !!version.spec.statistical;
  const text = (key: string, label: string, props: Record<string, unknown> = {}) => (
    <div class="field">
      <label for={`job-${key}`}>{label}</label>
      <input id={`job-${key}`} value={String(fields[key])} onInput={set(key)} {...props} />
    </div>
  );
  const check = (key: string, label: string) => (
    <div class="field check">
      <input id={`job-${key}`} type="checkbox" checked={!!fields[key]} onChange={set(key)} />
      <label for={`job-${key}`}>{label}</label>
    </div>
  );

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      let dataset: string | undefined;
      if (needsData && fields.data === "upload") {
        if (!file) throw new Error("Choose a CSV file for the data set");
        const name = `${version.name}-${type}-${Date.now().toString(36)}`.slice(0, 63);
        await api.uploadDataset(user.username, name, file, file.name);
        dataset = `${user.username}/${name}`;
      } else if (needsData) {
        dataset = String(fields.dataset).trim() || undefined;
      }
      const request: JobRequest = {
        type,
        source: version.learnware,
        dataset,
        params: jobParams(type, fields, version.spec.task),
        target: (type !== "reuse" || fields.publish ? String(fields.target).trim() : "") || undefined,
        visibility: createsLearnware && fields.visibility ? (fields.visibility as Visibility) : undefined,
      };
      const job = await api.requestJob(request);
      navigate(href.jobs(job.id));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="job-form" onSubmit={submit} aria-labelledby="job-heading">
      <h2 id="job-heading">Run a job on {version.learnware}</h2>
      <fieldset class="segmented">
        <legend>Job</legend>
        {(
          [
            ["distill", "Distil a smaller student"],
            ["transfer", "Transfer to my data"],
            ["evaluate", "Evaluate on my data"],
            ["robustness", "Evaluate robustness"],
            ["reuse", "Combine with others"],
          ] as [JobType, string][]
        ).map(([value, label]) => (
          <label key={value} class={type === value ? "selected" : ""}>
            <input
              type="radio"
              name="job-type"
              value={value}
              checked={type === value}
              onChange={() => {
                setType(value);
                if (value !== "distill" && fields.data === "free") setFields({ ...fields, data: "upload" });
                if (value !== "robustness" && value !== "evaluate" && fields.data === "benchmark")
                  setFields({ ...fields, data: "upload" });
              }}
            />
            {label}
          </label>
        ))}
      </fieldset>

      {type === "distill" && (
        <div class="form-grid">
          <div class="field">
            <label for="job-student">Student</label>
            <select id="job-student" value={String(fields.student)} onChange={set("student")}>
              <option value="mlp">MLP</option>
              <option value="cnn">CNN (images)</option>
              <option value="gbdt">Gradient-boosted trees</option>
            </select>
          </div>
          {fields.student === "mlp" && text("hidden", "Hidden layer sizes", { placeholder: "64, 32" })}
          {fields.student === "gbdt" && text("trees", "Trees", { type: "number", min: 1 })}
          {fields.student === "gbdt" && text("maxDepth", "Max depth", { type: "number", min: 1 })}
          {fields.student === "gbdt" && check("dart", "DART")}
          {version.spec.task !== "regression" &&
            text("temperature", "Temperature T", { type: "number", min: 0.1, step: "any" })}
          {version.spec.task !== "regression" &&
            text("alpha", "α (weight of the soft term)", { type: "number", min: 0, max: 1, step: "any" })}
          {text("epochs", "Epochs", { type: "number", min: 1, max: 10000 })}
          {text("seed", "Seed", { type: "number" })}
        </div>
      )}
      {type === "transfer" && (
        <div class="form-grid">
          <div class="field">
            <label for="job-newTask">New task</label>
            <select id="job-newTask" value={String(fields.newTask)} onChange={set("newTask")}>
              <option value="classification">Classes (the label column names them)</option>
              <option value="regression">A number (regression on a numeric label column)</option>
            </select>
          </div>
          {fields.newTask === "regression" && text("targetName", "Target name", { placeholder: "label" })}
          {text("headHidden", "Head hidden units (0 = linear)", { type: "number", min: 0 })}
          {check("freezeBackbone", "Freeze the backbone")}
          {text("epochs", "Epochs", { type: "number", min: 1, max: 10000 })}
          {text("batchSize", "Batch size", { type: "number", min: 1 })}
          {text("learningRate", "Learning rate", { type: "number", step: "any", min: 0 })}
          {text("validationSplit", "Validation split", { type: "number", step: "any", min: 0, max: 0.9 })}
          {text("seed", "Seed", { type: "number" })}
        </div>
      )}
      {type === "evaluate" && (
        <div class="form-grid">
          {version.spec.task === "regression"
            ? text("quantiles", "Residual quantiles")
            : text("bins", "Calibration bins (ECE)", { type: "number", min: 1, max: 1000 })}
        </div>
      )}
      {type === "reuse" && (
        <div class="form-grid">
          {text("sources", "Other learnwares to combine (owner/name[@ref], comma-separated)", {
            placeholder: `${version.owner}/another-learnware`,
            required: true,
          })}
          {check("publish", "Publish the ensemble as a learnware")}
          {fields.publish && (
            <div class="field">
              <label for="job-publishMethod">Combined by</label>
              <select id="job-publishMethod" value={String(fields.publishMethod)} onChange={set("publishMethod")}>
                <option value="mean">
                  mean ({version.spec.task === "regression" ? "of outputs" : "of probabilities"})
                </option>
                {version.spec.task !== "regression" && <option value="vote">vote</option>}
                <option value="selector">job selector (needs an RKME in every learnware)</option>
              </select>
            </div>
          )}
        </div>
      )}
      {type === "robustness" && (
        <div class="form-grid">
          {text("noise", regressor ? "Noise σ values (input units)" : "Noise σ values (fraction of the input range)")}
          {text("epsilons", "Attack ε values (input units)")}
          {text("pgdSteps", "PGD steps", { type: "number", min: 1 })}
          {check("blackBox", "Also run Square Attack (black-box; it runs anyway without gradients)")}
          {version.spec.dataType === "image" && check("corruptions", "All corruptions (images)")}
          {version.spec.dataType === "image" &&
            fields.corruptions &&
            text("severities", "Corruption severities (1..5)")}
        </div>
      )}

      <fieldset class="data-choice">
        <legend>{type === "distill" ? "Transfer set" : "Labelled data set"}</legend>
        {type === "distill" && (
          <label class="radio">
            <input
              type="radio"
              name="job-data"
              checked={fields.data === "free"}
              disabled={!canDataFree}
              onChange={() => setFields({ ...fields, data: "free" })}
            />
            Data-free: herd points from the learnware's RKME{" "}
            {!canDataFree && <span class="muted">(this spec has none)</span>}
          </label>
        )}
        {type === "distill" &&
          fields.data === "free" &&
          canDataFree &&
          text("transferSize", "Points to herd", { type: "number", min: 10 })}
        <label class="radio">
          <input
            type="radio"
            name="job-data"
            checked={fields.data === "upload"}
            onChange={() => setFields({ ...fields, data: "upload" })}
          />
          Upload a CSV (header row;{" "}
          {regressor ? (
            <>
              a numeric <code>label</code> column, the target
            </>
          ) : (
            <>
              a <code>label</code> column for accuracy
            </>
          )}
          )
        </label>
        {fields.data === "upload" && (
          <div class="field">
            <label for="job-file">CSV file</label>
            <input
              id="job-file"
              type="file"
              accept=".csv,.gz,text/csv"
              onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
            />
          </div>
        )}
        {canBenchmark && (
          <label class="radio">
            <input
              type="radio"
              name="job-data"
              checked={fields.data === "benchmark"}
              onChange={() => setFields({ ...fields, data: "benchmark" })}
            />
            A labelled benchmark set bundled with the workers
          </label>
        )}
        {canBenchmark && fields.data === "benchmark" && (
          <div class="field">
            <label for="job-benchmark">Benchmark set</label>
            <select id="job-benchmark" value={String(fields.benchmark)} onChange={set("benchmark")}>
              {BENCHMARKS.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
        )}
        <label class="radio">
          <input
            type="radio"
            name="job-data"
            checked={fields.data === "existing"}
            onChange={() => setFields({ ...fields, data: "existing" })}
          />
          One of my data sets
        </label>
        {fields.data === "existing" &&
          text("dataset", "Data set (owner/name)", { placeholder: `${user.username}/my-data`, required: true })}
      </fieldset>
      {createsLearnware && (
        <div class="form-grid">
          {text("target", "Result learnware (optional)", {
            placeholder: `${user.username}/${version.name}-${TARGET_SUFFIX[type]}`,
          })}
          <div class="field">
            <label for="job-visibility">Visibility of a new result learnware</label>
            <select id="job-visibility" value={String(fields.visibility)} onChange={set("visibility")}>
              <option value="">Same as the source (private if any source is)</option>
              <option value="public">Public</option>
              <option value="private">Private</option>
            </select>
          </div>
        </div>
      )}
      <ErrorBox error={error} />
      <button class="button primary" type="submit" disabled={busy}>
        {busy
          ? "Requesting…"
          : type === "distill"
            ? "Request distillation"
            : type === "transfer"
              ? "Request transfer"
              : type === "evaluate"
                ? "Request evaluation"
                : type === "reuse"
                  ? fields.publish
                    ? "Request and publish the ensemble"
                    : "Request reuse"
                  : "Request robustness evaluation"}
      </button>
    </form>
  );
}
