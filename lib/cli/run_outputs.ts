import { join } from "node:path";
import type { BackendInfo } from "../backend/mod.ts";
import { tf } from "../backend/mod.ts";
import { writeFileAtomic, writeJsonAtomic } from "../io/mod.ts";
import { saveModel } from "../model/mod.ts";
import { accuracyFigure, lossFigure, lrFigure, metricsTable, reportHtml } from "../report/mod.ts";
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

/**
 * Writes a run's outputs into `dir`: `metrics.csv`, `summary.json`, `history.json`, `report.html` (self-contained plotly: loss,
 * accuracy, LR) and, when the run completed, `model/` in tfjs format.
 */
export async function writeRunOutputs(
  dir: string,
  summary: RunSummary,
  result: TrainResult,
  model: tf.LayersModel,
  modelMetadata: Record<string, unknown>,
): Promise<void> {
  const table = metricsTable(result.metrics);
  await writeFileAtomic(join(dir, "metrics.csv"), table.toCSV() + "\n");
  await writeJsonAtomic(join(dir, "summary.json"), summary);
  await writeJsonAtomic(join(dir, "history.json"), {
    metrics: result.metrics,
    losses: result.losses,
    lrs: result.lrs,
  });
  const facts = `<table>${
    Object.entries(summary).map(([k, v]) => `<tr><th>${k}</th><td>${JSON.stringify(v)}</td></tr>`).join("")
  }</table>`;
  const html = reportHtml(`DavidNet run (seed ${summary.seed})`, [facts, table.toHTML()], [
    lossFigure(result.losses),
    accuracyFigure(result.metrics),
    lrFigure(result.lrs),
  ]);
  await writeFileAtomic(join(dir, "report.html"), html);
  if (result.status === "completed") await saveModel(model, join(dir, "model"), modelMetadata);
}
