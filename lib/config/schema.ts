import { CONV_STRATEGIES, KERNEL_MODES } from "../kernels/mod.ts";
import { ARCH_NAMES, WHITEN_CHOICES } from "../model/mod.ts";
import { SCHEDULE_NAMES } from "../schedule/mod.ts";
import { TTA_MODES } from "../augment/mod.ts";

/** A value a hyperparameter can take. */
export type ParamValue = number | boolean | string;

/**
 * One hyperparameter, spelled once: its flag, where it lives in `TrainConfig`, its type and range, its help, and
 * where its setting comes from. The flags, `--help`, the validation and the config object are made from these.
 */
export interface Param {
  /** Command-line flag, without the dashes. */
  flag: string;
  /** Dotted path into `TrainConfig` ("model.width"). */
  path: string;
  type: "int" | "float" | "bool" | "string";
  /** The allowed values of a string. */
  choices?: readonly string[];
  /** Smallest allowed number. */
  min?: number;
  /** Largest allowed number. */
  max?: number;
  help: string;
  /** Where the setting comes from (post, code). */
  source: string;
}

const BOT = "Page, bag_of_tricks.ipynb (part 8)";
const DAWN = "Page, dawn.py (DAWNBench, parts 1-4)";
const AIRBENCH = "KellerJordan/cifar10-airbench, legacy/airbench94.py";

