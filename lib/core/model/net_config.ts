/**
 * The net's hyperparameters, each written once, in {@link NET_PARAMS}: {@link NetConfig} (the type),
 * {@link DAVIDNET_DEFAULTS} (the seed's values) and the config schema's `model.*` entries are made from it.
 */
import { type ConfigOfTable, defaultsOf, type ParamSpec, SOURCES } from "../params/mod.ts";
import type { Activation } from "./layers.ts";
import { ARCH_NAMES } from "./spec.ts";
import { WHITEN_CHOICES } from "./whitening.ts";

/**
 * Every setting of the net by its `NetConfig` field, in the order of `DAVIDNET_DEFAULTS`; each default is the
 * seed's DavidNet (full width, ReLU, PyTorch's BN defaults, logits x 0.125, no part-8 tricks). The config schema's
 * flag of a field is its name in kebab case (`batchNorm`: `--batch-norm`).
 */
export const NET_PARAMS = {
  /** The net's spec in `NET_SPECS` (default DavidNet). */
  arch: {
    type: "string",
    choices: ARCH_NAMES,
    help: "net spec (lib/core/model)",
    default: "davidnet",
    source: "Page, experiments.ipynb (part 4)",
  },
  /** Channel multiplier: 1 gives 64-128-256-512 channels; 1/16 gives 4-8-16-32 (tests, CPU runs). */
  width: {
    type: "float",
    min: 0.001,
    help: "channel multiplier, 1 = 64-128-256-512",
    default: 1,
    source: SOURCES.dawn,
  },
  /** BatchNorm after every conv (the seed's net); false leaves conv -> activation, for the BN analysis. */
  batchNorm: {
    type: "bool",
    help: "BatchNorm after every conv",
    default: true,
    source: "Page, batch_norm_post.ipynb (part 7)",
  },
  /** ReLU (the seed's net), CELU (Page's bag of tricks) or the exact GELU (airbench). */
  activation: {
    type: "string",
    choices: ["relu", "celu", "gelu"] satisfies readonly Activation[],
    help: "activation",
    default: "relu",
    source: `celu: ${SOURCES.bagOfTricks}; gelu: ${SOURCES.airbench}`,
  },
  /** CELU's alpha. */
  celuAlpha: { type: "float", min: 1e-6, help: "CELU alpha", default: 0.075, source: SOURCES.bagOfTricks },
  /** BatchNorm momentum in PyTorch's convention: running = (1 - m) * running + m * batch. */
  bnMomentum: {
    type: "float",
    min: 0,
    max: 1,
    help: "BatchNorm momentum, PyTorch convention",
    default: 0.1,
    source: "PyTorch default, torch_backend.py",
  },
  /** BatchNorm epsilon. */
  bnEps: { type: "float", min: 0, help: "BatchNorm epsilon", default: 1e-5, source: "PyTorch default" },
  /** Multiplier of the logits. */
  logitScale: { type: "float", help: "logit multiplier", default: 0.125, source: SOURCES.dawn },
  /**
   * Pooling: max (the seed's), or average, which with CELU makes the net smooth, so that gradients can be compared
   * between implementations without max pooling's ties (the gradient tests). Average replaces every max pool,
   * the global ones included.
   */
  pool: {
    type: "string",
    choices: ["max", "avg"],
    help: "pooling: max (DavidNet) or average (a smooth net, for the gradient tests)",
    default: "max",
    source: "davidnet (tests/gradients_test.ts)",
  },
  /** Max pool right after the conv: conv -> pool -> BN -> activation (Page's `conv_pool_block_pre`). */
  movePool: {
    type: "bool",
    help: "max pool right after the conv (conv, pool, BN, act)",
    default: false,
    source: SOURCES.bagOfTricks,
  },
  /**
   * Ghost batch norm: in training, BN statistics over consecutive groups of this many images (Page: 16 splits
   * of 512, i.e. 32); 0 = the whole batch. The batch must be a multiple of it. See `ghostBatchNorm`.
   */
  ghostBatch: {
    type: "int",
    min: 0,
    help: "BN statistics over groups of N images, 0 = whole batch",
    default: 0,
    source: SOURCES.bagOfTricks,
  },
  /** BN scale (gamma) fixed at 1 and not trainable (Page's `BatchNorm(weight=False)`); beta still trains. */
  freezeBnScale: {
    type: "bool",
    help: "BN scale fixed at 1, not trained",
    default: false,
    source: SOURCES.bagOfTricks,
  },
  /**
   * Input whitening, replacing the prep conv: "none"; "3x3", Page's `whitening_block`, a fixed 3x3 conv to 27
   * channels (`prep_whiten`, not trainable) then a 1x1 conv, BN and activation; "2x2", airbench's, a fixed 2x2
   * valid conv to 24 channels, a trained bias (`prep_whiten_bias`) and the activation, straight into layer1. The
   * filters come from `whiteningFiltersFor`.
   */
  whiten: {
    type: "string",
    choices: WHITEN_CHOICES,
    help: "fixed PCA-whitening prep: 3x3 conv (27 channels) + 1x1 conv, or 2x2 conv (24) + bias, or none",
    default: "none",
    source: `3x3: ${SOURCES.bagOfTricks}; 2x2: ${SOURCES.airbench}`,
  },
  /**
   * Dirac initialisation of every trainable conv after PyTorch's (airbench's `Conv.reset_parameters`): the first
   * min(in, out) filters are identity filters. See `diracKernel`.
   */
  diracInit: {
    type: "bool",
    help: "each 3x3 conv's first filters start as the identity (Dirac)",
    default: false,
    source: SOURCES.airbench,
  },
  /**
   * The head's weights rescaled to unit standard deviation (sample std, as PyTorch's `w.std()`) after their init
   * (airbench94_muon.py `CifarNet.reset`: `w *= 1 / w.std()`), so that with `logitScale` 1/256 the logits start
   * at airbench94_muon's scale.
   */
  headUnitStd: {
    type: "bool",
    help: "rescale the head's weights to unit standard deviation after their init",
    default: false,
    source: SOURCES.airbenchMuon,
  },
} as const satisfies Record<string, ParamSpec>;

/** A field of {@link NetConfig}. */
export type NetField = keyof typeof NET_PARAMS;

/** How to build the net: which spec (`arch`) and every model-side setting and trick (see {@link NET_PARAMS}). */
export type NetConfig = ConfigOfTable<typeof NET_PARAMS>;

/** The seed's DavidNet: full width, ReLU, PyTorch's BN defaults, logits x 0.125, no part-8 tricks. */
export const DAVIDNET_DEFAULTS: NetConfig = defaultsOf(NET_PARAMS);
