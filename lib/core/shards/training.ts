import { dirname, join } from "node:path";
import { type Cifar10, DEFAULT_DATA_ROOT, loadCifar10, type SourceInfo, type Split } from "../data/mod.ts";
import { exists } from "../io/mod.ts";
import { type Manifest, readManifest } from "./manifest.ts";
import { readShards, readShardSplit } from "./read.ts";
import { writeShards } from "./write.ts";

/** The shard folder training reads unless told otherwise (`data/shards`). */
export const DEFAULT_SHARD_DIR: string = join(DEFAULT_DATA_ROOT, "shards");

/** The real path of `path`, or null when it does not exist (or is no path, such as a URL). */
async function realPathOrNull(path: string): Promise<string | null> {
  try {
    return await Deno.realPath(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

/**
 * True when shards whose manifest records `source` were made from the folder `dataDir`: the recorded location
 * is that folder or the layout folder found in it (`package/`, `cifar-10-batches-bin/`).
 */
async function madeFrom(source: SourceInfo, dataDir: string): Promise<boolean> {
  const [location, dir] = [await realPathOrNull(source.location), await realPathOrNull(dataDir)];
  return location !== null && (location === dir || dirname(location) === dir);
}

/**
 * The manifest of the shard folder, which is made first when it holds none: from `dataDir` when given, else
 * (only for {@link DEFAULT_SHARD_DIR}) from CIFAR-10 as `loadCifar10` finds it (cache or download). When
 * `dataDir` is given and the folder already holds shards made from another source, it throws, naming both and
 * the fixes: existing shards are never silently used in place of `dataDir`, nor overwritten.
 */
export async function ensureShards(
  shardDir: string,
  dataDir: string | undefined,
  log: (line: string) => void,
): Promise<Manifest> {
  if (!(await exists(join(shardDir, "manifest.json")))) {
    if (dataDir === undefined && shardDir !== DEFAULT_SHARD_DIR) {
      throw new Error(
        `--shards ${shardDir} holds no shards (no manifest.json). Fix: deno task data --out ${shardDir}, ` +
          `or add --data SRC to make them there from the CIFAR-10 folder SRC`,
      );
    }
    log(`no shards in ${shardDir} yet: writing them from ${dataDir ?? "CIFAR-10"} (deno task data)`);
    await writeShards(await loadCifar10({ dataDir, log }), shardDir, { log });
    return await readManifest(shardDir);
  }
  const manifest = await readManifest(shardDir);
  if (dataDir !== undefined && !(await madeFrom(manifest.source, dataDir))) {
    throw new Error(
      `--data ${dataDir} conflicts with the shards in ${shardDir}, which were made from ` +
        `${manifest.source.location} (${manifest.source.kind}). Fix: add --shards NEW_FOLDER to make shards ` +
        `from ${dataDir} there, delete ${shardDir} to remake it from ${dataDir}, or leave --data out to use ` +
        `the existing shards`,
    );
  }
  return manifest;
}

/** The training data (train and test), read and verified from shards, made first when needed ({@link ensureShards}). */
export async function loadTrainingData(
  shardDir: string,
  dataDir: string | undefined,
  log: (line: string) => void,
): Promise<Cifar10> {
  await ensureShards(shardDir, dataDir, log);
  const t = performance.now();
  const data = await readShards(shardDir);
  const seconds = ((performance.now() - t) / 1000).toFixed(1);
  log(`read ${data.train.count + data.test.count} images from ${shardDir} in ${seconds}s`);
  return data;
}

/** Only the test split and the manifest, read and verified from shards, made first when needed. */
export async function loadTestData(
  shardDir: string,
  dataDir: string | undefined,
  log: (line: string) => void,
): Promise<{ test: Split; manifest: Manifest }> {
  const manifest = await ensureShards(shardDir, dataDir, log);
  return { test: await readShardSplit(shardDir, manifest, "test"), manifest };
}
