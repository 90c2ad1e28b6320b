import { join } from "node:path";
import { tf } from "../../core/backend/mod.ts";
import { writeFileAtomic, writeJsonAtomic } from "../../core/io/mod.ts";
import { saveModel } from "./model_files.ts";
import * as aq from "arquero";
import {
  accuracyFigure,
  escapeHtml,
  lossFigure,
  lrFigure,
  metricsRows,
  metricsTable,
  reportHtml,
} from "../report/mod.ts";
import type { TrainResult } from "../../core/train/mod.ts";
import { RUN_FILES, type RunConfig, type RunHistory } from "./files.ts";
import { type RunSummary, summaryRows } from "./summary.ts";

/** Writes the run's `config.json` into `dir` (atomically), adding the Deno and tfjs versions. */
export async function writeRunConfig(dir: string, record: Omit<RunConfig, "versions">): Promise<void> {
  const full: RunConfig = { ...record, versions: { deno: Deno.version.deno, tfjs: tf.version.tfjs } };
  await writeJsonAtomic(join(dir, RUN_FILES.config), full);
}

/**
 * Writes a run's outputs into `dir`: `metrics.csv`, `summary.json`, `history.json`, `report.html`
 * (self-contained plotly: loss, accuracy, LR) and, when the run completed, `model/` in tfjs format.
 */
export async function writeRunOutputs(
  dir: string,
  summary: RunSummary,
  result: TrainResult,
  model: tf.LayersModel,
  modelMetadata: Record<string, unknown>,
): Promise<void> {
  const table = metricsTable(result.metrics);
  await writeFileAtomic(join(dir, RUN_FILES.metrics), table.toCSV() + "\n");
  await writeJsonAtomic(join(dir, RUN_FILES.summary), summary);
  const history: RunHistory = { metrics: result.metrics, losses: result.losses, lrs: result.lrs };
  await writeJsonAtomic(join(dir, RUN_FILES.history), history);
  const facts = `<h2>Summary</h2><table>${
    summaryRows(summary).map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join(
      "",
    )
  }</table>`;
  const epochs = `<h2>Per epoch</h2>${aq.from(metricsRows(result.metrics)).toHTML()}`;
  const html = reportHtml(`DavidNet run (seed ${summary.seed})`, [facts, epochs], [
    lossFigure(result.losses),
    accuracyFigure(result.metrics),
    lrFigure(result.lrs),
  ]);
  await writeFileAtomic(join(dir, RUN_FILES.report), html);
  if (result.status === "completed") await saveModel(model, join(dir, RUN_FILES.model), modelMetadata);
}
