import assert from "node:assert/strict";
import {
  augmentBatch,
  DAVIDNET_AUGMENT,
  drawEpoch,
  padReflect,
  uploadDraws,
} from "../lib/core/augment/mod.ts";
import { initBackend, tf } from "../lib/core/backend/mod.ts";

await initBackend("webgpu", { log: () => {} });

Deno.test("epoch draws are in bounds, seeded, and differ between epochs", () => {
  const d = drawEpoch(5000, DAVIDNET_AUGMENT, 7, 0);
  assert.deepEqual([...d.order].sort((a, b) => a - b), Array.from({ length: 5000 }, (_, i) => i));
  assert.ok(d.crop.every((v) => v >= 0 && v <= 8));
  assert.ok(d.cut.every((v) => v >= 0 && v <= 24));
  assert.equal(Math.min(...d.crop), 0);
  assert.equal(Math.max(...d.crop), 8);
  const flips = d.flip.reduce((a, b) => a + b, 0);
  assert.ok(flips > 2300 && flips < 2700, `${flips} flips of 5000`);
  assert.deepEqual(drawEpoch(5000, DAVIDNET_AUGMENT, 7, 0), d);
  assert.notDeepEqual(drawEpoch(5000, DAVIDNET_AUGMENT, 7, 1).order, d.order);
  assert.notDeepEqual(drawEpoch(5000, DAVIDNET_AUGMENT, 8, 0).crop, d.crop);
  const none = drawEpoch(100, { pad: 0, flip: false, alternateFlip: false, cutout: 0 }, 7, 0);
  assert.ok(none.crop.every((v) => v === 0) && none.flip.every((v) => v === 0));
});

Deno.test("crop, flip and cutout on the device equal a per-pixel reference exactly", async () => {
  const n = 24;
  const x = tf.randomUniform([n, 32, 32, 3], 1, 2, "float32", 3) as tf.Tensor4D; // no zeros before cutout
  const padded = padReflect(x, 4);
  const d = drawEpoch(n, DAVIDNET_AUGMENT, 11, 0);
  const dd = uploadDraws(d, 40);
  const out = augmentBatch(padded, dd, 0, n, DAVIDNET_AUGMENT);
  const src = await x.array(), got = await out.array();
  tf.dispose([x, padded, out, dd.order, dd.boxes, dd.cut]);
  const reflect = (i: number) => (i < 0 ? -i : i > 31 ? 62 - i : i);
  for (let i = 0; i < n; i++) {
    const img = d.order[i], oy = d.crop[2 * i] - 4, ox = d.crop[2 * i + 1] - 4, f = d.flip[i];
    const cy = d.cut[2 * i], cx = d.cut[2 * i + 1];
    const zeros = [0, 0, 0];
    for (let y = 0; y < 32; y++) {
      for (let c = 0; c < 32; c++) {
        const inCut = y >= cy && y < cy + 8 && c >= cx && c < cx + 8;
        const sx = f ? 31 - c : c;
        for (let ch = 0; ch < 3; ch++) {
          const want = inCut ? 0 : src[img][reflect(oy + y)][reflect(ox + sx)][ch];
          if (got[i][y][c][ch] !== want) {
            assert.fail(`image ${i} (${y},${c},${ch}): ${got[i][y][c][ch]} != ${want}`);
          }
          if (got[i][y][c][ch] === 0) zeros[ch]++;
        }
      }
    }
    assert.deepEqual(zeros, [64, 64, 64], `image ${i}: cutout must zero exactly 64 pixels per channel`);
  }
});

Deno.test("a flip alone mirrors each row exactly; no flip and no crop is the identity", async () => {
  const x = tf.randomUniform([4, 32, 32, 3], 0, 1, "float32", 5) as tf.Tensor4D;
  const cfg = { pad: 0, flip: true, alternateFlip: false, cutout: 0 };
  const d = drawEpoch(4, cfg, 1, 0);
  d.order.set([0, 1, 2, 3]);
  d.flip.set([1, 0, 1, 0]);
  const dd = uploadDraws(d, 32);
  const out = augmentBatch(x, dd, 0, 4, cfg);
  const want = tf.stack([
    tf.reverse(x.slice(0, 1), 2).squeeze([0]),
    x.slice(1, 1).squeeze([0]),
    tf.reverse(x.slice(2, 1), 2).squeeze([0]),
    x.slice(3, 1).squeeze([0]),
  ]);
  assert.deepEqual(await out.data(), await want.data());
  tf.dispose([x, out, want, dd.order, dd.boxes, dd.cut]);
});
