// The RKME construction of the Java library (spec-schema io.learnware.spec.rkme.RkmeBuilder), step for
// step: column-mean imputation, K from the same rule, k-means++ and Lloyd on the same seeded sample,
// β from the same accelerated projected gradient, three preconditioned gradient steps on Z. The
// arithmetic is done in the same order (sums over chunks of 2048 rows added in order), so a seed gives
// the Java result up to the last bits of Math.exp. Plain TypeScript on Float64Arrays: it runs in a Web
// Worker (rkme.worker.ts) and in Vitest.
import { SplittableRandom } from "./random";

export const DEFAULT_POINTS = 100;
export const DEFAULT_GAMMA = 0.1;
export const DEFAULT_STEPS = 3;
/** SpecLimits.MAX_RKME_POINTS and MAX_RKME_VALUES. */
export const MAX_POINTS = 1000;
export const MAX_VALUES = 2_000_000;

const KMEANS_ITERATIONS = 10;
const KMEANS_SAMPLE_PER_CENTRE = 50;
const MIN_KMEANS_SAMPLE = 5000;
const CHUNK_ROWS = 2048;

/** Row-major n × d numbers. */
export interface Matrix {
  rows: number;
  columns: number;
  data: Float64Array;
}

export interface Rkme {
  gamma: number;
  numPoints: number;
  /** K × d reduced points. */
  z: Matrix;
  beta: Float64Array;
}

/** The canonical statistical specification document (docs/rkme.md). */
export interface RkmeDocument {
  type: "rkme-table";
  kernel: "gaussian";
  gamma: number;
  dimension: number;
  numPoints: number;
  z: number[][];
  beta: number[];
  featureMap?: { type: string; channels: number; height: number; width: number };
}

export interface BuildOptions {
  points?: number;
  gamma?: number;
  steps?: number;
  seed?: number | bigint;
  /** Hears the stage ("k-means", "weights", "step i/n", "done") and the overall fraction in [0, 1]. */
  onProgress?: (stage: string, fraction: number) => void;
  /**
   * Computes the passes over the (imputed) data elsewhere, for example split between Web Workers; by
   * default they run here. Whatever runs them must return the per-chunk sums of {@link chunkSums}.
   */
  passes?: (x: Matrix, gamma: number) => PassRunner;
}

/** The per-chunk sums of one pass over all rows, in row order. */
export type PassRunner = (z: Matrix) => Promise<Float64Array[]>;

/** The number of reduced points a data set of rows × columns gets (RkmeBuilder.reducedPoints). */
export function reducedPoints(requested: number, rows: number, columns: number): number {
  let k = requested >= rows ? Math.max(1, Math.trunc((2 * rows) / 3)) : requested;
  k = Math.min(k, MAX_POINTS);
  return Math.max(1, Math.min(k, Math.trunc(MAX_VALUES / columns)));
}

export async function buildRkme(data: Matrix, options: BuildOptions = {}): Promise<Rkme> {
  const points = options.points ?? DEFAULT_POINTS;
  const gamma = options.gamma ?? DEFAULT_GAMMA;
  const steps = options.steps ?? DEFAULT_STEPS;
  const progress = options.onProgress ?? (() => {});
  if (data.rows === 0) throw new Error("cannot summarise an empty data set");
  const x = imputeColumnMeans(data);
  const k = reducedPoints(points, x.rows, x.columns);
  const random = new SplittableRandom(options.seed ?? 0);
  progress("k-means", 0);
  let z = kMeansCentres(x, k, KMEANS_ITERATIONS, sampleSize(x.rows, k), random);
  const runner = options.passes?.(x, gamma) ?? (async (centres: Matrix) => chunkSums(gamma, x, centres));
  const kernelPass = async (centres: Matrix) => combineChunks(await runner(centres), centres.rows, x.columns, x.rows);
  const total = steps + 2;
  progress("weights", 1 / total);
  let pass = await kernelPass(z);
  let kzz = kernelMatrix(gamma, z, z);
  let beta = solveSimplexQp(kzz, pass.meanKernel);
  let objective = qpObjective(kzz, pass.meanKernel, beta);
  let eta = 1;
  for (let step = 1; step <= steps; step++) {
    progress(`step ${step}/${steps}`, (step + 1) / total);
    const moved = move(z, beta, kzz, pass, eta);
    const movedPass = await kernelPass(moved);
    const movedKzz = kernelMatrix(gamma, moved, moved);
    const movedBeta = solveSimplexQp(movedKzz, movedPass.meanKernel);
    const movedObjective = qpObjective(movedKzz, movedPass.meanKernel, movedBeta);
    if (movedObjective < objective) {
      z = moved;
      pass = movedPass;
      kzz = movedKzz;
      beta = movedBeta;
      objective = movedObjective;
    } else {
      eta /= 2;
    }
  }
  progress("done", 1);
  return { gamma, numPoints: x.rows, z, beta };
}

