import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { tempPathFor } from "../../core/io/atomic.ts";
import type { NotebookScale } from "./mod.ts";

/** The project's `notebooks/` folder. */
export const NOTEBOOK_DIR: string = fileURLToPath(new URL("../../../notebooks/", import.meta.url));

/** The teaching notebooks, in order (`notebooks/NN-name.ipynb`). */
export async function listNotebooks(dir = NOTEBOOK_DIR): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) if (/^\d\d-.*\.ipynb$/.test(e.name)) out.push(join(dir, e.name));
  return out.sort();
}

const INSTALL_HINT =
  "Fix: apt-get install jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel";

async function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  let out;
  try {
    out = await new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" }).output();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw new Error(`'${cmd}' is not installed. ${INSTALL_HINT}`);
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
  /** Where the executed notebook goes; omitted, the notebook is rewritten in place (temp file, then rename). */
  outPath?: string;
  /** Seconds a cell may run (default 3600: a `cpu`-scale notebook may take up to an hour, most of it in one cell). */
  cellTimeout?: number;
}

const EXECUTE_PY = fileURLToPath(new URL("./execute.py", import.meta.url));

/** The Python that runs `jupyter` (Debian's, with nbclient), read from the `jupyter` script's `#!` line. */
async function jupyterPython(): Promise<string> {
  const jupyter = (await run("sh", ["-c", "command -v jupyter || true"])).trim();
  if (!jupyter) throw new Error(`'jupyter' is not installed. ${INSTALL_HINT}`);
  const first = (await Deno.readTextFile(jupyter)).split("\n", 1)[0];
  return first.startsWith("#!") && !first.includes(" ") ? first.slice(2) : "python3";
}

/**
 * Executes a notebook top to bottom on the Deno kernel at `scale` (env DAVIDNET_SCALE) with `execute.py`, an
 * nbclient that keeps outputs the kernel sends after a cell's idle message (nbconvert drops them on a busy
 * machine). Throws with the client's output when a cell fails; the target is only replaced on success.
 * Returns the path written.
 */
export async function executeNotebook(path: string, options: ExecuteOptions): Promise<string> {
  const target = options.outPath ?? path;
  await Deno.mkdir(dirname(target), { recursive: true });
  const tmp = tempPathFor(target);
  try {
    await run(
      await jupyterPython(),
      [EXECUTE_PY, path, tmp, "--timeout", String(options.cellTimeout ?? 3600), "--kernel", "deno"],
      { DAVIDNET_SCALE: options.scale, NO_COLOR: "1" },
    );
    await Deno.rename(tmp, target);
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
  return target;
}

/** Converts an executed notebook to a self-contained HTML page in `outDir` (no execution); returns its path. */
export async function notebookToHtml(ipynb: string, outDir: string): Promise<string> {
  await Deno.mkdir(outDir, { recursive: true });
  const name = basename(ipynb, ".ipynb");
  await run("jupyter", ["nbconvert", "--to", "html", "--output-dir", outDir, "--output", name, ipynb]);
  return join(outDir, `${name}.html`);
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
