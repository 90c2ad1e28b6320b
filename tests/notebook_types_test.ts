/**
 * Every notebook's code type-checks: Deno's Jupyter kernel runs cells without checking their types, so a cell can
 * run at scale `ci` and still misuse the library's types. The test joins each notebook's code cells into one module
 * (imports pointed at lib/ by absolute URL) and runs `deno check` over all of them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { joinText, listNotebooks, type NotebookCell } from "../lib/lab/notebook/mod.ts";
import { tempDir } from "./helpers.ts";

const LIB = new URL("../lib/", import.meta.url).href;

/** The code cells of a notebook as one module, its `../lib/` imports made absolute. */
function notebookModule(cells: readonly NotebookCell[]): string {
  const code = cells.filter((c) => c.cell_type === "code").map((c) => joinText(c.source)).join("\n");
  return `${code.replaceAll(`"../lib/`, `"${LIB}`)}\nexport {};\n`;
}

Deno.test("every notebook's code cells type-check as one module", async () => {
  await using tmp = await tempDir();
  const files: string[] = [];
  for (const path of await listNotebooks()) {
    const cells = JSON.parse(await Deno.readTextFile(path)).cells as NotebookCell[];
    const file = join(tmp.path, `${path.split("/").at(-1)!.replace(/\.ipynb$/, "")}.ts`);
    await Deno.writeTextFile(file, notebookModule(cells));
    files.push(file);
  }
  assert.ok(files.length >= 16, `found ${files.length} notebooks`);
  const config = new URL("../deno.json", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), { args: ["check", "--config", config, ...files] })
    .output();
  const text = new TextDecoder().decode(out.stderr).replaceAll(tmp.path, "notebooks");
  assert.ok(out.success, text);
});

Deno.test("the notebook type check fails on a cell that misuses a type", async () => {
  await using tmp = await tempDir();
  const file = join(tmp.path, "bad.ts");
  await Deno.writeTextFile(
    file,
    notebookModule([
      { cell_type: "code", source: 'import * as dn from "../lib/core/mod.ts";\n' },
      { cell_type: "markdown", source: "not code" },
      {
        cell_type: "code",
        source: "const v = new Map([[1, dn.tf.variable(dn.tf.zeros([1]))]]);\nv.set(2, dn.tf.zeros([1]));\n",
      },
    ]),
  );
  const config = new URL("../deno.json", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), { args: ["check", "--config", config, file] }).output();
  assert.equal(out.success, false);
  assert.match(new TextDecoder().decode(out.stderr), /not assignable to parameter of type 'Variable/);
});
