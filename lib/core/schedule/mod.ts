/**
 * Learning-rate schedules as plain functions of training progress measured in epochs (fractional: epoch 2.5 is
 * half way through the third epoch), so the value at any step is `schedule(step / stepsPerEpoch)`.
 * Row 0 of lib/'s layout (README, Layout): imports no other folder of lib/.
 */

/** A learning rate as a function of progress in epochs. */
export type Schedule = (epoch: number) => number;

/** Linear interpolation through `knots` ([epoch, value] pairs, epochs increasing); constant beyond the ends. */
export function piecewiseLinear(knots: ReadonlyArray<readonly [number, number]>): Schedule {
  if (knots.length === 0) throw new Error("piecewiseLinear needs at least one knot");
  for (let i = 1; i < knots.length; i++) {
    if (!(knots[i][0] > knots[i - 1][0])) {
      throw new Error(`piecewiseLinear knots must increase: ${JSON.stringify(knots)}`);
    }
  }
  return (t) => {
    if (t <= knots[0][0]) return knots[0][1];
    for (let i = 1; i < knots.length; i++) {
      const [x1, y1] = knots[i];
      if (t <= x1) {
        const [x0, y0] = knots[i - 1];
        return y0 + ((t - x0) / (x1 - x0)) * (y1 - y0);
      }
    }
    return knots[knots.length - 1][1];
  };
}

/**
 * Smith's one-cycle with cosine phases: from `peak / divFactor` up to `peak` over the first `pctStart` of
 * `epochs`, then down to `peak / (divFactor * finalDiv)`.
 */
export function oneCycle(
  peak: number,
  epochs: number,
  pctStart = 0.3,
  divFactor = 25,
  finalDiv = 1e4,
): Schedule {
  const start = peak / divFactor, end = start / finalDiv, turn = pctStart * epochs;
  const cos = (from: number, to: number, p: number) => to + ((from - to) * (1 + Math.cos(Math.PI * p))) / 2;
  return (t) => {
    const e = Math.min(Math.max(t, 0), epochs);
    return e <= turn
      ? cos(start, peak, turn === 0 ? 1 : e / turn)
      : cos(peak, end, (e - turn) / (epochs - turn));
  };
}

/** Cosine decay from `peak` to 0 over `epochs`, after a linear warm-up from 0 over `warmup` epochs. */
export function cosine(peak: number, epochs: number, warmup = 0): Schedule {
  return (t) => {
    if (t < warmup) return (peak * Math.max(t, 0)) / warmup;
    const p = Math.min((t - warmup) / (epochs - warmup), 1);
    return (peak * (1 + Math.cos(Math.PI * p))) / 2;
  };
}

/**
 * Step decay: `base`, multiplied by `gamma` at each milestone epoch passed; after a linear warm-up from 0 over the
 * first `warmup` epochs when `warmup` > 0.
 */
export function stepDecay(base: number, milestones: number[], gamma = 0.1, warmup = 0): Schedule {
  return (t) =>
    t < warmup ? (base * Math.max(t, 0)) / warmup : base * gamma ** milestones.filter((m) => t >= m).length;
}

/** The schedules the CLI offers by name. */
export const SCHEDULE_NAMES = ["piecewise", "onecycle", "cosine", "step"] as const;
/** One of {@link SCHEDULE_NAMES}. */
export type ScheduleName = typeof SCHEDULE_NAMES[number];

/**
 * The shape of a run's learning rate, in fractions of the run (as in Page's later code, where the peak sits at
 * epochs / 5), so that changing the number of epochs scales every knot with it.
 */
export interface LrShape {
  /** Peak learning rate. */
  lr: number;
  /** Rate at the start as a fraction of `lr` (piecewise only; 0 unless given). */
  start?: number;
  /** Fraction of the run at which the rate peaks (the warm-up's end). */
  peak: number;
  /** Final rate as a fraction of `lr` (piecewise only). */
  end: number;
  /** Fraction of the run at which the final rate is reached and then held (piecewise only). */
  endAt: number;
}

/**
 * The named schedule over `epochs`: `piecewise` is Page's piecewise-linear lr * start -> lr at `peak` -> lr * end
 * at `endAt`, held after (DAWNBench: 0 -> 0.4 at 5/24 -> 0 at the end; the bag of tricks: 0 -> 1 at 0.2 -> 0.1 at
 * 0.8; airbench94: 0.2 -> 1 at 0.23 -> 0.07 at the end, x its lr);
 * `onecycle` uses `peak` as its warm-up fraction, `cosine` and `step` warm up linearly from 0 to `peak` (none when
 * `peak` is 0), and `step` then decays by 10x at 50% and 75% of training; so every schedule shares the warm-up.
 */
export function makeSchedule(name: ScheduleName, shape: LrShape, epochs: number): Schedule {
  const { lr, peak, end, endAt } = shape, start = shape.start ?? 0;
  switch (name) {
    case "piecewise":
      return piecewiseLinear(
        peak > 0
          ? [[0, lr * start], [peak * epochs, lr], [endAt * epochs, lr * end]]
          : [[0, lr], [endAt * epochs, lr * end]],
      );
    case "onecycle":
      return oneCycle(lr, epochs, peak);
    case "cosine":
      return cosine(lr, epochs, peak * epochs);
    case "step":
      return stepDecay(lr, [epochs * 0.5, epochs * 0.75], 0.1, peak * epochs);
  }
}
