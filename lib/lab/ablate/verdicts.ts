import { ALPHA, welchTest } from "../../core/stats/mod.ts";
import { type BatchLrArm, factorLabel } from "./arms.ts";
import { type Ablation, type ArmResult, armsNamed, comparisonsIn } from "./run.ts";

const pText = (p: number) => (p < 0.001 ? "p < 0.001" : `p = ${p.toPrecision(2)}`);

/** Which arms changing a quantity, and which holding it, an {@link invarianceVerdict} compares with the base. */
export interface InvarianceTest {
  /** The quantity the claim says matters, e.g. "lr x wd". */
  quantity: string;
  /** Arms that change other hyperparameters but hold `quantity`. */
  held: readonly string[];
  /** Arms that change `quantity`. */
  changed: readonly string[];
}

/**
 * The conclusion of an experiment that tests "only `quantity` matters": each arm against the base (the first arm)
 * by Welch's test at level 0.05 / (arms compared) (Bonferroni over every arm but the base, as {@link noiseVerdict}),
 * then one sentence on whether the held arms stayed within the noise and the changed arms left it, with every p,
 * worded by how many changed arms moved (all, some, none) and naming the confound that every changed arm carries.
 */
export function invarianceVerdict(a: Ablation, t: InvarianceTest): string {
  if (a.runsPerArm < 2) return "one seed per arm: no test";
  const level = ALPHA / comparisonsIn(a);
  const named = (arm: ArmResult) => `${arm.name} ${pText(arm.vsBase!.p)}`;
  const held = armsNamed(a, t.held), changed = armsNamed(a, t.changed);
  const heldOff = held.filter((arm) => arm.vsBase!.p < level),
    changedOff = changed.filter((arm) => arm.vsBase!.p < level);
  const facts =
    `holding ${t.quantity}: ${held.length - heldOff.length} of ${held.length} arms within the noise of ` +
    `the base (${
      held.map(named).join("; ")
    }); changing it: ${changedOff.length} of ${changed.length} differ ` +
    `(${changed.map(named).join("; ")}; Welch's test, ${a.runsPerArm} seeds each, level ${
      level.toPrecision(2)
    } for ` +
    `${comparisonsIn(a)} comparisons).`;
  if (heldOff.length > 0) {
    return `${facts} Holding ${t.quantity} did not keep the accuracy here (${
      heldOff.map((x) => x.name).join(", ")
    }): at this scale the measurement goes against the claim that ${t.quantity} is all that matters.`;
  }
  if (changedOff.length === 0) {
    return `${facts} No arm differs from the base beyond the noise, so this run cannot tell whether ${t.quantity} ` +
      `matters more than its parts; it needs more seeds or a longer run. Within the noise is not the same as equal.`;
  }
  // Every changed arm changes one of the quantity's parts too: a difference there is not the quantity's alone.
  const confound =
    `each arm that changes ${t.quantity} also changes its parts, so a difference there cannot be ` +
    `laid on ${t.quantity} alone`;
  const still = changed.filter((arm) => !changedOff.includes(arm));
  if (still.length > 0) {
    return `${facts} The measurement agrees with the claim only in part: trading the parts of ${t.quantity} ` +
      `against each other kept the accuracy within the noise, but only ${changedOff.length} of the ` +
      `${changed.length} arms that change it moved (${changedOff.map((x) => x.name).join(", ")}; not ` +
      `${still.map((x) => x.name).join(", ")}), and ${confound}. Within the noise is not the same as equal.`;
  }
  return `${facts} The measurement agrees with the claim: every arm that changes ${t.quantity} moves the accuracy ` +
    `beyond the noise, trading its parts against each other does not (within the noise, which is not proof of ` +
    `equality); ${confound}.`;
}

/** The learning rates per example within the noise of the best one, at one batch size. */
export interface RatePlateau {
  batchSize: number;
  /** The lr factors of the grid at this batch size, in order. */
  factors: number[];
  /** The lr factor with the highest mean test accuracy. */
  best: number;
  bestAccuracy: number;
  /** Every factor whose accuracy is within the noise of the best's (Welch, Bonferroni over the other factors). */
  within: number[];
  /** Welch's p of each factor against the best (1 for the best itself). */
  p: Record<string, number>;
}

/**
 * For each batch size of a {@link batchLrArms} grid: the best learning rate per example and the rates whose test
 * accuracy Welch's test cannot tell from it (level 0.05 / (factors - 1)).
 */
