/**
 * The command line: `runCommand(["train", "--preset", "smoke"])` runs exactly what `deno task train ...` runs.
 * Row 9 of lib/'s layout (README, Layout): imports ablate, augment, backend, bench, config, data, doctor, io, kernels, model, notebook, params, report, run, setup, shards, slurm, stats, train, web.
 */
export { main as runCommand } from "./main.ts";
export { UsageError } from "./args.ts";
