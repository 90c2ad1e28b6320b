import assert from "node:assert/strict";
import {
  type ComparedRun,
  comparePlan,
  comparisonWords,
  type Contender,
  summarizeComparison,
} from "../../lib/lab/bench/mod.ts";

Deno.test("compare plan: per repetition and recipe all three contenders, the order reversed every other repetition", () => {
  const plan = comparePlan(["airbench94", "airbench94_muon"], 2);
  assert.equal(plan.length, 12);
  const at = (rep: number, recipe: string) =>
    plan.filter((p) => p.rep === rep && p.recipe === recipe).map((p) => p.contender);
  assert.deepEqual(at(0, "airbench94"), ["davidnet", "pytorch-nchw", "pytorch-channels-last"]);
  assert.deepEqual(at(1, "airbench94_muon"), ["pytorch-channels-last", "pytorch-nchw", "davidnet"]);
  assert.deepEqual(plan.slice(0, 3).map((p) => p.recipe), ["airbench94", "airbench94", "airbench94"]);
});

const run = (
  recipe: "airbench94" | "airbench94_muon",
  contender: Contender,
  epochSeconds: number[],
): ComparedRun => ({
  rep: 0,
  recipe,
  contender,
  epochSeconds,
  load1: 2,
});

Deno.test("compare summary: medians over every epoch, PyTorch's faster layout kept, davidnet / PyTorch", () => {
  const [c] = summarizeComparison([
    run("airbench94", "davidnet", [300, 310]),
    run("airbench94", "pytorch-nchw", [400, 420, 410]),
    run("airbench94", "pytorch-channels-last", [350, 370]),
    run("airbench94", "davidnet", [305]),
  ]);
  assert.equal(c.recipe, "airbench94");
  assert.deepEqual(c.medianEpochSeconds, {
    davidnet: 305,
    "pytorch-nchw": 410,
    "pytorch-channels-last": 360,
  });
  assert.equal(c.pytorchKept, "pytorch-channels-last");
  assert.equal(c.ratio, 305 / 360);
  assert.match(comparisonWords(c), /davidnet faster \(0\.85x PyTorch's time\)/);
  assert.throws(() => summarizeComparison([run("airbench94_muon", "davidnet", [500])]), /pytorch-nchw/);
});

Deno.test("compare words: overlapping epoch ranges are within the spread; one epoch a side gives no verdict", () => {
  const [c] = summarizeComparison([
    run("airbench94_muon", "davidnet", [550, 600]),
    run("airbench94_muon", "pytorch-nchw", [560, 590]),
    run("airbench94_muon", "pytorch-channels-last", [640, 650]),
  ]);
  assert.equal(c.pytorchKept, "pytorch-nchw");
  assert.match(comparisonWords(c), /within the spread/);
  const [slow] = summarizeComparison([
    run("airbench94_muon", "davidnet", [700, 700]),
    run("airbench94_muon", "pytorch-nchw", [560, 560]),
    run("airbench94_muon", "pytorch-channels-last", [600]),
  ]);
  assert.match(comparisonWords(slow), /PyTorch faster \(davidnet takes 1\.25x its time\)/);
  const [once] = summarizeComparison([
    run("airbench94_muon", "davidnet", [500]),
    run("airbench94_muon", "pytorch-nchw", [560]),
    run("airbench94_muon", "pytorch-channels-last", [600]),
  ]);
  assert.match(comparisonWords(once), /ratio 0\.89 from one timed epoch on a side: no spread/);
});
