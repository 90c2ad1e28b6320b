import type { BackendInfo } from "../backend/mod.ts";
import type { TrainConfig, TrainResult } from "../train/mod.ts";

/** `summary.json`: the outcome of one run. */
export interface RunSummary {
  status: TrainResult["status"];
  seed: number;
  finalTestAcc: number | null;
  timeTo94Seconds: number | null;
  trainSeconds: number;
  wallSeconds: number;
  /** The warm-up step before the clock (shader compilation). */
  compileSeconds: number;
  epochsDone: number;
  backend: string;
  adapter: string;
  kernels: TrainConfig["kernels"];
  params: number;
  divergedAt: TrainResult["divergedAt"] | null;
}

/** Summarises a run for `summary.json`. */
export function summarize(
  cfg: TrainConfig,
  r: TrainResult,
  backend: BackendInfo,
  params: number,
): RunSummary {
  return {
    status: r.status,
    seed: cfg.seed,
    finalTestAcc: r.finalTestAcc,
    timeTo94Seconds: r.timeTo94,
    trainSeconds: r.trainSeconds,
    wallSeconds: r.wallSeconds,
    compileSeconds: r.compileSeconds,
    epochsDone: r.metrics.length,
    backend: backend.name,
    adapter: backend.adapter,
    kernels: cfg.kernels,
    params,
    divergedAt: r.divergedAt ?? null,
  };
}
