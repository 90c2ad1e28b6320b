/**
 * The davidnet command line: `deno run -A --unstable-webgpu lib/cli/main.ts COMMAND [flags]`, usually through
 * the tasks in deno.json (`deno task data|train|eval|bench`).
 */
import { UsageError } from "./args.ts";
import { COMMANDS } from "./commands.ts";

/**
 * Runs one command; returns the process exit status: 2 for a bad command line, 1 for a failure (its message
 * printed; set DAVIDNET_DEBUG=1 for the stack).
 */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    const known = Object.keys(COMMANDS).join(", ");
    console.error(`${name ? `unknown command '${name}'` : "no command given"}; commands: ${known}`);
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
