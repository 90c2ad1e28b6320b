/**
 * The run folder of `deno task train --out DIR`: `config.json`, `summary.json`, `history.json`, `metrics.csv`,
 * `report.html`, `model/` and `checkpoint/` (and `runs.json` beside several seeds' folders); their writers and readers, for the CLI, the notebooks and pages.
 * Row 6 of lib/'s layout (README, Layout): imports backend, data, io, model, report, stats, train.
 */
export { RUN_FILES, type RunConfig, type RunHistory } from "./files.ts";
export { type RunSummary, summarize, summaryRows } from "./summary.ts";
export { writeRunConfig, writeRunOutputs } from "./write.ts";
export { readRunConfig, readRunHistory } from "./read.ts";
export { RUNS_FILE, runsLine, type RunsRecord, runsRecord, type SeedOutcome } from "./runs.ts";
export { loadModel, saveModel } from "./model_files.ts";
export { checkpointTo, loadCheckpoint, saveCheckpoint } from "./checkpoint_files.ts";
