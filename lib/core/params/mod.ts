/**
 * A hyperparameter's spec, the one way settings are written: its type and range, its help, its default and its
 * source. A folder keeps its own settings as a table of specs (lib/core/model's `NET_PARAMS`, lib/core/augment's
 * `AUGMENT_PARAMS`), its config type and defaults are made from the table, and the config schema
 * (lib/core/config) turns each entry into a flag and a path with {@link entryOf}.
 * Row 0 of lib/'s layout (README, Layout): imports no other folder of lib/.
 */

/** A value a hyperparameter can take. */
export type ParamValue = number | boolean | string;

/** One hyperparameter without its place in a config: its type and range, its help, its default and its source. */
export interface ParamSpec {
  type: "int" | "float" | "bool" | "string";
  /** The allowed values of a string. */
  choices?: readonly string[];
  /** Smallest allowed number. */
  min?: number;
  /** Largest allowed number. */
  max?: number;
  /** One line for `--help`. */
  help: string;
  default: ParamValue;
  /** Where the setting comes from (post, code). */
  source: string;
}

/** The value type that a spec allows: one of its choices, a boolean, a string or a number. */
export type ValueOfSpec<P> = P extends { choices: readonly (infer C)[] } ? C
  : P extends { type: "bool" } ? boolean
  : P extends { type: "string" } ? string
  : number;

/** The posts and code that the settings come from. */
export const SOURCES = {
  dawn: "Page, dawn.py (DAWNBench, parts 1-4)",
  bagOfTricks: "Page, bag_of_tricks.ipynb (part 8)",
  airbench: "KellerJordan/cifar10-airbench, legacy/airbench94.py",
  airbenchMuon: "KellerJordan/cifar10-airbench, airbench94_muon.py",
} as const;

/** The defaults of a table of specs, each typed as its literal (so that assigning them checks them). */
export function defaultsOf<T extends Record<string, ParamSpec>>(
  table: T,
): { [K in keyof T]: T[K]["default"] } {
  return Object.fromEntries(Object.entries(table).map(([k, p]) => [k, p.default])) as {
    [K in keyof T]: T[K]["default"];
  };
}

/** The config type of a table of specs: one field per entry, of the type its spec allows. */
export type ConfigOfTable<T extends Record<string, ParamSpec>> = {
  -readonly [K in keyof T]: ValueOfSpec<T[K]>;
};

/**
 * The schema entry of `table`'s field `key` under `group`: its flag is the field's name in kebab case
 * (`batchNorm`: `batch-norm`), its path `<group>.<key>`.
 */
export function entryOf<T extends Record<string, ParamSpec>, G extends string, K extends keyof T & string>(
  table: T,
  group: G,
  key: K,
): T[K] & { flag: string; path: `${G}.${K}` } {
  const flag = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return { ...table[key], flag, path: `${group}.${key}` };
}
