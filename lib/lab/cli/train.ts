import { join } from "node:path";
import { type BackendInfo, tf } from "../../core/backend/mod.ts";
import { exists, recoverDirAtomic, writeJsonAtomic } from "../../core/io/mod.ts";
import { buildNet, countTrainableParams, layerTable, whiteningPlaceholder } from "../../core/model/mod.ts";
import * as aq from "arquero";
import { formatFlops, formatSeconds, metricsRows, progressPrinter } from "../report/mod.ts";
import {
  type DeviceData,
  type SeedDone,
  toDevice,
  type TrainConfig,
  type TrainEstimate,
  type TrainOptions,
  trainSeeds,
} from "../../core/train/mod.ts";
import {
  checkpointTo,
  loadCheckpoint,
  readRunConfig,
  RUN_FILES,
  type RunConfig,
  summarize,
  writeRunConfig,
  writeRunOutputs,
} from "../run/mod.ts";
import { loadTrainingData } from "../../core/shards/mod.ts";
import { estimateWithQuicker } from "../bench/mod.ts";
import { checkKernelsCached } from "../doctor/mod.ts";
import { parseFlags, usage } from "./args.ts";
import { checkDataFlag } from "./data.ts";
import { configFromFlags, startBackend, TRAIN_SPECS } from "./train_flags.ts";

/** Exit status of a run interrupted by Ctrl-C (128 + SIGINT), as shells expect. */
export const EXIT_INTERRUPTED = 130;
/** Exit status of a run stopped by SIGTERM (128 + SIGTERM): a scheduler's preemption, a shutdown. */
export const EXIT_TERMINATED = 143;

/**
 * Stops a run on SIGINT or SIGTERM after the current step, so that an interrupted or preempted run (schedulers
 * send SIGTERM, then SIGKILL after a grace period) loses at most that step; a second signal exits at once.
 * `exitCode` is the shell's 128 + the signal's number.
 */
export function interruptFlag(): {
  requested: () => boolean;
  exitCode: () => number;
  [Symbol.dispose]: () => void;
} {
  let signal: "SIGINT" | "SIGTERM" | undefined;
  const code = () => (signal === "SIGTERM" ? EXIT_TERMINATED : EXIT_INTERRUPTED);
  const listeners = (["SIGINT", "SIGTERM"] as const).map((name) => {
    const onSignal = () => {
      if (signal) Deno.exit(code());
      signal = name;
      console.error(
        `\n${name}: finishing this step, then writing a checkpoint and the summary (a second signal quits now)`,
      );
    };
    Deno.addSignalListener(name, onSignal);
    return [name, onSignal] as const;
  });
  return {
    requested: () => signal !== undefined,
    exitCode: code,
    [Symbol.dispose]: () => {
      for (const [name, onSignal] of listeners) Deno.removeSignalListener(name, onSignal);
    },
  };
}

/** How seeds are trained into run folders: where each goes, whether it resumes, what its config.json records. */
export interface RunContext {
  backend: BackendInfo;
  stats: { mean: number[]; std: number[] };
  stop: () => boolean;
  /** The folder of a seed's run. */
  dirOf: (seed: number) => string;
  /** Continue the run in its folder from its checkpoint, instead of writing a new config.json. */
  resume: boolean;
  /** What a new run's config.json records besides its config. */
  record: Omit<RunConfig, "config" | "versions">;
}

/**
 * The checkpoint to resume from, after repairing what a kill during a save left; none when the run stopped
 * before its first checkpoint (it then starts over from its config.json).
 */
async function resumePoint(dir: string): Promise<Awaited<ReturnType<typeof loadCheckpoint>> | undefined> {
  const checkpointDir = join(dir, RUN_FILES.checkpoint);
  for (const line of await recoverDirAtomic(checkpointDir)) console.log(`checkpoint: ${line}`);
  if (!(await exists(join(checkpointDir, "state.json")))) {
    console.log(`resuming ${dir}: no checkpoint yet (it stopped before its first one); starting at epoch 1`);
    return undefined;
  }
  const loaded = await loadCheckpoint(checkpointDir);
  console.log(`resuming ${dir} at epoch ${loaded.state.epoch + 1}, step ${loaded.state.step}`);
  return loaded;
}

/** Stored with the checkpointed and the final model: the normalisation statistics and the config. */
function modelMetadata(cfg: TrainConfig, ctx: RunContext): Record<string, unknown> {
  return { stats: ctx.stats, config: cfg };
}

