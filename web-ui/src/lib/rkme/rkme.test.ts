import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { DataError, parseCsv, parseNumber } from "./csv";
import { featureMapWeights, mapImages, readIdxImages } from "./images";
import { SplittableRandom } from "./random";
import {
  PASS_CHUNK_ROWS,
  buildRkme,
  chunkSums,
  fromDocument,
  innerProduct,
  kernelMatrix,
  mmd,
  reducedPoints,
  type Matrix,
  type Rkme,
} from "./rkme";
import { summarise } from "./summarise";

const root = resolve(__dirname, "../../../..");
const testdata = resolve(__dirname, "testdata");
const javaRkme = (name: string) => fromDocument(JSON.parse(readFileSync(resolve(testdata, name), "utf8")));

/**
 * The fit error of docs/rkme.md: ‖μ_rkme − μ_data‖, the MMD between the RKME and the empirical embedding of
 * the data (every row weighted 1/n).
 */
function fitError(rkme: Rkme, data: Matrix): number {
  const uniform = new Float64Array(data.rows).fill(1 / data.rows);
  // ‖μ_data‖² in blocks of rows, so the n × n kernel matrix is never held at once.
  let dataNorm = 0;
  for (let start = 0; start < data.rows; start += 256) {
    const rows = Math.min(256, data.rows - start);
    const block = {
      rows,
      columns: data.columns,
      data: data.data.subarray(start * data.columns, (start + rows) * data.columns),
    };
    dataNorm += innerProduct(rkme.gamma, block, uniform.subarray(0, rows), data, uniform);
  }
  const cross = innerProduct(rkme.gamma, rkme.z, rkme.beta, data, uniform);
  const own = innerProduct(rkme.gamma, rkme.z, rkme.beta, rkme.z, rkme.beta);
  return Math.sqrt(Math.max(0, dataNorm + own - 2 * cross));
}

