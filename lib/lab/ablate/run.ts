import { validateConfig } from "../../core/config/mod.ts";
import { type DeviceData, type TrainOptions, type TrainResult, trainSeeds } from "../../core/train/mod.ts";
import type { Variant } from "./plan.ts";
import { type MeanStd, meanStd, type WelchTest, welchTest } from "../../core/stats/mod.ts";

/** One training run of an arm. */
export interface ArmRun {
  seed: number;
  testAcc: number;
  trainSeconds: number;
  timeTo94: number | null;
}

/** An arm's runs and their statistics. */
export interface ArmResult {
  name: string;
  toggle: string | null;
  runs: ArmRun[];
  accuracy: MeanStd;
  trainSeconds: MeanStd;
  /** Time to 94% over the runs that reached it, or null when none did. */
  timeTo94: MeanStd | null;
  /** Runs that reached 94%. */
  reached: number;
  /** Welch's test of the accuracy difference from the base arm (null for the base, or with one seed). */
  vsBase: WelchTest | null;
}

/** The outcome of {@link runAblation} (or its arms so far). */
export interface Ablation {
  runsPerArm: number;
  arms: ArmResult[];
  /**
   * How many tests the Bonferroni level counts, when the experiment makes more than its arms' comparisons with the
   * base (a notebook that also tests two arms against each other); the arms but the base when absent.
   */
  family?: number;
}

/** The arms of `a` named in `names`, in that order; throws naming one that is missing. */
export function armsNamed(a: Ablation, names: readonly string[]): ArmResult[] {
  return names.map((n) => {
    const arm = a.arms.find((x) => x.name === n);
    if (!arm) throw new Error(`no arm named ${n} (arms: ${a.arms.map((x) => x.name).join(", ")})`);
    return arm;
  });
}

/** The number of tests an ablation's verdicts share one Bonferroni level over (at least 1). */
export function comparisonsIn(a: Ablation): number {
  return a.family ?? Math.max(1, a.arms.length - 1);
}

/** Hooks of {@link runAblation}. */
export interface AblationOptions {
  runs: number;
  seed: number;
  /** Called after every training run, with the run's whole result (losses, metrics) for callers that plot it. */
  onRun?: (arm: string, run: ArmRun, result: TrainResult) => void;
  /** Called after every arm with the arms so far (to save partial results of a long ablation). */
  onArm?: (soFar: Ablation) => Promise<void>;
  train?: TrainOptions;
}

/**
 * An arm's statistics from its runs: mean ± std accuracy and training time, time to 94% over the runs that
 * reached it, and the difference from `base` (none for the base arm itself).
 */
export function armResult(name: string, toggle: string | null, runs: ArmRun[], base?: ArmResult): ArmResult {
  const reached = runs.map((r) => r.timeTo94).filter((t): t is number => t !== null);
  const accuracy = meanStd(runs.map((r) => r.testAcc));
  return {
    name,
    toggle,
    runs,
    accuracy,
    trainSeconds: meanStd(runs.map((r) => r.trainSeconds)),
    timeTo94: reached.length ? meanStd(reached) : null,
    reached: reached.length,
    vsBase: base && base.accuracy.n > 1 && accuracy.n > 1 ? welchTest(base.accuracy, accuracy) : null,
  };
}

/**
 * Trains every variant `runs` times with seeds seed, seed+1, ... (the same seeds for every arm) and compares
 * each arm's mean test accuracy with the base's. Every config is validated before the first run.
 */
export async function runAblation(
  variants: readonly Variant[],
  data: DeviceData,
  options: AblationOptions,
): Promise<Ablation> {
  for (const v of variants) validateConfig(v.config);
  const arms: ArmResult[] = [];
  for (const v of variants) {
    const runs: ArmRun[] = [];
    await trainSeeds({ ...v.config, seed: options.seed }, data, options.runs, {
      trainOptions: () => options.train ?? {},
      stopAfter: (run) => {
        if (run.status !== "completed") {
          throw new Error(`${v.name}, seed ${run.seed}: training ${run.status}; the ablation stops`);
        }
        return false;
      },
      onRun: ({ run, result }) => {
        const armRun = {
          seed: run.seed,
          testAcc: run.finalTestAcc!,
          trainSeconds: run.trainSeconds,
          timeTo94: run.timeTo94,
        };
        runs.push(armRun);
        options.onRun?.(v.name, armRun, result);
      },
    });
    arms.push(armResult(v.name, v.toggle, runs, arms[0]));
    await options.onArm?.({ runsPerArm: options.runs, arms });
  }
  return { runsPerArm: options.runs, arms };
}

/**
 * Joins ablations run in parts (one notebook cell each, say) into the one {@link runAblation} would have returned
 * for all their arms in order: each arm's difference from the base is taken again against the first arm of the
 * first part. Throws when the parts ran different numbers of seeds or repeat an arm's name.
 */
export function joinAblations(parts: readonly Ablation[]): Ablation {
  if (parts.length === 0) throw new Error("joinAblations: no parts to join");
  const runsPerArm = parts[0].runsPerArm;
  const odd = parts.find((p) => p.runsPerArm !== runsPerArm);
  if (odd) {
    throw new Error(
      `joinAblations: parts ran ${runsPerArm} and ${odd.runsPerArm} seeds per arm; run them alike`,
    );
  }
  const all = parts.flatMap((p) => p.arms);
  const repeated = all.find((a, i) => all.findIndex((b) => b.name === a.name) !== i);
  if (repeated) throw new Error(`joinAblations: arm "${repeated.name}" is in more than one part`);
  return { runsPerArm, arms: armsAgainstFirst(all) };
}

/** Each arm's statistics from its runs, its difference from the base taken against the first arm. */
export function armsAgainstFirst(list: readonly Pick<ArmResult, "name" | "toggle" | "runs">[]): ArmResult[] {
  const arms: ArmResult[] = [];
  for (const a of list) arms.push(armResult(a.name, a.toggle, a.runs, arms[0]));
  return arms;
}