/**
 * Prepares one seed's folder (a new run's config.json, or the checkpoint to resume from) and returns the options
 * it trains with.
 */
async function seedOptions(cfg: TrainConfig, ctx: RunContext): Promise<TrainOptions> {
  const dir = ctx.dirOf(cfg.seed);
  if (!ctx.resume) await writeRunConfig(dir, { config: cfg, ...ctx.record });
  const printer = progressPrinter(Math.ceil(cfg.epochs));
  return {
    checkpoint: checkpointTo(join(dir, RUN_FILES.checkpoint)),
    metadata: modelMetadata(cfg, ctx),
    resume: ctx.resume ? await resumePoint(dir) : undefined,
    shouldStop: ctx.stop,
    machineLoad: () => Deno.loadavg()[0],
    onProgress: printer.onProgress,
    onEpoch: printer.onEpoch,
  };
}

/** Writes a trained seed's outputs into its folder and prints how it ended. */
async function reportRun({ config: cfg, options, result, model }: SeedDone, ctx: RunContext): Promise<void> {
  if (options.resume) tf.dispose(Object.values(options.resume.optimizer));
  const dir = ctx.dirOf(cfg.seed);
  const summary = summarize(cfg, result, ctx.backend, countTrainableParams(model));
  await writeRunOutputs(dir, summary, result, model, modelMetadata(cfg, ctx));
  console.log(aq.from(metricsRows(result.metrics)).toMarkdown());
  if (result.status === "diverged") {
    const d = result.divergedAt!;
    console.error(
      `error: the loss became ${d.loss} at step ${d.step} (epoch ${d.epoch + 1}); stopped. The last good ` +
        `checkpoint is ${join(dir, RUN_FILES.checkpoint)}. Try a lower --lr.`,
    );
  } else if (result.status === "interrupted") {
    console.log(
      `interrupted: checkpoint in ${join(dir, RUN_FILES.checkpoint)}; continue with --resume ${dir}`,
    );
  } else {
    const t94 = result.timeTo94 === null ? "not reached" : formatSeconds(result.timeTo94);
    console.log(
      `test accuracy ${(100 * result.finalTestAcc!).toFixed(2)}% | time to 94%: ${t94} | training ` +
        `${formatSeconds(result.trainSeconds)} (warm-up ${
          formatSeconds(result.compileSeconds)
        } off the clock, ` +
        `wall ${formatSeconds(result.wallSeconds)}) | ${cfg.kernels.mode} kernels | ${ctx.backend.adapter}`,
    );
  }
  console.log(
    `wrote ${dir}: config.json metrics.csv summary.json report.html${
      result.status === "completed" ? " model/" : ""
    }`,
  );
}

/**
 * Trains `runs` seeds of `cfg` (seed, seed + 1, ...), each in its run folder (`ctx.dirOf`): config.json,
 * checkpoints, and at the end metrics, summary, report and model, as `deno task train` writes them; stops after a
 * seed that does not complete (interrupted, diverged).
 */
export function trainInFolders(cfg: TrainConfig, device: DeviceData, runs: number, ctx: RunContext) {
  return trainSeeds(cfg, device, runs, {
    trainOptions: (runCfg) => seedOptions(runCfg, ctx),
    stopAfter: (run) => run.status !== "completed",
    onRun: (seedDone) => reportRun(seedDone, ctx),
  });
}

/** True when training runs on a CPU: the native backend, tfjs's cpu backend or a software WebGPU adapter. */
function onCpu(backend: BackendInfo): boolean {
  return backend.name !== "webgpu" || backend.isFallbackAdapter;
}

/**
 * On a CPU, before the clock starts: the estimated training time of the run from a few timed steps, and the
 * quicker presets with theirs. The run asked for runs regardless (no silent preset switch).
 */
async function printCpuEstimate(
  cfg: TrainConfig,
  preset: string,
  device: DeviceData,
): Promise<TrainEstimate> {
  const { run, quicker } = await estimateWithQuicker(cfg, device);
  console.log(
    `estimate on this CPU: ${preset}, ${run.steps.toLocaleString("en")} steps x ${
      run.stepSeconds.toFixed(2)
    } s = ` +
      `${formatSeconds(run.seconds)} of training (${formatFlops(run.flops)} at ${
        formatFlops(run.flopsPerSecond)
      }/s)`,
  );
  if (quicker.length) {
    console.log(
      `quicker presets here: ${quicker.map((q) => `${q.preset} ${formatSeconds(q.seconds)}`).join(", ")} ` +
        "(--preset NAME); training what was asked",
    );
  }
  return run;
}

