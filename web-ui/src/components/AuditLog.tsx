import { useEffect, useState } from "preact/hooks";
import type { AuditEntry } from "../lib/api";
import { auditSummary } from "../lib/access";
import { api } from "../lib/session";
import { href } from "../lib/router";
import { ErrorBox, formatDate, Loading } from "./common";

const PAGE = 50;

/**
 * A namespace's audit log, newest first, for its admins; `learnware` narrows it to one learnware.
 * It loads again when `refresh` changes (after a change the page made).
 */
export function AuditLog({
  namespace,
  learnware,
  refresh,
}: {
  namespace: string;
  learnware?: string;
  refresh?: unknown;
}) {
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const load = async (before?: number) => {
    setError(null);
    try {
      const page = await api.audit(namespace, { learnware, before, limit: PAGE });
      setEntries((shown) => (before === undefined ? page : [...(shown ?? []), ...page]));
      setMore(page.length === PAGE);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    setEntries(null);
    load();
  }, [namespace, learnware, refresh]);

  return (
    <section class="audit" aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit log</h2>
      <p class="muted">
        Who changed what{learnware ? " in this learnware" : ` in ${namespace}`}, newest first. Only admins of{" "}
        {namespace} see it.
      </p>
      <ErrorBox error={error} />
      {!entries && !error && <Loading />}
      {entries && entries.length === 0 && <p class="muted">Nothing recorded yet.</p>}
      {entries && entries.length > 0 && (
        <div class="table-scroll">
          <table class="audit-table">
            <thead>
              <tr>
                <th scope="col">when</th>
                <th scope="col">who</th>
                <th scope="col">what</th>
                {!learnware && <th scope="col">learnware</th>}
                <th scope="col">details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id}>
                  <td>{formatDate(entry.at)}</td>
                  <td>{entry.actor}</td>
                  <td>
                    <code>{entry.action}</code>
                  </td>
                  {!learnware && (
                    <td>
                      {entry.learnware ? (
                        <a href={href.learnware(namespace, entry.learnware)}>{entry.learnware}</a>
                      ) : (
                        ""
                      )}
                    </td>
                  )}
                  <td>{auditSummary(entry)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {more && entries && (
        <button type="button" class="button ghost small" onClick={() => load(entries[entries.length - 1].id)}>
          Older entries
        </button>
      )}
    </section>
  );
}
