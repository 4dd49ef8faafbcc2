import { useEffect, useState } from "preact/hooks";
import { isNotFound, type NamespaceView, type Role } from "../lib/api";
import { can, organisationsOf, ROLES } from "../lib/access";
import { api, useSession } from "../lib/session";
import { href, navigate } from "../lib/router";
import { ErrorBox, formatDate, Loading } from "../components/common";
import { AuditLog } from "../components/AuditLog";

const NAME = /^[a-z0-9][a-z0-9-]{1,62}$/;

const ROLE_MEANS: Record<Role, string> = {
  read: "sees private learnwares and data sets, runs jobs on them",
  write: "also uploads versions and data sets, sets aliases, deletes versions",
  admin: "also manages members, visibility and deletions, reads the audit log",
};

/** `#/orgs`: the user's organisations and a form to create one; `#/orgs/NAME`: one namespace. */
export function OrganisationsPage({ name }: { name?: string }) {
  const { user } = useSession();
  if (!user) {
    return (
      <section>
        <h1>Organisations</h1>
        <p>
          <a href={href.signin()}>Sign in</a> to see and create organisations.
        </p>
      </section>
    );
  }
  return name ? <Organisation name={name} /> : <Organisations />;
}

function Organisations() {
  const { user, refresh } = useSession();
  const [name, setName] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const mine = organisationsOf(user);
  const invalid = name !== "" && !NAME.test(name);
  return (
    <section class="orgs">
      <h1>Organisations</h1>
      <p class="lead">
        An organisation is a namespace that several people share: its members see its private learnwares and, with the
        write role, upload to it.
      </p>
      {mine.length ? (
        <ul class="org-list">
          {mine.map((m) => (
            <li key={m.namespace} class="card">
              <a href={href.orgs(m.namespace)}>{m.namespace}</a> <span class="chip">{m.role}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">You belong to no organisation yet.</p>
      )}
      <form
        class="inline-form"
        onSubmit={async (event) => {
          event.preventDefault();
          if (!NAME.test(name)) return;
          setBusy(true);
          setError(null);
          try {
            const created = await api.createOrganisation(name);
            await refresh();
            navigate(href.orgs(created.name));
          } catch (e) {
            setError(e);
          } finally {
            setBusy(false);
          }
        }}
      >
        <label for="org-name">New organisation</label>
        <input
          id="org-name"
          value={name}
          placeholder="my-lab"
          aria-invalid={invalid}
          aria-describedby="org-name-hint"
          onInput={(e) => setName(e.currentTarget.value)}
          required
        />
        <button class="button primary" type="submit" disabled={busy || !NAME.test(name)}>
          Create organisation
        </button>
      </form>
      <p class={invalid ? "field-error" : "hint"} id="org-name-hint">
        Lowercase letters, digits and '-', 2 to 63 characters; users and organisations share one set of names. You
        become its first admin.
      </p>
      <ErrorBox error={error} />
    </section>
  );
}

function Organisation({ name }: { name: string }) {
  const { user, refresh } = useSession();
  const [view, setView] = useState<NamespaceView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [member, setMember] = useState("");
  const [role, setRole] = useState<Role>("read");
  const [changes, setChanges] = useState(0);
  const admin = can(user, name, "admin");
  const organisation = view?.kind === "organisation";

  useEffect(() => {
    let cancelled = false;
    setError(null);
    api
      .namespace(name)
      .then((v) => !cancelled && setView(v))
      .catch((e) => !cancelled && setError(e));
    return () => {
      cancelled = true;
    };
  }, [name]);

  /** Runs a member change (its answer is the namespace with its new members); true when it was made. */
  const act = async (change: () => Promise<NamespaceView | void>) => {
    setActionError(null);
    try {
      const updated = await change();
      setView(updated ?? (await api.namespace(name)));
      setChanges((n) => n + 1);
      // The user's own role may have changed.
      await refresh();
      return true;
    } catch (e) {
      setActionError(e);
      // Redraw the members as they are: a refused role change puts its select back.
      setView((shown) => shown && { ...shown });
      return false;
    }
  };

  if (isNotFound(error))
    return (
      <section>
        <h1>Not found</h1>
        <p>
          There is no namespace <code>{name}</code>. <a href={href.orgs()}>Your organisations</a>
        </p>
      </section>
    );
  if (error) return <ErrorBox error={error} />;
  if (!view) return <Loading />;
  return (
    <article class="org">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href={href.orgs()}>Organisations</a> <span aria-hidden="true">/</span> <span>{name}</span>
      </nav>
      <h1>{name}</h1>
      <p class="meta">
        <span class="chip">{organisation ? "organisation" : "a user's own namespace"}</span>
        <span class="muted">created {formatDate(view.createdAt)}</span>
      </p>
      <p>
        <a href={href.browse(new URLSearchParams({ owner: name }))}>Its learnwares</a>
        {can(user, name, "write") && (
          <>
            {" · "}
            <a href={href.upload()}>Upload a learnware</a>
          </>
        )}
      </p>

      <section aria-labelledby="members-heading">
        <h2 id="members-heading">Members</h2>
        {view.members ? (
          <div class="table-scroll">
            <table class="members">
              <thead>
                <tr>
                  <th scope="col">user</th>
                  <th scope="col">role</th>
                  {admin && organisation && <th scope="col">actions</th>}
                </tr>
              </thead>
              <tbody>
                {view.members.map((m) => (
                  <tr key={m.username}>
                    <td>{m.username}</td>
                    <td>
                      {admin && organisation ? (
                        <select
                          aria-label={`Role of ${m.username}`}
                          value={m.role}
                          onChange={(e) => act(() => api.putMember(name, m.username, e.currentTarget.value as Role))}
                        >
                          {ROLES.map((r) => (
                            <option key={r} value={r}>
                              {r}
                            </option>
                          ))}
                        </select>
                      ) : (
                        m.role
                      )}
                    </td>
                    {admin && organisation && (
                      <td>
                        <button
                          type="button"
                          class="button small ghost"
                          aria-label={`Remove ${m.username}`}
                          onClick={() => act(() => api.removeMember(name, m.username))}
                        >
                          Remove
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p class="muted">Members are listed to members only.</p>
        )}
        {admin && organisation && (
          <form
            class="inline-form"
            onSubmit={(event) => {
              event.preventDefault();
              act(() => api.putMember(name, member.trim(), role)).then((done) => done && setMember(""));
            }}
          >
            <label for="member-name">Add a member</label>
            <input
              id="member-name"
              value={member}
              placeholder="username"
              onInput={(e) => setMember(e.currentTarget.value)}
              required
            />
            <label for="member-role" class="visually-hidden">
              Role of the new member
            </label>
            <select id="member-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
            <button class="button" type="submit">
              Add member
            </button>
          </form>
        )}
        <ErrorBox error={actionError} />
        <dl class="roles">
          {ROLES.flatMap((r) => [<dt key={`${r}-role`}>{r}</dt>, <dd key={`${r}-means`}>{ROLE_MEANS[r]}</dd>])}
        </dl>
        {!organisation && (
          <p class="muted">
            A user's own namespace has one member, its user. To share learnwares,{" "}
            <a href={href.orgs()}>create an organisation</a>.
          </p>
        )}
      </section>
      {admin && <AuditLog namespace={name} refresh={changes} />}
    </article>
  );
}