export function toDocument(rkme: Rkme): RkmeDocument {
  const { rows, columns, data } = rkme.z;
  const z: number[][] = [];
  for (let j = 0; j < rows; j++) z.push(Array.from(data.subarray(j * columns, (j + 1) * columns)));
  return {
    type: "rkme-table",
    kernel: "gaussian",
    gamma: rkme.gamma,
    dimension: columns,
    numPoints: rkme.numPoints,
    z,
    beta: Array.from(rkme.beta),
  };
}

export function fromDocument(doc: { gamma: number; numPoints: number; z: number[][]; beta: number[] }): Rkme {
  const rows = doc.z.length;
  const columns = doc.z[0].length;
  const data = new Float64Array(rows * columns);
  doc.z.forEach((row, j) => data.set(row, j * columns));
  return { gamma: doc.gamma, numPoints: doc.numPoints, z: { rows, columns, data }, beta: Float64Array.from(doc.beta) };
}

/** ‖μ_a − μ_b‖ in the kernel's feature space: the maximum mean discrepancy of two weighted point sets. */
export function mmd(gamma: number, a: Matrix, wa: Float64Array, b: Matrix, wb: Float64Array): number {
  const aa = innerProduct(gamma, a, wa, a, wa);
  const bb = innerProduct(gamma, b, wb, b, wb);
  const ab = innerProduct(gamma, a, wa, b, wb);
  return Math.sqrt(Math.max(0, aa + bb - 2 * ab));
}

/** Σ_ij wa_i · wb_j · k(a_i, b_j). */
export function innerProduct(gamma: number, a: Matrix, wa: Float64Array, b: Matrix, wb: Float64Array): number {
  const kernel = kernelMatrix(gamma, a, b);
  let sum = 0;
  for (let i = 0; i < a.rows; i++) {
    let row = 0;
    for (let j = 0; j < b.rows; j++) row += wb[j] * kernel[i * b.rows + j];
    sum += wa[i] * row;
  }
  return sum;
}

/** Replaces NaN and infinite values with the mean of the finite values in their column (0 if none). */
export function imputeColumnMeans(x: Matrix): Matrix {
  const { data, columns: d } = x;
  const sums = new Float64Array(d);
  const counts = new Float64Array(d);
  let allFinite = true;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (Number.isFinite(v)) {
      sums[i % d] += v;
      counts[i % d]++;
    } else {
      allFinite = false;
    }
  }
  if (allFinite) return x;
  const copy = data.slice();
  for (let i = 0; i < copy.length; i++) {
    if (!Number.isFinite(copy[i])) {
      const column = i % d;
      copy[i] = counts[column] === 0 ? 0 : sums[column] / counts[column];
    }
  }
  return { rows: x.rows, columns: d, data: copy };
}

function sampleSize(rows: number, k: number): number {
  return Math.min(rows, Math.max(MIN_KMEANS_SAMPLE, KMEANS_SAMPLE_PER_CENTRE * k));
}

function squaredDistance(a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, d: number): number {
  let sum = 0;
  for (let f = 0; f < d; f++) {
    const delta = a[aOffset + f] - b[bOffset + f];
    sum += delta * delta;
  }
  return sum;
}

