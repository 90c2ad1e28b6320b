import assert from "node:assert/strict";
import { atScale, listNotebooks, notebookScale, provenance, SCALES } from "../../lib/lab/notebook/mod.ts";

Deno.test("notebook scales: ci, cpu and gpu, read from DAVIDNET_SCALE; anything else names the choices", () => {
  const before = Deno.env.get("DAVIDNET_SCALE");
  try {
    assert.deepEqual([...SCALES], ["ci", "cpu", "gpu"]);
    for (const scale of SCALES) {
      Deno.env.set("DAVIDNET_SCALE", scale);
      assert.equal(notebookScale(), scale);
      assert.equal(atScale({ ci: 1, cpu: 2, gpu: 3 }), { ci: 1, cpu: 2, gpu: 3 }[scale]);
    }
    Deno.env.set("DAVIDNET_SCALE", "laptop");
    assert.throws(() => notebookScale(), /DAVIDNET_SCALE=laptop: use ci, cpu, gpu/);
  } finally {
    if (before === undefined) Deno.env.delete("DAVIDNET_SCALE");
    else Deno.env.set("DAVIDNET_SCALE", before);
  }
});

Deno.test("a notebook's provenance line names its scale, this machine's cores and the date", async () => {
  const line = await provenance("cpu", new Date("2026-03-04T23:59:00Z"));
  assert.match(line, /^scale: cpu · machine: .+, (\d+) cores, \d+ GiB · date: 2026-03-04$/);
  assert.equal(Number(/, (\d+) cores/.exec(line)![1]), navigator.hardwareConcurrency);
});

Deno.test("every committed notebook prints where its outputs come from, and its intro names that scale", async () => {
  for (const path of await listNotebooks()) {
    const cells = JSON.parse(await Deno.readTextFile(path)).cells as {
      cell_type: string;
      source: string[];
      outputs?: { text?: string[] }[];
    }[];
    const printed = cells.flatMap((c) => c.outputs ?? []).map((o) => (o.text ?? []).join("")).join("\n");
    const line = /scale: (\w+) · machine: .+, \d+ cores, \d+ GiB · date: \d{4}-\d\d-\d\d/.exec(printed);
    assert.ok(
      line,
      `${path}: no provenance line in the committed outputs (run deno task notebooks --inplace)`,
    );
    const intro = cells.filter((c) => c.cell_type === "markdown").map((c) => c.source.join("")).join("\n");
    const stated = /Committed outputs were produced at scale \*\*(\w+)\*\*/.exec(intro);
    assert.ok(stated, `${path}: the intro does not say which scale produced the outputs`);
    assert.equal(
      stated[1],
      line[1],
      `${path}: the intro says ${stated[1]}, the outputs were produced at ${line[1]}`,
    );
  }
});
