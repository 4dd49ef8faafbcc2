// Builds the RKME of the user's file off the page's thread. The file is read here, in the browser; only the
// RKME document goes back to the page (and from there to the search API).
import { DataError } from "./csv";
import { summarise, type SummaryRequest } from "./summarise";

export type WorkerMessage =
  | { type: "progress"; stage: string; fraction: number }
  | { type: "done"; summary: Awaited<ReturnType<typeof summarise>> }
  | { type: "error"; message: string };

self.onmessage = async (event: MessageEvent<{ file: File } & Omit<SummaryRequest, "bytes" | "name">>) => {
  const { file, ...options } = event.data;
  const post = (message: WorkerMessage) => self.postMessage(message);
  let lastReport = 0;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const summary = await summarise({ ...options, name: file.name, bytes }, (stage, fraction) => {
      // At most ten reports a second: the page redraws on each.
      const now = performance.now();
      if (now - lastReport < 100 && fraction < 1) return;
      lastReport = now;
      post({ type: "progress", stage, fraction });
    });
    post({ type: "done", summary });
  } catch (e) {
    post({ type: "error", message: e instanceof DataError ? e.message : `${file.name}: ${(e as Error).message}` });
  }
};
