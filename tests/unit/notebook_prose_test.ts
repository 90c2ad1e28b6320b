/** Notebooks' markdown holds no measured number of ours: those are printed by code (lib/lab/notebook/prose.ts). */
import assert from "node:assert/strict";
import { joinText, listNotebooks, type NotebookCell, unquotedNumbers } from "../../lib/lab/notebook/mod.ts";

Deno.test("no notebook's markdown states a percentage, points, p-value or ratio that is not a marked quotation", async () => {
  const found: string[] = [];
  for (const path of await listNotebooks()) {
    const cells = JSON.parse(await Deno.readTextFile(path)).cells as NotebookCell[];
    cells.forEach((c, i) => {
      if (c.cell_type !== "markdown") return;
      for (const f of unquotedNumbers(joinText(c.source))) {
        found.push(`${path.split("/").pop()} cell ${i}: ${f.number} in "${f.sentence.slice(0, 120)}"`);
      }
    });
  }
  assert.deepEqual(found, []);
});

Deno.test("the markdown rule: our numbers are caught, marked quotations, the target and definitions pass", () => {
  const caught = (md: string) => unquotedNumbers(md).map((f) => f.number);
  assert.deepEqual(caught("The base reaches 73.38 ± 0.54% here."), ["0.54%"]);
  assert.deepEqual(caught("It ends 2.2 points below (p = 0.062), 6.3x slower."), [
    "2.2 points",
    "p = 0.062",
    "6.3x",
  ]);
  assert.deepEqual(caught("Page (part 4): 93.7% in 20 epochs. We got 91.0% here."), ["91.0%"]);
  assert.deepEqual(caught("**Page.** 94.2% at 25 epochs.\nOurs: 90.1%."), ["90.1%"]);
  assert.deepEqual(caught("> 94.01% in 3.83 s, airbench's README"), []);
  assert.deepEqual(caught("airbench: 94.01%, mean of 1000 runs."), []);
  assert.deepEqual(caught("Train to 94% test accuracy, with a 95% interval."), []);
  assert.deepEqual(caught("The flag `--cutout 8` writes `runs/50%.json` ([see](https://x.org/10%))."), []);
  assert.deepEqual(caught("Three numbers (1.0 × 128 / 512) in a sentence."), ["1.0 ×"]);
});
