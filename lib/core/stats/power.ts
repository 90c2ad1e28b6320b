import tQuantile from "@stdlib/stats-base-dists-t-quantile";

/** The most seeds per arm {@link seedsToResolve} looks at; beyond it the answer is "more than this". */
export const MAX_SEEDS = 10_000;

/**
 * Seeds per arm that a two-sided comparison at `level` needs to find a true difference of `diff` with probability
 * `power`, when runs of each arm spread with sample std `std`: the smallest n with
 * n >= 2 ((t(1 - level/2, 2n - 2) + z(power)) std / diff)^2, the usual normal approximation of the t-test's power
 * with Student's t for the level (17 for diff = std, level 0.05, power 0.8, as the tables give). Returns
 * `Infinity` past {@link MAX_SEEDS}; throws on a non-positive difference or a negative std.
 */
export function seedsToResolve(diff: number, std: number, level = 0.05, power = 0.8): number {
  if (!(Math.abs(diff) > 0) || !(std >= 0)) {
    throw new Error(`seedsToResolve: need a difference other than 0 and a std >= 0, got ${diff} and ${std}`);
  }
  if (std === 0) return 2;
  const zPower = tQuantile(power, 1e9), ratio = std / Math.abs(diff);
  for (let n = 2; n <= MAX_SEEDS; n++) {
    if (n >= 2 * ((tQuantile(1 - level / 2, 2 * n - 2) + zPower) * ratio) ** 2) return n;
  }
  return Infinity;
}
