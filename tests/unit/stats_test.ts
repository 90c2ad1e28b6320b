/**
 * lib/core/stats against independent computations: the t distribution integrated numerically here (Simpson's rule
 * over the density, with a Lanczos gamma), not through the library the module uses.
 */
import assert from "node:assert/strict";
import { mean, meanStd, median, seedsToResolve, welchTest, welchVerdict } from "../../lib/core/stats/mod.ts";
import { Rng } from "../../lib/core/random/mod.ts";

/** Lanczos' approximation of the gamma function (g = 7, 9 coefficients; relative error ~1e-15). */
function gamma(z: number): number {
  const c = [
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.PI / (Math.sin(Math.PI * z) * gamma(1 - z));
  z -= 1;
  let x = c[0];
  for (let i = 1; i < 9; i++) x += c[i] / (z + i);
  const t = z + 7.5;
  return Math.sqrt(2 * Math.PI) * t ** (z + 0.5) * Math.exp(-t) * x;
}

/** Two-sided p of Student's t at `t` with `df` degrees of freedom: 1 - the density's integral over [-|t|, |t|]. */
function twoSidedP(t: number, df: number): number {
  const k = gamma((df + 1) / 2) / (Math.sqrt(df * Math.PI) * gamma(df / 2));
  const f = (x: number) => k * (1 + (x * x) / df) ** (-(df + 1) / 2);
  const n = 20000, a = -Math.abs(t), h = (2 * Math.abs(t)) / n;
  let s = f(a) + f(-a);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return 1 - (s * h) / 3;
}

Deno.test("meanStd: the sample standard deviation (n - 1)", () => {
  const m = meanStd([0.5, 0.52, 0.54]);
  assert.ok(Math.abs(m.mean - 0.52) < 1e-12 && Math.abs(m.std - 0.02) < 1e-12 && m.n === 3);
  assert.equal(meanStd([7]).std, 0);
  assert.throws(() => meanStd([]), /no values/);
});

Deno.test("mean and median: the arithmetic mean; the middle value, or the mean of the middle two", () => {
  assert.equal(mean([1, 2, 6]), 3);
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 10]), 3.5);
  assert.throws(() => mean([]), /no values/);
  assert.throws(() => median([]), /no values/);
});

Deno.test("Welch's test: t, Welch-Satterthwaite df, p and the 95% interval equal a direct computation", () => {
  const a = [0.512, 0.498, 0.531, 0.505], b = [0.541, 0.562, 0.529];
  const w = welchTest(a, b);
  const ma = a.reduce((x, y) => x + y) / 4, mb = b.reduce((x, y) => x + y) / 3;
  const va = a.reduce((s, x) => s + (x - ma) ** 2, 0) / 3 / 4,
    vb = b.reduce((s, x) => s + (x - mb) ** 2, 0) / 2 / 3;
  const t = (mb - ma) / Math.sqrt(va + vb), df = (va + vb) ** 2 / (va ** 2 / 3 + vb ** 2 / 2);
  assert.ok(Math.abs(w.t - t) < 1e-12 && Math.abs(w.df - df) < 1e-9, JSON.stringify(w));
  assert.ok(Math.abs(w.p - twoSidedP(t, df)) < 1e-6, `p ${w.p} vs ${twoSidedP(t, df)}`);
  // The interval's ends are where the two-sided p of (diff - end) / se is exactly 0.05.
  for (const end of w.ci95) assert.ok(Math.abs(twoSidedP((w.diff - end) / w.se, df) - 0.05) < 1e-6, `${end}`);
  assert.deepEqual(w.n, [4, 3]);
});

Deno.test("Welch verdicts: worded from p, Bonferroni with several comparisons, refused below two runs", () => {
  const clear = welchTest([0.5, 0.52, 0.54], [0.6, 0.62, 0.64]); // t = 6.12, df 4: p = 0.0036
  assert.match(welchVerdict(clear), /^p = 0\.004 \(Welch, t = 6\.12, df 4\.0; 3 seeds each\): a difference$/);
  const noisy = welchTest([0.5, 0.52, 0.54], [0.51, 0.53, 0.55]);
  assert.match(welchVerdict(noisy), /^p = 0\.57 .*: within the noise$/);
  assert.match(welchVerdict(clear, 20), /level 0\.0025 for 20 comparisons\): within the noise$/);
  assert.throws(() => welchTest([0.5], [0.6, 0.7]), /2 or more runs per side/);
});

Deno.test("seedsToResolve: the tables' sample sizes, and that many seeds find the difference about 80% of the time", () => {
  // Two-sided t-test, level 0.05, power 0.8: 17 per group for an effect of one std, 64 for half a std (Cohen's tables).
  assert.equal(seedsToResolve(1, 1), 17);
  assert.equal(seedsToResolve(0.5, 1), 64);
  assert.equal(seedsToResolve(-0.02, 0.02), 17);
  assert.ok(seedsToResolve(0.001, 0.01) > 1000);
  assert.equal(seedsToResolve(1, 0), 2);
  assert.throws(() => seedsToResolve(0, 1), /difference other than 0/);
  // Simulated: 4000 experiments of two normal samples (std 1, means 0 and 1) of seedsToResolve's n each, Welch's test.
  const rng = new Rng(7),
    normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const found = (n: number, trials: number) => {
    let hits = 0;
    for (let t = 0; t < trials; t++) {
      const a = Array.from({ length: n }, normal), b = Array.from({ length: n }, () => 1 + normal());
      if (welchTest(a, b).p < 0.05) hits++;
    }
    return hits / trials;
  };
  const power = found(17, 4000);
  assert.ok(power > 0.77 && power < 0.85, `power at 17 seeds: ${power}`);
  assert.ok(found(6, 4000) < 0.5, "6 seeds should find a one-std difference less than half the time");
});
