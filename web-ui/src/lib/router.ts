// Hash routes, so the API serves one index.html and deep links work without server rewrites.
import { useEffect, useState } from "preact/hooks";

export type Route =
  | { page: "browse"; params: URLSearchParams }
  | { page: "learnware"; owner: string; name: string; version?: string; tab?: string }
  | { page: "upload"; owner?: string; name?: string }
  | { page: "jobs"; id?: string }
  | { page: "orgs"; name?: string }
  | { page: "tokens" }
  | { page: "signin" }
  | { page: "notfound" };

export function parseHash(hash: string): Route {
  const [path, query = ""] = hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  if (parts.length === 0) return { page: "browse", params };
  if (parts[0] === "l" && parts.length >= 3) {
    return {
      page: "learnware",
      owner: parts[1],
      name: parts[2],
      version: parts[3],
      tab: params.get("tab") ?? undefined,
    };
  }
  if (parts[0] === "upload") return { page: "upload", owner: parts[1], name: parts[2] };
  if (parts[0] === "jobs") return { page: "jobs", id: parts[1] };
  if (parts[0] === "orgs") return { page: "orgs", name: parts[1] };
  if (parts[0] === "tokens") return { page: "tokens" };
  if (parts[0] === "signin") return { page: "signin" };
  return { page: "notfound" };
}

export const href = {
  browse: (params?: URLSearchParams) => `#/${params && params.toString() ? `?${params}` : ""}`,
  learnware: (owner: string, name: string, version?: string | number, tab?: string) =>
    `#/l/${owner}/${name}${version !== undefined ? `/${version}` : ""}${tab ? `?tab=${tab}` : ""}`,
  /** `owner/name@version` → the version's page. */
  ref: (ref: string) => {
    const [path, version] = ref.split("@");
    const [owner, name] = path.split("/");
    return href.learnware(owner, name, version);
  },
  upload: (owner?: string, name?: string) => (owner && name ? `#/upload/${owner}/${name}` : "#/upload"),
  jobs: (id?: string) => (id ? `#/jobs/${id}` : "#/jobs"),
  orgs: (name?: string) => (name ? `#/orgs/${name}` : "#/orgs"),
  tokens: () => "#/tokens",
  signin: () => "#/signin",
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = () => {
      setRoute(parseHash(location.hash));
    };
    addEventListener("hashchange", onChange);
    return () => removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

export function navigate(to: string) {
  location.hash = to.replace(/^#/, "");
}
