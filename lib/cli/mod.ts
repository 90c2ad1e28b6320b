/** The command line: `runCommand(["train", "--preset", "smoke"])` runs exactly what `deno task train ...` runs. */
export { main as runCommand } from "./main.ts";
export { UsageError } from "./args.ts";
