/**
 * The SGD hyperparameters of "How to train your ResNet" parts 5-6 as functions: the mapping between this project's
 * mean loss and Page's summed loss, the lr x weight-decay product and lr / (1 - momentum), the angular step that a
 * scale-invariant (batch-normed) weight settles at, how much weight decay acts over a whole run, grids of lr and
 * weight decay for notebooks, and the fenwicks TPU port's weight decay.
 */
import { Rng } from "../../core/random/mod.ts";
import { scheduleOf, sgdRates } from "../../core/config/mod.ts";
import type { TrainConfig } from "../../core/config/mod.ts";

/** Page's batch size (dawn.py: `batch_size = 512`); his lr and weight decay are quoted per this batch. */
export const PAGE_BATCH_SIZE = 512; // dawn.py: batch_size = 512

/** A learning rate and an L2 weight-decay coefficient, in one loss convention. */
export interface LrWd {
  lr: number;
  weightDecay: number;
}

/**
 * Page's summed-loss values for the mean-loss values `h` used here: his loss is summed over the batch, so his
 * gradients are `batchSize` x ours; he passes lr / batch and weight decay x batch (dawn.py:
 * `lr_schedule(x) / batch_size`, `weight_decay * batch_size`), which leaves both lr x grad and lr x wd x w
 * unchanged. Ours lr 0.4, wd 5e-4 = his 0.4 / 512, 5e-4 x 512.
 */
export function toSummedLoss(h: LrWd, batchSize: number = PAGE_BATCH_SIZE): LrWd {
  return { lr: h.lr / batchSize, weightDecay: h.weightDecay * batchSize };
}

/** The inverse of {@link toSummedLoss}: mean-loss values from Page's summed-loss ones. */
export function fromSummedLoss(h: LrWd, batchSize: number = PAGE_BATCH_SIZE): LrWd {
  return { lr: h.lr * batchSize, weightDecay: h.weightDecay / batchSize };
}

/** lr x weight decay: the same in both loss conventions; the quantity that sets the step of batch-normed weights. */
export function lrWdProduct(h: LrWd): number {
  return h.lr * h.weightDecay;
}

/**
 * lr / (1 - momentum): the step that momentum builds up when the gradient stays the same (the sum of the geometric
 * series 1 + rho + rho^2 + ...); at momentum 0.9, ten times the lr. Page's part 5 treats lr / (1 - rho), not lr
 * alone, as the rate to hold fixed when momentum changes.
 */
export function effectiveLr(lr: number, momentum: number): number {
  if (!(momentum >= 0 && momentum < 1)) throw new Error(`momentum ${momentum}: need 0 <= momentum < 1`);
  return lr / (1 - momentum);
}

/**
 * The angle (radians) by which a scale-invariant weight vector turns per step once its norm has settled, under SGD
 * with heavy-ball momentum `momentum` and L2 weight decay: sqrt(2 lr wd / (1 + momentum)). A weight followed by
 * batch norm gets gradients orthogonal to it and shrinking as 1 / |w|; the gradient steps grow |w| while weight decay
 * shrinks it, and at the balance the turn per step depends on lr and wd only through their product (Page, part 6:
 * weight decay sets the effective learning rate of such weights). Derivation for momentum: Wan et al. 2021,
 * "Spherical Motion Dynamics" (arXiv:2006.08419). Nesterov momentum (used here) turns faster by a factor that
 * depends on momentum alone (see {@link simulateAngularStep}), so the product is still what matters.
 */
export function equilibriumAngularStep(lr: number, weightDecay: number, momentum = 0): number {
  return Math.sqrt((2 * lr * weightDecay) / (1 + momentum));
}

/** Options of {@link simulateAngularStep}. */
export interface AngularSimOptions {
  nesterov?: boolean;
  /** Dimension of the weight vector (default 1000). */
  dim?: number;
  /** Steps in all; the mean angle is taken over the second half (default 4000). */
  steps?: number;
  seed?: number;
}

/**
 * Simulates a scale-invariant weight under SGD (PyTorch's form: g' = g + wd w; v = rho v + g'; step v, or
 * g' + rho v with Nesterov): each step's gradient is a random direction orthogonal to w with norm 1 / |w|, as
 * batch norm makes it, from a random w of norm 1. Returns the mean angle (radians) between successive weights
 * over the second half of the steps, to compare with {@link equilibriumAngularStep}.
 */
export function simulateAngularStep(
  lr: number,
  weightDecay: number,
  momentum = 0,
  options: AngularSimOptions = {},
): number {
  const n = options.dim ?? 1000, steps = options.steps ?? 4000, rng = new Rng(options.seed ?? 0);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i], 0);
  const w = Float64Array.from({ length: n }, normal), v = new Float64Array(n), u = new Float64Array(n);
  const norm0 = Math.sqrt(dot(w, w));
  for (let i = 0; i < n; i++) w[i] /= norm0; // start at |w| = 1, near the balance for lr and wd of interest
  let sum = 0, count = 0;
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < n; i++) u[i] = normal();
    const ww = dot(w, w), proj = dot(u, w) / ww;
    for (let i = 0; i < n; i++) u[i] -= proj * w[i];
    const scale = 1 / (Math.sqrt(dot(u, u)) * Math.sqrt(ww));
    let cross = 0, next = 0;
    for (let i = 0; i < n; i++) {
      const g = u[i] * scale + weightDecay * w[i];
      v[i] = momentum * v[i] + g;
      const wi = w[i] - lr * (options.nesterov ? g + momentum * v[i] : v[i]);
      cross += w[i] * wi;
      next += wi * wi;
      w[i] = wi;
    }
    if (t >= steps / 2) {
      sum += Math.acos(Math.min(1, cross / Math.sqrt(ww * next)));
      count++;
    }
  }
  return sum / count;
}

