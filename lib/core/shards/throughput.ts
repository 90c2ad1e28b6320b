import { join } from "node:path";
import { readManifest } from "./manifest.ts";
import { scanTFRecords } from "./tfrecord.ts";

/** Read speed of one shard. */
export interface ShardSpeed {
  file: string;
  bytes: number;
  seconds: number;
  mbps: number;
}

/** Streams every shard of a folder once (records and both CRCs, no decoding) and times each. */
export async function shardReadThroughput(dir: string): Promise<ShardSpeed[]> {
  const manifest = await readManifest(dir);
  const out: ShardSpeed[] = [];
  for (const e of [...manifest.splits.train, ...manifest.splits.test]) {
    const t = performance.now();
    const { bytes } = await scanTFRecords(join(dir, e.file), () => {});
    const seconds = (performance.now() - t) / 1000;
    out.push({ file: e.file, bytes, seconds, mbps: bytes / 1e6 / seconds });
  }
  return out;
}