function maxAbsDifference(a: Float64Array, b: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe("SplittableRandom", () => {
  it("reproduces java.util.SplittableRandom", () => {
    // new SplittableRandom(0): nextLong(), nextInt(1797), nextDouble(), printed by JDK 25.
    const random = new SplittableRandom(0);
    expect(random.nextLong()).toBe(BigInt.asUintN(64, -2152535657050944081n));
    expect(random.nextIntBounded(1797)).toBe(JAVA_NEXT_INT);
    expect(random.nextDouble()).toBe(JAVA_NEXT_DOUBLE);
  });
});

// Seconds of arithmetic each; generous limits for a machine busy with other builds.
describe("the browser's RKME equals the Java library's", { timeout: 120_000 }, () => {
  it("on the digits CSV: same points and weights, MMD far below the fit error", async () => {
    const text = gunzipSync(readFileSync(resolve(root, "fixtures/data/digits-train.csv.gz"))).toString("utf8");
    const table = parseCsv(text, "digits-train.csv", "label");
    expect(table.features.rows).toBe(1437);
    expect(table.features.columns).toBe(64);
    const js = await buildRkme(table.features);
    const java = javaRkme("digits-train.rkme.json");

    expect(js.numPoints).toBe(java.numPoints);
    expect(js.z.rows).toBe(100);
    // Same seed, same sample, same k-means, same steps: equal up to the last bits of exp().
    expect(maxAbsDifference(js.z.data, java.z.data)).toBeLessThan(1e-9);
    expect(maxAbsDifference(js.beta, java.beta)).toBeLessThan(1e-9);

    const between = mmd(js.gamma, js.z, js.beta, java.z, java.beta);
    const fit = fitError(java, table.features);
    // docs/rkme.md reports a construction error of about 0.026 for the digits.
    expect(fit).toBeGreaterThan(0.015);
    expect(fit).toBeLessThan(0.04);
    expect(between).toBeLessThan(fit / 1000);
    expect(fitError(js, table.features)).toBeCloseTo(fit, 9);
  });

  it("on IDX images, through the image feature map", async () => {
    const bytes = readFileSync(resolve(root, "fixtures/data/fashion-mnist/new-classes-train-images-idx3-ubyte.gz"));
    const summary = await summarise({ name: "new-classes.gz", bytes: new Uint8Array(bytes) });
    expect(summary.doc.featureMap).toEqual({ type: "image-sign-projection-v1", channels: 1, height: 28, width: 28 });
    expect(summary.description).toBe("500 images of 1×28×28 pixels, mapped to 64 features");
    const js = fromDocument(summary.doc);
    const java = javaRkme("fashion-new-classes.rkme.json");
    expect(maxAbsDifference(js.z.data, java.z.data)).toBeLessThan(1e-9);
    const images = readIdxImages(new Uint8Array(gunzipSync(bytes)), "new-classes");
    const fit = fitError(java, mapImages(images));
    expect(mmd(js.gamma, js.z, js.beta, java.z, java.beta)).toBeLessThan(fit / 1000);
  });

  it("gives the same RKME when the passes are shared out by chunks of rows, as between two workers", async () => {
    const random = new SplittableRandom(3);
    const data = new Float64Array(5000 * 8).map(() => random.nextDouble() * 4);
    const x = { rows: 5000, columns: 8, data };
    const alone = await buildRkme(x, { points: 20 });
    const shared = await buildRkme(x, {
      points: 20,
      passes: (imputed, gamma) => async (z) => {
        // The helper's share (the first two chunks of 2048 rows), then this worker's.
        const split = 2 * PASS_CHUNK_ROWS;
        const head = { rows: split, columns: 8, data: imputed.data.slice(0, split * 8) };
        const tail = { rows: 5000 - split, columns: 8, data: imputed.data.subarray(split * 8) };
        return [...chunkSums(gamma, head, z), ...chunkSums(gamma, tail, z)];
      },
    });
    expect(shared.z.data).toEqual(alone.z.data);
    expect(shared.beta).toEqual(alone.beta);
  });

  it("takes the feature map's signs from the seeded stream, bit p mod 64 of the words", () => {
    const weights = featureMapWeights(784);
    const random = new SplittableRandom(20_261_124);
    const first = random.nextLong();
    const scale = 1 / 28;
    for (let p = 0; p < 64; p++) expect(weights[p * 64]).toBe((first >> BigInt(p)) & 1n ? scale : -scale);
  });
});

describe("the CLI's CSV rules", () => {
  const read = (text: string, label: string | null = null) => parseCsv(text, "data.csv", label);

  it("reads quoted cells, CRLF, blank lines, a byte order mark and missing values", () => {
    const table = read('\uFEFFa,"b ""x""",label\r\n1,"2.5",cat\r\n\r\n,NA,"dog, big"\n-inf,1e3,x', "label");
    expect(table.featureNames).toEqual(["a", 'b "x"']);
    expect(Array.from(table.features.data)).toEqual([1, 2.5, NaN, NaN, -Infinity, 1000]);
  });

  it("names the line and column of a ragged row or a cell that is not a number", () => {
    expect(() => read("a,b\n1,2\n3")).toThrow(
      'data.csv line 3, column 2 ("b"): missing; the row has 1 cells, the header 2',
    );
    expect(() => read("a,b\n1,2,3")).toThrow(
      "data.csv line 2, column 3: beyond the header; the row has 3 cells, the header 2",
    );
    expect(() => read("a,b\n1,0x1F")).toThrow('data.csv line 2, column 2 ("b"): "0x1F" is not a number');
    expect(() => read("a,b\n1,two")).toThrow(DataError);
    expect(() => read("1,2\n3,4")).toThrow(
      "data.csv line 1: expected a header row naming the columns, found numbers (1, 2)",
    );
    expect(() => read("a,b\n1,2", "y")).toThrow(
      'data.csv line 1: no column named "y"; the header has 2 columns: "a", "b"',
    );
    expect(() => read("a,a\n1,2")).toThrow('data.csv line 1, column 2 ("a"): the name repeats column 1');
    expect(() => read("a\n")).toThrow("data.csv: no data rows after the header (line 1)");
  });

  it("reads plain decimals on its fast path to the same doubles as on the general one", () => {
    const random = new SplittableRandom(7);
    const cells: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const value = (random.nextDouble() - 0.5) * 10 ** random.nextIntBounded(12);
      cells.push(value.toFixed(random.nextIntBounded(20)));
    }
    cells.push("-0", "0.1000000000000000055511151231257827", "123456789012345678", "5.", "-.25");
    const rows = cells.map((cell, i) => `${cell},${i % 2 ? "cat" : "7"}`);
    const table = read(`x,label\n${rows.join("\n")}\n`, "label");
    expect(Array.from(table.features.data)).toEqual(cells.map((cell) => Number(cell)));
  });

  it("parses numbers as Java's Double.parseDouble does", () => {
    for (const cell of ["0.1", "1e-7", "-3.", ".5", "+2", "123456789.123456789", " 7 "]) {
      expect(parseNumber(cell)).toBe(Number(cell.trim()));
    }
    expect(() => parseNumber("1.5f")).toThrow();
  });

  it("checks the feature count the search asks for before building", async () => {
    const bytes = new TextEncoder().encode("a,b,label\n1,2,x\n");
    await expect(summarise({ name: "d.csv", bytes, label: null, dimension: 2 })).rejects.toThrow(
      "d.csv has 3 feature columns (no label column), but the search asks for inputs of 2 features",
    );
    const ok = await summarise({ name: "d.csv", bytes, dimension: 2 });
    expect(ok.label).toBe("label");
    expect(ok.doc.dimension).toBe(2);
  });

  it("sizes K as the Java builder does", () => {
    expect(reducedPoints(100, 1437, 64)).toBe(100);
    expect(reducedPoints(100, 50, 64)).toBe(33);
    expect(reducedPoints(1000, 100_000, 4000)).toBe(500);
    expect(
      kernelMatrix(
        0.1,
        { rows: 1, columns: 1, data: Float64Array.of(0) },
        { rows: 1, columns: 1, data: Float64Array.of(1) },
      )[0],
    ).toBe(Math.exp(-0.1));
  });
});

const JAVA_NEXT_INT = 787;
const JAVA_NEXT_DOUBLE = 0.026433771592597743;
