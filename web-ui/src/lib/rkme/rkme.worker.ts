// Builds the RKME of the user's file off the page's thread. The file is read here, in the browser; only the
// RKME document goes back to the page (and from there to the search API).
import { DataError } from "./csv";
import { PASS_CHUNK_ROWS, chunkSums, type Matrix, type PassRunner } from "./rkme";
import type { PassRequest } from "./rkme-pass.worker";
import { summarise, type SummaryRequest } from "./summarise";

export type WorkerMessage =
  | { type: "progress"; stage: string; fraction: number }
  | { type: "done"; summary: Awaited<ReturnType<typeof summarise>> }
  | { type: "error"; message: string };

/**
 * Passes shared with the helper worker behind port: it gets the first half of the chunks of rows (a copy,
 * transferred once), this worker computes the rest meanwhile, and the chunks' sums are put back in row order.
 */
function sharedPasses(port: MessagePort): (x: Matrix, gamma: number) => PassRunner {
  return (x, gamma) => {
    const chunks = Math.ceil(x.rows / PASS_CHUNK_ROWS);
    const split = Math.floor(chunks / 2) * PASS_CHUNK_ROWS;
    if (split === 0) return async (z) => chunkSums(gamma, x, z);
    const head = x.data.slice(0, split * x.columns);
    const tail: Matrix = { rows: x.rows - split, columns: x.columns, data: x.data.subarray(split * x.columns) };
    const rows: PassRequest = { type: "rows", gamma, rows: split, columns: x.columns, data: head };
    port.postMessage(rows, [head.buffer]);
    return async (z) => {
      const theirs = new Promise<Float64Array[]>((resolve) => {
        port.onmessage = (event: MessageEvent<Float64Array[]>) => resolve(event.data);
      });
      const pass: PassRequest = { type: "pass", k: z.rows, z: z.data };
      port.postMessage(pass);
      const ours = chunkSums(gamma, tail, z);
      return [...(await theirs), ...ours];
    };
  };
}

self.onmessage = async (
  event: MessageEvent<{ file: File; helper?: MessagePort } & Omit<SummaryRequest, "bytes" | "name">>,
) => {
  const { file, helper, ...options } = event.data;
  const post = (message: WorkerMessage) => self.postMessage(message);
  let lastReport = 0;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const summary = await summarise(
      { ...options, name: file.name, bytes },
      (stage, fraction) => {
        // At most ten reports a second: the page redraws on each.
        const now = performance.now();
        if (now - lastReport < 100 && fraction < 1) return;
        lastReport = now;
        post({ type: "progress", stage, fraction });
      },
      helper && sharedPasses(helper),
    );
    post({ type: "done", summary });
  } catch (e) {
    post({ type: "error", message: e instanceof DataError ? e.message : `${file.name}: ${(e as Error).message}` });
  }
};