/** KMeans.centres: k-means++ seeding, then Lloyd iterations, on a seeded sample of the rows. */
function kMeansCentres(x: Matrix, k: number, iterations: number, size: number, random: SplittableRandom): Matrix {
  const sample = sampleRows(x, size, random);
  const n = sample.rows;
  const d = sample.columns;
  const rows = sample.data;
  const centres = new Float64Array(k * d);
  const nearest = new Float64Array(n).fill(Infinity);
  const first = random.nextIntBounded(n);
  centres.set(rows.subarray(first * d, first * d + d), 0);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      nearest[i] = Math.min(nearest[i], squaredDistance(rows, i * d, centres, (c - 1) * d, d));
      total += nearest[i];
    }
    let chosen = n - 1;
    let target = random.nextDouble() * total;
    for (let i = 0; i < n; i++) {
      target -= nearest[i];
      if (target < 0) {
        chosen = i;
        break;
      }
    }
    centres.set(rows.subarray(chosen * d, chosen * d + d), c * d);
  }
  const assignment = new Int32Array(n);
  const distances = new Float64Array(k);
  for (let iteration = 0; iteration < iterations; iteration++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      nearestCentres(rows, i * d, centres, k, d, distances);
      let best = 0;
      let bestDistance = Infinity;
      for (let c = 0; c < k; c++) {
        if (distances[c] < bestDistance) {
          bestDistance = distances[c];
          best = c;
        }
      }
      changed ||= assignment[i] !== best || iteration === 0;
      assignment[i] = best;
    }
    if (!changed) break;
    const sums = new Float64Array(k * d);
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      const c = assignment[i];
      counts[c]++;
      for (let f = 0; f < d; f++) sums[c * d + f] += rows[i * d + f];
    }
    for (let c = 0; c < k; c++) {
      // An empty cluster keeps its centre.
      if (counts[c] > 0) for (let f = 0; f < d; f++) centres[c * d + f] = sums[c * d + f] / counts[c];
    }
  }
  return { rows: k, columns: d, data: centres };
}

/** The squared distances of one row to every centre, four centres at a time (each summed over f in order). */
function nearestCentres(
  rows: Float64Array,
  o: number,
  centres: Float64Array,
  k: number,
  d: number,
  out: Float64Array,
): void {
  const tiled = k - (k % 4);
  for (let c = 0; c < tiled; c += 4) {
    const p0 = c * d;
    const p1 = p0 + d;
    const p2 = p1 + d;
    const p3 = p2 + d;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let f = 0; f < d; f++) {
      const v = rows[o + f];
      const d0 = v - centres[p0 + f];
      const d1 = v - centres[p1 + f];
      const d2 = v - centres[p2 + f];
      const d3 = v - centres[p3 + f];
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    out[c] = s0;
    out[c + 1] = s1;
    out[c + 2] = s2;
    out[c + 3] = s3;
  }
  for (let c = tiled; c < k; c++) out[c] = squaredDistance(rows, o, centres, c * d, d);
}

/** A partial Fisher–Yates draw of `size` rows, as KMeans.sample. */
function sampleRows(x: Matrix, size: number, random: SplittableRandom): Matrix {
  if (size >= x.rows) return x;
  const indices = new Int32Array(x.rows);
  for (let i = 0; i < indices.length; i++) indices[i] = i;
  const d = x.columns;
  const out = new Float64Array(size * d);
  for (let i = 0; i < size; i++) {
    const j = i + random.nextIntBounded(indices.length - i);
    const swap = indices[i];
    indices[i] = indices[j];
    indices[j] = swap;
    out.set(x.data.subarray(indices[i] * d, indices[i] * d + d), i * d);
  }
  return { rows: size, columns: d, data: out };
}

function rowSquaredNorms(m: Matrix): Float64Array {
  const norms = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) {
    let sum = 0;
    for (let c = 0, o = i * m.columns; c < m.columns; c++) sum += m.data[o + c] * m.data[o + c];
    norms[i] = sum;
  }
  return norms;
}

function transposed(m: Matrix): Float64Array {
  const out = new Float64Array(m.rows * m.columns);
  for (let i = 0; i < m.rows; i++) for (let c = 0; c < m.columns; c++) out[c * m.rows + i] = m.data[i * m.columns + c];
  return out;
}

