// Who is signed in: a bearer token kept in localStorage, and the user it belongs to.
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { Api, type Me } from "./api";

const KEY = "learnware.token";

export const API_BASE = "/api/v1";

export function storedToken(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string | null) {
  if (token) localStorage.setItem(KEY, token);
  else localStorage.removeItem(KEY);
}

export const api = new Api(API_BASE, storedToken);

export interface Session {
  /** The signed-in user with their namespaces and the token's scopes (GET /me). */
  user: Me | null;
  signIn(token: string): Promise<void>;
  signOut(): void;
  /** Reads /me again, after a change of memberships. */
  refresh(): Promise<void>;
}

export const SessionContext = createContext<Session>({
  user: null,
  signIn: async () => {},
  signOut: () => {},
  refresh: async () => {},
});

export const useSession = () => useContext(SessionContext);
