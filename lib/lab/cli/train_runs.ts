/**
 * Seeds trained into run folders, as `deno task train` and every SLURM task train them: config.json, checkpoints,
 * resume, and at the end metrics, summary, report and model; Ctrl-C and SIGTERM stop after the current step with a
 * checkpoint.
 */
import { join } from "node:path";
import * as aq from "arquero";
import { type BackendInfo, tf } from "../../core/backend/mod.ts";
import { exists, recoverDirAtomic } from "../../core/io/mod.ts";
import { countTrainableParams } from "../../core/model/mod.ts";
import {
  type DeviceData,
  type SeedDone,
  type TrainConfig,
  type TrainOptions,
  trainSeeds,
} from "../../core/train/mod.ts";
import { formatSeconds, metricsRows, progressPrinter } from "../report/mod.ts";
import {
  checkpointTo,
  loadCheckpoint,
  RUN_FILES,
  type RunConfig,
  summarize,
  writeRunConfig,
  writeRunOutputs,
} from "../run/mod.ts";

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
