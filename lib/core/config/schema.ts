import { CONV_STRATEGIES, KERNEL_MODES } from "../kernels/mod.ts";
import { NET_PARAMS, type NetField } from "../model/mod.ts";
import { entryOf, type ParamSpec, type ParamValue, SOURCES } from "../params/mod.ts";
import { SCHEDULE_NAMES } from "../schedule/mod.ts";
import { AUGMENT_PARAMS, type AugmentField, TTA_MODES } from "../augment/mod.ts";

export type { ParamValue };

/**
 * One hyperparameter, spelled once: its flag, where it lives in `TrainConfig`, its type and range, its help, its
 * default and where its setting comes from. The flags, `--help`, the validation, the `TrainConfig` type and the
 * baseline config are made from these.
 */
export interface Param extends ParamSpec {
  /** Command-line flag, without the dashes. */
  flag: string;
  /** Dotted path into `TrainConfig` ("model.width"). */
  path: string;
  /**
   * The value in the `baseline` preset, Page's DAWNBench recipe; the net's and the augmentation's are the seed's
   * (lib/core/model `DAVIDNET_DEFAULTS`, lib/core/augment `DAVIDNET_AUGMENT`).
   */
  default: ParamValue;
}

const { bagOfTricks: BOT, dawn: DAWN, airbench: AIRBENCH, airbenchMuon: AIRBENCH_MUON } = SOURCES;

/**
 * The schema entries of the net's and the augmentation's fields, written once in lib/core/model's `NET_PARAMS` and
 * lib/core/augment's `AUGMENT_PARAMS`: flag in kebab case (`batchNorm`: `batch-norm`), path `model.<key>` or
 * `augment.<key>`. The schema lists each where its flag shows in `--help`; `TrainConfig`'s check against
 * `NetConfig` and `AugmentConfig` fails when one is missing.
 */
const net = <K extends NetField>(key: K) => entryOf(NET_PARAMS, "model", key);
const augment = <K extends AugmentField>(key: K) => entryOf(AUGMENT_PARAMS, "augment", key);

/** The optimizers of the conv filters: SGD (Page, airbench94), or Muon (airbench94_muon). */
export const OPTIMIZERS = ["sgd", "muon"] as const;

