import { createHash } from "node:crypto";
import { join } from "node:path";
import { type Cifar10, IMAGE_BYTES, NUM_CLASSES, type Split } from "../data/mod.ts";
import { decodeExample } from "./example.ts";
import { type Manifest, readManifest, type ShardEntry } from "./manifest.ts";
import { scanTFRecords, TFRecordError } from "./tfrecord.ts";

/** Reads one shard into `out` starting at image `first`, checking CRCs, the Example, the count and sha256. */
async function readShard(dir: string, entry: ShardEntry, out: Split, first: number): Promise<void> {
  const path = join(dir, entry.file);
  const hash = createHash("sha256");
  let scanned;
  try {
    scanned = await scanTFRecords(path, (rec) => {
      if (rec.index >= entry.records) {
        throw new TFRecordError(
          path,
          rec.index,
          rec.offset,
          `extra record; the manifest lists ${entry.records}`,
        );
      }
      let ex;
      try {
        ex = decodeExample(rec.payload);
      } catch (err) {
        throw new TFRecordError(
          path,
          rec.index,
          rec.offset,
          `bad tf.train.Example: ${(err as Error).message}`,
        );
      }
      if (ex.image.length !== IMAGE_BYTES || ex.label >= NUM_CLASSES) {
        throw new TFRecordError(
          path,
          rec.index,
          rec.offset,
          `image of ${ex.image.length} bytes, label ${ex.label}`,
        );
      }
      out.images.set(ex.image, (first + rec.index) * IMAGE_BYTES);
      out.labels[first + rec.index] = ex.label;
    }, (chunk) => hash.update(chunk));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new Error(
        `${path} is missing but listed in the manifest; re-create the shards with deno task data`,
      );
    }
    throw err;
  }
  const { records, bytes: offset } = scanned;
  if (records !== entry.records) {
    throw new TFRecordError(
      path,
      records,
      offset,
      `file ends after ${records} records; the manifest lists ${entry.records}`,
    );
  }
  const sha = hash.digest("hex");
  if (sha !== entry.sha256) {
    throw new TFRecordError(
      path,
      records,
      offset,
      `sha256 ${sha} differs from the manifest's ${entry.sha256}`,
    );
  }
}

/** Reads every shard of `split` listed in the manifest into one {@link Split}. */
export async function readShardSplit(
  dir: string,
  manifest: Manifest,
  split: "train" | "test",
): Promise<Split> {
  const entries = manifest.splits[split];
  const count = entries.reduce((n, e) => n + e.records, 0);
  if (count !== manifest.counts[split]) {
    throw new Error(
      `${dir}/manifest.json: ${split} shards hold ${count} records but counts.${split} is ${
        manifest.counts[split]
      }`,
    );
  }
  const out: Split = { images: new Uint8Array(count * IMAGE_BYTES), labels: new Uint8Array(count), count };
  let first = 0;
  for (const e of entries) {
    await readShard(dir, e, out, first);
    first += e.records;
  }
  return out;
}

/** Loads a whole shard folder (train and test, statistics and provenance from the manifest). */
export async function readShards(dir: string): Promise<Cifar10 & { manifest: Manifest }> {
  const manifest = await readManifest(dir);
  return {
    train: await readShardSplit(dir, manifest, "train"),
    test: await readShardSplit(dir, manifest, "test"),
    stats: manifest.stats,
    source: manifest.source,
    manifest,
  };
}
