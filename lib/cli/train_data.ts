import { type Cifar10, loadCifar10 } from "../data/mod.ts";
import { exists } from "../io/mod.ts";
import { type Manifest, readManifest, readShards, readShardSplit, writeShards } from "../shards/mod.ts";
import { DEFAULT_SHARD_DIR } from "./data.ts";

/**
 * The manifest of the shard folder. The default folder is made from CIFAR-10 (`--data`, the cache, or a
 * download) when it does not exist yet; any other folder must already hold shards.
 */
async function ensureShards(
  shardDir: string,
  dataDir: string | undefined,
  log: (l: string) => void,
): Promise<Manifest> {
  const hasManifest = await exists(`${shardDir}/manifest.json`);
  if (!hasManifest && shardDir !== DEFAULT_SHARD_DIR) {
    throw new Error(
      `--shards ${shardDir} holds no shards (no manifest.json). Fix: deno task data --out ${shardDir}`,
    );
  }
  if (!hasManifest) {
    log(`no shards in ${shardDir} yet: writing them (deno task data)`);
    await writeShards(await loadCifar10({ dataDir, log }), shardDir, { log });
  }
  return await readManifest(shardDir);
}

/** The training data (train and test), read and verified from shards, made first when needed. */
export async function loadTrainingData(
  shardDir: string,
  dataDir: string | undefined,
  log: (l: string) => void,
): Promise<Cifar10> {
  await ensureShards(shardDir, dataDir, log);
  const t = performance.now();
  const data = await readShards(shardDir);
  log(
    `read ${data.train.count + data.test.count} images from ${shardDir} in ${
      ((performance.now() - t) / 1000).toFixed(1)
    }s`,
  );
  return data;
}

/** Only the test split (and the manifest), read and verified from shards, made first when needed. */
export async function loadTestData(shardDir: string, dataDir: string | undefined, log: (l: string) => void) {
  const manifest = await ensureShards(shardDir, dataDir, log);
  return { test: await readShardSplit(shardDir, manifest, "test"), manifest };
}
