import { join } from "node:path";
import { exists } from "../../core/io/mod.ts";
import { savedModelConfig } from "../../core/model/mod.ts";
import { RUN_FILES, type RunConfig, type RunHistory } from "./files.ts";
import type { RunSummary } from "./summary.ts";

/**
 * Reads a run folder's `config.json` (an older run's boolean `whiten` read as "3x3" or "none": see
 * `savedModelConfig`); the error names the folder and what to pass instead.
 */
export async function readRunConfig(dir: string): Promise<RunConfig> {
  const path = join(dir, RUN_FILES.config);
  if (!(await exists(path))) {
    throw new Error(`${dir} has no ${RUN_FILES.config}: it is no run folder; pass the --out folder of a run`);
  }
  const run = JSON.parse(await Deno.readTextFile(path)) as RunConfig;
  return { ...run, config: { ...run.config, model: savedModelConfig({ ...run.config.model }) } };
}

/** Reads a run folder's `history.json` and `summary.json` (as `deno task train` writes them). */
export async function readRunHistory(dir: string): Promise<RunHistory & { summary: RunSummary }> {
  const history = JSON.parse(await Deno.readTextFile(join(dir, RUN_FILES.history))) as RunHistory;
  const summary = JSON.parse(await Deno.readTextFile(join(dir, RUN_FILES.summary))) as RunSummary;
  return { ...history, summary };
}
