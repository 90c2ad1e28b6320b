import { join } from "node:path";
import { exists, replaceDirAtomic, sha256Hex, writeFileAtomic, writeJsonAtomic } from "../io/mod.ts";
import { type Cifar10, IMAGE_BYTES, type Split } from "./types.ts";

const CACHE_VERSION = 1;

interface CacheMeta {
  version: number;
  source: Cifar10["source"];
  stats: Cifar10["stats"];
  counts: { train: number; test: number };
  sha256: Record<string, string>;
}

function files(split: "train" | "test"): [string, string] {
  return [`${split}-images.u8`, `${split}-labels.u8`];
}

/**
 * Saves the decoded set as raw uint8 files plus `meta.json` (source, checksums, train statistics) in `dir`,
 * replacing any previous cache only once the new one is complete.
 */
export async function saveCache(dir: string, data: Cifar10): Promise<void> {
  await replaceDirAtomic(dir, async (tmp) => {
    const sha256: Record<string, string> = {};
    for (const name of ["train", "test"] as const) {
      const [img, lab] = files(name);
      for (const [file, bytes] of [[img, data[name].images], [lab, data[name].labels]] as const) {
        sha256[file] = sha256Hex(bytes);
        await writeFileAtomic(join(tmp, file), bytes);
      }
    }
    const meta: CacheMeta = {
      version: CACHE_VERSION,
      source: data.source,
      stats: data.stats,
      counts: { train: data.train.count, test: data.test.count },
      sha256,
    };
    await writeJsonAtomic(join(tmp, "meta.json"), meta);
  });
}

/**
 * Loads a cache written by {@link saveCache}; returns null when there is none, and throws (naming the file and
 * the fix) when it exists but is damaged.
 */
export async function loadCache(dir: string): Promise<Cifar10 | null> {
  const metaPath = join(dir, "meta.json");
  if (!(await exists(metaPath))) return null;
  const meta = JSON.parse(await Deno.readTextFile(metaPath)) as CacheMeta;
  const damaged = (what: string) =>
    new Error(`CIFAR-10 cache ${dir} is damaged (${what}); delete the folder and run again to rebuild it`);
  if (meta.version !== CACHE_VERSION) {
    throw damaged(`version ${meta.version}, this build reads ${CACHE_VERSION}`);
  }
  const read = async (name: "train" | "test"): Promise<Split> => {
    const [img, lab] = files(name);
    const images = await Deno.readFile(join(dir, img));
    const labels = await Deno.readFile(join(dir, lab));
    for (const [file, bytes] of [[img, images], [lab, labels]] as const) {
      if (sha256Hex(bytes) !== meta.sha256[file]) throw damaged(`${file} does not match its sha256`);
    }
    const count = meta.counts[name];
    if (images.length !== count * IMAGE_BYTES || labels.length !== count) throw damaged(`${name} sizes`);
    return { images, labels, count };
  };
  return { train: await read("train"), test: await read("test"), stats: meta.stats, source: meta.source };
}
