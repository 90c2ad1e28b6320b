import {
  BACKEND_CHOICES,
  type BackendChoice,
  type BackendInfo,
  initBackend,
  type Precision,
  PrecisionError,
  PRECISIONS,
} from "../../core/backend/mod.ts";
import {
  CONFIG_SCHEMA,
  ConfigError,
  configFrom,
  DAVIDNET24,
  getPath,
  type ParamValue,
  type PresetName,
  PRESETS,
} from "../../core/config/mod.ts";
import type { TrainConfig } from "../../core/train/mod.ts";
import { type FlagSpecs, type FlagValues, usage, UsageError } from "./args.ts";
import { SLURM_SPECS } from "./slurm_flags.ts";
import { DEFAULT_SHARD_DIR } from "../../core/shards/mod.ts";

/** Flags that set a hyperparameter, made from the config schema; the help shows davidnet24's values. */
export const HYPER_SPECS: FlagSpecs = Object.fromEntries(
  CONFIG_SCHEMA.map((p) => [
    p.flag,
    {
      type: p.type,
      help: `${p.help} [${getPath(DAVIDNET24, p.path)}]`,
      choices: p.choices,
      min: p.min,
      max: p.max,
    },
  ]),
);

/** The tfjs backend and the native backend's threads. */
export const BACKEND_SPECS: FlagSpecs = {
  backend: {
    type: "string",
    help: "tfjs backend; auto: a GPU's WebGPU, else the native backend (deno task setup), else a software " +
      "WebGPU adapter, else cpu",
    choices: BACKEND_CHOICES,
    default: "auto",
  },
  threads: {
    type: "int",
    help: "CPU threads of the native backend, 0 = every core (or env TF_NUM_INTRAOP_THREADS)",
    default: 0,
    min: 0,
  },
  precision: {
    type: "string",
    help:
      "native backend's conv and matmul arithmetic: float32, or bf16 (oneDNN's bfloat16 math; needs a CPU " +
      "with AVX-512 BF16 or AMX-BF16, refused elsewhere)",
    choices: PRECISIONS,
    default: "float32",
  },
};

/**
 * Starts the backend that `--backend`, `--threads` and `--precision` name, printing what runs and why; a
 * precision the backend or CPU cannot run is a usage error (exit 2) that names the fix.
 */
export async function startBackend(flags: FlagValues, help = ""): Promise<BackendInfo> {
  try {
    return await initBackend(flags.backend as BackendChoice, {
      log: (l) => console.log(l),
      threads: flags.threads as number,
      precision: (flags.precision as Precision | undefined) ?? "float32",
    });
  } catch (err) {
    if (err instanceof PrecisionError) throw new UsageError(err.message, help);
    throw err;
  }
}

/** Where training runs and reads from: the tfjs backend, the CIFAR-10 source and the shard folder. */
export const SOURCE_SPECS: FlagSpecs = {
  ...BACKEND_SPECS,
  data: {
    type: "string",
    help: "CIFAR-10 source folder to make the shards from; must match the source of existing shards",
  },
  shards: { type: "string", help: "shard folder to train from", default: DEFAULT_SHARD_DIR },
};

/** Flags of `deno task train`. */
export const TRAIN_SPECS: FlagSpecs = {
  preset: {
    type: "string",
    help: "hyperparameter preset (lib/core/config/presets.ts)",
    choices: Object.keys(PRESETS),
    default: "davidnet24",
  },
  ...HYPER_SPECS,
  runs: {
    type: "int",
    help: "train N seeds (seed, seed+1, ...) and report mean and std",
    default: 1,
    min: 1,
  },
  ...SOURCE_SPECS,
  out: { type: "string", help: "output folder [runs/<timestamp>]" },
  resume: {
    type: "string",
    help: "continue the run in this folder from its last checkpoint; with --slurm, the folder of a sweep: " +
      "submits its missing runs, then joins",
  },
  ...SLURM_SPECS,
};

/** The usage text of `deno task train`. */
export const TRAIN_HELP = usage(
  "train",
  "Trains DavidNet on CIFAR-10 and reports test accuracy and time to 94% (N seeds here, or on SLURM with --slurm).",
  TRAIN_SPECS,
);

/** The hyperparameter flags given on the command line, by flag name. */
function givenHyper(flags: FlagValues): Record<string, ParamValue> {
  return Object.fromEntries(
    Object.keys(HYPER_SPECS).filter((k) => flags[k] !== undefined).map((k) => [k, flags[k]!]),
  );
}

/** The preset's config with every hyperparameter flag given on the command line applied, validated. */
export function configFromFlags(flags: FlagValues, help: string): TrainConfig {
  const given = givenHyper(flags);
  if (flags.resume !== undefined && Object.keys(given).length) {
    throw new UsageError(
      `--resume continues with the run's own config.json; drop --${Object.keys(given).join(", --")}`,
      help,
    );
  }
  try {
    return configFrom(PRESETS[flags.preset as PresetName], given);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message, help);
    throw err;
  }
}
