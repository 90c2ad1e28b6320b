import assert from "node:assert/strict";
import { basename } from "node:path";
import {
  executeNotebook,
  installDenoKernel,
  joinText,
  listNotebooks,
  type NotebookCell,
  notebookOutputProblems,
  typeCheckNotebooks,
} from "../lib/lab/notebook/mod.ts";
import { indexedNotebooks, PAGE_INDEX } from "../lib/lab/notebook/teach.ts";
import { cifar10, runCli, tempDir } from "./helpers.ts";

const notebooks = await listNotebooks();

const readCells = async (path: string): Promise<NotebookCell[]> =>
  (JSON.parse(await Deno.readTextFile(path)) as { cells: NotebookCell[] }).cells;

Deno.test("there are the teaching notebooks, in order", () => {
  assert.deepEqual(notebooks.map((p) => basename(p)), [
    "00-index.ipynb",
    "01-data.ipynb",
    "02-shards.ipynb",
    "03-augmentation.ipynb",
    "04-davidnet.ipynb",
    "05-lr-schedules.ipynb",
    "06-batch-norm.ipynb",
    "07-training.ipynb",
    "08-bag-of-tricks.ipynb",
    "09-architecture-search.ipynb",
    "10-hyperparameters.ipynb",
    "11-where-the-time-goes.ipynb",
    "12-after-page.ipynb",
    "13-batch-size.ipynb",
    "14-regularisation.ipynb",
    "15-momentum.ipynb",
  ]);
});

Deno.test("the index (notebook 00) names every teaching notebook, and only notebooks that exist", () => {
  const names = notebooks.map((p) => basename(p)).filter((n) => n !== "00-index.ipynb");
  assert.deepEqual([...indexedNotebooks()].sort(), names);
  assert.deepEqual(PAGE_INDEX.map((e) => e.post), [
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `part ${i}`),
    "after Page",
  ]);
});

Deno.test("the committed notebooks carry their outputs: nothing empty, a PNG beside every figure, no ANSI codes", async () => {
  for (const path of notebooks) {
    assert.deepEqual(notebookOutputProblems(await readCells(path)), [], basename(path));
  }
});

Deno.test("the output checks catch what they are for", () => {
  const cell = (source: string, outputs: NotebookCell["outputs"]): NotebookCell => ({
    cell_type: "code",
    source,
    outputs,
  });
  const figure = { "application/vnd.plotly.v1+json": { data: [] }, "text/plain": "[plot] x" };
  assert.deepEqual(
    notebookOutputProblems([
      cell('console.log("a");', []),
      cell("await Deno.jupyter.display(x);", [{ output_type: "stream", name: "stdout", text: "" }]),
      cell("await Deno.jupyter.display(f);", [{ output_type: "display_data", data: figure }]),
      cell("model", [{ output_type: "execute_result", data: { "text/plain": "\x1b[33m1\x1b[39m" } }]),
      cell("x", [{ output_type: "display_data", data: { "text/html": "" } }]),
      cell("f", [{
        output_type: "display_data",
        data: { ...figure, "image/png": "iVBO", "text/html": "<svg/>" },
      }]),
    ]),
    [
      "cell 0: console.log printed nothing",
      "cell 1: Deno.jupyter.display showed nothing",
      "cell 1: empty stdout output",
      "cell 2: a figure without its image/png rendering",
      "cell 3: ANSI escape codes in the output",
      "cell 4: empty display_data",
      "cell 5: a figure with an SVG or HTML rendering (sanitised to text where untrusted)",
    ],
  );
});

