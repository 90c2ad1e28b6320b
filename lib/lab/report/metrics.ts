import * as aq from "arquero";
import type { EpochMetrics } from "../../core/train/mod.ts";

/** The per-epoch table: epoch, lr, train loss, train acc, test acc, epoch seconds, total seconds, load. */
export function metricsTable(metrics: EpochMetrics[]): aq.ColumnTable {
  return aq.from(metrics.map((m) => ({
    epoch: m.epoch,
    lr: Number(m.lr.toFixed(4)),
    train_loss: Number(m.trainLoss.toFixed(4)),
    train_acc: Number(m.trainAcc.toFixed(4)),
    test_acc: m.testAcc === null ? null : Number(m.testAcc.toFixed(4)),
    epoch_seconds: Number(m.epochSeconds.toFixed(2)),
    total_seconds: Number(m.totalSeconds.toFixed(2)),
    load1: m.load1 ?? null,
  })));
}

/**
 * The per-epoch table for people (report.html, the CLI's printout): headed columns with units, accuracies in
 * percent, "not evaluated" where an epoch had no test evaluation. `metricsTable` is the machine form (CSV).
 */
export function metricsRows(metrics: EpochMetrics[]): Array<Record<string, string | number>> {
  return metrics.map((m) => ({
    epoch: m.epoch,
    "learning rate": m.lr.toFixed(4),
    "train loss": m.trainLoss.toFixed(4),
    "train acc (%)": (100 * m.trainAcc).toFixed(2),
    "test acc (%)": m.testAcc === null ? "not evaluated" : (100 * m.testAcc).toFixed(2),
    "epoch time (s)": m.epochSeconds.toFixed(1),
    "training time (s)": m.totalSeconds.toFixed(1),
    "load (1 min)": m.load1 == null ? "" : m.load1.toFixed(2),
  }));
}

/** Seconds as `1h02m03s` / `2m03s` / `3.4s`. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${s.toFixed(1)}s`;
  // Rounded to whole seconds first, so that 4799.95 s reads 1h20m00s, not 1h19m60s.
  const whole = Math.round(s),
    h = Math.floor(whole / 3600),
    m = Math.floor((whole % 3600) / 60),
    sec = whole % 60;
  return h > 0
    ? `${h}h${String(m).padStart(2, "0")}m${String(sec).padStart(2, "0")}s`
    : `${m}m${String(sec).padStart(2, "0")}s`;
}

/** A count of floating-point operations with its SI prefix: "2.74 PFLOP", "90.1 GFLOP". */
export function formatFlops(n: number): string {
  const [div, unit] = n >= 1e15 ? [1e15, "P"] : n >= 1e12 ? [1e12, "T"] : [1e9, "G"];
  return `${(n / div).toPrecision(3)} ${unit}FLOP`;
}