/** The kernel matrix k(a_i, b_j), row-major a.rows × b.rows, as GaussianKernel.matrix. */
export function kernelMatrix(gamma: number, a: Matrix, b: Matrix): Float64Array {
  const count = b.rows;
  const d = a.columns;
  const bt = transposed(b);
  const bNorms = rowSquaredNorms(b);
  const aNorms = rowSquaredNorms(a);
  const out = new Float64Array(a.rows * count);
  for (let i = 0; i < a.rows; i++) {
    const base = i * count;
    for (let c = 0; c < d; c++) {
      const v = a.data[i * d + c];
      const t = c * count;
      for (let j = 0; j < count; j++) out[base + j] += v * bt[t + j];
    }
    for (let j = 0; j < count; j++) {
      // Rounding can make the expanded distance slightly negative for (nearly) equal points.
      out[base + j] = Math.exp(-gamma * Math.max(0, aNorms[i] + bNorms[j] - 2 * out[base + j]));
    }
  }
  return out;
}

/** Per reduced point: meanKernel_j = (1/n)Σ_i k(x_i, z_j) and weightedSum_j = (1/n)Σ_i k(x_i, z_j)·x_i. */
interface Pass {
  meanKernel: Float64Array;
  weightedSum: Float64Array;
}

/**
 * The sums of one pass over x, one array per chunk of 2048 rows: Σ_i k(x_i, z_j) for every j, then
 * Σ_i k(x_i, z_j)·x_i for every j. The Java builder computes the same chunks in parallel and adds them in
 * order ({@link combineChunks}), so a share of the chunks can be computed anywhere.
 */
export function chunkSums(gamma: number, x: Matrix, z: Matrix): Float64Array[] {
  const k = z.rows;
  const d = x.columns;
  const zv = z.data;
  const zNorms = rowSquaredNorms(z);
  const xv = x.data;
  const chunks: Float64Array[] = [];
  // The kernel values of (up to) four rows with every reduced point.
  const w = new Float64Array(4 * k);
  for (let start = 0; start < x.rows; start += CHUNK_ROWS) {
    const sums = new Float64Array(k + k * d);
    chunks.push(sums);
    const end = Math.min(x.rows, start + CHUNK_ROWS);
    // Four rows at a time, and in the kernel four reduced points at a time, so that every loaded number
    // feeds several multiply-adds. Each sum still adds its terms in the Java builder's order (over c for a
    // dot product, over rows for the weighted sums), so the result is the same to the last bit.
    for (let i = start; i < end; i += 4) {
      const rows = Math.min(4, end - i);
      if (rows === 4) kernelRows4(gamma, xv, i * d, d, zv, zNorms, k, w);
      else for (let r = 0; r < rows; r++) kernelRow(gamma, xv, (i + r) * d, d, zv, zNorms, k, w, r * k);
      for (let r = 0; r < rows; r++) {
        // Row r's kernel values, as sums over rows in order.
        const wr = r * k;
        for (let j = 0; j < k; j++) sums[j] += w[wr + j];
      }
      if (rows === 4) {
        const o0 = i * d;
        const o1 = o0 + d;
        const o2 = o1 + d;
        const o3 = o2 + d;
        for (let j = 0; j < k; j++) {
          const w0 = w[j];
          const w1 = w[k + j];
          const w2 = w[2 * k + j];
          const w3 = w[3 * k + j];
          const base = k + j * d;
          for (let c = 0; c < d; c++) {
            let s = sums[base + c];
            s += w0 * xv[o0 + c];
            s += w1 * xv[o1 + c];
            s += w2 * xv[o2 + c];
            s += w3 * xv[o3 + c];
            sums[base + c] = s;
          }
        }
      } else {
        for (let r = 0; r < rows; r++) {
          const o = (i + r) * d;
          for (let j = 0; j < k; j++) {
            const weight = w[r * k + j];
            const base = k + j * d;
            for (let c = 0; c < d; c++) sums[base + c] += weight * xv[o + c];
          }
        }
      }
    }
  }
  return chunks;
}

/** Adds the chunks' sums in order and divides by n: meanKernel and weightedSum of the pass. */
function combineChunks(chunks: Float64Array[], k: number, d: number, n: number): Pass {
  const total = new Float64Array(k + k * d);
  for (const sums of chunks) for (let i = 0; i < total.length; i++) total[i] += sums[i];
  for (let i = 0; i < total.length; i++) total[i] /= n;
  return { meanKernel: total.slice(0, k), weightedSum: total.slice(k) };
}

