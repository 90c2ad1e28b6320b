import type { TrainConfig } from "./train_config.ts";
import type { ParamSpec } from "../params/mod.ts";
import { CONFIG_SCHEMA, getPath, type ParamValue, setPath } from "./schema.ts";

/** A config that breaks a rule of the schema; the message names the flag and the fix. */
export class ConfigError extends Error {
  /** Builds the error. */
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/**
 * Why `value` is not a valid value of `p` (its type, choices and range), or null when it is: the one check of a
 * value, for the config and for the command line's flags.
 */
export function valueProblem(
  p: Pick<ParamSpec, "type" | "choices" | "min" | "max">,
  value: unknown,
): string | null {
  if (p.type === "bool") return typeof value === "boolean" ? null : "expected true or false";
  if (p.type === "string") {
    if (typeof value !== "string") return "expected a string";
    return p.choices && !p.choices.includes(value) ? `expected one of ${p.choices.join(", ")}` : null;
  }
  if (typeof value !== "number" || !Number.isFinite(value)) return "expected a number";
  if (p.type === "int" && !Number.isInteger(value)) return "expected an integer";
  if (p.min !== undefined && value < p.min) return `must be at least ${p.min}`;
  if (p.max !== undefined && value > p.max) return `must be at most ${p.max}`;
  return null;
}

/** The rules between hyperparameters; each returns a message naming the flags, or null. */
const RULES: Array<(c: TrainConfig) => string | null> = [
  (c) =>
    c.batchSize > c.trainSubset
      ? `--batch-size ${c.batchSize} exceeds the ${c.trainSubset} training images (--train-subset)`
      : null,
  (c) =>
    c.model.ghostBatch > 0 && c.batchSize % c.model.ghostBatch !== 0
      ? `--ghost-batch ${c.model.ghostBatch} does not divide --batch-size ${c.batchSize}; pick a divisor`
      : null,
  (c) =>
    !c.model.batchNorm && (c.model.ghostBatch > 0 || c.model.freezeBnScale)
      ? "--ghost-batch and --freeze-bn-scale need batch norm; drop them or drop --no-batch-norm"
      : null,
  (c) =>
    c.schedule === "piecewise" && !(c.lrEndAt > c.lrPeak)
      ? `--lr-end-at ${c.lrEndAt} must come after --lr-peak ${c.lrPeak} (both are fractions of the run)`
      : null,
  (c) =>
    c.whitenBiasDecay && !(c.model.whiten === "2x2" && c.whitenBiasEpochs > 0)
      ? "--whiten-bias-decay needs the 2x2 whitening (--whiten 2x2) and --whiten-bias-epochs above 0"
      : null,
  (c) =>
    c.optimizer === "muon" && !(c.lr > 0)
      ? `--optimizer muon: the SGD groups (biases, head) still need a positive --lr, not ${c.lr}`
      : null,
];

/** Checks every value against the schema and the rules between them; throws a {@link ConfigError}. */
export function validateConfig(config: TrainConfig): TrainConfig {
  for (const p of CONFIG_SCHEMA) {
    const value = getPath(config, p.path);
    const problem = valueProblem(p, value);
    if (problem) throw new ConfigError(`--${p.flag} ${JSON.stringify(value)}: ${problem}`);
  }
  for (const rule of RULES) {
    const problem = rule(config);
    if (problem) throw new ConfigError(problem);
  }
  return config;
}

/** `base` with the given flag values applied (undefined: keep the base's), validated. */
export function configFrom(base: TrainConfig, values: Record<string, ParamValue | undefined>): TrainConfig {
  let config = base;
  for (const p of CONFIG_SCHEMA) {
    const v = values[p.flag];
    if (v !== undefined) config = setPath(config, p.path, v);
  }
  return validateConfig(config);
}
