/** DavidNet: construction, custom layers, parameter count and layer table. */
export {
  buildDavidNet,
  channels,
  countTrainableParams,
  DAVIDNET_DEFAULTS,
  type DavidNetConfig,
  type LayerRow,
  layerTable,
} from "./davidnet.ts";
export { Celu, Scale } from "./layers.ts";
export { loadModel, saveModel } from "./io.ts";
export { channelMeans, type ReceptiveField, receptiveFields } from "./analysis.ts";
