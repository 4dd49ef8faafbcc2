import { useEffect, useState } from "preact/hooks";
import { TERMINAL, type Job } from "../lib/api";
import { api, useSession } from "../lib/session";
import { href } from "../lib/router";
import { headline } from "../lib/reports";
import { ErrorBox, formatDate, Loading, ProgressBar, StateBadge } from "../components/common";

/** Keeps one job current by following its event stream; falls back to polling if the stream breaks. */
function useLiveJob(initial: Job, onChange: (job: Job) => void) {
  useEffect(() => {
    if (TERMINAL.has(initial.state)) return;
    const abort = new AbortController();
    let stopped = false;
    (async () => {
      while (!stopped) {
        try {
          const last = await api.follow(initial.id, onChange, abort.signal);
          if (last && TERMINAL.has(last.state)) return;
        } catch {
          if (stopped) return;
        }
        // The stream ended early (a proxy timeout, a restart): poll once, then follow again.
        await new Promise((resolve) => setTimeout(resolve, 1000));
        if (stopped) return;
        const job = await api.job(initial.id).catch(() => null);
        if (job) {
          onChange(job);
          if (TERMINAL.has(job.state)) return;
        }
      }
    })();
    return () => {
      stopped = true;
      abort.abort();
    };
  }, [initial.id]);
}

export function JobsPage({ id }: { id?: string }) {
  const { user } = useSession();
  const [jobs, setJobs] = useState<Job[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!user) return;
    api.jobs().then(setJobs).catch(setError);
  }, [user?.username]);

  if (!user) {
    return (
      <section>
        <h1>Jobs</h1>
        <p>
          <a href={href.signin()}>Sign in</a> to see your jobs.
        </p>
      </section>
    );
  }
  const update = (job: Job) => setJobs((list) => (list ?? []).map((j) => (j.id === job.id ? job : j)));
  return (
    <section class="jobs">
      <h1>Jobs</h1>
      <p class="muted">Distillations, transfers and evaluations you requested, newest first. Progress updates live.</p>
      <ErrorBox error={error} />
      {!jobs && !error && <Loading />}
      {jobs && jobs.length === 0 && (
        <div class="empty">
          <p>No jobs yet.</p>
          <p class="muted">Open a learnware and choose “Run a job”.</p>
        </div>
      )}
      <ol class="job-list">
        {jobs?.map((job) => (
          <JobCard key={job.id} job={job} highlighted={job.id === id} onChange={update} />
        ))}
      </ol>
    </section>
  );
}

function JobCard({ job, highlighted, onChange }: { job: Job; highlighted: boolean; onChange: (job: Job) => void }) {
  const [error, setError] = useState<unknown>(null);
  useLiveJob(job, onChange);
  const terminal = TERMINAL.has(job.state);
  const numbers = job.result?.report ? headline(job.result.report) : [];
  return (
    <li
      class={`card job ${highlighted ? "highlighted" : ""}`}
      id={`job-${job.id}`}
      ref={(el) => {
        if (highlighted && el && !el.dataset.scrolled) {
          el.dataset.scrolled = "1";
          el.scrollIntoView({ block: "center" });
        }
      }}
    >
      <div class="card-head">
        <h2>
          {job.type === "distill"
            ? "Distillation"
            : job.type === "transfer"
              ? "Transfer"
              : job.type === "robustness"
                ? "Robustness evaluation"
                : job.type === "evaluate"
                  ? "Evaluation"
                  : "Validation"}{" "}
          <span class="muted">of</span> {job.source ? <a href={href.ref(job.source)}>{job.source}</a> : null}
        </h2>
        <StateBadge state={job.state} />
      </div>
      <ProgressBar
        value={job.state === "SUCCEEDED" ? 1 : job.progress}
        label={`Progress of job ${job.id}`}
        state={job.state}
      />
      <p class="job-message" aria-live="polite">
        {job.error ?? job.message}
      </p>
      <p class="meta muted">
        requested {formatDate(job.createdAt)}
        {job.attempts > 1 ? ` · attempt ${job.attempts}` : ""}
        {job.dataset ? ` · data ${job.dataset}` : ""}
        {job.target ? ` · into ${job.target}` : ""}
      </p>
      {numbers.length > 0 && (
        <dl class="stats small">
          {numbers.map((n) => (
            <div key={n.label}>
              <dt>{n.label}</dt>
              <dd>{n.value}</dd>
            </div>
          ))}
        </dl>
      )}
      <div class="job-actions">
        {job.result?.learnware && (
          <a class="button primary" href={href.ref(job.result.learnware)}>
            Open {job.result.learnware}
          </a>
        )}
        {job.state === "SUCCEEDED" && !job.result?.learnware && job.source && (
          <a class="button" href={`${href.ref(job.source)}?tab=reports`}>
            See the report
          </a>
        )}
        {!terminal && (
          <button
            type="button"
            class="button danger"
            onClick={async () => {
              setError(null);
              try {
                onChange(await api.cancel(job.id));
              } catch (e) {
                setError(e);
              }
            }}
          >
            Cancel
          </button>
        )}
      </div>
      <ErrorBox error={error} />
    </li>
  );
}
