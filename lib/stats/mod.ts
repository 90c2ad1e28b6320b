/**
 * Statistics of repeated runs, in one place: mean and sample standard deviation (n - 1, everywhere), and Welch's
 * t-test with its p-value, interval and worded verdict. Imports nothing of the project.
 */
export { type MeanStd, meanStd } from "./summary.ts";
export { ALPHA, type WelchTest, welchTest, welchVerdict } from "./welch.ts";
