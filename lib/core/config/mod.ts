/**
 * The one config schema: every hyperparameter spelled once (flag, path, type, range, help, source; the net's in
 * lib/core/model's `NET_PARAMS`) and the one check of a value, Page's presets as typed data, and the bag of tricks as
 * toggles over the schema.
 * Row 3 of lib/'s layout (README, Layout): imports augment, kernels, model, params, schedule.
 */
export { CONFIG_SCHEMA, getPath, type Param, param, type ParamValue, setPath } from "./schema.ts";
export { ConfigError, configFrom, validateConfig, valueProblem } from "./validate.ts";
export { DECOUPLED_EXAMPLES, scheduleOf, sgdRates } from "./rates.ts";
export { type ConfigDifference, configDifferences } from "./diff.ts";
export type { TrainConfig } from "./train_config.ts";
export {
  AIRBENCH94,
  AIRBENCH94_MUON,
  BASELINE,
  DAVIDNET24,
  emaMomentumForSteps,
  type PresetName,
  PRESETS,
  SMOKE,
  SMOKE_TRICKS,
  TRICKS,
} from "./presets.ts";
export {
  AIRBENCH_TRICK_SPECS,
  BAG_OF_TRICKS,
  flipTrick,
  TOGGLES,
  type Trick,
  TRICK_SPECS,
  trickIsOn,
  type TrickSetting,
  type TrickSpec,
  trickSpec,
} from "./tricks.ts";
