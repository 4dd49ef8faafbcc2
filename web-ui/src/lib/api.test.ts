import { describe, expect, it } from "vitest";
import { Api, ApiError, browseQueryString, isNotFound, parseSse, type Job } from "./api";

/** A fetch that answers from a table and records the requests. */
function fakeFetch(answers: Record<string, () => Response>) {
  const requests: { url: string; init?: RequestInit }[] = [];
  const fetcher = (async (url: string, init?: RequestInit) => {
    requests.push({ url, init });
    const answer = answers[`${init?.method ?? "GET"} ${url}`];
    return answer ? answer() : new Response("", { status: 404 });
  }) as typeof fetch;
  return { fetcher, requests };
}

const json = (body: unknown, status = 200, type = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });

describe("the API client", () => {
  it("sends the bearer token and reads JSON", async () => {
    const { fetcher, requests } = fakeFetch({ "GET /api/v1/me": () => json({ username: "ada", roles: ["user"] }) });
    const api = new Api("/api/v1", () => "lw_secret", fetcher);
    expect(await api.me()).toEqual({ username: "ada", roles: ["user"] });
    expect((requests[0].init?.headers as Record<string, string>).Authorization).toBe("Bearer lw_secret");
  });

  it("sends no Authorization header when signed out", async () => {
    const { fetcher, requests } = fakeFetch({
      "GET /api/v1/learnwares?q=digits&tag=a&tag=b": () => json({ items: [], total: 0, page: 0, size: 20 }),
    });
    await new Api("/api/v1", () => null, fetcher).browse({ q: "digits", tag: ["a", "b"], owner: "" });
    expect(requests[0].init?.headers).toEqual({});
  });

  it("turns problem+json answers into errors with their violations", async () => {
    const problem = {
      title: "Invalid input",
      status: 400,
      detail: "1 violation",
      violations: [{ pointer: "/q", message: "bad" }],
    };
    const { fetcher } = fakeFetch({ "POST /api/v1/search": () => json(problem, 400, "application/problem+json") });
    const error = await new Api("/api/v1", () => null, fetcher).search({ q: "(" }).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      title: "Invalid input",
      detail: "1 violation",
      violations: [{ pointer: "/q", message: "bad" }],
    });
  });

  it("keeps the problem type: a missing scope is told apart, and a 404 is not-found", async () => {
    const problem = {
      type: "urn:learnware:problem:missing-scope",
      title: "Missing scope",
      status: 403,
      detail: "this token lacks the scope 'admin'",
    };
    const { fetcher } = fakeFetch({
      "PUT /api/v1/learnwares/lab/digits/visibility": () => json(problem, 403, "application/problem+json"),
    });
    const error = await new Api("/api/v1", () => "t", fetcher)
      .setVisibility("lab", "digits", "private")
      .catch((e) => e);
    expect(error).toMatchObject({ status: 403, type: "urn:learnware:problem:missing-scope" });
    expect(isNotFound(error)).toBe(false);
    const missing = await new Api("/api/v1", () => "t", fetcher).learnware("lab", "secret").catch((e) => e);
    expect(isNotFound(missing)).toBe(true);
  });

  it("sends visibility, member and token changes with the right methods and bodies", async () => {
    const { fetcher, requests } = fakeFetch({
      "PUT /api/v1/learnwares/lab/digits/visibility": () => json({ learnware: "lab/digits", visibility: "public" }),
      "PUT /api/v1/namespaces/lab/members/bob": () => json({ name: "lab", kind: "organisation", members: [] }),
      "DELETE /api/v1/namespaces/lab/members/bob": () => new Response(null, { status: 204 }),
      "GET /api/v1/namespaces/lab/audit?learnware=digits&before=17&limit=50": () => json([]),
      "POST /api/v1/tokens": () =>
        json({ id: "t1", prefix: "lw_abcdef", scopes: ["read"], token: "lw_abcdefxyz" }, 201),
      "DELETE /api/v1/tokens/t1": () => new Response(null, { status: 204 }),
    });
    const api = new Api("/api/v1", () => "t", fetcher);
    await api.setVisibility("lab", "digits", "public");
    await api.putMember("lab", "bob", "write");
    await api.removeMember("lab", "bob");
    expect(await api.audit("lab", { learnware: "digits", before: 17, limit: 50 })).toEqual([]);
    expect((await api.createToken({ name: "ci", scopes: ["read"] })).token).toBe("lw_abcdefxyz");
    await api.revokeToken("t1");
    expect(requests.map((r) => `${r.init?.method ?? "GET"} ${r.url} ${r.init?.body ?? ""}`.trim())).toEqual([
      'PUT /api/v1/learnwares/lab/digits/visibility {"visibility":"public"}',
      'PUT /api/v1/namespaces/lab/members/bob {"role":"write"}',
      "DELETE /api/v1/namespaces/lab/members/bob",
      "GET /api/v1/namespaces/lab/audit?learnware=digits&before=17&limit=50",
      'POST /api/v1/tokens {"name":"ci","scopes":["read"]}',
      "DELETE /api/v1/tokens/t1",
    ]);
  });

  it("follows a job's event stream, split across chunks, to its terminal event", async () => {
    const job = (state: string, progress: number) => ({
      id: "j1",
      type: "distill",
      state,
      progress,
      attempts: 1,
      createdAt: "2026-01-01T00:00:00Z",
    });
    const text = `data: ${JSON.stringify(job("RUNNING", 0.25))}\n\ndata:${JSON.stringify(job("RUNNING", 0.5))}\r\n\r\ndata: ${JSON.stringify(job("SUCCEEDED", 1))}\n\n`;
    const chunks = [text.slice(0, 17), text.slice(17, 140), text.slice(140)];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });
    const { fetcher, requests } = fakeFetch({
      "GET /api/v1/jobs/j1/events": () => new Response(body, { headers: { "Content-Type": "text/event-stream" } }),
    });
    const seen: Job[] = [];
    const last = await new Api("/api/v1", () => "t", fetcher).follow("j1", (j) => seen.push(j));
    expect(seen.map((j) => [j.state, j.progress])).toEqual([
      ["RUNNING", 0.25],
      ["RUNNING", 0.5],
      ["SUCCEEDED", 1],
    ]);
    expect(last?.state).toBe("SUCCEEDED");
    expect((requests[0].init?.headers as Record<string, string>).Authorization).toBe("Bearer t");
  });

  it("parses event-stream blocks and keeps the unfinished rest", () => {
    expect(parseSse("data: a\n\nid: 2\ndata: b\ndata: c\n\ndata: d")).toEqual({
      events: ["a", "b\nc"],
      rest: "data: d",
    });
    expect(parseSse(": keep-alive\n\n")).toEqual({ events: [], rest: "" });
  });

  it("builds query strings", () => {
    expect(browseQueryString({ q: "x y", page: 0, state: undefined })).toBe("?q=x+y&page=0");
    expect(browseQueryString({})).toBe("");
  });
});
