import { BACKEND_CHOICES } from "../backend/mod.ts";
import { CONV_STRATEGIES, type ConvStrategy, KERNEL_MODES, type KernelMode } from "../kernels/mod.ts";
import { SCHEDULE_NAMES, type ScheduleName } from "../schedule/mod.ts";
import { DAVIDNET24, type PresetName, PRESETS, type TrainConfig } from "../train/mod.ts";
import { type FlagSpecs, type FlagValues, UsageError } from "./args.ts";
import { DEFAULT_SHARD_DIR } from "./data.ts";

const d = DAVIDNET24;

/** Flags that set a hyperparameter; their defaults come from the preset. */
export const HYPER_SPECS: FlagSpecs = {
  epochs: { type: "int", help: `epochs [${d.epochs}]`, min: 1 },
  "batch-size": { type: "int", help: `batch size [${d.batchSize}]`, min: 1 },
  lr: { type: "float", help: `peak learning rate [${d.lr}]`, min: 0 },
  "lr-peak-epoch": { type: "float", help: `epoch of the peak (warm-up end) [${d.lrPeakEpoch}]`, min: 0 },
  schedule: { type: "string", help: `LR schedule [${d.schedule}]`, choices: SCHEDULE_NAMES },
  momentum: { type: "float", help: `SGD momentum [${d.momentum}]`, min: 0, max: 1 },
  nesterov: { type: "bool", help: `Nesterov momentum [${d.nesterov}]` },
  "weight-decay": {
    type: "float",
    help: `L2 on the mean loss (seed: 5e-4 x batch on the sum) [${d.weightDecay}]`,
    min: 0,
  },
  "label-smoothing": { type: "float", help: `label smoothing [${d.labelSmoothing}]`, min: 0, max: 1 },
  tta: { type: "bool", help: `flip test-time augmentation [${d.tta}]` },
  width: { type: "float", help: `channel multiplier, 1 = 64-128-256-512 [${d.model.width}]`, min: 0.001 },
  "batch-norm": { type: "bool", help: `BatchNorm after every conv [${d.model.batchNorm}]` },
  activation: { type: "string", help: `activation [${d.model.activation}]`, choices: ["relu", "celu"] },
  "celu-alpha": { type: "float", help: `CELU alpha [${d.model.celuAlpha}]`, min: 1e-6 },
  "bn-momentum": {
    type: "float",
    help: `BatchNorm momentum, PyTorch convention [${d.model.bnMomentum}]`,
    min: 0,
    max: 1,
  },
  "bn-eps": { type: "float", help: `BatchNorm epsilon [${d.model.bnEps}]`, min: 0 },
  "logit-scale": { type: "float", help: `logit multiplier [${d.model.logitScale}]` },
  pad: {
    type: "int",
    help: `reflect padding for the random crop, 0 = no crop [${d.augment.pad}]`,
    min: 0,
    max: 16,
  },
  flip: { type: "bool", help: `random horizontal flips [${d.augment.flip}]` },
  cutout: { type: "int", help: `cutout square side, 0 = none [${d.augment.cutout}]`, min: 0, max: 32 },
  "train-subset": { type: "int", help: `train on the first N images [${d.trainSubset}]`, min: 1, max: 50000 },
  "eval-every": { type: "int", help: `test every N epochs, 0 = last only [${d.evalEvery}]`, min: 0 },
  "sync-every": { type: "int", help: `read losses back every N steps [${d.syncEvery}]`, min: 1 },
  seed: { type: "int", help: `random seed [${d.seed}]`, min: 0, max: 2 ** 31 - 1 },
  kernels: {
    type: "string",
    help: `WebGPU kernels: davidnet's fused ones or tfjs's own [${d.kernels.mode}]`,
    choices: KERNEL_MODES,
  },
  conv: {
    type: "string",
    help:
      `fast convolutions: shared-memory tiles (GPUs), direct loops (CPU adapters), auto by adapter [${d.kernels.conv}]`,
    choices: CONV_STRATEGIES,
  },
};

/** Flags of `deno task train`. */
export const TRAIN_SPECS: FlagSpecs = {
  preset: {
    type: "string",
    help: "hyperparameter preset",
    choices: Object.keys(PRESETS),
    default: "davidnet24",
  },
  ...HYPER_SPECS,
  runs: {
    type: "int",
    help: "train N seeds (seed, seed+1, ...) and report mean and std",
    default: 1,
    min: 1,
  },
  backend: { type: "string", help: "tfjs backend", choices: BACKEND_CHOICES, default: "auto" },
  data: { type: "string", help: "CIFAR-10 source folder, used to make the shards when they are missing" },
  shards: { type: "string", help: "shard folder to train from", default: DEFAULT_SHARD_DIR },
  out: { type: "string", help: "output folder [runs/<timestamp>]" },
  resume: { type: "string", help: "continue the run in this folder from its last checkpoint" },
};

/** The preset's config with every hyperparameter flag given on the command line applied. */
export function configFromFlags(flags: FlagValues, help: string): TrainConfig {
  const preset = PRESETS[flags.preset as PresetName];
  const given = Object.keys(HYPER_SPECS).filter((k) => flags[k] !== undefined);
  if (flags.resume !== undefined && given.length) {
    throw new UsageError(
      `--resume continues with the run's own config.json; drop --${given.join(", --")}`,
      help,
    );
  }
  const v = <T>(name: string, fallback: T): T => (flags[name] ?? fallback) as T;
  const cfg: TrainConfig = {
    model: {
      width: v("width", preset.model.width),
      batchNorm: v("batch-norm", preset.model.batchNorm),
      activation: v("activation", preset.model.activation),
      celuAlpha: v("celu-alpha", preset.model.celuAlpha),
      bnMomentum: v("bn-momentum", preset.model.bnMomentum),
      bnEps: v("bn-eps", preset.model.bnEps),
      logitScale: v("logit-scale", preset.model.logitScale),
      pool: preset.model.pool,
      seed: v("seed", preset.seed),
    },
    augment: {
      pad: v("pad", preset.augment.pad),
      flip: v("flip", preset.augment.flip),
      cutout: v("cutout", preset.augment.cutout),
    },
    epochs: v("epochs", preset.epochs),
    batchSize: v("batch-size", preset.batchSize),
    lr: v("lr", preset.lr),
    lrPeakEpoch: v("lr-peak-epoch", preset.lrPeakEpoch),
    schedule: v<ScheduleName>("schedule", preset.schedule),
    momentum: v("momentum", preset.momentum),
    nesterov: v("nesterov", preset.nesterov),
    weightDecay: v("weight-decay", preset.weightDecay),
    labelSmoothing: v("label-smoothing", preset.labelSmoothing),
    tta: v("tta", preset.tta),
    trainSubset: v("train-subset", preset.trainSubset),
    evalEvery: v("eval-every", preset.evalEvery),
    syncEvery: v("sync-every", preset.syncEvery),
    seed: v("seed", preset.seed),
    kernels: {
      mode: v<KernelMode>("kernels", preset.kernels.mode),
      conv: v<ConvStrategy>("conv", preset.kernels.conv),
    },
  };
  if (cfg.batchSize > cfg.trainSubset) {
    throw new UsageError(
      `--batch-size ${cfg.batchSize} exceeds the ${cfg.trainSubset} training images`,
      help,
    );
  }
  if (cfg.lrPeakEpoch > cfg.epochs) {
    throw new UsageError(`--lr-peak-epoch ${cfg.lrPeakEpoch} is after the last epoch`, help);
  }
  return cfg;
}
