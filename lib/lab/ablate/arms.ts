import type { TrainConfig } from "../../core/config/mod.ts";
import type { Variant } from "./plan.ts";

/** An arm of the batch-size experiment (Page, part 2): a batch size and a learning rate relative to the base's. */
export interface BatchLrArm extends Variant {
  batchSize: number;
  /** The learning rate per example relative to the base's (1: the base's rate per example). */
  lrFactor: number;
}

/** `x2`, `x1/4`: how a factor reads in an arm's name. */
export function factorLabel(f: number): string {
  return f >= 1 ? `x${Number(f.toPrecision(3))}` : `x1/${Number((1 / f).toPrecision(3))}`;
}

/**
 * Page's part-2 grid: the base trained at each batch size with the learning rate per example held (on the mean
 * loss, lr proportional to the batch: the same first-order update per example as the base), times each factor of
 * `lrFactors`; weight decay, epochs and schedule unchanged. Arms are ordered by batch size, then factor.
 */
export function batchLrArms(
  base: TrainConfig,
  batchSizes: readonly number[],
  lrFactors: readonly number[] = [1],
): BatchLrArm[] {
  return batchSizes.flatMap((batchSize) =>
    lrFactors.map((lrFactor) => ({
      name: lrFactors.length === 1 ? `batch ${batchSize}` : `batch ${batchSize}, lr ${factorLabel(lrFactor)}`,
      toggle: null,
      batchSize,
      lrFactor,
      config: { ...base, batchSize, lr: base.lr * (batchSize / base.batchSize) * lrFactor },
    }))
  );
}

/** An arm of the momentum experiment (Page, part 5). */
export interface MomentumArm extends Variant {
  momentum: number;
  /** What stays as in the base when the momentum changes (lr / (1 - momentum), or the learning rate); null for the base. */
  held: "lr / (1 - momentum)" | "lr" | null;
}

/**
 * The base, then the base at each momentum of `heldRhos` with lr / (1 - momentum) held (the step a steady
 * gradient builds up, and with it the weight decay per step, unchanged), then at each of `fixedLrRhos` with the
 * learning rate held (so lr / (1 - momentum) changes).
 */
export function momentumArms(
  base: TrainConfig,
  heldRhos: readonly number[],
  fixedLrRhos: readonly number[],
): MomentumArm[] {
  const effective = base.lr / (1 - base.momentum);
  const arm = (momentum: number, held: "lr / (1 - momentum)" | "lr"): MomentumArm => {
    const lr = held === "lr" ? base.lr : effective * (1 - momentum);
    return {
      name: `momentum ${momentum}, ${held} held (lr ${Number(lr.toPrecision(3))})`,
      toggle: null,
      momentum,
      held,
      config: { ...base, momentum, lr },
    };
  };
  return [
    { name: "base", toggle: null, momentum: base.momentum, held: null, config: base },
    ...heldRhos.map((m) => arm(m, "lr / (1 - momentum)")),
    ...fixedLrRhos.map((m) => arm(m, "lr")),
  ];
}

/** Options of {@link regularisationArms}. */
export interface RegularisationOptions {
  /** Cutout square side of the cutout arm (Page, part 3: 8). */
  cutout: number;
  /** Weight decay of the stronger-weight-decay arm (e.g. the one whose whole-run decay matches Page's run). */
  strongWeightDecay: number;
  /** Epochs of the longer arm, as a multiple of the base's. */
  epochsFactor: number;
}

/**
 * Page's part-3 levers on one base without cutout: the base, the base with cutout, without weight decay, with the
 * stronger weight decay, and trained `epochsFactor` times as long (the schedule stretches with it).
 */
export function regularisationArms(base: TrainConfig, o: RegularisationOptions): Variant[] {
  const arm = (name: string, config: TrainConfig): Variant => ({ name, toggle: null, config });
  return [
    arm("base", base),
    arm(`+cutout ${o.cutout}x${o.cutout}`, { ...base, augment: { ...base.augment, cutout: o.cutout } }),
    arm("no weight decay", { ...base, weightDecay: 0 }),
    arm(`weight decay ${o.strongWeightDecay.toExponential(1)}`, {
      ...base,
      weightDecay: o.strongWeightDecay,
    }),
    arm(`${o.epochsFactor}x epochs`, { ...base, epochs: base.epochs * o.epochsFactor }),
  ];
}
