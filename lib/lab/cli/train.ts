import { join } from "node:path";
import * as aq from "arquero";
import type { BackendInfo } from "../../core/backend/mod.ts";
import { exists, writeJsonAtomic } from "../../core/io/mod.ts";
import { buildNet, countTrainableParams, layerTable, whiteningPlaceholder } from "../../core/model/mod.ts";
import { loadTrainingData } from "../../core/shards/mod.ts";
import { type DeviceData, toDevice, type TrainConfig, type TrainEstimate } from "../../core/train/mod.ts";
import { estimateWithQuicker } from "../bench/mod.ts";
import { checkKernelsCached } from "../doctor/mod.ts";
import { formatFlops, formatSeconds } from "../report/mod.ts";
import { readRunConfig, RUNS_FILE, runsLine, runsRecord } from "../run/mod.ts";
import { PLAN_FILE } from "../slurm/mod.ts";
import { type FlagValues, parseFlags, UsageError } from "./args.ts";
import { checkDataFlag } from "./data.ts";
import { checkSlurmFlags } from "./slurm_flags.ts";
import { resubmitSweep, runTask } from "./slurm_sweep.ts";
import { configFromFlags, startBackend, TRAIN_HELP, TRAIN_SPECS } from "./train_flags.ts";
import { interruptFlag, type RunContext, trainInFolders } from "./train_runs.ts";
import { submitRuns, TRAIN_SWEEP } from "./train_slurm.ts";

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

/**
 * `deno task train`: trains DavidNet and reports accuracy and time-to-94%; with `--slurm` its seeds go to SLURM as
 * a job array instead (./train_slurm.ts); `--join DIR`, `--resume DIR --slurm` and `--slurm-task N` are that path's.
 */
export async function trainCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, TRAIN_SPECS, TRAIN_HELP);
  if (flags.join !== undefined) return await TRAIN_SWEEP.join(flags.join as string);
  if (flags["slurm-task"] !== undefined) {
    return await runTask(TRAIN_SWEEP, flags.out as string, flags["slurm-task"] as number);
  }
  checkSlurmFlags(flags, TRAIN_HELP);
  const cfg = configFromFlags(flags, TRAIN_HELP);
  await checkDataFlag(flags.data as string | undefined, TRAIN_HELP);
  const resumeDir = flags.resume as string | undefined;
  if (flags.slurm) {
    if (resumeDir) return await resubmitSweep(TRAIN_SWEEP, resumeDir, flags);
    const out = (flags.out as string | undefined) ?? join("runs", `runs-${timestamp()}`);
    return await submitRuns(args, flags, cfg, out);
  }
  if (resumeDir && await exists(join(resumeDir, PLAN_FILE))) {
    throw new UsageError(
      `${resumeDir} is a SLURM sweep: --resume ${resumeDir} --slurm continues it`,
      TRAIN_HELP,
    );
  }
  return await trainHere(args, flags, cfg);
}

/** Now, without colons or dots: a default folder name. */
const timestamp = () => new Date().toISOString().replace(/[:.]/g, "-");

/** `deno task train` on this machine: N seeds, or the run in --resume continued. */
async function trainHere(args: string[], flags: FlagValues, flagConfig: TrainConfig): Promise<number> {
  const dataDir = flags.data as string | undefined;
  const resumeDir = flags.resume as string | undefined;
  let cfg = flagConfig;
  let shardDir = flags.shards as string, backendChoice = flags.backend, preset = flags.preset as string;
  if (resumeDir) {
    const record = await readRunConfig(resumeDir);
    cfg = record.config;
    preset = record.preset;
    // The run's own shards and backend (the same numbers as an uninterrupted run), unless the flags name others.
    if (shardDir === TRAIN_SPECS.shards.default) shardDir = record.data.shards;
    if (backendChoice === TRAIN_SPECS.backend.default) backendChoice = record.backend.name;
  }
  const out = resumeDir ?? (flags.out as string | undefined) ?? join("runs", timestamp());
  // Data before the backend: a wrong --data or --shards fails within seconds.
  const data = await loadTrainingData(shardDir, dataDir, (l) => console.log(l));
  const backend = await startBackend({ ...flags, backend: backendChoice }, TRAIN_HELP);
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
  const { runs: done } = await trainInFolders(cfg, device, runs, ctx).finally(() => device.dispose());
  const last = done.at(-1)!;
  if (runs > 1 && done.length === runs && last.status === "completed") {
    const record = runsRecord(
      runs,
      done.map((r) => ({ seed: r.seed, finalTestAcc: r.finalTestAcc!, timeTo94: r.timeTo94 })),
    );
    await writeJsonAtomic(join(out, RUNS_FILE), record);
    console.log(runsLine(record));
  }
  return last.status === "completed" ? 0 : last.status === "interrupted" ? interrupt.exitCode() : 1;
}
