import { join } from "node:path";
import type { EpochMetrics } from "../train/mod.ts";

/** `history.json` of a run: per-epoch metrics and per-step losses and learning rates. */
export interface RunHistory {
  metrics: EpochMetrics[];
  losses: number[];
  lrs: number[];
}

/** Reads a run folder's `history.json` and `summary.json` (as `deno task train` writes them). */
export async function readRunHistory(
  dir: string,
): Promise<RunHistory & { summary: Record<string, unknown> }> {
  const history = JSON.parse(await Deno.readTextFile(join(dir, "history.json"))) as RunHistory;
  const summary = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
  return { ...history, summary };
}
