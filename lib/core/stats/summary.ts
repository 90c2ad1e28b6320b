/** Mean and sample standard deviation (n - 1) of a set of runs. */
export interface MeanStd {
  mean: number;
  std: number;
  n: number;
}

/** The arithmetic mean of `xs`. */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error("mean of no values");
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Mean and sample standard deviation of `xs` (std 0 for a single value). */
export function meanStd(xs: readonly number[]): MeanStd {
  const n = xs.length;
  if (n === 0) throw new Error("meanStd of no values");
  const m = mean(xs);
  const ss = xs.reduce((a, x) => a + (x - m) ** 2, 0);
  return { mean: m, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0, n };
}

/** The median of `xs`: the middle value, or the mean of the middle two for an even count. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error("median of no values");
  const s = [...xs].sort((a, b) => a - b), h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}
