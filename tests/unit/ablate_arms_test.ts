import assert from "node:assert/strict";
import {
  type Ablation,
  type ArmResult,
  armResult,
  bandDifference,
  bandVsLevel,
  batchLrArms,
  batchLrVerdict,
  factorLabel,
  invarianceVerdict,
  joinAblations,
  momentumArms,
  nextRateFactor,
  pairFigure,
  pairRows,
  pairVerdict,
  type RatePlateau,
  ratePlateaus,
  regularisationArms,
  runRecorder,
  sweepVerdict,
} from "../../lib/lab/ablate/mod.ts";
import { BASELINE } from "../../lib/core/config/mod.ts";
import type { TrainResult } from "../../lib/core/train/mod.ts";

/** An ablation whose arms have exactly these test accuracies (one per seed). */
function ablationOf(arms: Record<string, number[]>): Ablation {
  const out: ArmResult[] = [];
  for (const [name, accs] of Object.entries(arms)) {
    const runs = accs.map((testAcc, seed) => ({ seed, testAcc, trainSeconds: 1, timeTo94: null }));
    out.push(armResult(name, null, runs, out[0]));
  }
  return { runsPerArm: Object.values(arms)[0].length, arms: out };
}

Deno.test("batch-size arms hold the learning rate per example: lr scales with the batch, times each factor", () => {
  const arms = batchLrArms(BASELINE, [128, 512], [0.25, 1]);
  assert.deepEqual(arms.map((a) => a.name), [
    "batch 128, lr x1/4",
    "batch 128, lr x1",
    "batch 512, lr x1/4",
    "batch 512, lr x1",
  ]);
  assert.deepEqual(arms.map((a) => a.config.lr), [0.025, 0.1, 0.1, 0.4]);
  assert.deepEqual(arms.map((a) => a.config.batchSize), [128, 128, 512, 512]);
  assert.ok(
    arms.every((a) => a.config.weightDecay === BASELINE.weightDecay && a.config.epochs === BASELINE.epochs),
  );
  assert.deepEqual(batchLrArms(BASELINE, [256]).map((a) => [a.name, a.config.lr]), [["batch 256", 0.2]]);
  assert.deepEqual([0.5, 2, 1 / 3].map(factorLabel), ["x1/2", "x2", "x1/3"]);
});

Deno.test("momentum arms hold lr / (1 - momentum), or the learning rate", () => {
  const arms = momentumArms(BASELINE, [0.5, 0.95], [0.5]);
  assert.deepEqual(arms.map((a) => a.held), [null, "lr / (1 - momentum)", "lr / (1 - momentum)", "lr"]);
  const eff = arms.map((a) => a.config.lr / (1 - a.config.momentum));
  for (const e of eff.slice(0, 3)) assert.ok(Math.abs(e - 4) < 1e-9, String(e));
  assert.equal(arms[3].config.lr, 0.4);
  assert.ok(Math.abs(eff[3] - 0.8) < 1e-9);
  assert.equal(arms[1].name, "momentum 0.5, lr / (1 - momentum) held (lr 2)");
});

Deno.test("regularisation arms: cutout, no or stronger weight decay, longer training", () => {
  const base = { ...BASELINE, augment: { ...BASELINE.augment, cutout: 0 }, epochs: 10 };
  const arms = regularisationArms(base, { cutout: 8, strongWeightDecay: 2e-3, epochsFactor: 2 });
  assert.deepEqual(arms.map((a) => a.name), [
    "base",
    "+cutout 8x8",
    "no weight decay",
    "weight decay 2.0e-3",
    "2x epochs",
  ]);
  assert.deepEqual(arms.map((a) => [a.config.augment.cutout, a.config.weightDecay, a.config.epochs]), [
    [0, 5e-4, 10],
    [8, 5e-4, 10],
    [0, 0, 10],
    [0, 2e-3, 10],
    [0, 5e-4, 20],
  ]);
});

