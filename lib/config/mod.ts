/**
 * The one config schema: every hyperparameter spelled once (flag, path, type, range, help, source), Page's
 * presets as typed data, and the bag of tricks as toggles over the schema.
 */
export { CONFIG_SCHEMA, getPath, type Param, param, type ParamValue, setPath } from "./schema.ts";
export { ConfigError, configFrom, validateConfig } from "./validate.ts";
export { BASELINE, DAVIDNET24, type PresetName, PRESETS, SMOKE, SMOKE_TRICKS, TRICKS } from "./presets.ts";
export {
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