/** The schema's entries as literal types, from which `TrainConfig` is derived. */
const ENTRIES = [
  net("arch"),
  net("width"),
  net("batchNorm"),
  net("activation"),
  net("celuAlpha"),
  net("bnMomentum"),
  net("bnEps"),
  net("logitScale"),
  net("pool"),
  net("movePool"),
  net("ghostBatch"),
  net("freezeBnScale"),
  net("whiten"),
  augment("pad"),
  augment("flip"),
  augment("alternateFlip"),
  augment("cutout"),
  {
    flag: "epochs",
    path: "epochs",
    type: "float",
    min: 0.01,
    help: "epochs; a fraction trains part of the last one",
    default: 24, // dawn.py
    source: `${DAWN}; fractions: ${AIRBENCH}`,
  },
  {
    flag: "batch-size",
    path: "batchSize",
    type: "int",
    min: 1,
    help: "batch size",
    default: 512, // dawn.py
    source: DAWN,
  },
  {
    flag: "lr",
    path: "lr",
    type: "float",
    min: 0,
    help: "peak learning rate on the mean loss (Page's lr x batch)",
    default: 0.4, // dawn.py: 0.4 / 512 on the summed loss = 0.4 on the mean loss
    source: DAWN,
  },
  {
    flag: "schedule",
    path: "schedule",
    type: "string",
    choices: SCHEDULE_NAMES,
    help: "LR schedule",
    default: "piecewise", // dawn.py: PiecewiseLinear([0, 5, 24], [0, 0.4, 0])
    source: DAWN,
  },
  {
    flag: "lr-start",
    path: "lrStart",
    type: "float",
    min: 0,
    help: "LR at the start as a fraction of the peak (piecewise)",
    default: 0, // dawn.py: from 0 ...
    source: AIRBENCH,
  },
  {
    flag: "lr-peak",
    path: "lrPeak",
    type: "float",
    min: 0,
    max: 1,
    help: "fraction of the run at the LR peak",
    default: 5 / 24, // dawn.py: peak at epoch 5 of 24
    source: BOT,
  },
  {
    flag: "lr-end",
    path: "lrEnd",
    type: "float",
    min: 0,
    help: "final LR as a fraction of the peak (piecewise)",
    default: 0, // dawn.py: down to 0 ...
    source: BOT,
  },
  {
    flag: "lr-end-at",
    path: "lrEndAt",
    type: "float",
    min: 0,
    max: 1,
    help: "fraction of the run where the final LR is reached, then held",
    default: 1, // ... at the last epoch
    source: BOT,
  },
  {
    flag: "momentum",
    path: "momentum",
    type: "float",
    min: 0,
    max: 1,
    help: "SGD momentum",
    default: 0.9, // dawn.py
    source: DAWN,
  },
  {
    flag: "nesterov",
    path: "nesterov",
    type: "bool",
    help: "Nesterov momentum",
    default: true, // torch_backend.py: nesterov_update
    source: DAWN,
  },
  {
    flag: "weight-decay",
    path: "weightDecay",
    type: "float",
    min: 0,
    help: "L2 on the mean loss (Page: 5e-4 x batch on the sum)",
    default: 5e-4, // dawn.py: 5e-4 x 512 on the summed loss = 5e-4 on the mean loss
    source: DAWN,
  },
  {
    flag: "decoupled",
    path: "decoupled",
    type: "bool",
    help: "--lr and --weight-decay per 1024 examples, decoupled from momentum and from each other",
    default: false, // dawn.py's lr and weight decay act as given
    source: `${AIRBENCH}; Page part 5`,
  },
  {
    flag: "bias-lr-scale",
    path: "biasLrScale",
    type: "float",
    min: 0,
    help: "LR multiplier of the BN-bias parameter group",
    default: 1, // one parameter group (dawn.py)
    source: BOT,
  },
  {
    flag: "bias-wd-scale",
    path: "biasWdScale",
    type: "float",
    min: 0,
    help: "weight-decay multiplier of the BN-bias group",
    default: 1, // one parameter group (dawn.py)
    source: BOT,
  },
  {
    flag: "label-smoothing",
    path: "labelSmoothing",
    type: "float",
    min: 0,
    max: 1,
    help: "label smoothing",
    default: 0, // dawn.py: plain cross-entropy
    source: BOT,
  },
  {
    flag: "ema-every",
    path: "emaEvery",
    type: "int",
    min: 0,
    help: "average the weights every N steps, 0 = off",
    default: 0, // no weight averaging (dawn.py)
    source: BOT,
  },
  {
    flag: "ema-momentum",
    path: "emaMomentum",
    type: "float",
    min: 0,
    max: 1,
    help: "per-step momentum of the weight average",
    default: 0.99, // unused while emaEvery is 0
    source: BOT,
  },
  {
    flag: "lookahead-every",
    path: "lookaheadEvery",
    type: "int",
    min: 0,
    help: "lookahead: every N steps move the net to its average, 0 = off",
    default: 0, // no lookahead (dawn.py)
    source: AIRBENCH,
  },
  {
    flag: "lookahead-decay",
    path: "lookaheadDecay",
    type: "float",
    min: 0,
    max: 1,
    help: "per-step decay of the lookahead average",
    default: 0.95, // unused while lookaheadEvery is 0
    source: AIRBENCH,
  },
  {
    flag: "lookahead-power",
    path: "lookaheadPower",
    type: "float",
    min: 0,
    help: "decay x (step / steps)^power: the lookahead's warm-up",
    default: 3, // unused while lookaheadEvery is 0
    source: AIRBENCH,
  },
  {
    flag: "whiten-bias-epochs",
    path: "whitenBiasEpochs",
    type: "float",
    min: 0,
    help: "epochs the 2x2 whitening's bias trains, then frozen",
    default: 0, // no 2x2 whitening (dawn.py)
    source: AIRBENCH,
  },
  net("headUnitStd"),
  {
    flag: "optimizer",
    path: "optimizer",
    type: "string",
    choices: OPTIMIZERS,
    help: "the conv filters' optimizer: SGD, or Muon (the other parameters keep SGD)",
    default: "sgd", // dawn.py: SGD for every parameter
    source: AIRBENCH_MUON,
  },
  {
    flag: "muon-lr",
    path: "muonLr",
    type: "float",
    min: 0,
    help: "Muon's peak learning rate (the filters'; follows the run's schedule)",
    default: 0.24, // airbench94_muon.py: Muon(filter_params, lr=0.24, ...); unused with --optimizer sgd
    source: AIRBENCH_MUON,
  },
  {
    flag: "muon-momentum",
    path: "muonMomentum",
    type: "float",
    min: 0,
    max: 1,
    help: "Muon's momentum (Nesterov with --nesterov)",
    default: 0.6, // airbench94_muon.py: Muon(..., momentum=0.6, nesterov=True); unused with --optimizer sgd
    source: AIRBENCH_MUON,
  },
  {
    flag: "whiten-bias-decay",
    path: "whitenBiasDecay",
    type: "bool",
    help: "the 2x2 whitening bias's LR decays linearly to 0 over --whiten-bias-epochs (own SGD group)",
    default: false, // airbench94.py: the whitening bias follows the run's schedule
    source: AIRBENCH_MUON,
  },
  net("diracInit"),
  {
    flag: "tta",
    path: "tta",
    type: "string",
    choices: TTA_MODES,
    help: "test-time augmentation",
    default: "none", // dawn.py evaluates the plain net
    source: BOT,
  },
  {
    flag: "train-subset",
    path: "trainSubset",
    type: "int",
    min: 1,
    max: 50000,
    help: "train on the first N images",
    default: 50000, // all of CIFAR-10's training set
    source: "davidnet (small runs)",
  },
  {
    flag: "eval-every",
    path: "evalEvery",
    type: "int",
    min: 0,
    help: "test every N epochs, 0 = last only",
    default: 1, // test after every epoch, to time 94%
    source: "davidnet",
  },
  {
    flag: "sync-every",
    path: "syncEvery",
    type: "int",
    min: 1,
    help: "read losses back every N steps",
    default: 8, // read losses back every 8 steps
    source: "davidnet",
  },
  {
    flag: "seed",
    path: "seed",
    type: "int",
    min: 0,
    max: 2 ** 31 - 1,
    help: "random seed (weights, order, augmentation)",
    default: 0, // the first seed
    source: "davidnet",
  },
  {
    flag: "kernels",
    path: "kernels.mode",
    type: "string",
    choices: KERNEL_MODES,
    help: "fast: davidnet's WebGPU convs, BN, SGD and TensorFlow's fused BN (native); stock: tfjs's own ops",
    default: "fast", // davidnet's kernels (lib/core/kernels); "stock" for tfjs's own
    source: "davidnet (lib/core/kernels)",
  },
  {
    flag: "conv",
    path: "kernels.conv",
    type: "string",
    choices: CONV_STRATEGIES,
    help: "fast convolutions: tiles (GPUs), direct loops (CPU adapters), auto",
    default: "auto", // tiled on GPUs, direct on software adapters
    source: "davidnet (lib/core/kernels)",
  },
] as const satisfies readonly Param[];

/** One schema entry as its literal type (`TrainConfig` is built from these). */
export type SchemaEntry = typeof ENTRIES[number];

/** Every hyperparameter of a training run. */
export const CONFIG_SCHEMA: readonly Param[] = ENTRIES;

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

/**
 * The config of every schema default (Page's DAWNBench recipe): the `baseline` preset. Typed by the caller as
 * `TrainConfig`, which the schema's entries define path by path.
 */
export function schemaDefaults<T>(): T {
  return CONFIG_SCHEMA.reduce<object>((config, p) => setPath(config, p.path, p.default), {}) as T;
}
