/**
 * `deno task ablate --slurm`: an ablation's arms x seeds through the SLURM path (./slurm_sweep.ts), and its join,
 * which writes the ablation.json and ablation.html a local run of the same command writes, or names the runs
 * still missing.
 */
import { join, resolve } from "node:path";
import * as aq from "arquero";
import { ablationRows, type Variant } from "../ablate/mod.ts";
import type { TrainConfig } from "../../core/config/mod.ts";
import { joinSweep, readPlan } from "../slurm/mod.ts";
import type { FlagValues } from "./args.ts";
import { ABLATE_HELP, ablationArms, SPECS, writeAblation } from "./ablate_flags.ts";
import { explainMissing, printMissing, submitSweep, type SweepCommand } from "./slurm_sweep.ts";

/**
 * `deno task ablate --join DIR` (what the join job runs; any time by hand): joins the completed runs of the sweep
 * in DIR into ablation.json and ablation.html, as a local run writes them; with runs missing it writes
 * `complete: false` with the missing runs and why, and exits 1.
 */
export async function joinAblation(dirArg: string): Promise<number> {
  const dir = resolve(dirArg), plan = await readPlan(dir, "ablate");
  const { ablation, missing, adapter } = await joinSweep(dir, plan);
  const why = await explainMissing(dir, plan, missing);
  const record = {
    facts: {
      base: plan.base,
      command: plan.command,
      adapter: adapter ?? "(no run completed)",
      "test images": String(plan.testSubset),
      date: plan.created.slice(0, 10),
    },
    baseConfig: plan.arms[0].config,
    toggles: plan.toggles,
  };
  await writeAblation(dir, ablation, record, missing.length === 0, why);
  if (ablation.arms.length) console.log(aq.from(ablationRows(ablation)).toMarkdown());
  if (missing.length) {
    printMissing(dir, plan, why);
    return 1;
  }
  console.log(`wrote ${join(dir, "ablation.json")} and ablation.html: every run completed`);
  return 0;
}

/** `deno task ablate` as the SLURM path sees it. */
export const ABLATE_SWEEP: SweepCommand = {
  name: "ablate",
  specs: SPECS,
  help: ABLATE_HELP,
  armConfigs: (flags) => ablationArms(flags, ABLATE_HELP).variants.map((v) => v.config),
  join: joinAblation,
};

/** `deno task ablate ... --slurm`: writes the plan of the ablation into `out` and submits it. */
export function submitAblation(
  args: string[],
  flags: FlagValues,
  arms: { base: TrainConfig; toggles: string[]; variants: Variant[] },
  out: string,
): Promise<number> {
  return submitSweep(ABLATE_SWEEP, args, flags, {
    kind: "ablate",
    base: flags.base as string,
    toggles: arms.toggles,
    arms: arms.variants.map((v) => ({ name: v.name, toggle: v.toggle, config: v.config })),
    runs: flags.runs as number,
    seed: arms.base.seed,
    testSubset: flags["test-subset"] as number,
  }, out);
}
