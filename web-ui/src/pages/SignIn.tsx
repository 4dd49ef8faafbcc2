import { useState } from "preact/hooks";
import { useSession } from "../lib/session";
import { href, navigate } from "../lib/router";
import { ErrorBox } from "../components/common";

export function SignIn() {
  const { signIn } = useSession();
  const [token, setToken] = useState("");
  const [error, setError] = useState<unknown>(null);
  return (
    <section class="signin">
      <h1>Sign in</h1>
      <p class="lead">
        Paste an API token. Your administrator creates your user and first token; the CLI and scripts use the same
        tokens.
      </p>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          setError(null);
          try {
            await signIn(token.trim());
            navigate(href.browse());
          } catch (e) {
            setError(e);
          }
        }}
      >
        <div class="field">
          <label for="token">API token</label>
          <input
            id="token"
            type="password"
            autoComplete="off"
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
            required
            placeholder="lw_…"
          />
        </div>
        <ErrorBox error={error} />
        <button class="button primary" type="submit">
          Sign in
        </button>
      </form>
    </section>
  );
}
