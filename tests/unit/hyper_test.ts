/** lib/lab/notebook/hyper.ts against numbers and sums worked out here independently. */
import assert from "node:assert/strict";
import { BASELINE } from "../../lib/core/config/mod.ts";
import {
  crossReplicaWeightDecay,
  decayExponent,
  effectiveLr,
  equilibriumAngularStep,
  FENWICKS_TPU,
  fromSummedLoss,
  LR_WD_GRID,
  lrWdGrid,
  lrWdProduct,
  simulateAngularStep,
  toSummedLoss,
  weightDecayForExponent,
} from "../../lib/lab/notebook/hyper.ts";

const near = (got: number, want: number, rel = 1e-12) =>
  assert.ok(Math.abs(got - want) <= rel * Math.abs(want), `${got} vs ${want}`);

Deno.test("mean loss <-> Page's summed loss: lr 0.4 = 0.4/512 = 0.00078125, wd 5e-4 = 5e-4 x 512 = 0.256", () => {
  const page = toSummedLoss({ lr: 0.4, weightDecay: 5e-4 });
  near(page.lr, 0.00078125);
  near(page.weightDecay, 0.256);
  const back = fromSummedLoss(page);
  near(back.lr, 0.4);
  near(back.weightDecay, 5e-4);
  near(lrWdProduct(page), 2e-4); // 0.4 x 5e-4, unchanged by the mapping
  near(lrWdProduct({ lr: 0.4, weightDecay: 5e-4 }), 2e-4);
  near(toSummedLoss({ lr: 1, weightDecay: 5e-4 }, 128).lr, 1 / 128);
});

Deno.test("lr / (1 - momentum): 0.4 at momentum 0.9 is 4; momentum 1 is refused", () => {
  near(effectiveLr(0.4, 0.9), 4, 1e-12);
  near(effectiveLr(0.4, 0), 0.4);
  assert.throws(() => effectiveLr(0.4, 1), /momentum/);
});

Deno.test("angular step: sqrt(2 lr wd / (1 + rho)) matches a simulated scale-invariant weight", () => {
  near(equilibriumAngularStep(0.1, 5e-3), Math.sqrt(1e-3), 1e-12); // 2 x 0.1 x 5e-3 = 1e-3
  for (const [lr, wd, rho] of [[0.1, 5e-3, 0], [0.1, 5e-3, 0.9], [0.4, 2e-3, 0.9]]) {
    const sim = simulateAngularStep(lr, wd, rho, { dim: 500, steps: 3000 });
    near(sim, equilibriumAngularStep(lr, wd, rho), 0.03);
  }
  // Nesterov turns faster, but by a factor that depends on momentum only: lr x2, wd /2 gives the same angle.
  const a = simulateAngularStep(0.1, 5e-3, 0.9, { nesterov: true, dim: 500, steps: 3000 });
  const b = simulateAngularStep(0.2, 2.5e-3, 0.9, { nesterov: true, dim: 500, steps: 3000 });
  near(a, b, 0.03);
  assert.ok(a > 1.05 * equilibriumAngularStep(0.1, 5e-3, 0.9));
});

Deno.test("decayExponent: wd x sum of the trainer's per-step lrs / (1 - momentum), summed here by hand", () => {
  // 2 epochs of 2 steps, triangle 0 -> 1 at epoch 1 -> 0 at epoch 2; the step lrs are the schedule at
  // (s + 1) / 2 = 0.5, 1, 1.5, 2 epochs: 0.5, 1, 0.5, 0, summing to 2.
  const cfg = {
    ...BASELINE,
    epochs: 2,
    lr: 1,
    lrPeak: 0.5,
    lrEnd: 0,
    lrEndAt: 1,
    weightDecay: 0.01,
    momentum: 0.5,
  };
  near(decayExponent(cfg, 2), (0.01 * 2) / 0.5);
  // Page's DAWNBench run: 97 steps x 24 epochs of a triangle peaking at 0.4: the lrs average about 0.2, so
  // about 5e-4 x 0.2 x 2328 / 0.1 = 2.3.
  near(decayExponent(BASELINE, 97), 2.33, 0.01);
  // The weight decay that gives a run of 4 steps Page's exponent: 2.33 / (2 / 0.5) with the config above.
  const wd = weightDecayForExponent(cfg, 2, decayExponent(BASELINE, 97));
  near(wd, decayExponent(BASELINE, 97) / 4);
  near(decayExponent({ ...cfg, weightDecay: wd }, 2), decayExponent(BASELINE, 97));
});

Deno.test("lrWdGrid: the base, two points at the same product, two at 4x and 1/4 of it", () => {
  const arms = lrWdGrid(BASELINE);
  assert.equal(arms.length, LR_WD_GRID.length);
  assert.deepEqual(arms.map((a) => a.name), [
    "base",
    "lr x2, wd /2",
    "lr /2, wd x2",
    "lr x2, wd x2",
    "lr /2, wd /2",
  ]);
  assert.deepEqual(arms.map((a) => a.product), [1, 1, 1, 4, 0.25]);
  const products = arms.map((a) => a.config.lr * a.config.weightDecay / (0.4 * 5e-4));
  products.forEach((p, i) => near(p, [1, 1, 1, 4, 0.25][i], 1e-9));
  assert.ok(arms.every((a) => a.toggle === null && a.config.momentum === BASELINE.momentum));
});

Deno.test("fenwicks: a quarter of Page's wd per core, summed over 8 cores, acts as twice Page's", () => {
  near(FENWICKS_TPU.weightDecay, 5e-4 / 4);
  near(crossReplicaWeightDecay(FENWICKS_TPU.weightDecay, FENWICKS_TPU.replicas), 1e-3);
  near(crossReplicaWeightDecay(FENWICKS_TPU.weightDecay, FENWICKS_TPU.replicas, "mean"), 1.25e-4);
});
