/**
 * davidnet against PyTorch on the same CPU in the same sitting: the order of the timed runs (alternated, so that a
 * drift of the machine's speed falls on both frameworks) and the summary of their per-epoch seconds. The PyTorch
 * side is bench/comparators/airbench_pt.py, a port of airbench's recipes written for this purpose.
 */
import { compareSpreads, spread } from "./timing_story.ts";

/** The recipes that both frameworks train. */
export const COMPARED_RECIPES = ["airbench94", "airbench94_muon"] as const;
/** A recipe of {@link COMPARED_RECIPES}. */
export type ComparedRecipe = typeof COMPARED_RECIPES[number];

/** Who trains: davidnet (the native backend), or PyTorch with NCHW or channels-last tensors. */
export type Contender = "davidnet" | "pytorch-nchw" | "pytorch-channels-last";

/** One timed run of the plan. */
export interface PlannedRun {
  rep: number;
  recipe: ComparedRecipe;
  contender: Contender;
}

/** What one timed run measured: the seconds of each of its epochs (the clock of each framework's timing rule). */
export interface ComparedRun extends PlannedRun {
  epochSeconds: number[];
  /** The 1-minute load average when it ended. */
  load1: number;
}

const ORDER: readonly Contender[] = ["davidnet", "pytorch-nchw", "pytorch-channels-last"];

/**
 * The runs in the order they are timed: per repetition, per recipe, the three contenders, in reverse order on odd
 * repetitions (ABC, CBA, ...), so that each has its turn first and last.
 */
export function comparePlan(recipes: readonly ComparedRecipe[], reps: number): PlannedRun[] {
  const plan: PlannedRun[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const order = rep % 2 === 0 ? ORDER : [...ORDER].reverse();
    for (const recipe of recipes) for (const contender of order) plan.push({ rep, recipe, contender });
  }
  return plan;
}

/** The summary of one recipe: the median epoch of each contender, PyTorch's faster layout, and the ratio. */
export interface RecipeComparison {
  recipe: ComparedRecipe;
  /** Median seconds per epoch over every timed epoch of every repetition, by contender. */
  medianEpochSeconds: Record<Contender, number>;
  /** PyTorch's faster memory layout here (the one the comparison keeps). */
  pytorchKept: Exclude<Contender, "davidnet">;
  /** davidnet's median epoch / PyTorch's (kept layout): below 1, davidnet is faster. */
  ratio: number;
  /** Every epoch time of each contender, for the spread. */
  epochs: Record<Contender, number[]>;
}

/** Summarises the runs of each recipe ({@link RecipeComparison}); a recipe missing a contender is refused. */
export function summarizeComparison(runs: readonly ComparedRun[]): RecipeComparison[] {
  const recipes = COMPARED_RECIPES.filter((r) => runs.some((x) => x.recipe === r));
  return recipes.map((recipe) => {
    const epochs = Object.fromEntries(ORDER.map((c) => [
      c,
      runs.filter((x) => x.recipe === recipe && x.contender === c).flatMap((x) => x.epochSeconds),
    ])) as Record<Contender, number[]>;
    const missing = ORDER.filter((c) => epochs[c].length === 0);
    if (missing.length > 0) throw new Error(`${recipe}: no timed epoch of ${missing.join(", ")}`);
    const medianEpochSeconds = Object.fromEntries(ORDER.map((c) => [c, spread(epochs[c]).median])) as Record<
      Contender,
      number
    >;
    const pytorchKept = medianEpochSeconds["pytorch-channels-last"] <= medianEpochSeconds["pytorch-nchw"]
      ? "pytorch-channels-last"
      : "pytorch-nchw";
    return {
      recipe,
      medianEpochSeconds,
      pytorchKept,
      ratio: medianEpochSeconds.davidnet / medianEpochSeconds[pytorchKept],
      epochs,
    };
  });
}

/**
 * One line per recipe in words: the medians, the kept layout and which framework was faster, or that the two are
 * within the spread when their epoch-time ranges overlap, or no verdict when a side has one timed epoch.
 */
export function comparisonWords(c: RecipeComparison): string {
  const s = (x: number) => `${x.toFixed(1)} s`;
  const ours = spread(c.epochs.davidnet), theirs = spread(c.epochs[c.pytorchKept]);
  const { overlap } = compareSpreads(ours, theirs);
  const single = ours.n < 2 || theirs.n < 2;
  const verdict = single
    ? `ratio ${
      c.ratio.toFixed(2)
    } from one timed epoch on a side: no spread to judge it by (time more with --reps)`
    : overlap
    ? "within the spread of the epoch times (their ranges overlap)"
    : c.ratio < 1
    ? `davidnet faster (${c.ratio.toFixed(2)}x PyTorch's time)`
    : `PyTorch faster (davidnet takes ${c.ratio.toFixed(2)}x its time)`;
  return `${c.recipe}: median epoch davidnet ${s(c.medianEpochSeconds.davidnet)}, PyTorch NCHW ${
    s(c.medianEpochSeconds["pytorch-nchw"])
  }, channels-last ${s(c.medianEpochSeconds["pytorch-channels-last"])} (kept: ${
    c.pytorchKept.replace("pytorch-", "")
  }): ${verdict}`;
}
