import { useEffect, useState } from "preact/hooks";
import type { Scope, TokenView } from "../lib/api";
import { isCurrentToken, SCOPES, tokenRequest } from "../lib/access";
import { api, storedToken, useSession } from "../lib/session";
import { href } from "../lib/router";
import { CopyButton, ErrorBox, formatDate, Loading } from "../components/common";

const SCOPE_MEANS: Record<Scope, string> = {
  read: "private learnwares and data sets, member lists",
  write: "uploads, aliases, deleting versions",
  jobs: "requesting, following and cancelling jobs",
  admin: "visibility, members, audit logs, organisations, tokens",
};

/** `#/tokens`: the signed-in user's API tokens, revoking them, and making new ones. */
export function TokensPage() {
  const { user, signOut } = useSession();
  const [tokens, setTokens] = useState<TokenView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<TokenView | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    if (!user) return;
    let cancelled = false;
    setError(null);
    api
      .tokens()
      .then((list) => !cancelled && setTokens(list))
      .catch((e) => !cancelled && setError(e));
    return () => {
      cancelled = true;
    };
  }, [user?.username, reload]);

  if (!user) {
    return (
      <section>
        <h1>API tokens</h1>
        <p>
          <a href={href.signin()}>Sign in</a> to manage your tokens.
        </p>
      </section>
    );
  }

  const revoke = async (token: TokenView) => {
    setError(null);
    try {
      await api.revokeToken(token.id);
      if (created?.id === token.id) setCreated(null);
      // This browser's own token no longer works.
      if (isCurrentToken(token, storedToken())) signOut();
      else setReload((n) => n + 1);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section class="tokens">
      <h1>API tokens</h1>
      <p class="lead">
        Tokens sign in the web UI, the CLI and scripts. Give each the least it needs: scopes, namespaces and an expiry.
      </p>
      {created?.token && (
        <div class="secret" role="status">
          <p>
            <strong>New token “{created.name ?? created.prefix}”.</strong> Copy it now: it is not shown again.
          </p>
          <div class="secret-row">
            <code aria-label="The new token">{created.token}</code>
            <CopyButton text={created.token} label="Copy token" />
          </div>
        </div>
      )}
      <ErrorBox error={error} />
      {!tokens && !error && <Loading />}
      {tokens && (
        <div class="table-scroll">
          <table class="token-table">
            <thead>
              <tr>
                <th scope="col">name</th>
                <th scope="col">prefix</th>
                <th scope="col">scopes</th>
                <th scope="col">namespaces</th>
                <th scope="col">created</th>
                <th scope="col">last used</th>
                <th scope="col">expires</th>
                <th scope="col">
                  <span class="visually-hidden">actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((token) => (
                <tr key={token.id}>
                  <td>
                    {token.name ?? <span class="muted">unnamed</span>}
                    {isCurrentToken(token, storedToken()) && <span class="chip">this browser</span>}
                  </td>
                  <td>
                    <code>{token.prefix}…</code>
                  </td>
                  <td>{token.scopes.join(", ")}</td>
                  <td>{token.namespaces?.join(", ") ?? <span class="muted">all</span>}</td>
                  <td>{formatDate(token.createdAt)}</td>
                  <td>{token.lastUsedAt ? formatDate(token.lastUsedAt) : <span class="muted">never</span>}</td>
                  <td>{token.expiresAt ? formatDate(token.expiresAt) : <span class="muted">never</span>}</td>
                  <td>
                    <button
                      type="button"
                      class="button small ghost danger"
                      aria-label={`Revoke ${token.name ?? token.prefix}`}
                      onClick={() => revoke(token)}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <NewTokenForm
        onCreated={(token) => {
          setCreated(token);
          setReload((n) => n + 1);
        }}
      />
    </section>
  );
}

function NewTokenForm({ onCreated }: { onCreated: (token: TokenView) => void }) {
  const { user } = useSession();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Scope[]>(["read"]);
  const [namespaces, setNamespaces] = useState<string[]>([]);
  const [expires, setExpires] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // A token grants at most what the one making it may (docs/access.md).
  const allowedScopes = SCOPES.filter((scope) => user?.scopes?.includes(scope) ?? true);
  const allowedNamespaces = (user?.namespaces ?? [])
    .map((m) => m.namespace)
    .filter((namespace) => !user?.tokenNamespaces || user.tokenNamespaces.includes(namespace));
  const toggle = <T,>(list: T[], item: T, on: boolean) => (on ? [...list, item] : list.filter((x) => x !== item));

  return (
    <form
      class="token-form"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setError(null);
        try {
          onCreated(await api.createToken(tokenRequest({ name, scopes, namespaces, expires })));
          setName("");
          setExpires("");
        } catch (e) {
          setError(e);
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2>New token</h2>
      <div class="form-grid">
        <div class="field">
          <label for="token-name">Name</label>
          <input
            id="token-name"
            value={name}
            maxLength={100}
            placeholder="ci-read"
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="token-expires">Expires (end of the day, UTC; optional)</label>
          <input id="token-expires" type="date" value={expires} onInput={(e) => setExpires(e.currentTarget.value)} />
        </div>
      </div>
      <fieldset class="checks">
        <legend>Scopes</legend>
        {allowedScopes.map((scope) => (
          <label key={scope} class="check-row">
            <input
              type="checkbox"
              checked={scopes.includes(scope)}
              onChange={(e) => setScopes(toggle(scopes, scope, e.currentTarget.checked))}
            />
            <span>
              <strong>{scope}</strong> <span class="muted">{SCOPE_MEANS[scope]}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {allowedNamespaces.length > 0 && (
        <fieldset class="checks">
          <legend>Namespaces (none ticked: {user?.tokenNamespaces ? "those of this token" : "all yours"})</legend>
          {allowedNamespaces.map((namespace) => (
            <label key={namespace} class="check-row">
              <input
                type="checkbox"
                checked={namespaces.includes(namespace)}
                onChange={(e) => setNamespaces(toggle(namespaces, namespace, e.currentTarget.checked))}
              />
              <span>{namespace}</span>
            </label>
          ))}
        </fieldset>
      )}
      <ErrorBox error={error} />
      <button class="button primary" type="submit" disabled={busy || scopes.length === 0}>
        Create token
      </button>
    </form>
  );
}
