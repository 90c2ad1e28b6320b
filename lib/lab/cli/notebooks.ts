import { basename, join } from "node:path";
import {
  executeNotebook,
  installDenoKernel,
  listNotebooks,
  notebookToHtml,
  SCALES,
} from "../notebook/mod.ts";
import type { NotebookScale } from "../notebook/mod.ts";
import { type FlagSpecs, parseFlags, usage, UsageError } from "./args.ts";

const SPECS: FlagSpecs = {
  scale: { type: "string", help: "notebook scale (env DAVIDNET_SCALE)", choices: SCALES },
  out: { type: "string", help: "folder for the HTML copies", default: join("runs", "notebooks") },
  only: { type: "string", help: "run only notebooks whose name contains this (e.g. 03)" },
  inplace: {
    type: "bool",
    help: "rewrite each notebook with its new outputs (what is committed) instead of a copy in --out",
    default: false,
  },
  "cell-timeout": {
    type: "int",
    help: "seconds a cell may run before the notebook fails (a long grid at scale cpu may need more)",
    default: 3600,
    min: 1,
  },
};

/** `deno task notebooks`: executes every notebook on the Deno kernel and writes executed and HTML copies to runs/notebooks/. */
export async function notebooksCommand(args: string[]): Promise<void> {
  const help = usage("notebooks", "Runs the teaching notebooks and writes HTML copies.", SPECS);
  const flags = parseFlags(args, SPECS, help);
  const scale = (flags.scale ?? Deno.env.get("DAVIDNET_SCALE") ?? "ci") as NotebookScale;
  if (!SCALES.includes(scale)) {
    throw new UsageError(`DAVIDNET_SCALE=${scale}: use ${SCALES.join(", ")}`, help);
  }
  const all = await listNotebooks();
  const chosen = all.filter((p) => !flags.only || basename(p).includes(flags.only as string));
  if (chosen.length === 0) throw new UsageError(`no notebook matches --only ${flags.only}`, help);
  await installDenoKernel();
  for (const path of chosen) {
    const t = performance.now();
    const outDir = flags.out as string;
    const executed = await executeNotebook(path, {
      scale,
      outPath: flags.inplace ? undefined : join(outDir, basename(path)),
      cellTimeout: flags["cell-timeout"] as number,
    });
    const html = await notebookToHtml(executed, outDir);
    console.log(`${basename(path)}: ${((performance.now() - t) / 1000).toFixed(0)}s -> ${html}`);
  }
}
