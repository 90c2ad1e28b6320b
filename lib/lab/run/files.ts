import type { BackendInfo } from "../../core/backend/mod.ts";
import type { ChannelStats, SourceInfo } from "../../core/data/mod.ts";
import type { EpochMetrics, TrainConfig } from "../../core/train/mod.ts";

/** `config.json` of a run: what it was trained with and how, written before training starts. */
export interface RunConfig {
  config: TrainConfig;
  /** The preset the config started from. */
  preset: string;
  backend: BackendInfo;
  data: { shards: string; source: SourceInfo; stats: ChannelStats };
  versions: { deno: string; tfjs: string };
  /** The command line that started the run. */
  command: string;
  /**
   * On a CPU, what `deno task train` estimated before the clock started (steps x the median of a few timed
   * steps), so that a finished run can be set against it; absent elsewhere and in runs written before it.
   */
  estimate?: { steps: number; stepSeconds: number; seconds: number };
}

/** `history.json` of a run: per-epoch metrics and per-step losses and learning rates. */
export interface RunHistory {
  metrics: EpochMetrics[];
  losses: number[];
  lrs: number[];
}

/**
 * The files of a run folder, as `deno task train --out DIR` writes them (`config.json` first, the rest when the
 * run ends or stops).
 */
export const RUN_FILES = {
  config: "config.json",
  summary: "summary.json",
  history: "history.json",
  metrics: "metrics.csv",
  report: "report.html",
  model: "model",
  checkpoint: "checkpoint",
} as const;
