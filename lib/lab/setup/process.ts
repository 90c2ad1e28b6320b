/** How {@link run} runs a command. */
export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** What the user can do when the command fails; part of the error. */
  fix: string;
}

/**
 * Runs one step of the setup: `cmd args` with its output captured. On failure (or when `cmd` is missing) it throws
 * an error that names the step, the command, the last lines of its output and the fix; returns stdout otherwise.
 */
export async function run(step: string, cmd: string, args: string[], options: RunOptions): Promise<string> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(cmd, {
      args,
      cwd: options.cwd,
      env: options.env,
      stdout: "piped",
      stderr: "piped",
    })
      .output();
  } catch (err) {
    throw new Error(
      `setup: could not ${step}: ${cmd} did not start (${(err as Error).message}). Fix: ${options.fix}`,
    );
  }
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  if (!out.success) {
    const tail = (text(out.stdout) + text(out.stderr)).trim().split("\n").slice(-15).join("\n  ");
    throw new Error(
      `setup: could not ${step}: ${cmd} ${
        args.slice(0, 3).join(" ")
      }... exited ${out.code}:\n  ${tail}\nFix: ${options.fix}`,
    );
  }
  return text(out.stdout);
}
