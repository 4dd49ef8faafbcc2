import { describe, expect, it } from "vitest";
import type { AuditEntry, Me } from "./api";
import {
  auditSummary,
  can,
  isCurrentToken,
  organisationsOf,
  roleIn,
  tokenAllows,
  tokenRequest,
  writableNamespaces,
} from "./access";

const ada: Me = {
  username: "ada",
  roles: ["user"],
  namespaces: [
    { namespace: "ada", kind: "user", role: "admin" },
    { namespace: "zoo-lab", kind: "organisation", role: "write" },
    { namespace: "bio-lab", kind: "organisation", role: "admin" },
    { namespace: "readers", kind: "organisation", role: "read" },
  ],
  scopes: ["read", "write", "jobs", "admin"],
  tokenNamespaces: null,
};

describe("what the signed-in user may do", () => {
  it("takes the role from the user's namespaces; roles include the ones below them", () => {
    expect(roleIn(ada, "zoo-lab")).toBe("write");
    expect(roleIn(ada, "elsewhere")).toBeNull();
    expect(roleIn(null, "ada")).toBeNull();
    expect(can(ada, "zoo-lab", "read")).toBe(true);
    expect(can(ada, "zoo-lab", "write")).toBe(true);
    expect(can(ada, "zoo-lab", "admin")).toBe(false);
    expect(can(ada, "readers", "write")).toBe(false);
    expect(can(ada, "elsewhere", "read")).toBe(false);
    expect(can(null, "ada", "read")).toBe(false);
  });

  it("makes site admins admins everywhere", () => {
    const root: Me = { username: "admin", roles: ["user", "admin"], namespaces: [], scopes: ["admin", "read"] };
    expect(roleIn(root, "anyone")).toBe("admin");
    expect(can(root, "anyone", "admin")).toBe(true);
    // …but the token still needs the scope.
    expect(can(root, "anyone", "write")).toBe(false);
  });

  it("narrows the role by the token's scopes and namespaces", () => {
    const readOnly: Me = { ...ada, scopes: ["read"] };
    expect(can(readOnly, "bio-lab", "read")).toBe(true);
    expect(can(readOnly, "bio-lab", "write")).toBe(false);
    expect(can(readOnly, "bio-lab", "admin")).toBe(false);
    const limited: Me = { ...ada, tokenNamespaces: ["zoo-lab"] };
    expect(tokenAllows(limited, "zoo-lab", "write")).toBe(true);
    expect(can(limited, "zoo-lab", "write")).toBe(true);
    expect(can(limited, "ada", "write")).toBe(false);
    expect(can(limited, "bio-lab", "admin")).toBe(false);
  });

  it("offers uploads to the namespaces with write, own first, and lists organisations by name", () => {
    expect(writableNamespaces(ada)).toEqual(["ada", "bio-lab", "zoo-lab"]);
    expect(writableNamespaces({ ...ada, scopes: ["read", "jobs"] })).toEqual([]);
    expect(writableNamespaces({ ...ada, tokenNamespaces: ["bio-lab"] })).toEqual(["bio-lab"]);
    expect(writableNamespaces(null)).toEqual([]);
    expect(organisationsOf(ada).map((m) => `${m.namespace}:${m.role}`)).toEqual([
      "bio-lab:admin",
      "readers:read",
      "zoo-lab:write",
    ]);
  });
});

describe("tokens", () => {
  it("builds the request: scopes in order, no namespaces means all, a date expires at its end (UTC)", () => {
    expect(
      tokenRequest({ name: " ci ", scopes: ["jobs", "read"], namespaces: ["zoo-lab", "ada"], expires: "2031-02-03" }),
    ).toEqual({
      name: "ci",
      scopes: ["read", "jobs"],
      namespaces: ["ada", "zoo-lab"],
      expiresAt: "2031-02-03T23:59:59Z",
    });
    expect(tokenRequest({ name: "", scopes: ["read"], namespaces: [], expires: "" })).toEqual({
      name: undefined,
      scopes: ["read"],
      namespaces: undefined,
      expiresAt: undefined,
    });
  });

  it("recognises the browser's own token by its shown prefix", () => {
    const token = { id: "1", prefix: "lw_AbC12x", scopes: [], createdAt: "" } as const;
    expect(isCurrentToken({ ...token, scopes: ["read"] }, "lw_AbC12xrest-of-the-secret")).toBe(true);
    expect(isCurrentToken({ ...token, scopes: ["read"] }, "lw_Zzz")).toBe(false);
    expect(isCurrentToken({ ...token, scopes: ["read"] }, null)).toBe(false);
  });
});

describe("audit entries in words", () => {
  const entry = (action: string, detail: Record<string, unknown>): AuditEntry => ({
    id: 1,
    at: "2026-01-01T00:00:00Z",
    actor: "ada",
    namespace: "bio-lab",
    learnware: "digits",
    action,
    detail,
  });
  it("says what changed for each action", () => {
    const sha = "ab".repeat(32);
    expect(auditSummary(entry("version.uploaded", { version: 3, sha256: sha, format: "torchscript" }))).toBe(
      "v3 · torchscript · sha256 abababababab…",
    );
    expect(auditSummary(entry("version.deleted", { version: 2, sha256: sha }))).toBe("v2 · sha256 abababababab…");
    expect(auditSummary(entry("learnware.deleted", { versions: [1, 2] }))).toBe("versions v1, v2");
    expect(auditSummary(entry("visibility.changed", { from: "public", to: "private" }))).toBe("public → private");
    expect(auditSummary(entry("alias.set", { alias: "prod", version: 4, from: 3 }))).toBe("prod → v4 (was v3)");
    expect(auditSummary(entry("alias.set", { alias: "prod", version: 1 }))).toBe("prod → v1");
    expect(auditSummary(entry("member.added", { member: "bob", role: "read" }))).toBe("bob as read");
    expect(auditSummary(entry("member.role-changed", { member: "bob", from: "read", to: "write" }))).toBe(
      "bob: read → write",
    );
    expect(auditSummary(entry("member.removed", { member: "bob", role: "write" }))).toBe("bob (was write)");
    expect(
      auditSummary(
        entry("token.created", {
          id: "x",
          name: "ci",
          prefix: "lw_AbC12x",
          scopes: ["read"],
          namespaces: ["bio-lab"],
          expiresAt: "2031-02-03T23:59:59Z",
        }),
      ),
    ).toBe("ci lw_AbC12x… · scopes read · in bio-lab · expires 2031-02-03T23:59:59Z");
    expect(auditSummary(entry("organisation.created", {}))).toBe("");
    expect(auditSummary(entry("dataset.uploaded", { dataset: "d", size: 12 }))).toBe("dataset d · size 12");
  });
});
