/**
 * The davidnet command line: `deno run -A --unstable-webgpu lib/lab/cli/main.ts COMMAND [flags]`, usually through
 * the tasks in deno.json (`deno task data|train|eval|bench|notebooks|ablate|serve`).
 */
import { UsageError } from "./args.ts";
import { COMMANDS } from "./commands.ts";

/** One line on each command, for `main.ts --help`; a test checks that every command has one. */
export const COMMAND_SUMMARIES: Record<string, string> = {
  setup: "install the native backend (tfjs-node on TensorFlow's C library) for machines without a GPU",
  data: "resolve and verify CIFAR-10, write it as TFRecord shards",
  train: "train DavidNet, report test accuracy and time to 94%",
  eval: "measure a saved model on the 10000 test images",
  bench: "measure the data pipeline, training and the kernels into bench/results/",
  notebooks: "run the teaching notebooks and write their HTML copies",
  ablate: "train a preset and the preset with each trick flipped, N seeds each",
  serve: "serve a page that trains DavidNet on the browser's WebGPU (127.0.0.1)",
  doctor: "check the kernels on this adapter against references, estimate each preset's time here",
};

/** The top-level usage: every command with its line. */
export function mainUsage(): string {
  const lines = Object.keys(COMMANDS).map((name) => `  ${name.padEnd(11)}${COMMAND_SUMMARIES[name] ?? ""}`);
  return [
    "usage: deno task COMMAND [flags]  (or deno run -A --unstable-webgpu lib/lab/cli/main.ts COMMAND [flags])",
    "",
    "commands:",
    ...lines,
    "",
    "deno task COMMAND --help lists the command's flags.",
  ].join("\n");
}

/**
 * Runs one command; returns the process exit status: 0 for `--help`, `-h` or `help` (the commands printed;
 * `help COMMAND` prints the command's flags), 2 for a bad command line, 1 for a failure (its message printed;
 * set DAVIDNET_DEBUG=1 for the stack).
 */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "help" && Object.hasOwn(COMMANDS, rest[0] ?? "")) return main([rest[0], "--help"]);
  if (name === "--help" || name === "-h" || name === "help") {
    console.log(mainUsage());
    return 0;
  }
  const command = name && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(`error: ${name ? `unknown command '${name}'` : "no command given"}\n\n${mainUsage()}`);
    return 2;
  }
  try {
    return (await command(rest)) ?? 0;
  } catch (err) {
    if (err instanceof UsageError) {
      if (err.message) console.error(`error: ${err.message}\n`);
      console.error(err.usage);
      return err.message ? 2 : 0;
    }
    console.error(`error: ${(err as Error).message}`);
    if (Deno.env.get("DAVIDNET_DEBUG")) console.error((err as Error).stack);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
