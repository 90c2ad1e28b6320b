import assert from "node:assert/strict";
import { basename } from "node:path";
import {
  executeNotebook,
  installDenoKernel,
  listNotebooks,
  typeCheckNotebooks,
} from "../lib/notebook/mod.ts";
import { cifar10, runCli, tempDir } from "./helpers.ts";

const notebooks = await listNotebooks();

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}

Deno.test("there are the eight teaching notebooks, each with a code cell", () => {
  assert.deepEqual(notebooks.map((p) => basename(p)), [
    "01-data.ipynb",
    "02-shards.ipynb",
    "03-augmentation.ipynb",
    "04-davidnet.ipynb",
    "05-lr-schedules.ipynb",
    "06-batch-norm.ipynb",
    "07-training.ipynb",
    "08-bag-of-tricks.ipynb",
  ]);
});

Deno.test("every notebook's code cells type-check", async () => {
  await typeCheckNotebooks(notebooks);
});

Deno.test("every notebook runs end to end at scale ci, with no error cell and at least one plot or image", async (t) => {
  await cifar10(); // the data cache, so no notebook downloads
  await installDenoKernel();
  await using tmp = await tempDir();
  for (const path of notebooks) {
    await t.step(basename(path), async () => {
      const out = await executeNotebook(path, {
        scale: "ci",
        to: "notebook",
        outDir: tmp.path,
        cellTimeout: 600,
      });
      const nb = JSON.parse(await Deno.readTextFile(out)) as { cells: { outputs?: Output[] }[] };
      const outputs = nb.cells.flatMap((c) => c.outputs ?? []);
      const errors = outputs.filter((o) => o.output_type === "error");
      assert.deepEqual(errors.map((e) => `${e.ename}: ${e.evalue}`), []);
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

Deno.test("deno task notebooks writes a self-contained HTML copy (SVG figures, PNG images inline)", async () => {
  await cifar10();
  await using tmp = await tempDir();
  const res = await runCli(["notebooks", "--only", "01", "--out", tmp.path]);
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /01-data\.ipynb: \d+s -> /);
  const html = await Deno.readTextFile(`${tmp.path}/01-data.html`);
  assert.match(html, /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(html, /data:image\/png;base64,/);
  assert.match(html, /5000/);
  const none = await runCli(["notebooks", "--only", "99"]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no notebook matches --only 99/);
});
