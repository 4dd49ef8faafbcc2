// The market's HTTP API (../shared/api-contract.md), typed for the pages that use it.

export type VersionState = "PENDING" | "USABLE" | "INVALID";
export type JobState = "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";
/** Who sees a learnware: everyone, or those who may read its namespace (docs/access.md). */
export type Visibility = "public" | "private";
export type Role = "read" | "write" | "admin";
export type Scope = "read" | "write" | "jobs" | "admin";

export interface Violation {
  pointer: string;
  message: string;
}

/** An answer other than 2xx, with the server's problem details (RFC 9457) when it sent them. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly violations: Violation[],
    /** The problem's type, e.g. `urn:learnware:problem:missing-scope`. */
    readonly type?: string,
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }
}

/** A 404: what the market answers for what does not exist and for private things one may not see. */
export const isNotFound = (error: unknown) => error instanceof ApiError && error.status === 404;

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  size: number;
}

export interface LearnwareSummary {
  learnware: string;
  owner: string;
  name: string;
  version: number;
  state: VersionState;
  title: string;
  description: string;
  dataType: string;
  task: string;
  license: string;
  tags: string[];
  createdAt: string;
  visibility?: Visibility;
}

export interface VersionSummary {
  version: number;
  state: VersionState;
  sha256: string;
  size: number;
  createdAt: string;
}

export interface LearnwareView {
  owner: string;
  name: string;
  visibility?: Visibility;
  createdAt: string;
  latest?: number;
  aliases: Record<string, number>;
  versions: VersionSummary[];
}

export interface Artifact {
  filename?: string;
  format?: string;
  sha256: string;
  size: number;
}

/**
 * An edge to a learnware the caller may not read has no `learnware` (null, left out of the JSON) and
 * `visibility: "private"`.
 */
export interface LineageEdge {
  learnware?: string | null;
  relation: string;
  job?: string;
  visibility?: Visibility;
}

export interface ReportView {
  type: string;
  job?: string;
  createdAt: string;
  report: Record<string, unknown>;
}

export interface VersionView {
  learnware: string;
  owner: string;
  name: string;
  visibility?: Visibility;
  version: number;
  state: VersionState;
  aliases: string[];
  model: Artifact;
  files: Artifact[];
  spec: Spec;
  createdBy?: string;
  createdAt: string;
  validationLog?: string;
  /** The model's own error text (cleaned); the API sends it to the version's owner and admins only. */
  modelError?: string;
  lineage: { parents: LineageEdge[]; children: LineageEdge[] };
  /** Present for a published ensemble (model format "ensemble"): what it pins, from its ensemble.json. */
  ensemble?: EnsembleView;
  reports: ReportView[];
}

export interface EnsembleView {
  method: "mean" | "vote" | "selector";
  task: string;
  /** In the ensemble's order; `learnware` is owner/name@version, `sha256` the pinned model's. */
  members: { learnware: string; sha256: string }[];
}

/** A learnware specification (spec-schema's learnware-spec-v1); only what the UI reads is typed. */
export interface Spec {
  specVersion: number;
  name: string;
  description: string;
  dataType: string;
  task: string;
  input: {
    dimension?: number;
    features?: { name: string; description?: string }[];
    channels?: number;
    height?: number;
    width?: number;
    range?: number[];
    maxLength?: number;
    tokenizer?: string;
  };
  output: { dimension: number; labels?: string[] };
  license: string;
  tags?: string[];
  model: {
    format: string;
    framework?: string;
    featureExtractor?: { file: string; dimension: number };
    architecture?: Record<string, unknown>;
  };
  statistical?: { type: string; dimension: number; numPoints: number; gamma: number; z: number[][] };
}

export interface SearchFilters {
  dataType?: string;
  task?: string;
  license?: string;
  tags?: string[];
  owner?: string;
  input?: { dimension?: number; channels?: number; height?: number; width?: number };
  output?: { dimension?: number };
}

export interface SearchRequest {
  q?: string;
  filters?: SearchFilters;
  statistical?: unknown;
  limit?: number;
  offset?: number;
}

export interface Match {
  learnware: string;
  owner: string;
  name: string;
  version: number;
  title: string;
  dataType: string;
  task: string;
  state: string;
  score: number;
  mmd?: number;
  visibility?: Visibility;
}

export interface SearchResult {
  single: Match[];
  mixture?: { items: { learnware: string; weight: number }[]; mmd: number; score: number };
  total: number;
  offset: number;
  limit: number;
}

