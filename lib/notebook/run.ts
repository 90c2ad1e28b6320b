import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { NotebookScale } from "./mod.ts";

/** The project's `notebooks/` folder. */
export const NOTEBOOK_DIR: string = fileURLToPath(new URL("../../notebooks/", import.meta.url));

/** The teaching notebooks, in order (`notebooks/NN-name.ipynb`). */
export async function listNotebooks(dir = NOTEBOOK_DIR): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) if (/^\d\d-.*\.ipynb$/.test(e.name)) out.push(join(dir, e.name));
  return out.sort();
}

async function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  let out;
  try {
    out = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" }).output();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new Error(
        `'${cmd}' is not installed. Fix: apt-get install jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel`,
      );
    }
    throw err;
  }
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed (exit ${out.code}):\n${text.trim().split("\n").slice(-30).join("\n")}`,
    );
  }
  return text;
}

/** Installs (or refreshes) the `deno` Jupyter kernelspec so that it runs this very Deno binary. */
export async function installDenoKernel(): Promise<void> {
  await run(Deno.execPath(), ["jupyter", "--install", "--force"]);
}

/** Options of {@link executeNotebook}. */
export interface ExecuteOptions {
  scale: NotebookScale;
  /** `notebook` writes an executed copy; `html` a self-contained HTML page. */
  to: "notebook" | "html";
  /** Folder for the result; omitted with `to: "notebook"`, the notebook is rewritten in place. */
  outDir?: string;
  /** Seconds a cell may run (default 1800). */
  cellTimeout?: number;
}

/**
 * Executes a notebook top to bottom on the Deno kernel with `jupyter nbconvert --execute` at `scale`
 * (env DAVIDNET_SCALE); throws with nbconvert's output when a cell fails. Returns the path written.
 */
export async function executeNotebook(path: string, options: ExecuteOptions): Promise<string> {
  const name = basename(path, ".ipynb");
  const args = [
    "nbconvert",
    "--to",
    options.to,
    "--execute",
    "--ExecutePreprocessor.kernel_name=deno",
    `--ExecutePreprocessor.timeout=${options.cellTimeout ?? 1800}`,
  ];
  let written: string;
  if (options.outDir) {
    await Deno.mkdir(options.outDir, { recursive: true });
    args.push("--output-dir", options.outDir, "--output", name);
    written = join(options.outDir, `${name}.${options.to === "html" ? "html" : "ipynb"}`);
  } else {
    args.push("--inplace");
    written = path;
  }
  args.push(path);
  await run("jupyter", args, { DAVIDNET_SCALE: options.scale, NO_COLOR: "1" });
  return written;
}

/** Code cells of a notebook file, in order. */
export async function codeCells(path: string): Promise<string[]> {
  const nb = JSON.parse(await Deno.readTextFile(path)) as {
    cells: { cell_type: string; source: string | string[] }[];
  };
  return nb.cells.filter((c) => c.cell_type === "code").map((
    c,
  ) => (Array.isArray(c.source) ? c.source.join("") : c.source));
}

/**
 * Type-checks the code cells of each notebook with `deno check`: the cells of a notebook are joined (they share
 * one scope in the kernel) into a temp module beside it, so its relative imports resolve the same way.
 */
export async function typeCheckNotebooks(paths: string[]): Promise<void> {
  const files: string[] = [];
  try {
    for (const p of paths) {
      const file = join(dirname(p), `_typecheck_${basename(p, ".ipynb")}.ts`);
      await Deno.writeTextFile(file, (await codeCells(p)).join("\n\n") + "\n");
      files.push(file);
    }
    await run(Deno.execPath(), ["check", ...files]);
  } finally {
    for (const f of files) await Deno.remove(f);
  }
}
