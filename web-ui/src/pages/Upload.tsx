import type { ComponentChildren } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { ApiError, uploadVersion, type Visibility } from "../lib/api";
import { can, writableNamespaces } from "../lib/access";
import { api, API_BASE, storedToken, useSession } from "../lib/session";
import { href } from "../lib/router";
import { byField, EMPTY_FORM, fromSpec, toSpec, validateSpec, type SpecForm } from "../lib/specForm";
import { ErrorBox, formatBytes, ProgressBar } from "../components/common";

const NAME = /^[a-z0-9][a-z0-9-]{1,62}$/;

export function UploadPage({ owner: givenOwner, name: givenName }: { owner?: string; name?: string }) {
  const { user } = useSession();
  const [form, setForm] = useState<SpecForm>(EMPTY_FORM);
  const [name, setName] = useState(givenName ?? "");
  const [chosenOwner, setChosenOwner] = useState("");
  const [visibility, setVisibility] = useState<Visibility>("public");
  const [model, setModel] = useState<File | null>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [serverError, setServerError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [done, setDone] = useState<{ owner: string; name: string; version: number } | null>(null);

  // A new version of an existing learnware starts from its latest specification.
  useEffect(() => {
    if (!givenOwner || !givenName) return;
    api
      .version(givenOwner, givenName, "latest")
      .then((latest) => {
        setForm(fromSpec(latest.spec as unknown as Record<string, unknown>));
        setNotice(`Filled in from ${latest.learnware}.`);
      })
      .catch(() => setNotice(null));
  }, [givenOwner, givenName]);

  const spec = useMemo(() => toSpec(form), [form]);
  const violations = useMemo(() => validateSpec(spec), [spec]);
  const local = byField(violations);
  const remote = byField(serverError?.violations ?? []);
  const writable = writableNamespaces(user);
  const owner = givenOwner ?? (writable.includes(chosenOwner) ? chosenOwner : (writable[0] ?? ""));

  if (!user) {
    return (
      <section>
        <h1>Upload a learnware</h1>
        <p>
          <a href={href.signin()}>Sign in</a> with your token to upload.
        </p>
      </section>
    );
  }
  if (givenOwner ? !can(user, givenOwner, "write") : !writable.length) {
    return (
      <section>
        <h1>Upload a learnware</h1>
        <p>
          {givenOwner
            ? `You cannot upload to ${givenOwner}: that needs the write role there, and a token with the write scope.`
            : "Your token cannot upload: it lacks the write scope."}{" "}
          <a href={href.tokens()}>Tokens</a>
        </p>
      </section>
    );
  }

  const show = (field: string) => submitted || touched.has(field);
  const errorsOf = (field: string) => [...(show(field) ? (local[field] ?? []) : []), ...(remote[field] ?? [])];
  const update = (field: keyof SpecForm) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement).value;
    setForm({ ...form, [field]: value });
    setServerError(null);
  };
  const blur = (field: string) => () => setTouched(new Set(touched).add(field));

  const field = (key: keyof SpecForm, label: string, input: ComponentChildren, hint?: string) => {
    const errors = errorsOf(key);
    return (
      <div class={`field ${errors.length ? "invalid" : ""}`}>
        <label for={`spec-${key}`}>{label}</label>
        {input}
        {hint && (
          <p class="hint" id={`spec-${key}-hint`}>
            {hint}
          </p>
        )}
        {errors.map((message) => (
          <p class="field-error" id={`spec-${key}-error`} key={message}>
            {message}
          </p>
        ))}
      </div>
    );
  };
  const text = (key: keyof SpecForm, label: string, hint?: string, props: Record<string, unknown> = {}) =>
    field(
      key,
      label,
      <input
        id={`spec-${key}`}
        value={form[key] as string}
        onInput={update(key)}
        onBlur={blur(key)}
        aria-invalid={errorsOf(key).length > 0}
        aria-describedby={
          [hint ? `spec-${key}-hint` : "", errorsOf(key).length ? `spec-${key}-error` : ""].join(" ").trim() ||
          undefined
        }
        {...props}
      />,
      hint,
    );
  const select = (key: keyof SpecForm, label: string, options: string[]) =>
    field(
      key,
      label,
      <select id={`spec-${key}`} value={form[key] as string} onChange={update(key)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>,
    );

  const importSpec = async (file: File) => {
    try {
      const doc = JSON.parse(await file.text());
      setForm(fromSpec(doc));
      // Nobody typed these fields: show every problem of the imported document at once.
      setSubmitted(true);
      setNotice(`Filled in from ${file.name}.`);
    } catch (e) {
      setNotice(`${file.name} is not JSON: ${(e as Error).message}`);
    }
  };
  const importRkme = async (file: File) => {
    try {
      const doc = JSON.parse(await file.text());
      setForm({ ...form, kept: { ...form.kept, statistical: doc.statistical ?? doc } });
      setNotice(`Statistical summary from ${file.name} added.`);
    } catch (e) {
      setNotice(`${file.name} is not JSON: ${(e as Error).message}`);
    }
  };

  const nameError =
    show("name") && !NAME.test(name)
      ? "lowercase letters, digits and '-', 2 to 63 characters, not starting with '-'"
      : null;
  const submit = async (event: Event) => {
    event.preventDefault();
    setSubmitted(true);
    setServerError(null);
    if (violations.length || !NAME.test(name) || !model) return;
    setProgress(0);
    try {
      // A new version keeps its learnware's visibility: only the first upload chooses one.
      const result = await uploadVersion(
        API_BASE,
        storedToken(),
        owner,
        name,
        { spec, model, files },
        setProgress,
        givenName ? undefined : visibility,
      );
      setDone(result);
    } catch (e) {
      setServerError(e instanceof ApiError ? e : new ApiError(0, "Upload failed", String(e), []));
      setProgress(null);
    }
  };

  if (done) {
    return (
      <section class="upload-done">
        <h1>
          Uploaded {done.owner}/{done.name}@{done.version}
        </h1>
        <p>A worker is validating it now: it appears in browse and search as soon as it is usable.</p>
        <p>
          <a class="button primary" href={href.learnware(done.owner, done.name, done.version)}>
            Open the learnware
          </a>{" "}
          <button
            type="button"
            class="button ghost"
            onClick={() => {
              setDone(null);
              setProgress(null);
              setSubmitted(false);
            }}
          >
            Upload another version
          </button>
        </p>
      </section>
    );
  }

  const remaining = violations.length + (NAME.test(name) ? 0 : 1) + (model ? 0 : 1);
  return (
    <form class="upload" onSubmit={submit} noValidate>
      <h1>Upload a learnware</h1>
      <p class="lead">
        Describe what your model consumes and produces; the form checks it against the market's schema as you type.
      </p>
      <div class="import-row">
        <label class="button ghost file-button">
          Fill in from a spec file…
          <input
            type="file"
            accept=".json,application/json"
            class="visually-hidden"
            onChange={(e) => e.currentTarget.files?.[0] && importSpec(e.currentTarget.files[0])}
          />
        </label>
        <label class="button ghost file-button">
          Add a statistical spec (RKME)…
          <input
            id="rkme-upload"
            type="file"
            accept=".json,application/json"
            class="visually-hidden"
            onChange={(e) => e.currentTarget.files?.[0] && importRkme(e.currentTarget.files[0])}
          />
        </label>
        {notice && (
          <span class="notice" role="status">
            {notice}
          </span>
        )}
      </div>

      <fieldset>
        <legend>Identity</legend>
        <div class="form-grid">
          <div class="field">
            <label for="lw-owner">Owner</label>
            {givenOwner || writable.length < 2 ? (
              <input id="lw-owner" value={owner} disabled />
            ) : (
              <select id="lw-owner" value={owner} onChange={(e) => setChosenOwner(e.currentTarget.value)}>
                {writable.map((namespace) => (
                  <option key={namespace} value={namespace}>
                    {namespace}
                  </option>
                ))}
              </select>
            )}
          </div>
          <div class={`field ${nameError ? "invalid" : ""}`}>
            <label for="lw-name">Name (in the URL)</label>
            <input
              id="lw-name"
              value={name}
              placeholder="digits-mlp"
              onInput={(e) => setName(e.currentTarget.value)}
              onBlur={blur("name")}
              aria-invalid={!!nameError}
            />
            {nameError && <p class="field-error">{nameError}</p>}
          </div>
        </div>
        {!givenName && (
          <fieldset class="visibility-choice">
            <legend>Visibility</legend>
            <label class="radio">
              <input
                type="radio"
                name="lw-visibility"
                value="public"
                checked={visibility === "public"}
                onChange={() => setVisibility("public")}
              />
              Public: everyone can find and download it
            </label>
            <label class="radio">
              <input
                type="radio"
                name="lw-visibility"
                value="private"
                checked={visibility === "private"}
                onChange={() => setVisibility("private")}
              />
              Private: only {owner === user.username ? "you" : `members of ${owner}`} see it
            </label>
          </fieldset>
        )}
        {text("title", "Title", "What people see in search results")}
        {field(
          "description",
          "Description",
          <textarea
            id="spec-description"
            rows={4}
            value={form.description}
            onInput={update("description")}
            onBlur={blur("description")}
            aria-invalid={errorsOf("description").length > 0}
          />,
          "What it does, on which data, and how well. Full-text search reads it.",
        )}
        <div class="form-grid">
          {select("dataType", "Data type", ["table", "image", "text"])}
          {select("task", "Task", [
            "classification",
            "regression",
            "feature-extraction",
            "segmentation",
            "detection",
            "generation",
            "other",
          ])}
          {text("license", "Licence (SPDX)", undefined, { list: "licenses" })}
          {text("tags", "Tags", "comma separated, lowercase")}
        </div>
        <datalist id="licenses">
          {["MIT", "Apache-2.0", "BSD-3-Clause", "CC-BY-4.0", "GPL-3.0-or-later"].map((l) => (
            <option key={l} value={l} />
          ))}
        </datalist>
      </fieldset>

      <fieldset>
        <legend>Input and output</legend>
        <div class="form-grid">
          {form.dataType === "table" &&
            text("dimension", "Features per row", undefined, { type: "number", min: 1, inputMode: "numeric" })}
          {form.dataType === "image" && text("channels", "Channels", undefined, { type: "number", min: 1, max: 4 })}
          {form.dataType === "image" && text("height", "Height", undefined, { type: "number", min: 1 })}
          {form.dataType === "image" && text("width", "Width", undefined, { type: "number", min: 1 })}
          {form.dataType === "image" &&
            text("rangeLow", "Lowest pixel value", undefined, { type: "number", step: "any" })}
          {form.dataType === "image" &&
            text("rangeHigh", "Highest pixel value", undefined, { type: "number", step: "any" })}
          {form.dataType === "text" && text("maxLength", "Max length (tokens)", undefined, { type: "number", min: 1 })}
          {form.dataType === "text" && text("tokenizer", "Tokenizer")}
          {text("outputDimension", form.task === "classification" ? "Classes" : "Output dimension", undefined, {
            type: "number",
            min: 1,
          })}
        </div>
        {text("labels", "Class labels", "comma separated, one per output")}
        {form.kept.features && (
          <p class="hint">Keeps the {form.kept.features.length} feature descriptions from the imported spec.</p>
        )}
      </fieldset>

      <fieldset>
        <legend>Model</legend>
        <div class="form-grid">
          {select("format", "Format", ["torchscript", "onnx", "djl", "xgboost", "ensemble"])}
          {text("framework", "Framework", "e.g. pytorch-2.3")}
          {text("extractorFile", "Feature extractor file", "optional, one of the extra files")}
          {text("extractorDimension", "Feature extractor dimension", undefined, { type: "number", min: 1 })}
        </div>
        <div class={`field ${(submitted && !model) || remote.model ? "invalid" : ""}`}>
          <label for="model-file">Model file</label>
          <input
            id="model-file"
            type="file"
            onChange={(e) => {
              setModel(e.currentTarget.files?.[0] ?? null);
              setServerError(null);
            }}
          />
          {model && (
            <p class="hint">
              {model.name} · {formatBytes(model.size)}
            </p>
          )}
          {submitted && !model && <p class="field-error">choose the model file</p>}
          {(remote.model ?? []).map((m) => (
            <p class="field-error" key={m}>
              {m}
            </p>
          ))}
        </div>
        <div class={`field ${remote.files ? "invalid" : ""}`}>
          <label for="extra-files">Extra files (optional)</label>
          <input
            id="extra-files"
            type="file"
            multiple
            onChange={(e) => {
              setFiles([...(e.currentTarget.files ?? [])]);
              setServerError(null);
            }}
          />
          {files.length > 0 && <p class="hint">{files.map((f) => `${f.name} (${formatBytes(f.size)})`).join(", ")}</p>}
          {(remote.files ?? []).map((m) => (
            <p class="field-error" key={m}>
              {m}
            </p>
          ))}
        </div>
        <p class="hint">
          {form.kept.statistical
            ? "A statistical summary (RKME) is attached: people can find this learnware with their own data."
            : "No statistical summary: add one (bin/learnware spec rkme) so that people can find this learnware with their data."}
        </p>
        {(errorsOf("kept") ?? []).map((m) => (
          <p class="field-error" key={m}>
            statistical spec: {m}
          </p>
        ))}
      </fieldset>

      {serverError && (remote.form?.length || !serverError.violations.length) ? (
        <ErrorBox error={{ ...serverError, violations: serverError.violations.filter((v) => byField([v]).form) }} />
      ) : null}
      {serverError && serverError.violations.length > 0 && !remote.form?.length && (
        <p class="field-error" role="alert">
          The market refused the upload: {serverError.detail ?? serverError.title} See the marked fields.
        </p>
      )}
      {progress !== null && <ProgressBar value={progress} label="Upload progress" />}
      <div class="submit-row">
        <button class="button primary" type="submit" disabled={progress !== null}>
          {progress !== null ? "Uploading…" : "Upload"}
        </button>
        <span class={remaining ? "muted" : "ok"} role="status">
          {remaining ? `${remaining} thing${remaining === 1 ? "" : "s"} left to fix` : "Ready to upload"}
        </span>
      </div>
    </form>
  );
}
