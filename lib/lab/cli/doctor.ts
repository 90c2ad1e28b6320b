import { type PresetName, PRESETS } from "../../core/config/mod.ts";
import { runDoctor } from "../doctor/mod.ts";
import { type FlagSpecs, parseFlags, usage, UsageError } from "./args.ts";
import { BACKEND_SPECS, startBackend } from "./train_flags.ts";

const SPECS: FlagSpecs = {
  ...BACKEND_SPECS,
  presets: {
    type: "string",
    help: `presets to time, comma-separated, or none (${Object.keys(PRESETS).join(", ")})`,
    default: "all",
  },
};

/** The `--presets` list: every preset for `all`, none for `none`; an unknown name is a usage error. */
function presetList(value: string, help: string): PresetName[] {
  if (value === "all") return Object.keys(PRESETS) as PresetName[];
  if (value === "none") return [];
  const names = value.split(",").map((s) => s.trim());
  const unknown = names.filter((n) => !Object.hasOwn(PRESETS, n));
  if (unknown.length) {
    throw new UsageError(
      `--presets: unknown ${unknown.join(", ")}; expected all, none or names from the list`,
      help,
    );
  }
  return names as PresetName[];
}

/**
 * `deno task doctor`: names the backend and adapter with its limits, checks the fast kernels and one training
 * step's gradients against references there, times each preset, and says whether the fast kernels are safe.
 * Exits 1 when they are not (the report says `--kernels stock` and why).
 */
export async function doctorCommand(args: string[]): Promise<number> {
  const help = usage(
    "doctor",
    "Checks davidnet's kernels on this machine's adapter and estimates each preset's training time here.",
    SPECS,
  );
  const flags = parseFlags(args, SPECS, help);
  const presets = presetList(flags.presets as string, help);
  const t0 = performance.now();
  const backend = await startBackend(flags, help);
  const report = await runDoctor({ backend, presets, log: (l) => console.log(l) });
  console.log(`doctor: done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return report.fastKernelsSafe ? 0 : 1;
}
