// IDX images (MNIST and relatives) and the fixed image feature map image-sign-projection-v1, as the Java
// library defines them (spec-schema IdxFiles and ImageFeatureMap; docs/rkme.md "Images").
import { DataError } from "./csv";
import type { Matrix } from "./rkme";
import { SplittableRandom } from "./random";

export const IMAGES_MAGIC = 0x00000803;
const LABELS_MAGIC = 0x00000801;
export const FEATURES = 64;
/** The sign stream's seed: part of the map's definition. */
const SEED = 20_261_124;

export interface Images {
  count: number;
  channels: number;
  height: number;
  width: number;
  /** count × (height·width) bytes, pixel values before scaling to [0, 1]. */
  bytes: Uint8Array;
}

export function isIdxImages(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset).getInt32(0) === IMAGES_MAGIC;
}

/** Reads an IDX image file (unsigned bytes, n × height × width); checks the length against the header. */
export function readIdxImages(bytes: Uint8Array, file: string): Images {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 16) {
    throw new DataError(`${file} is truncated: it ends within the header, after ${bytes.length} bytes`);
  }
  const magic = view.getInt32(0);
  if (magic !== IMAGES_MAGIC) {
    const hint = magic === LABELS_MAGIC ? " (this is an IDX label file)" : "";
    throw new DataError(
      `${file}: bad magic number 0x${(magic >>> 0).toString(16).padStart(8, "0")}, expected 0x00000803 for IDX images${hint}`,
    );
  }
  const [count, height, width] = [view.getInt32(4), view.getInt32(8), view.getInt32(12)];
  for (const [size, what] of [
    [count, "images"],
    [height, "rows"],
    [width, "columns"],
  ] as const) {
    if (size <= 0) throw new DataError(`${file}: the header declares ${size} ${what}; expected a positive number`);
  }
  const expected = 16 + count * height * width;
  const layout = `${count.toLocaleString("en")} × ${height} × ${width} pixels`;
  if (bytes.length < expected) {
    throw new DataError(
      `${file} is truncated: expected ${expected.toLocaleString("en")} bytes (a 16-byte header and ${layout}), ` +
        `the data ends after ${bytes.length.toLocaleString("en")}`,
    );
  }
  if (bytes.length > expected) {
    throw new DataError(
      `${file}: more bytes than the header declares (${layout}: ${expected.toLocaleString("en")} bytes in all)`,
    );
  }
  return { count, channels: 1, height, width, bytes: bytes.subarray(16) };
}

/** ±1/√D, pixel-major (p·64 + k): bit p mod 64 of the (k·⌈D/64⌉ + p div 64)-th nextLong(), 1 meaning +. */
export function featureMapWeights(inputSize: number): Float64Array {
  const words = Math.ceil(inputSize / 64);
  const scale = 1 / Math.sqrt(inputSize);
  const weights = new Float64Array(inputSize * FEATURES);
  const random = new SplittableRandom(SEED);
  for (let k = 0; k < FEATURES; k++) {
    for (let w = 0; w < words; w++) {
      const bits = random.nextLong();
      const low = Number(bits & 0xffffffffn);
      const high = Number(bits >> 32n);
      for (let p = w * 64; p < Math.min(inputSize, (w + 1) * 64); p++) {
        const bit = p & 63;
        const set = (bit < 32 ? low >>> bit : high >>> (bit - 32)) & 1;
        weights[p * FEATURES + k] = set ? scale : -scale;
      }
    }
  }
  return weights;
}

/**
 * Maps every image to its 64 features: pixels scaled to [0, 1] (byte / 255), then the sign projection, summed
 * in pixel order as the Java map does. Zero pixels add nothing and are skipped (most of an MNIST image).
 */
export function mapImages(images: Images, onProgress: (fraction: number) => void = () => {}): Matrix {
  const inputSize = images.channels * images.height * images.width;
  const weights = featureMapWeights(inputSize);
  const out = new Float64Array(images.count * FEATURES);
  const { bytes } = images;
  for (let i = 0; i < images.count; i++) {
    const o = i * FEATURES;
    for (let p = 0; p < inputSize; p++) {
      const byte = bytes[i * inputSize + p];
      if (byte === 0) continue;
      const value = byte / 255;
      const base = p * FEATURES;
      for (let k = 0; k < FEATURES; k++) out[o + k] += value * weights[base + k];
    }
    if ((i + 1) % 1000 === 0) onProgress((i + 1) / images.count);
  }
  return { rows: images.count, columns: FEATURES, data: out };
}