/** Rows per chunk of a pass; a share of a pass given to another worker starts at a multiple of it. */
export const PASS_CHUNK_ROWS = CHUNK_ROWS;

function squaredNorm(v: Float64Array, o: number, d: number): number {
  let sum = 0;
  for (let c = 0; c < d; c++) sum += v[o + c] * v[o + c];
  return sum;
}

/** k(x_i, z_j) for one row into out[at..at+k). */
function kernelRow(
  gamma: number,
  xv: Float64Array,
  o: number,
  d: number,
  zv: Float64Array,
  zNorms: Float64Array,
  k: number,
  out: Float64Array,
  at: number,
): void {
  kernelRowFrom(gamma, xv, o, d, zv, zNorms, 0, k, out, at);
}

function kernelRowFrom(
  gamma: number,
  xv: Float64Array,
  o: number,
  d: number,
  zv: Float64Array,
  zNorms: Float64Array,
  from: number,
  k: number,
  out: Float64Array,
  at: number,
): void {
  const norm = squaredNorm(xv, o, d);
  for (let j = from; j < k; j++) {
    let dot = 0;
    const p = j * d;
    for (let c = 0; c < d; c++) dot += xv[o + c] * zv[p + c];
    // Rounding can make the expanded distance slightly negative for (nearly) equal points.
    out[at + j] = Math.exp(-gamma * Math.max(0, norm + zNorms[j] - 2 * dot));
  }
}

/** k(x_i, z_j) for four consecutive rows from offset o into out (row r at r·k), in 4×4 register tiles. */
function kernelRows4(
  gamma: number,
  xv: Float64Array,
  o: number,
  d: number,
  zv: Float64Array,
  zNorms: Float64Array,
  k: number,
  out: Float64Array,
): void {
  const o0 = o;
  const o1 = o0 + d;
  const o2 = o1 + d;
  const o3 = o2 + d;
  const n0 = squaredNorm(xv, o0, d);
  const n1 = squaredNorm(xv, o1, d);
  const n2 = squaredNorm(xv, o2, d);
  const n3 = squaredNorm(xv, o3, d);
  const kTiled = k - (k % 2);
  for (let j = 0; j < kTiled; j += 2) {
    const p0 = j * d;
    const p1 = p0 + d;
    let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0; // prettier-ignore
    for (let c = 0; c < d; c++) {
      const v0 = zv[p0 + c];
      const v1 = zv[p1 + c];
      const u0 = xv[o0 + c];
      const u1 = xv[o1 + c];
      const u2 = xv[o2 + c];
      const u3 = xv[o3 + c];
      s00 += u0 * v0;
      s01 += u0 * v1;
      s10 += u1 * v0;
      s11 += u1 * v1;
      s20 += u2 * v0;
      s21 += u2 * v1;
      s30 += u3 * v0;
      s31 += u3 * v1;
    }
    const m0 = zNorms[j];
    const m1 = zNorms[j + 1];
    out[j] = Math.exp(-gamma * Math.max(0, n0 + m0 - 2 * s00));
    out[j + 1] = Math.exp(-gamma * Math.max(0, n0 + m1 - 2 * s01));
    out[k + j] = Math.exp(-gamma * Math.max(0, n1 + m0 - 2 * s10));
    out[k + j + 1] = Math.exp(-gamma * Math.max(0, n1 + m1 - 2 * s11));
    out[2 * k + j] = Math.exp(-gamma * Math.max(0, n2 + m0 - 2 * s20));
    out[2 * k + j + 1] = Math.exp(-gamma * Math.max(0, n2 + m1 - 2 * s21));
    out[3 * k + j] = Math.exp(-gamma * Math.max(0, n3 + m0 - 2 * s30));
    out[3 * k + j + 1] = Math.exp(-gamma * Math.max(0, n3 + m1 - 2 * s31));
  }
  if (kTiled < k) for (let r = 0; r < 4; r++) kernelRowFrom(gamma, xv, o + r * d, d, zv, zNorms, kTiled, k, out, r * k);
}