/**
 * How far weight decay alone would shrink the weights over a run of `cfg` with `stepsPerEpoch` steps per epoch,
 * as an exponent: wd x (sum over steps of the scheduled lr) / (1 - momentum), i.e. |w| x exp(-exponent) without
 * gradients (lr / (1 - momentum) as the effective rate). Page's DAWNBench run (97 steps x 24 epochs, triangle
 * peaking at 0.4, wd 5e-4, momentum 0.9): about 2.3, a 10x shrink; a few dozen steps at the same lr and wd: a few
 * hundredths, i.e. weight decay has barely acted.
 */
export function decayExponent(cfg: TrainConfig, stepsPerEpoch: number): number {
  const schedule = scheduleOf(cfg);
  let sum = 0;
  // The trainer's lr of global step s is the schedule at (s + 1) / stepsPerEpoch (TrainSession.lrAt).
  for (let s = 0; s < Math.ceil(cfg.epochs * stepsPerEpoch); s++) sum += schedule((s + 1) / stepsPerEpoch);
  return (sgdRates(cfg).weightDecay * sum) / (1 - cfg.momentum);
}

/**
 * The weight decay at which a run of `cfg` (with `stepsPerEpoch` steps per epoch) reaches decay exponent `target`
 * ({@link decayExponent} is linear in the weight decay): how the notebooks let weight decay act as much over a short
 * run as over Page's full one.
 */
export function weightDecayForExponent(cfg: TrainConfig, stepsPerEpoch: number, target: number): number {
  const perUnit = decayExponent({ ...cfg, weightDecay: 1 }, stepsPerEpoch);
  if (!(perUnit > 0)) throw new Error("the schedule has no positive learning rate: weight decay cannot act");
  return target / perUnit;
}

/** One point of an lr x weight-decay grid: multipliers of the base config's lr and weight decay. */
export interface LrWdPoint {
  lrFactor: number;
  wdFactor: number;
}

/**
 * A grid around Page's point: the base, two points that keep lr x wd fixed (lr x 2 with wd / 2, and the
 * reverse), and two that change the product by 4x (both x 2, both / 2).
 */
export const LR_WD_GRID: readonly LrWdPoint[] = [
  { lrFactor: 1, wdFactor: 1 },
  { lrFactor: 2, wdFactor: 0.5 },
  { lrFactor: 0.5, wdFactor: 2 },
  { lrFactor: 2, wdFactor: 2 },
  { lrFactor: 0.5, wdFactor: 0.5 },
];

/** An arm of a grid: a name, no toggle, its lr x wd relative to the base, and its config (an ablation `Variant`). */
export interface GridArm {
  name: string;
  toggle: null;
  /** lr x weight decay relative to the base config's. */
  product: number;
  config: TrainConfig;
}

const factor = (f: number) => (f === 1 ? "" : f > 1 ? `x${f}` : `/${1 / f}`);

/**
 * The configs of `points` around `base` (lr and weight decay multiplied), named by the multipliers, short enough
 * for a figure's axis: "base", "lr x2, wd /2", ...; `product` is lr x wd relative to the base. The first arm is the
 * base when the first point is (1, 1).
 */
export function lrWdGrid(base: TrainConfig, points: readonly LrWdPoint[] = LR_WD_GRID): GridArm[] {
  return points.map(({ lrFactor, wdFactor }) => ({
    name: lrFactor === 1 && wdFactor === 1
      ? "base"
      : `lr ${factor(lrFactor) || "x1"}, wd ${factor(wdFactor) || "x1"}`,
    toggle: null,
    product: lrFactor * wdFactor,
    config: { ...base, lr: base.lr * lrFactor, weightDecay: base.weightDecay * wdFactor },
  }));
}

/**
 * The fenwicks TPU port of DavidNet (github.com/fenwickslab/fenwicks, tutorials/tutorial2_cifar10.ipynb at
 * 2d53963): Page's recipe with a quarter of his weight decay, on the summed loss, on an 8-core TPU.
 */
export const FENWICKS_TPU = {
  batchSize: 512, // tutorial2_cifar10.ipynb: BATCH_SIZE = 512
  lr: 0.4, // LEARNING_RATE = 0.4, passed as LEARNING_RATE / BATCH_SIZE (summed loss)
  momentum: 0.9, // MOMENTUM = 0.9 (fenwicks optim.SGD: tf MomentumOptimizer, use_nesterov=True)
  weightDecay: 0.000125, // WEIGHT_DECAY = 0.000125 = 5e-4 / 4, passed as WEIGHT_DECAY * BATCH_SIZE
  replicas: 8, // a Colab TPU v2-8: TPUEstimator shards each batch over its 8 cores
} as const;

/**
 * The weight decay that acts (in the units `wdPerReplica` is given in) when each of `replicas` adds its own L2 term `wdPerReplica x w`
 * to its gradient and the gradients are then summed across replicas (not averaged): `replicas x wdPerReplica`.
 * This is what fenwicks does: its SGD adds `wd * v` in `compute_gradients`, which TensorFlow's
 * `CrossShardOptimizer` (reduction SUM, as fenwicks passes) calls on every core before `cross_replica_sum`. With
 * an averaged (MEAN) reduction the L2 term keeps its value.
 */
export function crossReplicaWeightDecay(
  wdPerReplica: number,
  replicas: number,
  reduction: "sum" | "mean" = "sum",
): number {
  return reduction === "sum" ? replicas * wdPerReplica : wdPerReplica;
}