function printModel(cfg: TrainConfig): void {
  // The table shows shapes and counts only: placeholder whitening filters stand in for the ones training computes.
  const whitening = whiteningPlaceholder(cfg.model.whiten);
  const model = buildNet(cfg.model, { seed: cfg.seed, whitening });
  try {
    console.log(aq.from(layerTable(model)).toMarkdown());
    console.log(
      `net ${cfg.model.arch} at width ${cfg.model.width}: ${
        countTrainableParams(model).toLocaleString("en")
      } trainable parameters`,
    );
  } finally {
    model.dispose();
  }
}

/** `deno task train`: trains DavidNet and reports accuracy and time-to-94%. */
export async function trainCommand(args: string[]): Promise<number> {
  const help = usage(
    "train",
    "Trains DavidNet on CIFAR-10 and reports test accuracy and time to 94%.",
    TRAIN_SPECS,
  );
  const flags = parseFlags(args, TRAIN_SPECS, help);
  let cfg = configFromFlags(flags, help);
  const dataDir = flags.data as string | undefined;
  await checkDataFlag(dataDir, help);
  const resumeDir = flags.resume as string | undefined;
  let shardDir = flags.shards as string, backendChoice = flags.backend, preset = flags.preset as string;
  if (resumeDir) {
    const record = await readRunConfig(resumeDir);
    cfg = record.config;
    preset = record.preset;
    // The run's own shards and backend (the same numbers as an uninterrupted run), unless the flags name others.
    if (shardDir === TRAIN_SPECS.shards.default) shardDir = record.data.shards;
    if (backendChoice === TRAIN_SPECS.backend.default) backendChoice = record.backend.name;
  }
  const out = resumeDir ?? (flags.out as string | undefined) ??
    join("runs", new Date().toISOString().replace(/[:.]/g, "-"));
  // Data before the backend: a wrong --data or --shards fails within seconds.
  const data = await loadTrainingData(shardDir, dataDir, (l) => console.log(l));
  const backend = await startBackend({ ...flags, backend: backendChoice }, help);
  if (cfg.kernels.mode === "fast") {
    // The fast WebGPU kernels are checked once per adapter (cached in data/kernel-checks) and refused where they fail.
    const verdict = await checkKernelsCached(backend, (l) => console.log(l), { conv: cfg.kernels.conv });
    if (!verdict.safe) {
      throw new Error(`${verdict.reason}; train with --kernels stock (deno task doctor says more)`);
    }
  }
  printModel(cfg);
  const device = toDevice(data, cfg.trainSubset, cfg.augment.pad);
  const estimate = onCpu(backend) ? await printCpuEstimate(cfg, preset, device) : undefined;
  using interrupt = interruptFlag();
  const runs = resumeDir ? 1 : flags.runs as number;
  const ctx: RunContext = {
    backend,
    stats: data.stats,
    stop: interrupt.requested,
    dirOf: (seed) => (runs === 1 ? out : join(out, `seed-${seed}`)),
    resume: Boolean(resumeDir),
    record: {
      preset,
      backend,
      data: { shards: shardDir, source: data.source, stats: data.stats },
      command: `deno task train ${args.join(" ")}`,
      ...(estimate && {
        estimate: { steps: estimate.steps, stepSeconds: estimate.stepSeconds, seconds: estimate.seconds },
      }),
    },
  };
  const { runs: done, accuracy, timeTo94 } = await trainInFolders(cfg, device, runs, ctx)
    .finally(() => device.dispose());
  const last = done.at(-1)!;
  if (runs > 1 && done.length === runs && last.status === "completed") {
    const reached = timeTo94?.n ?? 0;
    const agg = {
      runs,
      seeds: done.map((r) => r.seed),
      accuracies: done.map((r) => r.finalTestAcc!),
      mean: accuracy!.mean,
      /** Sample standard deviation (n - 1), as everywhere in lib/stats. */
      std: accuracy!.std,
      timeTo94: done.map((r) => r.timeTo94),
      reached94: reached,
    };
    await writeJsonAtomic(join(out, "runs.json"), agg);
    console.log(
      `${runs} runs: test accuracy ${(100 * agg.mean).toFixed(2)}% +- ${
        (100 * agg.std).toFixed(2)
      } | reached 94% in ${reached}/${runs}` +
        (timeTo94 ? ` (mean ${formatSeconds(timeTo94.mean)})` : ""),
    );
  }
  return last.status === "completed" ? 0 : last.status === "interrupted" ? interrupt.exitCode() : 1;
}
