import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import type { ApiError } from "../lib/api";

export function StateBadge({ state }: { state: string }) {
  return <span class={`badge badge-${state.toLowerCase()}`}>{state.toLowerCase()}</span>;
}

/** A "private" badge for learnwares only their namespace's members see; nothing for public ones. */
export function PrivateBadge({ visibility }: { visibility?: string }) {
  return visibility === "private" ? (
    <span class="badge badge-private" title="Only members of its namespace see it">
      private
    </span>
  ) : null;
}

export function Tag({ children }: { children: ComponentChildren }) {
  return <span class="tag">{children}</span>;
}

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const apiError = error as Partial<ApiError>;
  return (
    <div class="error-box" role="alert">
      <strong>{apiError.title ?? "Something went wrong"}</strong>
      {apiError.detail ? <span> — {apiError.detail}</span> : null}
      {!apiError.title && error instanceof Error ? <span> — {error.message}</span> : null}
      {apiError.violations?.length ? (
        <ul>
          {apiError.violations.map((v) => (
            <li key={v.pointer + v.message}>
              <code>{v.pointer || "/"}</code> {v.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function ProgressBar({ value, label, state }: { value: number; label: string; state?: string }) {
  const percent = Math.round(Math.max(0, Math.min(1, value)) * 100);
  return (
    <div class={`progress ${state ? `progress-${state.toLowerCase()}` : ""}`}>
      <div
        class="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div class="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <span class="progress-value">{percent} %</span>
    </div>
  );
}

export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      class="button small ghost"
      onClick={async () => {
        await navigator.clipboard?.writeText(text);
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      }}
    >
      {copied ? "Copied" : label}
    </button>
  );
}

/** Tabs with arrow-key navigation (WAI-ARIA tabs pattern). */
export function Tabs({
  tabs,
  active,
  onSelect,
  label,
}: {
  tabs: { id: string; label: string }[];
  active: string;
  onSelect: (id: string) => void;
  label: string;
}) {
  const move = (event: KeyboardEvent, index: number) => {
    const delta = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (!delta) return;
    event.preventDefault();
    const next = tabs[(index + delta + tabs.length) % tabs.length];
    onSelect(next.id);
    document.getElementById(`tab-${next.id}`)?.focus();
  };
  return (
    <div class="tabs" role="tablist" aria-label={label}>
      {tabs.map((tab, index) => (
        <button
          key={tab.id}
          id={`tab-${tab.id}`}
          type="button"
          role="tab"
          aria-selected={tab.id === active}
          aria-controls={`panel-${tab.id}`}
          tabIndex={tab.id === active ? 0 : -1}
          ref={(element) => {
            // On narrow screens the tab row scrolls sideways: keep the selected tab in view.
            const row = element?.parentElement;
            if (element && row && tab.id === active)
              row.scrollLeft = element.offsetLeft - (row.clientWidth - element.clientWidth) / 2;
          }}
          class={tab.id === active ? "tab active" : "tab"}
          onClick={() => onSelect(tab.id)}
          onKeyDown={(event) => move(event as KeyboardEvent, index)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = -1;
  do {
    value /= 1000;
    unit++;
  } while (value >= 1000 && unit < units.length - 1);
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatDate(iso?: string): string {
  if (!iso) return "";
  return new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}
