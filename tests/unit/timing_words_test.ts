import assert from "node:assert/strict";
import {
  augmentWords,
  compareSpreads,
  drawWords,
  preprocessWords,
  profileWords,
  throughputWords,
} from "../../lib/lab/notebook/timing_words.ts";

const s = (median: number, min = median, max = median) => ({ median, min, max, n: 3 });

Deno.test("timing words: ratios of medians, overlapping ranges, which side of the expectation", () => {
  assert.deepEqual(compareSpreads(s(2, 1, 3), s(1, 0.5, 1.5)), { ratio: 2, overlap: true });
  assert.equal(compareSpreads(s(4, 3, 5), s(1, 0.5, 1.5)).overlap, false);
  assert.match(
    preprocessWords({ once: s(0.02), perStepEpoch: s(0.016) }, 24),
    /costs 19x as much .* gives less/,
  );
  assert.match(
    preprocessWords({ once: s(0.01), perStepEpoch: s(0.016) }, 24),
    /costs 38x .* gives more: each batch/,
  );
  const draws = [
    { granularity: "epoch" as const, seconds: s(0.0026, 0.0019, 0.0064) },
    { granularity: "step" as const, seconds: s(0.0011, 0.0009, 0.002) },
    { granularity: "image" as const, seconds: s(0.0262, 0.0128, 0.0384) },
  ];
  assert.equal(
    drawWords(draws),
    "drawing per image took 10x the time of drawing per epoch (medians; the ranges do not overlap); " +
      "drawing per step took 0.4x the time of drawing per epoch (medians; the ranges overlap, so the repetitions " +
      "cannot tell them apart).",
  );
  assert.match(
    augmentWords({ device: s(0.0095, 0.0087, 0.0117), host: s(0.0046, 0.0038, 0.0052) }),
    /the host path was faster, by 2\.1x .*do not overlap/,
  );
});

Deno.test("throughput words: rising, levelling off, falling", () => {
  const sweep = (ips: number[]) =>
    ips.map((v, i) => ({
      batchSize: 32 * 2 ** i,
      stepSeconds: s(1),
      imagesPerSecond: s(v, v * 0.98, v * 1.02),
    }));
  assert.match(
    throughputWords(sweep([1008, 1607, 2027, 2237])),
    /^images per second \(medians\) rise at every step: 1008 at batch 32, 2237 at batch 256 \(2\.2x\); step by step 32 -> 64: \+59%, 64 -> 128: \+26%, 128 -> 256: \+10%\.$/,
  );
  assert.match(throughputWords(sweep([1000, 1500, 1550])), /rise, but level off at the largest batches/);
  assert.match(throughputWords(sweep([1000, 1500, 1400])), /rise, then fall at the largest batch/);
  assert.match(throughputWords(sweep([1000, 1010])), /ranges overlap at 32 -> 64/);
});

Deno.test("profile words: shares, and batch norm missing on the native backend", () => {
  const groups = [{ group: "convolution backward" as const, share: 0.35 }, {
    group: "max pool" as const,
    share: 0.26,
  }];
  assert.match(
    profileWords(groups, "tensorflow"),
    /convolution backward 35%, max pool 26%\. Batch norm is missing: on the native backend/,
  );
  assert.equal(
    profileWords([...groups, { group: "batch norm" as const, share: 0.1 }], "webgpu"),
    "shares of the profiled kernel time: convolution backward 35%, max pool 26%, batch norm 10%.",
  );
});
