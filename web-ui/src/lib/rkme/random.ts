// java.util.SplittableRandom, bit for bit: the RKME builder's k-means sampling and the image feature map's
// signs come from it, so the same seed gives the same RKME here as in the Java library and the CLI.
const MASK = (1n << 64n) - 1n;
const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;

function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
  return z ^ (z >> 31n);
}

function mix32(z: bigint): number {
  z = ((z ^ (z >> 33n)) * 0x62a9d9ed799705f5n) & MASK;
  return Number(BigInt.asIntN(32, (((z ^ (z >> 28n)) * 0xcb24d0a5c88c35b3n) & MASK) >> 32n));
}

export class SplittableRandom {
  private seed: bigint;

  constructor(seed: bigint | number) {
    this.seed = BigInt.asUintN(64, BigInt(seed));
  }

  private nextSeed(): bigint {
    this.seed = (this.seed + GOLDEN_GAMMA) & MASK;
    return this.seed;
  }

  /** The next 64 bits, unsigned. */
  nextLong(): bigint {
    return mix64(this.nextSeed());
  }

  /** A signed 32-bit int. */
  nextInt(): number {
    return mix32(this.nextSeed());
  }

  /** Uniform in [0, bound), with Java's rejection of over-represented values. */
  nextIntBounded(bound: number): number {
    let r = this.nextInt();
    const m = bound - 1;
    if ((bound & m) === 0) return r & m;
    // Java: for (int u = r >>> 1; u + m - (r = u % bound) < 0; u = nextInt() >>> 1);
    let u = r >>> 1;
    for (;;) {
      r = u % bound;
      if (((u + m - r) | 0) >= 0) return r;
      u = this.nextInt() >>> 1;
    }
  }

  /** Uniform in [0, 1) with 53 random bits. */
  nextDouble(): number {
    return Number(this.nextLong() >> 11n) * 2 ** -53;
  }
}