Deno.test("every output stays in its own cell, also those Deno sends after the idle message or stamps with the next request (3 runs of a 40-cell notebook)", async () => {
  // 200 lines a cell keep Deno's stdout channel busy past the cell's idle message: nbclient's own loop, and this
  // client before its fence, lost or misplaced some of them in every run (12 of 120 cells over three runs in one check).
  const lines = 200;
  await installDenoKernel();
  await using tmp = await tempDir();
  const cells = Array.from({ length: 40 }, (_, i) => ({
    cell_type: "code",
    metadata: {},
    execution_count: null,
    outputs: [],
    source: i % 2
      ? `await Deno.jupyter.display({ [Symbol.for("Jupyter.display")]: () => ({ "text/plain": "shown ${i}" }) });`
      : `for (let k = 0; k < ${lines}; k++) console.log(\`line \${k} of ${i}\`);`,
  }));
  const path = `${tmp.path}/race.ipynb`;
  await Deno.writeTextFile(
    path,
    JSON.stringify({ cells, metadata: { kernelspec: { name: "deno" } }, nbformat: 4, nbformat_minor: 4 }),
  );
  for (let run = 0; run < 3; run++) {
    const out = await executeNotebook(path, { scale: "ci", outPath: `${tmp.path}/out-${run}.ipynb` });
    const got = await readCells(out);
    assert.deepEqual(notebookOutputProblems(got), [], `run ${run}`);
    got.forEach((c, i) => {
      const where = `run ${run} cell ${i}`;
      assert.equal(c.execution_count, i + 1, `${where}: execution count`);
      if (i % 2) {
        assert.deepEqual(c.outputs?.map((o) => joinText(o.data?.["text/plain"] as string | string[])), [
          `shown ${i}`,
        ], where);
        return;
      }
      const outputs = c.outputs ?? [];
      assert.ok(outputs.every((o) => o.output_type === "stream" && o.name === "stdout"), where);
      const expected = Array.from({ length: lines }, (_, k) => `line ${k} of ${i}\n`).join("");
      assert.equal(outputs.map((o) => joinText(o.text)).join(""), expected, where);
    });
  }
});

Deno.test("every notebook's code cells type-check", async () => {
  await typeCheckNotebooks(notebooks);
});

Deno.test("every notebook runs end to end at scale ci: no error cell, no empty output, a PNG beside every figure", async (t) => {
  await cifar10(); // the data cache, so no notebook downloads
  await installDenoKernel();
  await using tmp = await tempDir();
  for (const path of notebooks) {
    await t.step(basename(path), async () => {
      const out = await executeNotebook(path, {
        scale: "ci",
        outPath: `${tmp.path}/${basename(path)}`,
        cellTimeout: 600,
      });
      const cells = await readCells(out);
      assert.deepEqual(notebookOutputProblems(cells), []);
      const outputs = cells.flatMap((c) => c.outputs ?? []);
      const visuals = outputs.filter((o) =>
        o.data?.["image/png"] || o.data?.["application/vnd.plotly.v1+json"]
      );
      assert.ok(visuals.length > 0, `${basename(path)} produced no plot or image`);
      assert.ok(
        outputs.some((o) => JSON.stringify(o).includes("scale: ci")),
        "the first cell prints the scale",
      );
    });
  }
});

Deno.test("deno task notebooks writes an executed copy and a self-contained HTML page (figures and images as PNG)", async () => {
  await cifar10();
  await using tmp = await tempDir();
  const res = await runCli(["notebooks", "--only", "01", "--out", tmp.path]);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /01-data\.ipynb: \d+s -> /);
  const html = await Deno.readTextFile(`${tmp.path}/01-data.html`);
  assert.deepEqual(notebookOutputProblems(await readCells(`${tmp.path}/01-data.ipynb`)), []);
  const pngs = html.match(/<img [^>]*src="data:image\/png;base64,/g) ?? [];
  assert.equal(pngs.length, 2, "the class-count figure and the image grid, as PNG");
  assert.doesNotMatch(html, /<svg width="640"/, "no figure SVG (nbconvert's sanitiser strips it to text)");
  assert.match(html, /data:image\/png;base64,/);
  assert.match(html, /5000/);
  const none = await runCli(["notebooks", "--only", "99"]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no notebook matches --only 99/);
});
