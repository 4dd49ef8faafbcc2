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
  // With a second core, a helper worker computes half of every pass over the data; the two talk over their own
  // channel.
  const helper =
    (navigator.hardwareConcurrency ?? 1) > 1
      ? new Worker(new URL("./rkme-pass.worker.ts", import.meta.url), { type: "module", name: "rkme-pass" })
      : null;
  const channel = helper ? new MessageChannel() : null;
  if (helper && channel) helper.postMessage({ port: channel.port2 }, [channel.port2]);
  const stop = () => {
    worker.terminate();
    helper?.terminate();
  };
  let reject: (e: Error) => void = () => {};
  const result = new Promise<Summary>((resolve, fail) => {
    reject = fail;
    worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
      const message = event.data;
      if (message.type === "progress") return onProgress(message.stage, message.fraction);
      stop();
      if (message.type === "done") resolve(message.summary);
      else fail(new Error(message.message));
    };
    // The RKME worker waits for its helper's share of a pass: a failing helper ends the summary too.
    for (const failing of helper ? [worker, helper] : [worker]) {
      failing.onerror = (event) => {
        stop();
        fail(new Error(`the summary could not be computed: ${event.message || "a worker failed to start"}`));
      };
    }
  });
  if (channel) worker.postMessage({ file, helper: channel.port1, ...options }, [channel.port1]);
  else worker.postMessage({ file, ...options });
  return {
    result,
    cancel: () => {
      stop();
      reject(new Error("cancelled"));
    },
  };
}