Deno.test("invariance verdicts: held arms within the noise and changed arms beyond it, or the reverse", () => {
  const agree = ablationOf({
    base: [0.50, 0.51, 0.49],
    "held a": [0.50, 0.52, 0.49],
    "held b": [0.49, 0.50, 0.51],
    changed: [0.30, 0.31, 0.29],
  });
  const t = { quantity: "lr x wd", held: ["held a", "held b"], changed: ["changed"] };
  const yes = invarianceVerdict(agree, t);
  assert.match(yes, /holding lr x wd: 2 of 2 arms within the noise/);
  assert.match(yes, /changing it: 1 of 1 differ/);
  assert.match(yes, /level 0\.017 for 3 comparisons/);
  assert.match(yes, /agrees with the claim/);
  const against = ablationOf({
    ...Object.fromEntries(agree.arms.map((a) => [a.name, a.runs.map((r) => r.testAcc)])),
    "held b": [0.2, 0.21, 0.19],
  });
  assert.match(invarianceVerdict(against, t), /did not keep the accuracy here \(held b\)/);
  const flat = ablationOf({
    base: [0.5, 0.4, 0.6],
    "held a": [0.45, 0.55, 0.5],
    "held b": [0.5, 0.6, 0.4],
    changed: [0.4, 0.6, 0.5],
  });
  assert.match(invarianceVerdict(flat, t), /cannot tell/);
  // Two changed arms, one moved (as notebook 10 found): agreement in part, not "agrees with the claim".
  const some = ablationOf({
    ...Object.fromEntries(agree.arms.map((a) => [a.name, a.runs.map((r) => r.testAcc)])),
    "changed too": [0.5, 0.52, 0.49],
  });
  const part = invarianceVerdict(some, { ...t, changed: ["changed", "changed too"] });
  assert.match(part, /changing it: 1 of 2 differ/);
  assert.match(
    part,
    /agrees with the claim only in part: .* only 1 of the 2 arms that change it moved \(changed; not changed too\)/,
  );
  assert.match(part, /cannot be laid on lr x wd alone/);
  assert.doesNotMatch(part, /The measurement agrees with the claim:/);
  assert.match(yes, /cannot be laid on lr x wd alone/);
  assert.throws(() => invarianceVerdict(agree, { ...t, held: ["nope"] }), /no arm named nope/);
});

