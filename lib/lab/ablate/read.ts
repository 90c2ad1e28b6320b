import { formatSeconds } from "../report/mod.ts";
import { mean } from "../../core/stats/mod.ts";
import { type Ablation, type ArmRun, armsAgainstFirst } from "./run.ts";

/** A saved ablation (`deno task ablate`'s ablation.json, or one committed under bench/results/) with its setup. */
export interface SavedAblation {
  /** The ablation, its statistics recomputed from the saved runs. */
  ablation: Ablation;
  /** The preset the arms flip tricks of. */
  base: string;
  command: string;
  adapter: string;
  date: string;
  /** Test images each run was evaluated on. */
  testImages: number;
  /** Training images and epochs of the base config. */
  trainImages: number;
  epochs: number;
  /** The toggles asked for, and those of them without an arm (an ablation cut short). */
  toggles: string[];
  missing: string[];
  /** False when the ablation was cut short before its last arm. */
  complete: boolean;
}

const num = (v: unknown, what: string): number => {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`ablation file: ${what} is not a number`);
  return v;
};

function parseRun(r: Record<string, unknown>, arm: string): ArmRun {
  return {
    seed: num(r.seed, `${arm} seed`),
    testAcc: num(r.testAcc, `${arm} testAcc`),
    trainSeconds: num(r.trainSeconds, `${arm} trainSeconds`),
    timeTo94: r.timeTo94 === null || r.timeTo94 === undefined ? null : num(r.timeTo94, `${arm} timeTo94`),
  };
}

/**
 * Reads an ablation from the parsed JSON that `deno task ablate` writes: the arms' runs as saved, their statistics
 * (mean ± sample std, difference from the base ± its standard error) recomputed from the runs, and the setup.
 * Throws naming what is missing or malformed.
 */
export function parseAblation(json: unknown): SavedAblation {
  const d = json as Record<string, unknown>;
  if (!d || typeof d !== "object" || !Array.isArray(d.arms) || d.arms.length === 0) {
    throw new Error("ablation file: no arms");
  }
  const arms = armsAgainstFirst((d.arms as Record<string, unknown>[]).map((a) => {
    const name = String(a.name);
    if (!Array.isArray(a.runs) || a.runs.length === 0) {
      throw new Error(`ablation file: arm ${name} has no runs`);
    }
    const runs = (a.runs as Record<string, unknown>[]).map((r) => parseRun(r, name));
    return { name, toggle: a.toggle === null || a.toggle === undefined ? null : String(a.toggle), runs };
  }));
  const toggles = Array.isArray(d.toggles) ? (d.toggles as unknown[]).map(String) : [];
  const present = new Set(arms.map((a) => a.toggle));
  const cfg = (d.baseConfig ?? {}) as Record<string, unknown>;
  return {
    ablation: { runsPerArm: num(d.runsPerArm, "runsPerArm"), arms },
    base: String(d.base ?? ""),
    command: String(d.command ?? ""),
    adapter: String(d.adapter ?? ""),
    date: String(d.date ?? "").slice(0, 10),
    testImages: num(Number(d["test images"]), "test images"),
    trainImages: num(cfg.trainSubset, "baseConfig.trainSubset"),
    epochs: num(cfg.epochs, "baseConfig.epochs"),
    toggles,
    missing: toggles.filter((t) => !present.has(t)),
    complete: d.complete === true,
  };
}

/** Reads and parses the ablation JSON at `path` (see {@link parseAblation}). */
export async function readAblation(path: string): Promise<SavedAblation> {
  return parseAblation(JSON.parse(await Deno.readTextFile(path)));
}

/** The setup of a saved ablation as display rows: what ran, on what, and which toggles are missing. */
export function ablationSetupRows(s: SavedAblation): Array<{ setting: string; value: string }> {
  const armed = s.toggles.length - s.missing.length;
  const meanTrain = mean(s.ablation.arms.map((arm) => arm.trainSeconds.mean));
  return [
    { setting: "command", value: s.command },
    { setting: "base preset", value: s.base },
    { setting: "training", value: `${s.trainImages} images x ${s.epochs} epochs` },
    { setting: "test images", value: String(s.testImages) },
    { setting: "seeds per arm", value: String(s.ablation.runsPerArm) },
    { setting: "adapter", value: s.adapter },
    { setting: "date", value: s.date },
    {
      setting: "complete",
      value: s.complete
        ? "yes"
        : `no: ${armed} of ${s.toggles.length} toggles have an arm; missing ${s.missing.join(", ")}`,
    },
    { setting: "mean training time per run", value: formatSeconds(meanTrain) },
  ];
}
