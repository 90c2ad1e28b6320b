import { join } from "node:path";
import { allExist } from "../io/mod.ts";
import { CHANNELS, IMAGE_BYTES, IMAGE_SIZE, type Split } from "./types.ts";

/** The official binary release: where it lives and its published md5. */
export const OFFICIAL_TARBALL = {
  url: "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
  md5: "c32a1d4ab5d03f1284b67883e8d87530",
  folder: "cifar-10-batches-bin",
} as const;

const RECORD_BYTES = 1 + IMAGE_BYTES;
const TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
const PLANE = IMAGE_SIZE * IMAGE_SIZE;

/** True when `dir` holds the official `data_batch_1.bin` ... `test_batch.bin` files. */
export async function isOfficialBinaryDir(dir: string): Promise<boolean> {
  return await allExist(dir, ["data_batch_1.bin", "test_batch.bin"]);
}

/** Converts official records (label byte + CHW planes) into HWC images and labels. */
export function decodeOfficialRecords(bytes: Uint8Array, name: string): Split {
  if (bytes.length % RECORD_BYTES !== 0) {
    throw new Error(`${name}: ${bytes.length} bytes is not a whole number of ${RECORD_BYTES}-byte records`);
  }
  const count = bytes.length / RECORD_BYTES;
  const images = new Uint8Array(count * IMAGE_BYTES);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const rec = n * RECORD_BYTES;
    labels[n] = bytes[rec];
    const dst = n * IMAGE_BYTES;
    for (let c = 0; c < CHANNELS; c++) {
      const src = rec + 1 + c * PLANE;
      for (let p = 0; p < PLANE; p++) images[dst + p * CHANNELS + c] = bytes[src + p];
    }
  }
  return { images, labels, count };
}

/** Encodes HWC images and labels as official binary records (the inverse of {@link decodeOfficialRecords}). */
export function encodeOfficialRecords(split: Split): Uint8Array {
  const out = new Uint8Array(split.count * RECORD_BYTES);
  for (let n = 0; n < split.count; n++) {
    const rec = n * RECORD_BYTES;
    out[rec] = split.labels[n];
    const src = n * IMAGE_BYTES;
    for (let c = 0; c < CHANNELS; c++) {
      const dst = rec + 1 + c * PLANE;
      for (let p = 0; p < PLANE; p++) out[dst + p] = split.images[src + p * CHANNELS + c];
    }
  }
  return out;
}

async function readBinarySplit(dir: string, files: string[]): Promise<Split> {
  const parts = [];
  for (const f of files) parts.push(decodeOfficialRecords(await Deno.readFile(join(dir, f)), join(dir, f)));
  const count = parts.reduce((n, p) => n + p.count, 0);
  const images = new Uint8Array(count * IMAGE_BYTES), labels = new Uint8Array(count);
  let n = 0;
  for (const p of parts) {
    images.set(p.images, n * IMAGE_BYTES);
    labels.set(p.labels, n);
    n += p.count;
  }
  return { images, labels, count };
}

/** Reads the official `cifar-10-batches-bin` folder into HWC splits in the official order. */
export async function readOfficialBinary(dir: string): Promise<{ train: Split; test: Split }> {
  return {
    train: await readBinarySplit(dir, TRAIN_FILES),
    test: await readBinarySplit(dir, ["test_batch.bin"]),
  };
}