Deno.test("rate plateaus: one shared rate per example, or a best rate that falls with the batch", () => {
  const arms = batchLrArms(BASELINE, [128, 512], [0.25, 1, 4]);
  const names = arms.map((a) => a.name);
  const acc = (xs: number[][]) => ablationOf(Object.fromEntries(names.map((n, i) => [n, xs[i]])));
  const shared = acc([
    [0.30, 0.31, 0.29],
    [0.50, 0.51, 0.49],
    [0.40, 0.41, 0.39],
    [0.30, 0.31, 0.29],
    [0.50, 0.52, 0.48],
    [0.41, 0.40, 0.39],
  ]);
  const q = ratePlateaus(shared, arms);
  assert.deepEqual(q.map((x) => [x.batchSize, x.best, x.within]), [[128, 1, [1]], [512, 1, [1]]]);
  assert.match(
    batchLrVerdict(q),
    /One rate per example \(x1 of the base's\) is within the noise of the best at every batch size/,
  );
  // The best rate falls with the batch, inside the grid at both: a limit per step, with every p printed.
  const wide = batchLrArms(BASELINE, [128, 512], [1 / 16, 0.25, 1, 4]);
  const accWide = (xs: number[][]) => ablationOf(Object.fromEntries(wide.map((a, i) => [a.name, xs[i]])));
  const falling = accWide([
    [0.30, 0.31, 0.29],
    [0.40, 0.41, 0.39],
    [0.50, 0.51, 0.49],
    [0.40, 0.41, 0.39],
    [0.40, 0.41, 0.39],
    [0.50, 0.51, 0.49],
    [0.30, 0.31, 0.29],
    [0.20, 0.21, 0.19],
  ]);
  const f = ratePlateaus(falling, wide);
  assert.deepEqual(f.map((x) => x.best), [1, 0.25]);
  const fv = batchLrVerdict(f);
  assert.match(fv, /falls as the batch grows: what a limit per step/);
  assert.match(
    fv,
    /batch 128: best x1 \(50\.0%\), within its noise x1, below it x1\/16 \(p < 0\.001\), x1\/4 \(p < 0\.001\), x4/,
  );
  // The same numbers without the outer factors: the best sits at the grid's edge, and nothing is concluded.
  const edged = ratePlateaus(falling, wide.filter((a) => a.lrFactor !== 1 / 16 || a.batchSize === 128));
  assert.equal(edged[1].best, 0.25);
  assert.match(
    batchLrVerdict(edged),
    /At batch 512 the best rate is the grid's lowest: no rate limit was reached there .* concludes nothing\.$/,
  );
  assert.doesNotMatch(batchLrVerdict(edged), /predicts/);
  const noisy = acc([
    [0.30, 0.20, 0.40],
    [0.35, 0.25, 0.45],
    [0.30, 0.40, 0.20],
    [0.30, 0.31, 0.29],
    [0.50, 0.51, 0.49],
    [0.40, 0.41, 0.39],
  ]);
  assert.match(
    batchLrVerdict(ratePlateaus(noisy, arms)),
    /At 1 of 2 batch sizes every rate is within the noise of the best, so this grid cannot tell/,
  );
});

Deno.test("the rate grid grows where the accuracy has not fallen beyond the noise: up first, then down, within limits", () => {
  const q = (factors: number[], within: number[], best: number) =>
    ({ batchSize: 128, factors, best, bestAccuracy: 0.5, within, p: {} }) as RatePlateau;
  const limits = { min: 1 / 16, max: 8 };
  assert.equal(nextRateFactor(q([0.5, 1, 2], [1, 2], 2), limits), 4); // best at the top
  assert.equal(nextRateFactor(q([0.5, 1, 2, 4], [0.5, 1, 2], 2), limits), 0.25); // the top fell; the bottom not
  assert.equal(nextRateFactor(q([0.5, 1, 2, 4], [1, 2], 2), limits), null); // fell on both sides
  assert.equal(nextRateFactor(q([1, 2, 4, 8], [4, 8], 8), limits), null); // at the budget's end
  assert.equal(nextRateFactor(q([1, 4, 16], [16], 16), { min: 1, max: 256 }, 4), 64);
});

Deno.test("pairs: each arm against its own neighbour, at the Bonferroni level over the pairs, in a table, a line and a figure", () => {
  const a = ablationOf({
    basic: [0.50, 0.51, 0.49],
    "A-L1L3": [0.60, 0.61, 0.59],
    "B-L1L3": [0.605, 0.62, 0.59],
  });
  const pairs = [{ from: "basic", to: "A-L1L3" }, { from: "basic", to: "B-L1L3" }, {
    from: "A-L1L3",
    to: "B-L1L3",
  }];
  const rows = pairRows(a, pairs);
  assert.deepEqual(rows.map((r) => r.comparison), ["A-L1L3 vs basic", "B-L1L3 vs basic", "B-L1L3 vs A-L1L3"]);
  assert.match(rows[0]["difference (points)"], /^\+10\.00 \[/);
  assert.match(rows[0].verdict, /level 0\.017 for 3 comparisons\): a difference$/);
  assert.match(rows[2].verdict, /within the noise$/);
  assert.match(
    pairVerdict(a, pairs),
    /^Welch's test, 3 seeds each, level 0\.017 for 3 comparisons: a difference: A-L1L3 vs basic \(p = [\d.e-]+\), B-L1L3 vs basic .*; within the noise: B-L1L3 vs A-L1L3/,
  );
  const fig = pairFigure(a, pairs, "net");
  const [moved, within] = fig.data as Array<{ x: string[]; y: number[] }>;
  assert.deepEqual([moved.x, within.x], [["A-L1L3 vs basic", "B-L1L3 vs basic"], ["B-L1L3 vs A-L1L3"]]);
  assert.ok(Math.abs(within.y[0] - 0.5) < 1e-9, "the second minus the first, in points");
  assert.match(String((fig.layout.title as { text: string }).text), /98\.3% Welch interval, Bonferroni/);
  assert.throws(() => pairRows(a, [{ from: "basic", to: "nope" }]), /no arm named nope/);
});

Deno.test("the run recorder keeps losses and last-epoch training accuracy per arm, with per-step bands", () => {
  const lines: string[] = [];
  const rec = runRecorder((l) => lines.push(l));
  const result = (losses: number[], trainAcc: number) =>
    ({ losses, metrics: [{ trainAcc: 0.1 }, { trainAcc }] }) as unknown as TrainResult;
  rec.onRun("base", { seed: 0, testAcc: 0.3, trainSeconds: 2, timeTo94: null }, result([2, 1, 0.5], 0.4));
  rec.onRun("base", { seed: 1, testAcc: 0.35, trainSeconds: 2, timeTo94: null }, result([2, 3], 0.5));
  assert.deepEqual(rec.trainAcc.base, [0.4, 0.5]);
  assert.deepEqual(rec.gaps("base").map((g) => g.toFixed(2)), ["0.10", "0.15"]);
  assert.deepEqual(rec.lossBands("base").map((m) => [m.step, m.mean, m.n]), [[1, 2, 2], [2, 2, 2]]);
  assert.deepEqual(rec.lossBands("base", 2).map((m) => [m.step, m.mean, m.std.toFixed(4)]), [[
    2,
    2,
    "0.7071",
  ]]);
  assert.match(
    lines[1],
    /^base, seed 1: test accuracy 35\.0%, training accuracy 50\.0% \(last epoch\), 2\.0 s$/,
  );
  assert.throws(() => rec.lossBands("other"), /no runs recorded for arm other/);
});

Deno.test("sweep verdicts: ahead at which rates, the last rate above chance, a ratio only when both nets have one", () => {
  const band = (lr: number, mean: number, std = 0.01) => ({ lr, mean, std, runs: 3, diverged: 0 });
  const lrs = [0.01, 0.1, 1, 10];
  const withBn = [0.3, 0.5, 0.6, 0.2].map((m, i) => band(lrs[i], m));
  const withoutBn = [0.3, 0.2, 0.1, 0.1].map((m, i) => band(lrs[i], m));
  const v = sweepVerdict({ "with BN": withBn, "without BN": withoutBn }, "with BN", "without BN");
  assert.match(
    v,
    /with BN is ahead of without BN beyond the noise at 3 of 4 rates \(lr 0\.10, 1\.0, 10\), behind at none/,
  );
  assert.match(v, /with BN trains above chance beyond the noise up to lr 10 \(20\.0%/);
  assert.match(v, /without BN trains above chance beyond the noise up to lr 0\.10 \(20\.0%/);
  assert.match(v, /the highest such rate of with BN is at least 100x that of without BN/);
  const chance = [0.1, 0.1, 0.1, 0.1].map((m, i) => band(lrs[i], m, 0.005));
  const divergedAtChance = { ...band(10, 0.1 + 1e-12, 0), diverged: 3 }; // float sums of 0.1 can land a hair above it
  assert.match(
    sweepVerdict({ a: withBn, b: [...withoutBn.slice(0, 3), divergedAtChance] }, "a", "b"),
    /b trains above chance beyond the noise up to lr 0\.10 /,
  );
  assert.match(
    sweepVerdict({ a: withBn, b: chance }, "a", "b"),
    /b is never above chance \(10%\) beyond the noise, so these sweeps cannot say how much higher a rate a allows/,
  );
  assert.ok(bandVsLevel(band(1, 0.2), 0.1).p < 0.01);
  assert.equal(bandVsLevel(band(1, 0.2), 0.1).df, 2);
  assert.ok(bandDifference(band(1, 0.2), band(1, 0.2)).p > 0.99);
});

Deno.test("joinAblations: parts joined equal the whole, differences taken from the first part's base; mismatches refused", () => {
  const whole = ablationOf({
    a: [0.70, 0.71, 0.72],
    b: [0.73, 0.74, 0.74],
    c: [0.60, 0.62, 0.61],
    d: [0.71, 0.70, 0.72],
  });
  const first = ablationOf({ a: [0.70, 0.71, 0.72], b: [0.73, 0.74, 0.74] });
  const second = ablationOf({ c: [0.60, 0.62, 0.61], d: [0.71, 0.70, 0.72] });
  assert.equal(second.arms[0].vsBase, null);
  const joined = joinAblations([first, second]);
  assert.deepEqual(joined, whole);
  assert.ok(joined.arms[2].vsBase!.diff < -0.09);
  assert.throws(() => joinAblations([]), /no parts/);
  assert.throws(() => joinAblations([first, ablationOf({ c: [0.6, 0.6] })]), /3 and 2 seeds per arm/);
  assert.throws(() => joinAblations([first, first]), /arm "a" is in more than one part/);
});
