/** DavidNet: construction, custom layers, parameter count and layer table. */
export {
  activationLayerName,
  buildDavidNet,
  channels,
  countTrainableParams,
  DAVIDNET_DEFAULTS,
  type DavidNetConfig,
  type LayerRow,
  layerTable,
} from "./davidnet.ts";
export { Celu, celu, Scale } from "./layers.ts";
export { BatchNormAct, type BatchNormActArgs } from "./batch_norm_act.ts";
export { loadModel, saveModel } from "./io.ts";
export {
  channelMeans,
  type ConvShape,
  convShapes,
  type ReceptiveField,
  receptiveFields,
} from "./analysis.ts";