/** Every hyperparameter of a training run. */
export const CONFIG_SCHEMA: readonly Param[] = [
  {
    flag: "arch",
    path: "model.arch",
    type: "string",
    choices: ARCH_NAMES,
    help: "net spec (lib/model)",
    source: "Page, experiments.ipynb (part 4)",
  },
  {
    flag: "width",
    path: "model.width",
    type: "float",
    min: 0.001,
    help: "channel multiplier, 1 = 64-128-256-512",
    source: DAWN,
  },
  {
    flag: "batch-norm",
    path: "model.batchNorm",
    type: "bool",
    help: "BatchNorm after every conv",
    source: "Page, batch_norm_post.ipynb (part 7)",
  },
  {
    flag: "activation",
    path: "model.activation",
    type: "string",
    choices: ["relu", "celu", "gelu"],
    help: "activation",
    source: `celu: ${BOT}; gelu: ${AIRBENCH}`,
  },
  { flag: "celu-alpha", path: "model.celuAlpha", type: "float", min: 1e-6, help: "CELU alpha", source: BOT },
  {
    flag: "bn-momentum",
    path: "model.bnMomentum",
    type: "float",
    min: 0,
    max: 1,
    help: "BatchNorm momentum, PyTorch convention",
    source: "PyTorch default, torch_backend.py",
  },
  {
    flag: "bn-eps",
    path: "model.bnEps",
    type: "float",
    min: 0,
    help: "BatchNorm epsilon",
    source: "PyTorch default",
  },
  { flag: "logit-scale", path: "model.logitScale", type: "float", help: "logit multiplier", source: DAWN },
  {
    flag: "pool",
    path: "model.pool",
    type: "string",
    choices: ["max", "avg"],
    help: "pooling: max (DavidNet) or average (a smooth net, for the gradient tests)",
    source: "davidnet (tests/gradients_test.ts)",
  },
  {
    flag: "move-pool",
    path: "model.movePool",
    type: "bool",
    help: "max pool right after the conv (conv, pool, BN, act)",
    source: BOT,
  },
  {
    flag: "ghost-batch",
    path: "model.ghostBatch",
    type: "int",
    min: 0,
    help: "BN statistics over groups of N images, 0 = whole batch",
    source: BOT,
  },
  {
    flag: "freeze-bn-scale",
    path: "model.freezeBnScale",
    type: "bool",
    help: "BN scale fixed at 1, not trained",
    source: BOT,
  },
  {
    flag: "whiten",
    path: "model.whiten",
    type: "string",
    choices: WHITEN_CHOICES,
    help: "fixed PCA-whitening prep: 3x3 conv (27 channels) + 1x1 conv, or 2x2 conv (24) + bias, or none",
    source: `3x3: ${BOT}; 2x2: ${AIRBENCH}`,
  },
  {
    flag: "pad",
    path: "augment.pad",
    type: "int",
    min: 0,
    max: 16,
    help: "reflect padding for the random crop, 0 = no crop",
    source: DAWN,
  },
  { flag: "flip", path: "augment.flip", type: "bool", help: "random horizontal flips", source: DAWN },
  {
    flag: "alternate-flip",
    path: "augment.alternateFlip",
    type: "bool",
    help: "with --flip: each image's flip drawn once, every odd epoch all flipped the other way",
    source: AIRBENCH,
  },
  {
    flag: "cutout",
    path: "augment.cutout",
    type: "int",
    min: 0,
    max: 32,
    help: "cutout square side, 0 = none",
    source: DAWN,
  },
  {
    flag: "epochs",
    path: "epochs",
    type: "float",
    min: 0.01,
    help: "epochs; a fraction trains part of the last one",
    source: `${DAWN}; fractions: ${AIRBENCH}`,
  },
  { flag: "batch-size", path: "batchSize", type: "int", min: 1, help: "batch size", source: DAWN },
  {
    flag: "lr",
    path: "lr",
    type: "float",
    min: 0,
    help: "peak learning rate on the mean loss (Page's lr x batch)",
    source: DAWN,
  },
  {
    flag: "schedule",
    path: "schedule",
    type: "string",
    choices: SCHEDULE_NAMES,
    help: "LR schedule",
    source: DAWN,
  },
  {
    flag: "lr-start",
    path: "lrStart",
    type: "float",
    min: 0,
    help: "LR at the start as a fraction of the peak (piecewise)",
    source: AIRBENCH,
  },
  {
    flag: "lr-peak",
    path: "lrPeak",
    type: "float",
    min: 0,
    max: 1,
    help: "fraction of the run at the LR peak",
    source: BOT,
  },
  {
    flag: "lr-end",
    path: "lrEnd",
    type: "float",
    min: 0,
    help: "final LR as a fraction of the peak (piecewise)",
    source: BOT,
  },
  {
    flag: "lr-end-at",
    path: "lrEndAt",
    type: "float",
    min: 0,
    max: 1,
    help: "fraction of the run where the final LR is reached, then held",
    source: BOT,
  },
  { flag: "momentum", path: "momentum", type: "float", min: 0, max: 1, help: "SGD momentum", source: DAWN },
  { flag: "nesterov", path: "nesterov", type: "bool", help: "Nesterov momentum", source: DAWN },
  {
    flag: "weight-decay",
    path: "weightDecay",
    type: "float",
    min: 0,
    help: "L2 on the mean loss (Page: 5e-4 x batch on the sum)",
    source: DAWN,
  },
  {
    flag: "decoupled",
    path: "decoupled",
    type: "bool",
    help: "--lr and --weight-decay per 1024 examples, decoupled from momentum and from each other",
    source: `${AIRBENCH}; Page part 5`,
  },
  {
    flag: "bias-lr-scale",
    path: "biasLrScale",
    type: "float",
    min: 0,
    help: "LR multiplier of the BN-bias parameter group",
    source: BOT,
  },
  {
    flag: "bias-wd-scale",
    path: "biasWdScale",
    type: "float",
    min: 0,
    help: "weight-decay multiplier of the BN-bias group",
    source: BOT,
  },
  {
    flag: "label-smoothing",
    path: "labelSmoothing",
    type: "float",
    min: 0,
    max: 1,
    help: "label smoothing",
    source: BOT,
  },
  {
    flag: "ema-every",
    path: "emaEvery",
    type: "int",
    min: 0,
    help: "average the weights every N steps, 0 = off",
    source: BOT,
  },
  {
    flag: "ema-momentum",
    path: "emaMomentum",
    type: "float",
    min: 0,
    max: 1,
    help: "per-step momentum of the weight average",
    source: BOT,
  },
  {
    flag: "lookahead-every",
    path: "lookaheadEvery",
    type: "int",
    min: 0,
    help: "lookahead: every N steps move the net to its average, 0 = off",
    source: AIRBENCH,
  },
  {
    flag: "lookahead-decay",
    path: "lookaheadDecay",
    type: "float",
    min: 0,
    max: 1,
    help: "per-step decay of the lookahead average",
    source: AIRBENCH,
  },
  {
    flag: "lookahead-power",
    path: "lookaheadPower",
    type: "float",
    min: 0,
    help: "decay x (step / steps)^power: the lookahead's warm-up",
    source: AIRBENCH,
  },
  {
    flag: "whiten-bias-epochs",
    path: "whitenBiasEpochs",
    type: "float",
    min: 0,
    help: "epochs the 2x2 whitening's bias trains, then frozen",
    source: AIRBENCH,
  },
  {
    flag: "dirac-init",
    path: "model.diracInit",
    type: "bool",
    help: "each 3x3 conv's first filters start as the identity (Dirac)",
    source: AIRBENCH,
  },
  {
    flag: "tta",
    path: "tta",
    type: "string",
    choices: TTA_MODES,
    help: "test-time augmentation",
    source: BOT,
  },
  {
    flag: "train-subset",
    path: "trainSubset",
    type: "int",
    min: 1,
    max: 50000,
    help: "train on the first N images",
    source: "davidnet (small runs)",
  },
  {
    flag: "eval-every",
    path: "evalEvery",
    type: "int",
    min: 0,
    help: "test every N epochs, 0 = last only",
    source: "davidnet",
  },
  {
    flag: "sync-every",
    path: "syncEvery",
    type: "int",
    min: 1,
    help: "read losses back every N steps",
    source: "davidnet",
  },
  {
    flag: "seed",
    path: "seed",
    type: "int",
    min: 0,
    max: 2 ** 31 - 1,
    help: "random seed (weights, order, augmentation)",
    source: "davidnet",
  },
  {
    flag: "kernels",
    path: "kernels.mode",
    type: "string",
    choices: KERNEL_MODES,
    help: "WebGPU kernels: davidnet's fused ones or tfjs's own",
    source: "davidnet (lib/kernels)",
  },
  {
    flag: "conv",
    path: "kernels.conv",
    type: "string",
    choices: CONV_STRATEGIES,
    help: "fast convolutions: tiles (GPUs), direct loops (CPU adapters), auto",
    source: "davidnet (lib/kernels)",
  },
];

/** The schema entry of `flag`; throws when there is none. */
export function param(flag: string): Param {
  const p = CONFIG_SCHEMA.find((q) => q.flag === flag);
  if (!p) throw new Error(`no hyperparameter --${flag}`);
  return p;
}

/** The value at `path` ("model.width") of a config. */
export function getPath(config: object, path: string): ParamValue {
  return path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], config) as ParamValue;
}

/** A copy of `config` with `path` set to `value` (the nested objects on the path are copied, nothing else). */
export function setPath<T extends object>(config: T, path: string, value: ParamValue): T {
  const [head, ...rest] = path.split(".");
  const obj = config as Record<string, unknown>;
  return { ...config, [head]: rest.length ? setPath(obj[head] as object, rest.join("."), value) : value };
}
