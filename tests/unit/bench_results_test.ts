import assert from "node:assert/strict";
import { benchResults, fullScaleEvidence } from "../../lib/lab/bench/mod.ts";
import { tempDir } from "../helpers.ts";

Deno.test("the notebooks' full-scale statement names GPU results, or says that none exists", async () => {
  await using tmp = await tempDir();
  const write = (name: string, v: unknown) => Deno.writeTextFile(`${tmp.path}/${name}`, JSON.stringify(v));
  await write("a-smoke.json", {
    date: "2026-11-25T10:00:00Z",
    command: "deno task bench --only train --preset smoke",
    backend: { adapter: "llvmpipe (LLVM 15.0.6, 256 bits)", isFallbackAdapter: true },
  });
  await write("b-data.json", { date: "2026-11-25", command: "deno task bench --only data" });
  const before = await fullScaleEvidence(/train/, tmp.path);
  assert.match(before, /no GPU run in bench\/results\/ yet \(its 2 results ran on llvmpipe .*, CPU only\)/);
  assert.match(before, /Page's, quoted from his posts/);

  await write("c-davidnet24.json", {
    date: "2026-12-01T08:00:00Z",
    command: "deno task bench --only train --preset davidnet24",
    backend: { adapter: "NVIDIA H100 80GB HBM3", isFallbackAdapter: false },
  });
  const infos = await benchResults(tmp.path);
  assert.deepEqual(infos.map((r) => [r.file, r.gpu, r.date]), [
    ["a-smoke.json", false, "2026-11-25"],
    ["b-data.json", false, "2026-11-25"],
    ["c-davidnet24.json", true, "2026-12-01"],
  ]);
  assert.equal(
    await fullScaleEvidence(/train/, tmp.path),
    "full scale: c-davidnet24.json (`deno task bench --only train --preset davidnet24`, NVIDIA H100 80GB HBM3, 2026-12-01)",
  );
  assert.match(await fullScaleEvidence(/ablate/, tmp.path), /no GPU run/);
});
