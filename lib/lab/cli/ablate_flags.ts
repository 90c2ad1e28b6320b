/** The flags of `deno task ablate`, its arms and its output files: shared by the local and the SLURM path. */
import { join } from "node:path";
import { type Ablation, ablationHtml, ablationVariants } from "../ablate/mod.ts";
import { PRESETS, TOGGLES, type TrainConfig } from "../../core/config/mod.ts";
import { writeFileAtomic, writeJsonAtomic } from "../../core/io/mod.ts";
import { machineInfo } from "../report/mod.ts";
import { type FlagSpecs, type FlagValues, usage, UsageError } from "./args.ts";
import { SLURM_SPECS } from "./slurm_flags.ts";
import { configFromFlags, HYPER_SPECS, SOURCE_SPECS } from "./train_flags.ts";

/** The flags of `deno task ablate` that say what to train (a SLURM sweep's tasks read them again). */
export const ABLATE_SPECS: FlagSpecs = {
  base: { type: "string", help: "preset to ablate", choices: Object.keys(PRESETS), default: "smoke-tricks" },
  toggle: { type: "string", help: `tricks to flip, comma-separated [all: ${TOGGLES.join(",")}]` },
  runs: { type: "int", help: "seeds per arm", default: 3, min: 1 },
  "test-subset": {
    type: "int",
    help: "evaluate on the first N test images (quicker, noisier)",
    default: 10000,
    min: 1,
    max: 10000,
  },
  ...HYPER_SPECS,
  ...SOURCE_SPECS,
  out: { type: "string", help: "output folder [runs/ablation-<timestamp>]" },
};

/** Every flag of `deno task ablate`. */
export const SPECS: FlagSpecs = {
  ...ABLATE_SPECS,
  ...SLURM_SPECS,
  resume: {
    type: "string",
    help: "with --slurm: the folder of a sweep; submits its missing runs, then joins",
  },
};

/** The usage text of `deno task ablate`. */
export const ABLATE_HELP = usage(
  "ablate",
  "Trains a preset and the preset with each trick flipped, N seeds each (here, or on SLURM with --slurm).",
  SPECS,
);

/** An ablation's arms from its flags: the base config and the base with each toggle flipped. */
export function ablationArms(flags: FlagValues, help: string) {
  const base = configFromFlags({ ...flags, preset: flags.base }, help);
  const toggles = flags.toggle === undefined
    ? TOGGLES
    : (flags.toggle as string).split(",").map((t) => t.trim());
  const unknown = toggles.filter((t) => !TOGGLES.includes(t));
  if (unknown.length) {
    throw new UsageError(
      `--toggle ${unknown.join(",")}: no such trick; toggles: ${TOGGLES.join(", ")}`,
      help,
    );
  }
  return { base, toggles, variants: ablationVariants(base, toggles) };
}

/** What an ablation.json records besides its arms. */
export interface AblationRecord {
  facts: { base: string; command: string; adapter: string; "test images": string; date: string };
  baseConfig: TrainConfig;
  toggles: string[];
}

/**
 * Writes ablation.json (with `complete`, and what is still missing when it is not) and ablation.html into `out`,
 * each atomically: the same files for a local ablation and a joined SLURM sweep.
 */
export async function writeAblation(
  out: string,
  a: Ablation,
  record: AblationRecord,
  complete: boolean,
  missing?: unknown[],
): Promise<void> {
  await writeJsonAtomic(join(out, "ablation.json"), {
    ...record.facts,
    machine: await machineInfo(),
    baseConfig: record.baseConfig,
    toggles: record.toggles,
    complete,
    ...(missing?.length ? { missing } : {}),
    ...a,
  });
  await writeFileAtomic(
    join(out, "ablation.html"),
    ablationHtml(a, `Ablation of ${record.facts.base}`, record.facts),
  );
}