export interface Job {
  id: string;
  type: string;
  state: JobState;
  progress: number;
  message?: string;
  attempts: number;
  source?: string;
  dataset?: string;
  target?: string;
  params?: Record<string, unknown>;
  result?: { learnware?: string; report?: Record<string, unknown> };
  error?: string;
  requestedBy?: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface JobRequest {
  type: "validate" | "distill" | "transfer" | "robustness" | "reuse" | "evaluate";
  source: string;
  dataset?: string;
  params?: Record<string, unknown>;
  target?: string;
  /** Of the target learnware if the job creates it; left out: private when a source is, else the default. */
  visibility?: Visibility;
}

/** A namespace the signed-in user belongs to. */
export interface Membership {
  namespace: string;
  kind: "user" | "organisation";
  role: Role;
}

/** `GET /me`: the user, its namespaces, and what the token in use may do. */
export interface Me {
  username: string;
  roles: string[];
  namespaces?: Membership[];
  scopes?: Scope[];
  /** The only namespaces the token acts in; null (or absent) for all. */
  tokenNamespaces?: string[] | null;
}

export interface NamespaceView {
  name: string;
  kind: "user" | "organisation";
  createdAt: string;
  /** Listed to those who may read the namespace only. */
  members?: { username: string; role: Role }[];
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  namespace: string;
  learnware?: string | null;
  action: string;
  detail: Record<string, unknown> | null;
}

export interface TokenView {
  id: string;
  name?: string;
  prefix: string;
  scopes: Scope[];
  /** null (absent) when the token acts in every namespace of its user. */
  namespaces?: string[] | null;
  createdAt: string;
  lastUsedAt?: string;
  expiresAt?: string;
  /** The secret: only in the answer that created the token. */
  token?: string;
}

export interface NewToken {
  name?: string;
  scopes?: Scope[];
  namespaces?: string[];
  expiresAt?: string;
}

export interface BrowseQuery {
  q?: string;
  dataType?: string;
  task?: string;
  license?: string;
  tag?: string[];
  owner?: string;
  state?: string;
  page?: number;
  size?: number;
}

export const TERMINAL: ReadonlySet<JobState> = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);

/** Query string of a browse (or audit) request; empty members are left out. */
export function browseQueryString(query: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== "") params.append(key, String(item));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Reads a problem+json (or any error) answer into an ApiError. */
export async function toApiError(response: Response): Promise<ApiError> {
  let body: { type?: string; title?: string; detail?: string; violations?: Violation[] } = {};
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's page, an empty body): the status line says enough.
  }
  return new ApiError(
    response.status,
    body.title ?? response.statusText ?? `HTTP ${response.status}`,
    body.detail,
    body.violations ?? [],
    body.type,
  );
}

/**
 * Splits a text/event-stream into the data of its events. Returns the complete events' data and
 * the unfinished rest, to be prefixed to the next chunk.
 */
export function parseSse(buffer: string): { events: string[]; rest: string } {
  const normalized = buffer.replace(/\r\n?/g, "\n");
  const blocks = normalized.split("\n\n");
  const rest = blocks.pop() ?? "";
  const events: string[] = [];
  for (const block of blocks) {
    const data = block
      .split("\n")
      .filter((line) => line.startsWith("data:"))
      .map((line) => line.slice(5).replace(/^ /, ""));
    if (data.length) events.push(data.join("\n"));
  }
  return { events, rest };
}

export class Api {
  constructor(
    private readonly base: string,
    private readonly token: () => string | null,
    private readonly fetcher: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const token = this.token();
    return token ? { ...extra, Authorization: `Bearer ${token}` } : extra;
  }

