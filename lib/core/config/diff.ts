import { CONFIG_SCHEMA, getPath, type ParamValue } from "./schema.ts";
import type { TrainConfig } from "./train_config.ts";

/** One hyperparameter on which two configs differ. */
export interface ConfigDifference {
  flag: string;
  a: ParamValue;
  b: ParamValue;
  /** The schema's help line of the hyperparameter. */
  help: string;
}

/** Every hyperparameter of the schema whose value differs between `a` and `b`, in schema order. */
export function configDifferences(a: TrainConfig, b: TrainConfig): ConfigDifference[] {
  return CONFIG_SCHEMA.filter((p) => getPath(a, p.path) !== getPath(b, p.path)).map((p) => ({
    flag: p.flag,
    a: getPath(a, p.path),
    b: getPath(b, p.path),
    help: p.help,
  }));
}
