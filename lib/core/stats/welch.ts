import tCdf from "@stdlib/stats-base-dists-t-cdf";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";
import { type MeanStd, meanStd } from "./summary.ts";

/** Welch's two-sample t-test of `b` against `a` (unequal variances), with a 95% interval of the difference. */
export interface WelchTest {
  /** `b.mean - a.mean`. */
  diff: number;
  /** Standard error of the difference, sqrt(sa^2 / na + sb^2 / nb). */
  se: number;
  t: number;
  /** Welch-Satterthwaite degrees of freedom. */
  df: number;
  /** Two-sided p-value: the chance of a |t| at least this large when the two means are equal. */
  p: number;
  /** 95% confidence interval of `diff` (t quantile at df). */
  ci95: [number, number];
  /** Runs on each side. */
  n: [number, number];
}

/**
 * Welch's t-test of the difference b - a (the t distribution from `@stdlib/stats-base-dists-t-cdf`, maintained by
 * the stdlib-js project). Needs at least two values on each side; two identical constant samples give p = 1.
 */
export function welchTest(a: readonly number[] | MeanStd, b: readonly number[] | MeanStd): WelchTest {
  const [x, y] = [a, b].map((s) => (Array.isArray(s) ? meanStd(s) : s as MeanStd));
  if (x.n < 2 || y.n < 2) {
    throw new Error(`Welch's test needs 2 or more runs per side, got ${x.n} and ${y.n}`);
  }
  const va = x.std ** 2 / x.n, vb = y.std ** 2 / y.n, se = Math.sqrt(va + vb), diff = y.mean - x.mean;
  if (se === 0) {
    return {
      diff,
      se,
      t: diff === 0 ? 0 : Infinity,
      df: x.n + y.n - 2,
      p: diff === 0 ? 1 : 0,
      ci95: [diff, diff],
      n: [x.n, y.n],
    };
  }
  const df = (va + vb) ** 2 / (va ** 2 / (x.n - 1) + vb ** 2 / (y.n - 1));
  const t = diff / se, p = 2 * tCdf(-Math.abs(t), df), q = tQuantile(0.975, df);
  return { diff, se, t, df, p, ci95: [diff - q * se, diff + q * se], n: [x.n, y.n] };
}

/**
 * The interval of `w.diff` at confidence 1 - `level` (t quantile at Welch's df): at the verdicts' level (Bonferroni's
 * 0.05 / comparisons) it leaves zero exactly when the verdict says "a difference".
 */
export function welchInterval(w: WelchTest, level: number): [number, number] {
  if (w.se === 0) return [w.diff, w.diff];
  const q = tQuantile(1 - level / 2, w.df);
  return [w.diff - q * w.se, w.diff + q * w.se];
}

/** The significance level of the verdicts. */
export const ALPHA = 0.05;

/**
 * A verdict worded from the p-value: "p = 0.03 (Welch, t = 2.9, df 3.8; 3 seeds each): a difference" or "...: within
 * the noise". With `comparisons` > 1 the level is Bonferroni's 0.05 / comparisons, and the verdict says so.
 */
export function welchVerdict(w: WelchTest, comparisons = 1): string {
  const level = ALPHA / comparisons;
  const seeds = w.n[0] === w.n[1] ? `${w.n[0]} seeds each` : `${w.n[0]} and ${w.n[1]} seeds`;
  // Three decimals below 0.1, so that a p just above a Bonferroni level (0.0137 > 0.0125) does not print as "0.01".
  const pText = w.p < 0.001 ? "p < 0.001" : `p = ${w.p.toFixed(w.p < 0.1 ? 3 : 2)}`;
  const note = comparisons > 1 ? `, level ${level.toPrecision(2)} for ${comparisons} comparisons` : "";
  return `${pText} (Welch, t = ${w.t.toFixed(2)}, df ${w.df.toFixed(1)}; ${seeds}${note}): ${
    w.p < level ? "a difference" : "within the noise"
  }`;
}
