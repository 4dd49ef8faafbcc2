// What the signed-in user may do where (docs/access.md): their role in a namespace, narrowed by the
// token's scopes and namespaces. The market decides every request; the pages use this only to leave
// out actions that would be refused.
import type { AuditEntry, Me, Membership, Role, Scope, TokenView } from "./api";

export const ROLES: Role[] = ["read", "write", "admin"];
export const SCOPES: Scope[] = ["read", "write", "jobs", "admin"];

const RANK: Record<Role, number> = { read: 0, write: 1, admin: 2 };

export const isSiteAdmin = (me: Me | null) => !!me?.roles.includes("admin");

/** The user's role in a namespace; site admins are admins everywhere. */
export function roleIn(me: Me | null, namespace: string): Role | null {
  if (!me) return null;
  if (isSiteAdmin(me)) return "admin";
  return me.namespaces?.find((m) => m.namespace === namespace)?.role ?? null;
}

/** Whether the token in use carries `scope` and acts in `namespace`. */
export function tokenAllows(me: Me, namespace: string, scope: Scope): boolean {
  return (me.scopes ?? SCOPES).includes(scope) && (!me.tokenNamespaces || me.tokenNamespaces.includes(namespace));
}

/**
 * Whether the user, with the token in use, may do in `namespace` what `role` may: their role there
 * includes it and the token has the scope of that role's actions (read, write or admin).
 */
export function can(me: Me | null, namespace: string, role: Role): boolean {
  const has = roleIn(me, namespace);
  return !!me && has !== null && RANK[has] >= RANK[role] && tokenAllows(me, namespace, role);
}

/** The namespaces the user may upload to with this token: their own first, then organisations by name. */
export function writableNamespaces(me: Me | null): string[] {
  if (!me) return [];
  return (me.namespaces ?? [])
    .map((m) => m.namespace)
    .filter((namespace) => can(me, namespace, "write"))
    .sort((a, b) => (a === me.username ? -1 : b === me.username ? 1 : a.localeCompare(b)));
}

/** The organisations the user belongs to, by name. */
export function organisationsOf(me: Me | null): Membership[] {
  return (me?.namespaces ?? [])
    .filter((m) => m.kind === "organisation")
    .sort((a, b) => a.namespace.localeCompare(b.namespace));
}

/** A new token's request from the form: no namespaces ticked means all; a date expires at its end (UTC). */
export function tokenRequest(form: { name: string; scopes: Scope[]; namespaces: string[]; expires: string }) {
  return {
    name: form.name.trim() || undefined,
    scopes: SCOPES.filter((scope) => form.scopes.includes(scope)),
    namespaces: form.namespaces.length ? [...form.namespaces].sort() : undefined,
    expiresAt: form.expires ? `${form.expires}T23:59:59Z` : undefined,
  };
}

/** Whether a listed token is the one this browser signed in with (its shown prefix starts the secret). */
export const isCurrentToken = (token: TokenView, secret: string | null) =>
  !!secret && !!token.prefix && secret.startsWith(token.prefix);

const short = (sha: unknown) => (typeof sha === "string" ? `${sha.slice(0, 12)}…` : "");

/** One audit entry's details in words, e.g. "v3 · torchscript · sha256 1f2e…" or "ada: read → write". */
export function auditSummary(entry: AuditEntry): string {
  const d = entry.detail ?? {};
  const v = (key: string) => String(d[key]);
  switch (entry.action) {
    case "version.uploaded":
    case "version.derived":
      return `v${v("version")} · ${v("format")} · sha256 ${short(d.sha256)}`;
    case "version.deleted":
      return `v${v("version")} · sha256 ${short(d.sha256)}`;
    case "learnware.deleted":
      return `versions ${(d.versions as number[] | undefined)?.map((n) => `v${n}`).join(", ") ?? ""}`;
    case "visibility.changed":
      return `${v("from")} → ${v("to")}`;
    case "alias.set":
      return `${v("alias")} → v${v("version")}${d.from !== undefined ? ` (was v${v("from")})` : ""}`;
    case "member.added":
      return `${v("member")} as ${v("role")}`;
    case "member.role-changed":
      return `${v("member")}: ${v("from")} → ${v("to")}`;
    case "member.removed":
      return `${v("member")} (was ${v("role")})`;
    case "token.created":
    case "token.revoked":
      return [
        `${d.name ? `${v("name")} ` : ""}${v("prefix")}…`,
        `scopes ${(d.scopes as string[] | undefined)?.join(", ") ?? ""}`,
        d.namespaces ? `in ${(d.namespaces as string[]).join(", ")}` : "",
        d.expiresAt ? `expires ${v("expiresAt")}` : "",
      ]
        .filter(Boolean)
        .join(" · ");
    default:
      return Object.entries(d)
        .map(([key, value]) => `${key} ${typeof value === "object" ? JSON.stringify(value) : String(value)}`)
        .join(" · ");
  }
}
