/** Mean and sample standard deviation (n - 1) of a set of runs. */
export interface MeanStd {
  mean: number;
  std: number;
  n: number;
}

/** Mean and sample standard deviation of `xs` (std 0 for a single value). */
export function meanStd(xs: readonly number[]): MeanStd {
  const n = xs.length;
  if (n === 0) throw new Error("meanStd of no values");
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const ss = xs.reduce((a, x) => a + (x - mean) ** 2, 0);
  return { mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0, n };
}

/** A difference of two means with its standard error. */
export interface Difference {
  /** `b.mean - a.mean`. */
  diff: number;
  /** Standard error of the difference, sqrt(sa^2 / na + sb^2 / nb). */
  se: number;
  /** True when |diff| > 2 standard errors (roughly a 95% interval that excludes zero). */
  exceedsNoise: boolean;
}

/** The difference of `b` from `a` and whether it exceeds two standard errors. */
export function difference(a: MeanStd, b: MeanStd): Difference {
  const diff = b.mean - a.mean;
  const se = Math.sqrt(a.std ** 2 / a.n + b.std ** 2 / b.n);
  return { diff, se, exceedsNoise: Math.abs(diff) > 2 * se };
}
