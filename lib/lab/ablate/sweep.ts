import { ALPHA, type WelchTest, welchTest } from "../../core/stats/mod.ts";
import type { SweepBand } from "./lr_sweep.ts";

/** A sweep band as the summary Welch's test takes (mean, sample std, runs). */
const summary = (b: SweepBand) => ({ mean: b.mean, std: b.std, n: b.runs });

/**
 * Welch's test of one band against a constant `level` (a one-sample t-test: the constant side has no variance, so
 * the degrees of freedom are runs - 1): is a training accuracy above chance beyond the noise of the seeds?
 */
export function bandVsLevel(b: SweepBand, level: number): WelchTest {
  return welchTest({ mean: level, std: 0, n: 2 }, summary(b));
}

/** Welch's test of net `b` against net `a` at the same band (same learning rates) of two sweeps. */
export function bandDifference(a: SweepBand, b: SweepBand): WelchTest {
  return welchTest(summary(a), summary(b));
}

const lrText = (lr: number) => lr.toPrecision(2);
const ratioText = (r: number) => (r >= 10 ? String(Math.round(r)) : r.toPrecision(2));
const pText = (p: number) => (p < 0.001 ? "p < 0.001" : `p = ${p.toPrecision(2)}`);

/**
 * What two nets' LR sweeps (the same bins of learning rate, several seeds each) show, in words computed from the
 * bands: at how many rates `first` is ahead of `second` beyond the noise (Welch, Bonferroni over the bins); for
 * each net the highest rate at which its training accuracy is still above `chance` beyond the noise (a one-sample
 * test, Bonferroni over the bins); and the ratio of those two rates, stated only when both nets have one. It never
 * reads a ratio off bands that are within the noise of chance.
 */
export function sweepVerdict(
  bands: Record<string, readonly SweepBand[]>,
  first: string,
  second: string,
  chance = 0.1,
): string {
  const a = bands[first], b = bands[second];
  if (!a || !b || a.length !== b.length) {
    throw new Error(`sweepVerdict: ${first} and ${second} need the same bins`);
  }
  const level = ALPHA / a.length;
  const diffs = a.map((x, i) => bandDifference(b[i], x));
  const ahead = a.filter((_, i) => diffs[i].p < level && diffs[i].diff > 0).map((x) => lrText(x.lr));
  const behind = a.filter((_, i) => diffs[i].p < level && diffs[i].diff < 0).map((x) => lrText(x.lr));
  // A band whose runs all diverged sits at chance by construction (no spread): it is never "above" it.
  const lastAbove = (net: readonly SweepBand[]) => {
    const above = net.filter((x) => {
      const t = bandVsLevel(x, chance);
      return x.diverged < x.runs && t.se > 0 && t.diff > 0 && t.p < level;
    });
    return above.at(-1) ?? null;
  };
  const [topA, topB] = [lastAbove(a), lastAbove(b)];
  const top = (name: string, t: SweepBand | null) =>
    t
      ? `${name} trains above chance beyond the noise up to lr ${lrText(t.lr)} (${
        (100 * t.mean).toFixed(1)
      }%, ${pText(bandVsLevel(t, chance).p)})`
      : `${name} is never above chance (${100 * chance}%) beyond the noise`;
  const cmp = `${first} is ahead of ${second} beyond the noise at ${ahead.length} of ${a.length} rates` +
    (ahead.length ? ` (lr ${ahead.join(", ")})` : "") +
    (behind.length ? `, behind at ${behind.length} (lr ${behind.join(", ")})` : ", behind at none") +
    ` (Welch, ${a[0].runs} seeds each, level ${level.toPrecision(2)} for ${a.length} rates)`;
  // A net still above chance at the sweep's last rate may train higher still: its end is a lower bound.
  const ratio = !topA || !topB
    ? `, so these sweeps cannot say how much higher a rate ${first} allows`
    : topB === b.at(-1)
    ? `; ${second} still trains at the top of the sweep, so it cannot show a limit`
    : `: the highest such rate of ${first} is ${topA === a.at(-1) ? "at least " : ""}${
      ratioText(topA.lr / topB.lr)
    }x that of ${second}`;
  return `${cmp}; ${top(first, topA)}, ${top(second, topB)}${ratio}.`;
}