  private async call<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await this.fetcher(this.base + path, {
      ...init,
      headers: this.headers((init.headers as Record<string, string>) ?? {}),
    });
    if (!response.ok) throw await toApiError(response);
    return response.status === 204 ? (undefined as T) : ((await response.json()) as T);
  }

  private post<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  }

  private put<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>(path, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  }

  me(): Promise<Me> {
    return this.call("/me");
  }

  browse(query: BrowseQuery): Promise<Page<LearnwareSummary>> {
    return this.call(`/learnwares${browseQueryString(query)}`);
  }

  search(request: SearchRequest): Promise<SearchResult> {
    return this.post("/search", request);
  }

  learnware(owner: string, name: string): Promise<LearnwareView> {
    return this.call(`/learnwares/${owner}/${name}`);
  }

  version(owner: string, name: string, ref: string | number): Promise<VersionView> {
    return this.call(`/learnwares/${owner}/${name}/versions/${ref}`);
  }

  setAlias(owner: string, name: string, alias: string, version: number): Promise<unknown> {
    return this.put(`/learnwares/${owner}/${name}/aliases/${encodeURIComponent(alias)}`, { version });
  }

  setVisibility(owner: string, name: string, visibility: Visibility): Promise<{ visibility: Visibility }> {
    return this.put(`/learnwares/${owner}/${name}/visibility`, { visibility });
  }

  createOrganisation(name: string): Promise<NamespaceView> {
    return this.post("/organisations", { name });
  }

  namespace(name: string): Promise<NamespaceView> {
    return this.call(`/namespaces/${encodeURIComponent(name)}`);
  }

  /** Adds a member to an organisation or changes a member's role. */
  putMember(namespace: string, username: string, role: Role): Promise<NamespaceView> {
    return this.put(`/namespaces/${encodeURIComponent(namespace)}/members/${encodeURIComponent(username)}`, {
      role,
    });
  }

  removeMember(namespace: string, username: string): Promise<void> {
    return this.call(`/namespaces/${encodeURIComponent(namespace)}/members/${encodeURIComponent(username)}`, {
      method: "DELETE",
    });
  }

  /** The namespace's audit log, newest first; `before` (an entry id) pages back. */
  audit(namespace: string, query: { learnware?: string; before?: number; limit?: number } = {}): Promise<AuditEntry[]> {
    return this.call(`/namespaces/${encodeURIComponent(namespace)}/audit${browseQueryString(query)}`);
  }

  tokens(): Promise<TokenView[]> {
    return this.call("/tokens");
  }

  createToken(request: NewToken): Promise<TokenView> {
    return this.post("/tokens", request);
  }

  revokeToken(id: string): Promise<void> {
    return this.call(`/tokens/${encodeURIComponent(id)}`, { method: "DELETE" });
  }

  jobs(): Promise<Job[]> {
    return this.call("/jobs");
  }

  job(id: string): Promise<Job> {
    return this.call(`/jobs/${id}`);
  }

  requestJob(request: JobRequest): Promise<Job> {
    return this.post("/jobs", request);
  }

  cancel(id: string): Promise<Job> {
    return this.call(`/jobs/${id}/cancel`, { method: "POST" });
  }

  /** Uploads a data set for jobs (a CSV with a header). */
  uploadDataset(owner: string, name: string, data: Blob, filename: string): Promise<unknown> {
    const form = new FormData();
    form.append("data", data, filename);
    return this.call(`/datasets/${owner}/${name}`, { method: "POST", body: form });
  }

  /**
   * Follows a job's server-sent events until it ends. EventSource cannot send the bearer token, so
   * the stream is read with fetch. Resolves with the last job seen.
   */
  async follow(id: string, onJob: (job: Job) => void, signal?: AbortSignal): Promise<Job | null> {
    const response = await this.fetcher(`${this.base}/jobs/${id}/events`, {
      headers: this.headers({ Accept: "text/event-stream" }),
      signal,
    });
    if (!response.ok || !response.body) throw await toApiError(response);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let last: Job | null = null;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return last;
      const parsed = parseSse(buffer + value);
      buffer = parsed.rest;
      for (const data of parsed.events) {
        last = JSON.parse(data) as Job;
        onJob(last);
      }
    }
  }
}

export interface UploadParts {
  spec: unknown;
  model: File;
  files: File[];
}

/**
 * Uploads a version with XMLHttpRequest, the one browser API that reports upload progress.
 * `onProgress` receives the fraction sent.
 */
export function uploadVersion(
  base: string,
  token: string | null,
  owner: string,
  name: string,
  parts: UploadParts,
  onProgress: (fraction: number) => void,
  visibility?: Visibility,
): Promise<{ owner: string; name: string; version: number; sha256: string; state: VersionState }> {
  const form = new FormData();
  form.append("spec", new Blob([JSON.stringify(parts.spec)], { type: "application/json" }), "spec.json");
  form.append("model", parts.model, parts.model.name);
  for (const file of parts.files) form.append("file", file, file.name);
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(
      "POST",
      `${base}/learnwares/${owner}/${name}/versions${visibility ? `?visibility=${visibility}` : ""}`,
    );
    if (token) request.setRequestHeader("Authorization", `Bearer ${token}`);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onerror = () => reject(new ApiError(0, "Network error", "the upload did not reach the market", []));
    request.onload = () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // Non-JSON answer: reported by status below.
      }
      if (request.status >= 200 && request.status < 300) {
        onProgress(1);
        resolve(body as never);
      } else {
        reject(
          new ApiError(
            request.status,
            (body.title as string) ?? request.statusText,
            body.detail as string | undefined,
            (body.violations as Violation[]) ?? [],
            body.type as string | undefined,
          ),
        );
      }
    };
    request.send(form);
  });
}
