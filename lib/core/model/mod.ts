/**
 * The nets: specs of DavidNet, Page's part-4 architecture search and airbench94, the net's hyperparameters as one
 * typed table (its config type and defaults made from it), the one builder, the model tricks
 * of Page's part 8 (moved pool, ghost batch norm, frozen BN scale, 3x3 input whitening) and of airbench (GELU,
 * Dirac init, 2x2 whitening with a trained bias), custom layers, parameter count and layer table, saving and
 * loading.
 * Row 2 of lib/'s layout (README, Layout): imports backend, io, kernels, params, random.
 */
export {
  activationLayerName,
  AIRBENCH94_NET,
  buildNet,
  type BuildOptions,
  channels,
  countTrainableParams,
  type LayerRow,
  layerTable,
  savedModelConfig,
} from "./build.ts";
export { DAVIDNET_DEFAULTS, NET_PARAMS, type NetConfig, type NetField } from "./net_config.ts";
export { WHITEN_BIAS_LAYER, WHITEN_LAYER } from "./blocks.ts";
export { diracKernel } from "./dirac.ts";
export {
  ARCH_NAMES,
  type ArchName,
  type ExtraBlock,
  type HeadSpec,
  isPreactStage,
  type LayerSpec,
  NET_SPECS,
  type NetSpec,
  netSpec,
  type Placement,
  PLACEMENTS,
  type PreactStageSpec,
  specChannels,
  type StageSpec,
} from "./spec.ts";
export {
  type PatchEigens,
  patchEigens,
  patchLength,
  type Whiten,
  WHITEN_CHOICES,
  WHITENING_RECIPES,
  whiteningFiltersFor,
  type WhiteningKind,
  whiteningPlaceholder,
  type WhiteningRecipe,
  whiteningShape,
  whiteningWidth,
} from "./whitening.ts";
export { ghostBatchNorm, type GhostBatchNormOutput } from "./ghost_batch_norm.ts";
export { type Activation, Bias, Celu, celu, Gelu, gelu, Scale } from "./layers.ts";
export { BatchNormAct, type BatchNormActArgs } from "./batch_norm_act.ts";
export { type ModelFiles, modelFromFiles, type ModelJson, modelToFiles } from "./artifacts.ts";
export { type ConvShape, convShapes } from "./conv_shapes.ts";
export { HE_FROM_TORCH_INIT, scaleKernels } from "./init_scale.ts";
export { registerLayers } from "./registry.ts";
