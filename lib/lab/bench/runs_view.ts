/**
 * Recorded runs (`deno task bench --only runs`, read back with {@link latestRecordedRuns}) as a notebook shows
 * them: a row per seed, one summary line, and the test accuracy of every seed through training, with the 94%
 * line, against epochs or training time, for one recipe or several side by side.
 */
import { type Figure, formatSeconds, lineFigure } from "../report/mod.ts";
import type { SavedRuns } from "./runs.ts";

/** One row per seed: final accuracy (with the preset's TTA), time to 94%, training time, FLOP rate, load. */
export function recordedRunsRows(saved: SavedRuns): Array<Record<string, string | number>> {
  return saved.runs.map((r) => ({
    preset: r.preset,
    seed: r.seed,
    "test accuracy (TTA)": `${(100 * r.summary.finalTestAcc!).toFixed(2)}%`,
    "time to 94%": r.summary.timeTo94Seconds === null
      ? "not reached"
      : formatSeconds(r.summary.timeTo94Seconds),
    training: formatSeconds(r.summary.trainSeconds),
    "GFLOP/s": (r.flopsPerSecond / 1e9).toFixed(1),
    "load (1 min)": r.load ? r.load.map((l) => l.toFixed(2)).join(" to ") : "not recorded",
    "measured / estimate": r.estimate ? r.estimate.measuredOverEstimate.toFixed(2) : "no estimate",
    backend: r.summary.adapter,
  }));
}

/** "davidnet24, 3 seeds: 94.10% +- 0.12 (sample std); 3 of 3 reached 94% (mean 2h45m); file, machine, date". */
export function recordedRunsLine(saved: SavedRuns): string {
  const acc = saved.accuracy, n = saved.runs.length;
  return `${saved.runs[0].preset}, ${n} seed${n === 1 ? "" : "s"}: ${(100 * acc.mean).toFixed(2)}% +- ${
    (100 * acc.std).toFixed(2)
  } (sample std); ${saved.reached94} of ${n} reached 94%` +
    (saved.timeTo94 ? ` (mean time to 94% ${formatSeconds(saved.timeTo94.mean)})` : "") +
    `; ${saved.file}: ${saved.machine.cpu}, ${saved.machine.cores} cores, recorded ${
      saved.date.slice(0, 10)
    }`;
}

/**
 * Test accuracy (with each preset's TTA) after every epoch of every recorded seed, one colour per preset, against
 * the epoch or the training time (minutes) at the epoch's end, with the 94% target dashed.
 */
export function recordedRunsFigure(
  list: readonly SavedRuns[],
  title: string,
  x: "epoch" | "minutes",
): Figure {
  const colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"];
  const series = list.flatMap((saved, i) =>
    saved.runs.map((r) => ({
      name: `${r.preset}, seed ${r.seed}`,
      x: r.metrics.map((m) => (x === "epoch" ? m.epoch : m.totalSeconds / 60)),
      y: r.metrics.map((m) => 100 * (m.testAcc ?? NaN)),
      color: colors[i % colors.length],
    }))
  );
  const right = Math.max(...series.flatMap((s) => s.x));
  return lineFigure(
    title,
    x === "epoch" ? "epoch" : "training time (minutes)",
    "test accuracy with TTA (%)",
    [
      ...series,
      {
        name: "94% target",
        x: [x === "epoch" ? 1 : 0, right],
        y: [94, 94],
        mode: "lines",
        dash: "dash",
        color: "gray",
      },
    ],
    { markers: true, wholeX: x === "epoch" },
  );
}
