import { join } from "node:path";
import { type Cifar10, IMAGE_BYTES, type Split } from "../data/mod.ts";
import { fileDigest, sha256Hex, writeFileAtomic, writeJsonAtomic } from "../io/mod.ts";
import { encodeExample } from "./example.ts";
import { type Manifest, SHARD_FORMAT, type ShardEntry, shardName } from "./manifest.ts";
import { encodeTFRecords } from "./tfrecord.ts";

/** Options of {@link writeShards}. */
export interface WriteShardsOptions {
  /** Number of train shards (default 10); test gets a fifth as many, at least one, so shards are alike in size. */
  shards?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** Encodes images `[from, to)` of `split` as one TFRecord file image. */
export function encodeShard(split: Split, from: number, to: number): Uint8Array {
  const payloads = [];
  for (let i = from; i < to; i++) {
    payloads.push(
      encodeExample({
        image: split.images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES),
        label: split.labels[i],
      }),
    );
  }
  return encodeTFRecords(payloads);
}

async function sameFile(path: string, sha256: string, bytes: number): Promise<boolean> {
  try {
    if ((await Deno.stat(path)).size !== bytes) return false;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
  return (await fileDigest(path, "sha256")) === sha256;
}

async function writeSplit(
  dir: string,
  name: "train" | "test",
  split: Split,
  n: number,
  log: (l: string) => void,
) {
  const entries: ShardEntry[] = [];
  let unchanged = 0;
  for (let i = 0; i < n; i++) {
    const from = Math.floor((i * split.count) / n), to = Math.floor(((i + 1) * split.count) / n);
    const bytes = encodeShard(split, from, to);
    const entry = {
      file: shardName(name, i, n),
      records: to - from,
      bytes: bytes.length,
      sha256: sha256Hex(bytes),
    };
    const path = join(dir, entry.file);
    if (await sameFile(path, entry.sha256, entry.bytes)) unchanged++;
    else await writeFileAtomic(path, bytes);
    entries.push(entry);
  }
  log(`${name}: ${n} shards, ${split.count} records (${unchanged} already up to date)`);
  return entries;
}

/**
 * Writes CIFAR-10 as TFRecord shards of `tf.train.Example`s plus `manifest.json` into `dir`. Each file is
 * written atomically, shards already identical are left untouched, the manifest goes last, and stale shards
 * of an earlier layout are removed, so re-running with the same input changes nothing.
 */
export async function writeShards(
  data: Cifar10,
  dir: string,
  options: WriteShardsOptions = {},
): Promise<Manifest> {
  const n = options.shards ?? 10;
  if (!Number.isInteger(n) || n < 1 || n > data.test.count) {
    throw new Error(`--shards must be an integer from 1 to ${data.test.count}, got ${n}`);
  }
  const log = options.log ?? (() => {});
  await Deno.mkdir(dir, { recursive: true });
  const train = await writeSplit(dir, "train", data.train, n, log);
  const test = await writeSplit(dir, "test", data.test, Math.max(1, Math.round(n / 5)), log);
  const manifest: Manifest = {
    format: SHARD_FORMAT,
    features: { image: "bytes_list: one 32x32x3 uint8 image, HWC", label: "int64_list: one label 0..9" },
    splits: { train, test },
    counts: { train: data.train.count, test: data.test.count },
    stats: data.stats,
    source: data.source,
  };
  const manifestPath = join(dir, "manifest.json");
  const text = JSON.stringify(manifest, null, 2) + "\n";
  const old = await Deno.readTextFile(manifestPath).catch((err) => {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  });
  if (old !== text) await writeJsonAtomic(manifestPath, manifest);
  const keep = new Set([...train, ...test].map((e) => e.file));
  for await (const entry of Deno.readDir(dir)) {
    if (/^(train|test)-\d{5}-of-\d{5}\.tfrecord$/.test(entry.name) && !keep.has(entry.name)) {
      await Deno.remove(join(dir, entry.name));
      log(`removed stale ${entry.name}`);
    }
  }
  return manifest;
}