export function ratePlateaus(a: Ablation, arms: readonly BatchLrArm[]): RatePlateau[] {
  const batches = [...new Set(arms.map((x) => x.batchSize))];
  return batches.map((batchSize) => {
    const own = arms.filter((x) => x.batchSize === batchSize);
    const results = armsNamed(a, own.map((x) => x.name));
    const bestIndex = results.reduce((b, r, i) => (r.accuracy.mean > results[b].accuracy.mean ? i : b), 0);
    const level = ALPHA / Math.max(1, own.length - 1);
    const p: Record<string, number> = {};
    own.forEach((x, i) => {
      p[factorLabel(x.lrFactor)] = i === bestIndex
        ? 1
        : welchTest(results[bestIndex].accuracy, results[i].accuracy).p;
    });
    return {
      batchSize,
      factors: own.map((x) => x.lrFactor),
      best: own[bestIndex].lrFactor,
      bestAccuracy: results[bestIndex].accuracy.mean,
      within: own.filter((x) => p[factorLabel(x.lrFactor)] >= level).map((x) => x.lrFactor),
      p,
    };
  });
}

/** The limits of a rate grid's extension: the smallest and largest factor of the base's rate per example tried. */
export interface RateLimits {
  min: number;
  max: number;
}

/**
 * The factor to add at one batch size so that the accuracy falls beyond the noise on both sides of the best rate:
 * `step` times the grid's highest while that is within the noise of the best (the best included), else the
 * lowest divided by `step` while that is; null when the accuracy falls on both sides, or the next factor would
 * leave `limits` (the budget's end: {@link batchLrVerdict} then says the limit was not reached).
 */
export function nextRateFactor(q: RatePlateau, limits: RateLimits, step = 2): number | null {
  const top = Math.max(...q.factors), bottom = Math.min(...q.factors);
  if (q.within.includes(top) && top * step <= limits.max) return top * step;
  if (q.within.includes(bottom) && bottom / step >= limits.min) return bottom / step;
  return null;
}

/**
 * One sentence from {@link ratePlateaus}: each batch size's best rate per example and every other rate's Welch p
 * against it, then whether one rate per example is within the noise of the best at every batch size (what a
 * per-example limit such as forgetting predicts), or the best rate per example falls as the batch grows with no
 * rate shared (what a per-step limit such as curvature predicts), or neither. A batch size at which every rate is
 * within the noise of the best tells nothing and is left out. Where the best rate of a batch size that can tell is
 * at the edge of its grid, no rate limit was reached there and the sentence concludes nothing.
 */
export function batchLrVerdict(plateaus: readonly RatePlateau[]): string {
  const list = (fs: readonly number[]) => fs.map(factorLabel).join(", ");
  const withP = (q: RatePlateau, fs: readonly number[]) =>
    fs.map((f) => (f === q.best ? factorLabel(f) : `${factorLabel(f)} (${pText(q.p[factorLabel(f)])})`)).join(
      ", ",
    );
  const edge = (q: RatePlateau) =>
    q.best === Math.max(...q.factors) ? "highest" : q.best === Math.min(...q.factors) ? "lowest" : null;
  const each = plateaus.map((q) => {
    const beyond = q.factors.filter((f) => !q.within.includes(f));
    return `batch ${q.batchSize}: best ${factorLabel(q.best)}${edge(q) ? `, the grid's ${edge(q)}` : ""} ` +
      `(${(100 * q.bestAccuracy).toFixed(1)}%), within its noise ${withP(q, q.within)}` +
      (beyond.length ? `, below it ${withP(q, beyond)}` : "");
  }).join("; ");
  const informative = plateaus.filter((q) => q.within.length < q.factors.length);
  const blind = plateaus.length - informative.length;
  if (informative.length < 2) {
    return `${each}. At ${blind} of ${plateaus.length} batch sizes every rate is within the noise of the best, so ` +
      `this grid cannot tell a limit per example from a limit per step.`;
  }
  const open = informative.filter((q) => edge(q));
  if (open.length) {
    return `${each}. At ${open.map((q) => `batch ${q.batchSize}`).join(", ")} the best rate is the grid's ` +
      `${
        open.map((q) => edge(q)).join(", ")
      }: no rate limit was reached there within this budget, so this grid ` +
      `cannot separate a limit per example from a limit per step, and concludes nothing.`;
  }
  const skipped = blind
    ? ` (leaving out ${blind} batch size${blind > 1 ? "s" : ""} where every rate is within the noise)`
    : "";
  const shared = informative.reduce<number[]>(
    (s, q) => s.filter((f) => q.within.includes(f)),
    informative[0].within,
  );
  if (shared.length > 0) {
    return `${each}. One rate per example (${
      list(shared)
    } of the base's) is within the noise of the best at ` +
      `every batch size that can tell${skipped}: what a limit per example, such as forgetting, predicts; a limit ` +
      `per step, such as curvature, would push the best rate per example down as the batch grows.`;
  }
  const falling = informative.every((q, i) => i === 0 || q.best < informative[i - 1].best);
  if (falling) {
    return `${each}. No rate per example is within the noise of the best at every batch size${skipped}, and the ` +
      `best one falls as the batch grows: what a limit per step, such as curvature, predicts.`;
  }
  return `${each}. No rate per example is within the noise of the best at every batch size${skipped}, and the ` +
    `best one does not fall steadily with the batch: these seeds show neither prediction cleanly.`;
}
