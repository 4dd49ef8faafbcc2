// The page's side of the RKME worker: one worker per summary, ended when it answers or is cancelled.
import type { Summary, SummaryRequest } from "./summarise";
import type { WorkerMessage } from "./rkme.worker";

export type { Summary } from "./summarise";

export interface RunningSummary {
  result: Promise<Summary>;
  cancel: () => void;
}

export function summariseInWorker(
  file: File,
  options: Omit<SummaryRequest, "bytes" | "name">,
  onProgress: (stage: string, fraction: number) => void,
): RunningSummary {
  // A module worker from its own bundled file: the page's CSP (script-src 'self') allows it, no blob: URL needed.
  const worker = new Worker(new URL("./rkme.worker.ts", import.meta.url), { type: "module", name: "rkme" });
  let reject: (e: Error) => void = () => {};
  const result = new Promise<Summary>((resolve, fail) => {
    reject = fail;
    worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
      const message = event.data;
      if (message.type === "progress") return onProgress(message.stage, message.fraction);
      worker.terminate();
      if (message.type === "done") resolve(message.summary);
      else fail(new Error(message.message));
    };
    worker.onerror = (event) => {
      worker.terminate();
      fail(new Error(`the summary could not be computed: ${event.message || "the worker failed to start"}`));
    };
  });
  worker.postMessage({ file, ...options });
  return {
    result,
    cancel: () => {
      worker.terminate();
      reject(new Error("cancelled"));
    },
  };
}
