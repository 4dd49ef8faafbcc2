import { h } from "preact";
import { describe, expect, it } from "vitest";
import type { EnsembleView } from "../lib/api";
import { EnsembleMembers, ensembleMethod } from "./Ensemble";
import { edgeLabel, lineageSummary } from "./Lineage";
import { PrivateBadge } from "./common";
import { render } from "./testRender";

const ensemble: EnsembleView = {
  method: "mean",
  task: "classification",
  members: [
    { learnware: "demo/digits-low@1", sha256: "1f".repeat(32) },
    { learnware: "demo/digits-high@2", sha256: "a3".repeat(32) },
  ],
};

describe("a published ensemble on its version page", () => {
  it("lists its pinned members in order, each a link to that exact version with its SHA-256", () => {
    const html = render(h(EnsembleMembers, { ensemble }));
    expect(html).toContain("Combines 2 pinned versions by <strong>mean</strong>");
    expect(html).toContain("the mean of its members' class probabilities");
    const links = [...html.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]]);
    expect(links).toEqual([
      ["#/l/demo/digits-low/1", "demo/digits-low@1"],
      ["#/l/demo/digits-high/2", "demo/digits-high@2"],
    ]);
    expect(html).toContain(`title="SHA-256 of the pinned model: ${"1f".repeat(32)}"`);
  });

  it("says what each method answers", () => {
    expect(ensembleMethod({ ...ensemble, task: "regression" })).toBe("the mean of its members' outputs");
    expect(ensembleMethod({ ...ensemble, method: "vote" })).toContain("majority vote");
    expect(ensembleMethod({ ...ensemble, method: "selector" })).toContain("job selector routes the row to");
  });
});

describe("lineage in words", () => {
  it("groups edges by relation and direction: combined from the members, distilled into a student", () => {
    expect(
      lineageSummary(
        [
          { learnware: "demo/digits-low@1", relation: "combined", job: "j1" },
          { learnware: "demo/digits-high@2", relation: "combined", job: "j1" },
        ],
        [
          { learnware: "demo/student@1", relation: "distilled" },
          { learnware: "demo/other@1", relation: "rebuilt" },
        ],
      ),
    ).toEqual([
      { label: "combined from", versions: ["demo/digits-low@1", "demo/digits-high@2"] },
      { label: "distilled into", versions: ["demo/student@1"] },
      { label: "rebuilt into", versions: ["demo/other@1"] },
    ]);
    expect(lineageSummary([], [{ learnware: "demo/both@1", relation: "combined" }])).toEqual([
      { label: "combined into", versions: ["demo/both@1"] },
    ]);
  });
});

describe("private learnwares", () => {
  it("names a lineage edge to a learnware the caller may not read 'a private learnware'", () => {
    const hidden = { learnware: null, relation: "distilled", visibility: "private" as const };
    expect(
      lineageSummary(
        [hidden, { learnware: "demo/digits@1", relation: "distilled" }],
        [{ relation: "combined", visibility: "private" }],
      ),
    ).toEqual([
      { label: "distilled from", versions: [null, "demo/digits@1"] },
      { label: "combined into", versions: [null] },
    ]);
    expect(edgeLabel(hidden)).toBe("a private learnware");
    // The market leaves the null out of its JSON.
    expect(edgeLabel({ relation: "distilled", visibility: "private" })).toBe("a private learnware");
    expect(edgeLabel({ learnware: "demo/digits@1", relation: "distilled" })).toBe("demo/digits@1");
  });

  it("badges private learnwares, and only them", () => {
    expect(render(h(PrivateBadge, { visibility: "private" }))).toBe(
      '<span class="badge badge-private" title="Only members of its namespace see it">private</span>',
    );
    expect(render(h(PrivateBadge, { visibility: "public" }))).toBe("");
    expect(render(h(PrivateBadge, { visibility: undefined }))).toBe("");
  });
});
