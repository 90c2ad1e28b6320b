import assert from "node:assert/strict";
import { join } from "node:path";
import { ablationRows, ablationSetupRows, parseAblation, readAblation } from "../../lib/lab/ablate/mod.ts";
import { BENCH_RESULTS_DIR } from "../../lib/lab/bench/mod.ts";

const COMMITTED = join(
  BENCH_RESULTS_DIR,
  "2026-11-25-ablation-smoke-tricks-llvmpipe-llvm-15-0-6-256-bits.json",
);

// Independent of lib/core/stats: the textbook formulas written out here.
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sampleStd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) * (x - m), 0) / (xs.length - 1));
};

Deno.test("the committed smoke-tricks ablation reads back: arms, recomputed statistics, setup", async () => {
  const raw = JSON.parse(await Deno.readTextFile(COMMITTED));
  const s = await readAblation(COMMITTED);
  assert.equal(s.ablation.runsPerArm, 3);
  assert.deepEqual(s.ablation.arms.map((a) => a.name), raw.arms.map((a: { name: string }) => a.name));
  assert.equal(s.trainImages, 2048);
  assert.equal(s.epochs, 4);
  assert.equal(s.testImages, 2000);
  assert.equal(s.complete, false);
  assert.deepEqual(s.missing, ["label-smoothing", "celu", "tta", "cutout"]);
  const base = raw.arms[0].runs.map((r: { testAcc: number }) => r.testAcc);
  for (const [i, arm] of s.ablation.arms.entries()) {
    const accs = raw.arms[i].runs.map((r: { testAcc: number }) => r.testAcc);
    assert.ok(Math.abs(arm.accuracy.mean - mean(accs)) < 1e-12, arm.name);
    assert.ok(Math.abs(arm.accuracy.std - sampleStd(accs)) < 1e-12, arm.name);
    // The saved statistics agree with the recomputed ones.
    assert.ok(Math.abs(arm.accuracy.mean - raw.arms[i].accuracy.mean) < 1e-12, arm.name);
    if (i === 0) {
      assert.equal(arm.vsBase, null);
      continue;
    }
    const diff = mean(accs) - mean(base);
    const se = Math.sqrt(sampleStd(base) ** 2 / 3 + sampleStd(accs) ** 2 / 3);
    assert.ok(Math.abs(arm.vsBase!.diff - diff) < 1e-12, arm.name);
    assert.ok(Math.abs(arm.vsBase!.se - se) < 1e-12, arm.name);
    const df = se ** 4 / ((sampleStd(base) ** 2 / 3) ** 2 / 2 + (sampleStd(accs) ** 2 / 3) ** 2 / 2);
    assert.ok(Math.abs(arm.vsBase!.t - diff / se) < 1e-9 && Math.abs(arm.vsBase!.df - df) < 1e-9, arm.name);
    assert.ok(arm.vsBase!.p > 0 && arm.vsBase!.p <= 1, arm.name);
  }
  assert.equal(ablationRows(s.ablation).length, 6);
  const setup = ablationSetupRows(s);
  assert.ok(setup.some((r) => r.setting === "complete" && /5 of 9/.test(r.value)), JSON.stringify(setup));
});

Deno.test("a malformed ablation file is refused, naming what is wrong", () => {
  assert.throws(() => parseAblation({}), /no arms/);
  assert.throws(() => parseAblation({ arms: [{ name: "base", runs: [] }] }), /base has no runs/);
  assert.throws(
    () => parseAblation({ arms: [{ name: "base", runs: [{ seed: 0, testAcc: "x", trainSeconds: 1 }] }] }),
    /base testAcc/,
  );
});
