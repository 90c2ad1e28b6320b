import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { IMAGE_BYTES, type Split } from "../lib/core/data/mod.ts";
import { Rng } from "../lib/core/random/mod.ts";
import {
  decodeExample,
  encodeExample,
  encodeShard,
  FRAMING_BYTES,
  readManifest,
  readShards,
  readShardSplit,
  scanTFRecords,
  TFRecordError,
  writeShards,
} from "../lib/core/shards/mod.ts";
import { cifar10, tempDir } from "./helpers.ts";

Deno.test("tf.train.Example round trip, and byte-identical to Google protobuf for a tiny image", () => {
  const image = Uint8Array.from({ length: IMAGE_BYTES }, (_, i) => i & 0xff);
  const ex = decodeExample(encodeExample({ image, label: 7 }));
  assert.equal(ex.label, 7);
  assert.deepEqual(ex.image, image);
  // The bytes Google's protobuf runtime serialises for the same Example (deterministic map order).
  const bytes = Array.from(encodeExample({ image: Uint8Array.of(9), label: 300 }));
  const key = (k: string) => [0x0a, 0x05, ...new TextEncoder().encode(k)];
  assert.deepEqual(bytes, [
    0x0a,
    0x21, // Example.features (33 bytes)
    0x0a,
    0x0e,
    ...key("image"),
    0x12,
    0x05,
    0x0a,
    0x03,
    0x0a,
    0x01,
    0x09, // bytes_list { value: "\x09" }
    0x0a,
    0x0f,
    ...key("label"),
    0x12,
    0x06,
    0x1a,
    0x04,
    0x0a,
    0x02,
    0xac,
    0x02, // int64_list { value: [300] }
  ]);
});

Deno.test("decodeExample rejects Examples without the expected features", () => {
  const ex = encodeExample({ image: Uint8Array.of(1, 2), label: 1 });
  assert.throws(() => decodeExample(ex.subarray(0, 10)), /runs past/);
  assert.throws(() => decodeExample(new Uint8Array(0)), /no bytes feature 'image'/);
});

Deno.test("shards round-trip the real CIFAR-10 exactly, and re-running changes nothing", async () => {
  const data = await cifar10();
  await using tmp = await tempDir();
  const manifest = await writeShards(data, tmp.path, { shards: 10 });
  assert.equal(manifest.splits.train.length, 10);
  assert.equal(manifest.splits.test.length, 2);
  assert.deepEqual(manifest.stats, data.stats);
  const back = await readShards(tmp.path);
  assert.ok(Buffer.from(back.train.images).equals(data.train.images));
  assert.ok(Buffer.from(back.train.labels).equals(data.train.labels));
  assert.ok(Buffer.from(back.test.images).equals(data.test.images));
  assert.ok(Buffer.from(back.test.labels).equals(data.test.labels));

  const before = new Map<string, number>();
  for await (const e of Deno.readDir(tmp.path)) {
    before.set(e.name, (await Deno.stat(join(tmp.path, e.name))).mtime!.getTime());
  }
  await new Promise((r) => setTimeout(r, 20));
  await writeShards(data, tmp.path, { shards: 10 });
  for await (const e of Deno.readDir(tmp.path)) {
    assert.equal((await Deno.stat(join(tmp.path, e.name))).mtime!.getTime(), before.get(e.name), e.name);
  }
  // A different layout replaces the old shards instead of leaving them beside the new ones.
  await writeShards(data, tmp.path, { shards: 5 });
  const names = [];
  for await (const e of Deno.readDir(tmp.path)) names.push(e.name);
  assert.deepEqual(names.sort(), [
    "manifest.json",
    "test-00000-of-00001.tfrecord",
    ...[0, 1, 2, 3, 4].map((i) => `train-0000${i}-of-00005.tfrecord`),
  ]);
});

