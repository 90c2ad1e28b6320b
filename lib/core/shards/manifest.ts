import { join } from "node:path";
import type { ChannelStats, SourceInfo } from "../data/mod.ts";
import { exists } from "../io/mod.ts";

/** Format tag written into every manifest. */
export const SHARD_FORMAT = "davidnet-tfrecord-v1";

/** One shard file as the manifest records it. */
export interface ShardEntry {
  file: string;
  records: number;
  bytes: number;
  sha256: string;
}

/** `manifest.json`: what the shard folder holds, with the data's statistics and provenance. */
export interface Manifest {
  format: typeof SHARD_FORMAT;
  features: { image: string; label: string };
  splits: { train: ShardEntry[]; test: ShardEntry[] };
  counts: { train: number; test: number };
  stats: ChannelStats;
  source: SourceInfo;
}

/** `train-00003-of-00010.tfrecord` style names, as TensorFlow's own tools write them. */
export function shardName(split: "train" | "test", i: number, n: number): string {
  return `${split}-${String(i).padStart(5, "0")}-of-${String(n).padStart(5, "0")}.tfrecord`;
}

/** Reads and checks `DIR/manifest.json`; errors say how to make one. */
export async function readManifest(dir: string): Promise<Manifest> {
  const path = join(dir, "manifest.json");
  if (!(await exists(path))) {
    throw new Error(
      `${dir} has no manifest.json: it is not a shard folder. Fix: deno task data --out ${dir}`,
    );
  }
  let m: Manifest;
  try {
    m = JSON.parse(await Deno.readTextFile(path));
  } catch (err) {
    throw new Error(
      `${path} is not valid JSON (${(err as Error).message}); re-create it with deno task data --out ${dir}`,
    );
  }
  if (m.format !== SHARD_FORMAT || !m.splits?.train || !m.splits?.test || !m.stats?.mean) {
    throw new Error(
      `${path} is not a ${SHARD_FORMAT} manifest; re-create it with deno task data --out ${dir}`,
    );
  }
  return m;
}
