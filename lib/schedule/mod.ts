/**
 * Learning-rate schedules as plain functions of training progress measured in epochs (fractional: epoch 2.5 is
 * half way through the third epoch), so the value at any step is `schedule(step / stepsPerEpoch)`.
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

/** The seed's slanted triangle: 0 -> `peak` at `peakEpoch` -> 0 at `epochs` (DavidNet: 0.4 at 5 of 24). */
export function slantedTriangular(peak: number, peakEpoch: number, epochs: number): Schedule {
  if (peakEpoch <= 0) return piecewiseLinear([[0, peak], [epochs, 0]]);
  if (peakEpoch >= epochs) return piecewiseLinear([[0, 0], [epochs, peak]]);
  return piecewiseLinear([[0, 0], [peakEpoch, peak], [epochs, 0]]);
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

/** Step decay: `base`, multiplied by `gamma` at each milestone epoch passed. */
export function stepDecay(base: number, milestones: number[], gamma = 0.1): Schedule {
  return (t) => base * gamma ** milestones.filter((m) => t >= m).length;
}

/** The schedules the CLI offers by name. */
export const SCHEDULE_NAMES = ["piecewise", "onecycle", "cosine", "step"] as const;
/** One of {@link SCHEDULE_NAMES}. */
export type ScheduleName = typeof SCHEDULE_NAMES[number];

/**
 * The named schedule peaking at `peak`: `piecewise` is the seed's slanted triangle (peak at `peakEpoch`),
 * `onecycle` uses `peakEpoch / epochs` as its warm-up fraction, `cosine` warms up to `peakEpoch`, and `step`
 * decays by 10x at 50% and 75% of training.
 */
export function makeSchedule(name: ScheduleName, peak: number, peakEpoch: number, epochs: number): Schedule {
  switch (name) {
    case "piecewise":
      return slantedTriangular(peak, peakEpoch, epochs);
    case "onecycle":
      return oneCycle(peak, epochs, peakEpoch / epochs);
    case "cosine":
      return cosine(peak, epochs, peakEpoch);
    case "step":
      return stepDecay(peak, [epochs * 0.5, epochs * 0.75]);
  }
}
