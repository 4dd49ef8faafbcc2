import type { EnsembleView } from "../lib/api";
import { href } from "../lib/router";

/** What a published ensemble answers, in words, by its method and task. */
export function ensembleMethod(ensemble: EnsembleView): string {
  const classifier = ensemble.task !== "regression";
  switch (ensemble.method) {
    case "mean":
      return classifier ? "the mean of its members' class probabilities" : "the mean of its members' outputs";
    case "vote":
      return "the majority vote of its members (ties go to the larger mean probability)";
    case "selector":
      return "for each row, the answer of the member that its job selector routes the row to (by the members' RKMEs)";
  }
}

/**
 * A published ensemble's members: each a link to the exact version pinned, with the SHA-256 of its
 * model that the ensemble checks before it runs it.
 */
export function EnsembleMembers({ ensemble }: { ensemble: EnsembleView }) {
  return (
    <section class="spec-card ensemble-card" aria-labelledby="ensemble-heading">
      <h3 id="ensemble-heading">Published ensemble</h3>
      <p>
        Combines {ensemble.members.length} pinned versions by <strong>{ensemble.method}</strong>: it answers{" "}
        {ensembleMethod(ensemble)}.
      </p>
      <ol class="ensemble-members">
        {ensemble.members.map((member) => (
          <li key={member.learnware}>
            <a href={href.ref(member.learnware)}>{member.learnware}</a>{" "}
            <code class="muted" title={`SHA-256 of the pinned model: ${member.sha256}`}>
              {member.sha256.slice(0, 12)}…
            </code>
          </li>
        ))}
      </ol>
    </section>
  );
}
