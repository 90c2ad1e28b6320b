import { join } from "node:path";
import * as aq from "arquero";
import { ablationRows, runAblation } from "../ablate/mod.ts";
import type { PresetName } from "../../core/config/mod.ts";
import { epochLine } from "../report/mod.ts";
import { loadTrainingData } from "../../core/shards/mod.ts";
import { toDevice } from "../../core/train/mod.ts";
import { parseFlags, UsageError } from "./args.ts";
import { checkDataFlag } from "./data.ts";
import { startBackend } from "./train_flags.ts";
import { ABLATE_HELP, ablationArms, type AblationRecord, SPECS, writeAblation } from "./ablate_flags.ts";
import { ABLATE_SWEEP, submitAblation } from "./ablate_slurm.ts";
import { checkSlurmFlags } from "./slurm_flags.ts";
import { resubmitSweep, runTask } from "./slurm_sweep.ts";

/**
 * `deno task ablate --base PRESET --toggle a,b --runs N [hyperparameter flags]`: trains the base and the base with
 * each trick flipped, N seeds each; prints mean ± sample std accuracy, each arm's difference from the base with its
 * 95% interval and Welch's p (Bonferroni level for the arms compared), time and time to 94%; writes ablation.json
 * (after every arm, `complete: false` until the last) and ablation.html. With `--slurm` the arms x seeds go to
 * SLURM as a job array instead (see ./ablate_slurm.ts); `--join DIR`, `--resume DIR --slurm` and `--slurm-task N`
 * are that path's.
 */
export async function ablateCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, SPECS, ABLATE_HELP);
  if (flags.join !== undefined) return await ABLATE_SWEEP.join(flags.join as string);
  if (flags["slurm-task"] !== undefined) {
    return await runTask(ABLATE_SWEEP, flags.out as string, flags["slurm-task"] as number);
  }
  checkSlurmFlags(flags, ABLATE_HELP);
  if (flags.resume !== undefined) {
    if (!flags.slurm) throw new UsageError("--resume is for a SLURM sweep: add --slurm", ABLATE_HELP);
    return await resubmitSweep(ABLATE_SWEEP, flags.resume as string, flags);
  }
  await checkDataFlag(flags.data as string | undefined, ABLATE_HELP);
  const { base, toggles, variants } = ablationArms(flags, ABLATE_HELP);
  const out = (flags.out as string | undefined) ??
    join("runs", `ablation-${new Date().toISOString().replace(/[:.]/g, "-")}`);
  if (flags.slurm) return await submitAblation(args, flags, { base, toggles, variants }, out);
  const backend = await startBackend(flags, ABLATE_HELP);
  const data = await loadTrainingData(
    flags.shards as string,
    flags.data as string | undefined,
    (l) => console.log(l),
  );
  const device = toDevice(data, base.trainSubset, base.augment.pad, flags["test-subset"] as number);
  const runs = flags.runs as number;
  console.log(`ablating ${flags.base}: ${variants.map((v) => v.name).join(", ")}; ${runs} seeds each`);
  const record: AblationRecord = {
    facts: {
      base: flags.base as PresetName,
      command: `deno task ablate ${args.join(" ")}`,
      adapter: backend.adapter,
      "test images": String(flags["test-subset"]),
      date: new Date().toISOString().slice(0, 10),
    },
    baseConfig: base,
    toggles,
  };
  try {
    const ablation = await runAblation(variants, device, {
      runs,
      seed: base.seed,
      train: { onEpoch: (m) => console.log(`  ${epochLine(m, base.epochs)}`) },
      onRun: (arm, r) =>
        console.log(
          `${arm}, seed ${r.seed}: test accuracy ${(100 * r.testAcc).toFixed(2)}%, ${
            r.trainSeconds.toFixed(1)
          } s`,
        ),
      // Written after every arm (complete: false until the last), so that a long ablation cut short keeps its arms.
      onArm: (soFar) => writeAblation(out, soFar, record, false),
    });
    console.log(aq.from(ablationRows(ablation)).toMarkdown());
    await writeAblation(out, ablation, record, true);
    console.log(`wrote ${join(out, "ablation.json")} and ablation.html`);
  } finally {
    device.dispose();
  }
  return 0;
}
