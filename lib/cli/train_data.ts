import { loadCifar10 } from "../data/mod.ts";
import { exists } from "../io/mod.ts";
import { readShards, writeShards } from "../shards/mod.ts";
import { DEFAULT_SHARD_DIR } from "./data.ts";

/**
 * The training data, read from shards. The default shard folder is made from CIFAR-10 (`--data`, the cache, or
 * a download) when it does not exist yet; any other folder must already hold shards.
 */
export async function loadTrainingData(
  shardDir: string,
  dataDir: string | undefined,
  log: (l: string) => void,
) {
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
  const t = performance.now();
  const data = await readShards(shardDir);
  log(
    `read ${data.train.count + data.test.count} images from ${shardDir} in ${
      ((performance.now() - t) / 1000).toFixed(1)
    }s`,
  );
  return data;
}
