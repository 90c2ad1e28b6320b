/**
 * The scale a teaching notebook runs at. `ci` keeps each notebook to a few minutes on a 2-core machine without a
 * GPU (what the tests execute); `cpu` sizes each notebook for the native backend on such a machine (base runs above
 * 70% test accuracy, at most an hour per notebook); `gpu` runs the real sizes.
 */
import { machineInfo } from "../report/mod.ts";

/** Notebook scales. */
export const SCALES = ["ci", "cpu", "gpu"] as const;
/** One of {@link SCALES}. */
export type NotebookScale = typeof SCALES[number];

/** The scale from env `DAVIDNET_SCALE` (default `ci`); any other value is an error naming the choices. */
export function notebookScale(): NotebookScale {
  const v = Deno.env.get("DAVIDNET_SCALE") ?? "ci";
  if (!(SCALES as readonly string[]).includes(v)) {
    throw new Error(`DAVIDNET_SCALE=${v}: use ${SCALES.join(", ")}`);
  }
  return v as NotebookScale;
}

/**
 * The line a notebook prints at its top, so that its committed outputs say what produced them: the scale, this
 * machine (CPU model, cores, memory) and the date (UTC). The backend is printed by `initBackend` beside it.
 */
export async function provenance(scale: NotebookScale, now: Date = new Date()): Promise<string> {
  const m = await machineInfo();
  return `scale: ${scale} · machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB · date: ${
    now.toISOString().slice(0, 10)
  }`;
}

/** Picks the settings of the current scale. */
export function atScale<T>(settings: Record<NotebookScale, T>, scale: NotebookScale = notebookScale()): T {
  return settings[scale];
}
