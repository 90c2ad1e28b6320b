/**
 * The nets: specs of DavidNet and Page's part-4 architecture search, the one builder, the part-8 model tricks
 * (moved pool, ghost batch norm, frozen BN scale, input whitening), custom layers, parameter count and layer
 * table, saving and loading, and analyses.
 */
export {
  activationLayerName,
  buildDavidNet,
  type BuildOptions,
  channels,
  countTrainableParams,
  DAVIDNET_DEFAULTS,
  type DavidNetConfig,
  type LayerRow,
  layerTable,
} from "./davidnet.ts";
export {
  ARCH_NAMES,
  type ArchName,
  type ExtraBlock,
  type HeadSpec,
  type LayerSpec,
  NET_SPECS,
  type NetSpec,
  netSpec,
  type Placement,
  PLACEMENTS,
} from "./spec.ts";
export { PATCH_DIM, type PatchEigens, patchEigens, WHITENING_EPS, whiteningFilters } from "./whitening.ts";
export { ghostBatchNorm, type GhostBatchNormOutput } from "./ghost_batch_norm.ts";
export { Celu, celu, Scale } from "./layers.ts";
export { BatchNormAct, type BatchNormActArgs } from "./batch_norm_act.ts";
export { type ModelFiles, modelFromFiles, type ModelJson, modelToFiles } from "./artifacts.ts";
export {
  averageMoments,
  blockLayers,
  channelMeans,
  type ChannelMoments,
  channelMoments,
  type ConvShape,
  convShapes,
  HE_FROM_TORCH_INIT,
  type MomentSummary,
  type ReceptiveField,
  receptiveFields,
  scaleKernels,
  summarizeMoments,
} from "./analysis.ts";
export {
  type BlockParams,
  PAGE_ARCH_RESULTS,
  type PageArchResult,
  specDepth,
  specParamCount,
  type SpecParamOptions,
  specParams,
  type SpecRow,
  specRows,
} from "./spec_table.ts";
