/**
 * Statistics of repeated runs, in one place: the median, mean and sample standard deviation (n - 1, everywhere), and Welch's
 * t-test with its p-value, interval and worded verdict, and the seeds a comparison needs (power).
 * Row 0 of lib/'s layout (README, Layout): imports no other folder of lib/.
 */
export { mean, type MeanStd, meanStd, median } from "./summary.ts";
export { ALPHA, welchInterval, type WelchTest, welchTest, welchVerdict } from "./welch.ts";
export { MAX_SEEDS, seedsToResolve } from "./power.ts";
