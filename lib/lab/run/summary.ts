import type { BackendInfo } from "../../core/backend/mod.ts";
import { formatSeconds } from "../report/mod.ts";
import type { TrainConfig, TrainResult } from "../../core/train/mod.ts";

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

/** The summary as labelled, formatted rows for people: units, rounding, "not reached" rather than null. */
export function summaryRows(s: RunSummary): Array<[string, string]> {
  const seconds = (x: number) => `${formatSeconds(x)} (${x.toFixed(1)} s)`;
  const d = s.divergedAt;
  return [
    ["status", s.status],
    ["seed", String(s.seed)],
    [
      "test accuracy",
      s.finalTestAcc === null ? "none (run not completed)" : `${(100 * s.finalTestAcc).toFixed(2)}%`,
    ],
    ["time to 94%", s.timeTo94Seconds === null ? "not reached" : seconds(s.timeTo94Seconds)],
    ["training time", seconds(s.trainSeconds)],
    ["warm-up (off the clock)", seconds(s.compileSeconds)],
    ["wall time", seconds(s.wallSeconds)],
    ["epochs done", String(s.epochsDone)],
    ["backend", `${s.backend} on ${s.adapter}`],
    ["kernels", `${s.kernels.mode} (convolutions: ${s.kernels.conv})`],
    ["trainable parameters", s.params.toLocaleString("en")],
    ["diverged", d ? `at step ${d.step} (epoch ${d.epoch + 1}), loss ${d.loss}` : "no"],
  ];
}