/** One preconditioned gradient step of length eta on every reduced point. */
function move(z: Matrix, beta: Float64Array, kzz: Float64Array, pass: Pass, eta: number): Matrix {
  const k = z.rows;
  const d = z.columns;
  const from = z.data;
  const to = from.slice();
  for (let j = 0; j < k; j++) {
    const mean = pass.meanKernel[j];
    // No data near this point: no direction to move in.
    if (!(mean > 1e-300)) continue;
    for (let c = 0; c < d; c++) {
      const zjc = from[j * d + c];
      const attraction = pass.weightedSum[j * d + c] / mean - zjc;
      let repulsion = 0;
      for (let b = 0; b < k; b++) repulsion += beta[b] * kzz[j * k + b] * (zjc - from[b * d + c]);
      to[j * d + c] = zjc + eta * (attraction + repulsion / mean);
    }
  }
  return { rows: k, columns: d, data: to };
}

/** min ½wᵀAw − wᵀb over the probability simplex: FISTA with step 1/L (SimplexQp). */
export function solveSimplexQp(a: Float64Array, b: Float64Array): Float64Array {
  const n = b.length;
  if (n === 1) return Float64Array.of(1);
  const lipschitz = largestEigenvalue(a, n);
  if (!(lipschitz > 0)) {
    // A is zero: the objective is linear and the best vertex wins.
    const w = new Float64Array(n);
    let best = 0;
    for (let i = 1; i < n; i++) if (b[i] > b[best]) best = i;
    w[best] = 1;
    return w;
  }
  const step = 1 / lipschitz;
  const w = new Float64Array(n).fill(1 / n);
  const y = w.slice();
  const gradient = new Float64Array(n);
  const next = new Float64Array(n);
  let t = 1;
  for (let iteration = 0; iteration < 2000; iteration++) {
    multiply(a, y, gradient);
    for (let i = 0; i < n; i++) next[i] = y[i] - step * (gradient[i] - b[i]);
    projectOntoSimplex(next);
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    const momentum = (t - 1) / tNext;
    let change = 0;
    for (let i = 0; i < n; i++) {
      const delta = next[i] - w[i];
      change += delta * delta;
      y[i] = next[i] + momentum * delta;
    }
    w.set(next);
    t = tNext;
    if (change < 1e-24) break;
  }
  return w;
}

/** ½·wᵀAw − wᵀb. */
export function qpObjective(a: Float64Array, b: Float64Array, w: Float64Array): number {
  const aw = new Float64Array(w.length);
  multiply(a, w, aw);
  let value = 0;
  for (let i = 0; i < w.length; i++) value += w[i] * (0.5 * aw[i] - b[i]);
  return value;
}

function multiply(a: Float64Array, x: Float64Array, out: Float64Array): void {
  const n = x.length;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0, o = i * n; j < n; j++) sum += a[o + j] * x[j];
    out[i] = sum;
  }
}

/** Euclidean projection onto the simplex (Held, Wolfe & Crowder; sort-based). */
function projectOntoSimplex(v: Float64Array): void {
  const sorted = v.slice().sort();
  let cumulative = 0;
  let theta = 0;
  for (let i = sorted.length - 1, count = 1; i >= 0; i--, count++) {
    cumulative += sorted[i];
    const candidate = (cumulative - 1) / count;
    if (i === 0 || sorted[i - 1] <= candidate) {
      theta = candidate;
      break;
    }
  }
  for (let i = 0; i < v.length; i++) v[i] = Math.max(0, v[i] - theta);
}

function largestEigenvalue(a: Float64Array, n: number): number {
  const x = new Float64Array(n).fill(1 / Math.sqrt(n));
  const ax = new Float64Array(n);
  let eigenvalue = 0;
  for (let iteration = 0; iteration < 100; iteration++) {
    multiply(a, x, ax);
    let norm = 0;
    for (let i = 0; i < n; i++) norm += ax[i] * ax[i];
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    for (let i = 0; i < n; i++) x[i] = ax[i] / norm;
    if (Math.abs(norm - eigenvalue) <= 1e-9 * norm) {
      eigenvalue = norm;
      break;
    }
    eigenvalue = norm;
  }
  // A little headroom: power iteration approaches the largest eigenvalue from below.
  return eigenvalue * 1.01;
}
