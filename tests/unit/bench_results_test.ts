import assert from "node:assert/strict";
import {
  benchResults,
  fullScaleEvidence,
  latestRecordedRuns,
  recordedRunsFigure,
  recordedRunsLine,
  recordedRunsRows,
} from "../../lib/lab/bench/mod.ts";
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

Deno.test("recorded runs as a notebook shows them: a row per seed, one line, every seed's accuracy per epoch or minute", async () => {
  await using tmp = await tempDir();
  const file = "2026-12-01-runs-airbench94-tensorflow-tfjs-node-4-22-0-on-tensorflow-2-21-0-cpu-2-cores.json";
  await Deno.copyFile(`bench/results/${file}`, `${tmp.path}/${file}`);
  assert.equal(await latestRecordedRuns("davidnet24", tmp.path), null);
  const saved = (await latestRecordedRuns("airbench94", tmp.path))!;
  const rows = recordedRunsRows(saved);
  assert.deepEqual(rows.map((r) => [r.seed, r["test accuracy (TTA)"]]), [[0, "94.29%"], [1, "94.13%"], [
    2,
    "94.00%",
  ]]);
  assert.equal(rows[1]["time to 94%"], "29m21s");
  assert.match(
    recordedRunsLine(saved),
    /^airbench94, 3 seeds: 94\.14% \+- 0\.15 \(sample std\); 3 of 3 reached 94% \(mean time to 94% .*\); 2026-12-01-runs-airbench94-/,
  );
  const byMinute = recordedRunsFigure([saved], "t", "minutes").data as Array<{ name: string; x: number[] }>;
  assert.deepEqual(byMinute.map((s) => s.name), [
    "airbench94, seed 0",
    "airbench94, seed 1",
    "airbench94, seed 2",
    "94% target",
  ]);
  assert.equal(byMinute[1].x.at(-1), saved.runs[1].metrics.at(-1)!.totalSeconds / 60);
  const byEpoch = recordedRunsFigure([saved, saved], "t", "epoch").data as Array<
    { x: number[]; marker?: { color: string } }
  >;
  assert.equal(byEpoch.length, 7);
  assert.notEqual(byEpoch[0].marker?.color, byEpoch[3].marker?.color, "one colour per recipe");
});
