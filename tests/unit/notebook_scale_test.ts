import assert from "node:assert/strict";
import { atScale, notebookScale, provenance, SCALES } from "../../lib/notebook/mod.ts";

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