Deno.test("an independent reader (Google protobuf + crcmod) decodes the shards into the official pixels", async () => {
  const data = await cifar10();
  await using tmp = await tempDir();
  const manifest = await writeShards(data, tmp.path, { shards: 10 });
  const reader = new URL("./independent_tfrecord_reader.py", import.meta.url).pathname;
  for (const split of ["train", "test"] as const) {
    const files = manifest.splits[split].map((e) => join(tmp.path, e.file));
    const out = await new Deno.Command("/usr/bin/python3", {
      args: [reader, ...files],
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const want = data[split];
    assert.equal(out.stdout.length, want.count * (1 + IMAGE_BYTES));
    for (let i = 0; i < want.count; i++) {
      const rec = out.stdout.subarray(i * (1 + IMAGE_BYTES), (i + 1) * (1 + IMAGE_BYTES));
      if (rec[0] !== want.labels[i]) {
        assert.fail(`${split} record ${i}: label ${rec[0]} != ${want.labels[i]}`);
      }
      if (
        !Buffer.from(rec.subarray(1)).equals(want.images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES))
      ) {
        assert.fail(`${split} record ${i}: pixels differ`);
      }
    }
  }
});

Deno.test("1000 random byte flips and truncations of a shard are all reported with shard, record and offset", async () => {
  const data = await cifar10();
  await using tmp = await tempDir();
  const small: Split = {
    images: data.test.images.subarray(0, 100 * IMAGE_BYTES),
    labels: data.test.labels.subarray(0, 100),
    count: 100,
  };
  const manifest = await writeShards({ ...data, train: small, test: small }, tmp.path, { shards: 1 });
  const entry = manifest.splits.test[0];
  const path = join(tmp.path, entry.file);
  const good = encodeShard(small, 0, 100);
  const recordBytes = good.length / 100;
  assert.equal(
    recordBytes,
    FRAMING_BYTES + encodeExample({ image: small.images.subarray(0, IMAGE_BYTES), label: 3 }).length,
  );
  const rng = new Rng(2026);
  let flips = 0, truncations = 0;
  for (let trial = 0; trial < 1000; trial++) {
    let bad: Uint8Array, record: number, offset: number;
    if (trial % 4 === 3) {
      const len = rng.int(good.length); // 0 .. length-1: always shorter
      bad = good.slice(0, len);
      record = Math.floor(len / recordBytes);
      offset = len % recordBytes === 0 ? len : record * recordBytes;
      truncations++;
    } else {
      const pos = rng.int(good.length);
      bad = good.slice();
      bad[pos] ^= 1 + rng.int(255);
      record = Math.floor(pos / recordBytes);
      offset = record * recordBytes;
      flips++;
    }
    await Deno.writeFile(path, bad);
    const err = await readShardSplit(tmp.path, manifest, "test").then(() => null, (e) => e);
    assert.ok(err instanceof TFRecordError, `trial ${trial}: expected a TFRecordError, got ${err}`);
    assert.equal(err.file, path, `trial ${trial}`);
    assert.equal(err.record, record, `trial ${trial}: ${err.message}`);
    assert.equal(err.offset, offset, `trial ${trial}: ${err.message}`);
    assert.match(err.message, new RegExp(`${entry.file}: record ${record} at byte ${offset}: `));
  }
  assert.ok(flips > 700 && truncations > 200);
});

Deno.test("a record stream of a valid file is read in order with its offsets", async () => {
  const data = await cifar10();
  await using tmp = await tempDir();
  const path = join(tmp.path, "x.tfrecord");
  const bytes = encodeShard(data.test, 0, 300);
  await Deno.writeFile(path, bytes);
  const seen: number[] = [];
  const res = await scanTFRecords(
    path,
    (r) => {
      seen.push(r.offset);
      assert.equal(decodeExample(r.payload).label, data.test.labels[r.index]);
    },
    undefined,
    10000,
  ); // a buffer smaller than some reads, to cross chunk borders
  assert.equal(res.records, 300);
  assert.equal(res.bytes, bytes.length);
  assert.deepEqual(seen, Array.from({ length: 300 }, (_, i) => (i * bytes.length) / 300));
});

Deno.test("a shard folder without or with a damaged manifest says how to make one", async () => {
  await using tmp = await tempDir();
  await assert.rejects(
    readManifest(tmp.path),
    /has no manifest\.json: it is not a shard folder\. Fix: deno task data --out/,
  );
  await Deno.writeTextFile(join(tmp.path, "manifest.json"), "{oops");
  await assert.rejects(readManifest(tmp.path), /is not valid JSON/);
});
