// A helper for rkme.worker.ts: it holds the first rows of the data and computes their share of every pass
// of the RKME construction (rkme.ts chunkSums), so that two cores work on one summary. It talks to the RKME
// worker over the MessagePort the page hands it; the page never sees the data.
import { chunkSums, type Matrix } from "./rkme";

export type PassRequest =
  | { type: "rows"; gamma: number; rows: number; columns: number; data: Float64Array }
  | { type: "pass"; k: number; z: Float64Array };

self.onmessage = (event: MessageEvent<{ port: MessagePort }>) => {
  const { port } = event.data;
  let x: Matrix | null = null;
  let gamma = 0;
  port.onmessage = (message: MessageEvent<PassRequest>) => {
    const request = message.data;
    if (request.type === "rows") {
      x = { rows: request.rows, columns: request.columns, data: request.data };
      gamma = request.gamma;
      return;
    }
    if (!x) return;
    const z = { rows: request.k, columns: x.columns, data: request.z };
    const chunks = chunkSums(gamma, x, z);
    port.postMessage(
      chunks,
      chunks.map((c) => c.buffer),
    );
  };
};
