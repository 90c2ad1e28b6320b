import { join } from "node:path";
import * as aq from "arquero";
import { type Ablation, ablationHtml, ablationRows, ablationVariants, runAblation } from "../ablate/mod.ts";
import { type PresetName, PRESETS, TOGGLES } from "../../core/config/mod.ts";
import { writeFileAtomic, writeJsonAtomic } from "../../core/io/mod.ts";
import { epochLine, machineInfo } from "../report/mod.ts";
import { loadTrainingData } from "../../core/shards/mod.ts";
import { toDevice } from "../../core/train/mod.ts";
import { type FlagSpecs, parseFlags, usage, UsageError } from "./args.ts";
import { checkDataFlag } from "./data.ts";
import { configFromFlags, HYPER_SPECS, SOURCE_SPECS, startBackend } from "./train_flags.ts";

const SPECS: FlagSpecs = {
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

/**
 * `deno task ablate --base PRESET --toggle a,b --runs N [hyperparameter flags]`: trains the base and the base with
 * each trick flipped, N seeds each; prints mean ± sample std accuracy, each arm's difference from the base with its
 * 95% interval and Welch's p (Bonferroni level for the arms compared), time and time to 94%; writes ablation.json
 * (after every arm, `complete: false` until the last) and ablation.html.
 */
export async function ablateCommand(args: string[]): Promise<void> {
  const help = usage(
    "ablate",
    "Trains a preset and the preset with each trick flipped, N seeds each.",
    SPECS,
  );
  const flags = parseFlags(args, SPECS, help);
  await checkDataFlag(flags.data as string | undefined, help);
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
  const variants = ablationVariants(base, toggles);
  const out = (flags.out as string | undefined) ??
    join("runs", `ablation-${new Date().toISOString().replace(/[:.]/g, "-")}`);
  const backend = await startBackend(flags, help);
  const data = await loadTrainingData(
    flags.shards as string,
    flags.data as string | undefined,
    (l) => console.log(l),
  );
  const device = toDevice(data, base.trainSubset, base.augment.pad, flags["test-subset"] as number);
  const runs = flags.runs as number;
  console.log(`ablating ${flags.base}: ${variants.map((v) => v.name).join(", ")}; ${runs} seeds each`);
  const facts = {
    base: flags.base as PresetName,
    command: `deno task ablate ${args.join(" ")}`,
    adapter: backend.adapter,
    "test images": String(flags["test-subset"]),
    date: new Date().toISOString().slice(0, 10),
  };
  const machine = await machineInfo();
  // Written after every arm (complete: false until the last), so that a long ablation cut short keeps its arms.
  const save = async (a: Ablation, complete: boolean) => {
    await writeJsonAtomic(join(out, "ablation.json"), {
      ...facts,
      machine,
      baseConfig: base,
      toggles,
      complete,
      ...a,
    });
    await writeFileAtomic(join(out, "ablation.html"), ablationHtml(a, `Ablation of ${flags.base}`, facts));
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
      onArm: (soFar) => save(soFar, false),
    });
    console.log(aq.from(ablationRows(ablation)).toMarkdown());
    await save(ablation, true);
    console.log(`wrote ${join(out, "ablation.json")} and ablation.html`);
  } finally {
    device.dispose();
  }
}
