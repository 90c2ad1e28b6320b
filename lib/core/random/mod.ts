/**
 * Seeded pseudo-random numbers. Every random draw in davidnet goes through a {@link Rng} built from an explicit
 * seed, so the same seed on the same backend gives the same run.
 * Row 0 of lib/'s layout (README, Layout): imports no other folder of lib/.
 */

/** A small, fast, seedable generator (sfc32) with the draws davidnet needs. */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** Seeds from any number of integers (a run seed, an epoch, a stream name's hash, ...). */
  constructor(...seed: number[]) {
    this.#a = 0x9e3779b9;
    this.#b = 0x243f6a88;
    this.#c = 0xb7e15162;
    this.#d = 1;
    for (const s of seed) {
      this.#a ^= s | 0;
      this.#b ^= Math.floor(s / 0x100000000) | 0;
      for (let i = 0; i < 12; i++) this.nextUint32();
    }
  }

  /** The next uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 0x100000000;
  }

  /** A uniform integer in [0, n) for 0 < n <= 2^32. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A uniform permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

/** A 32-bit hash of a string, to derive independent streams from one seed (`new Rng(seed, hashString("crop"))`). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
