// From a user's file (CSV or IDX images, gzip or not) to the statistical specification the search takes:
// what the CLI's `spec rkme` does, for the Web Worker (rkme.worker.ts) and the tests.
import { DataError, csvHeader, parseCsv } from "./csv";
import { FEATURES, isIdxImages, mapImages, readIdxImages } from "./images";
import { buildRkme, toDocument, type Matrix, type PassRunner, type RkmeDocument } from "./rkme";

export interface SummaryRequest {
  /** The file's name, for messages. */
  name: string;
  bytes: Uint8Array;
  /** CSV: the label column to leave out; null for none; undefined picks a column named "label" if there is one. */
  label?: string | null;
  /** The feature count the search needs (its input filter), checked before the RKME is built. */
  dimension?: number;
  seed?: number;
}

export interface Summary {
  doc: RkmeDocument;
  /** "1,437 rows × 64 features" or "60,000 images of 1×28×28 pixels, mapped to 64 features". */
  description: string;
  /** CSV only: the header and the label column used. */
  columns?: string[];
  label?: string | null;
  readMillis: number;
  buildMillis: number;
}

export type Progress = (stage: string, fraction: number) => void;

const GZIP = [0x1f, 0x8b];

/** Decompresses gzip (told by the magic number, as the CLI does), in the browser's own inflater. */
export async function decompressed(bytes: Uint8Array): Promise<Uint8Array> {
  if (bytes[0] !== GZIP[0] || bytes[1] !== GZIP[1]) return bytes;
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * @param passes runs the RKME's passes over the data elsewhere (rkme.worker.ts shares them with a helper worker)
 */
export async function summarise(
  request: SummaryRequest,
  progress: Progress = () => {},
  passes?: (x: Matrix, gamma: number) => PassRunner,
): Promise<Summary> {
  const started = performance.now();
  progress("reading", 0);
  let bytes: Uint8Array;
  try {
    bytes = await decompressed(request.bytes);
  } catch (e) {
    throw new DataError(`${request.name}: the compressed data is corrupt or truncated (${(e as Error).message})`);
  }
  let features: Matrix;
  let description: string;
  let featureMap: RkmeDocument["featureMap"];
  let columns: string[] | undefined;
  let label: string | null | undefined;
  if (isIdxImages(bytes)) {
    const images = readIdxImages(bytes, request.name);
    checkDimension(request, FEATURES, `${request.name} holds images, mapped to ${FEATURES} features`);
    features = mapImages(images, (fraction) => progress("feature map", fraction));
    description =
      `${images.count.toLocaleString("en")} images of ${images.channels}×${images.height}×${images.width} pixels, ` +
      `mapped to ${FEATURES} features`;
    featureMap = {
      type: "image-sign-projection-v1",
      channels: images.channels,
      height: images.height,
      width: images.width,
    };
  } else {
    const text = new TextDecoder("utf-8").decode(bytes);
    columns = csvHeader(text, request.name);
    label = request.label !== undefined ? request.label : columns.includes("label") ? "label" : null;
    const featureCount = label !== null && columns.includes(label) ? columns.length - 1 : columns.length;
    checkDimension(
      request,
      featureCount,
      `${request.name} has ${featureCount} feature columns (${label === null ? "no label column" : `label column "${label}" left out`})`,
    );
    const table = parseCsv(text, request.name, label, (fraction) => progress("reading", fraction));
    features = table.features;
    description = `${features.rows.toLocaleString("en")} rows × ${features.columns} features`;
  }
  const read = performance.now();
  const rkme = await buildRkme(features, {
    seed: request.seed ?? 0,
    onProgress: (stage, f) => progress(`RKME ${stage}`, f),
    passes,
  });
  const doc = toDocument(rkme);
  if (featureMap) doc.featureMap = featureMap;
  return {
    doc,
    description,
    columns,
    label,
    readMillis: read - started,
    buildMillis: performance.now() - read,
  };
}

function checkDimension(request: SummaryRequest, actual: number, what: string): void {
  if (request.dimension !== undefined && request.dimension !== actual) {
    throw new DataError(
      `${what}, but the search asks for inputs of ${request.dimension} features: ` +
        "choose the label column, leave out the columns that are not model inputs, or change the Features filter",
    );
  }
}
