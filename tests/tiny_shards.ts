/** A tiny synthetic CIFAR-like set written as real shards, for tests that must not read all 60000 images. */
import {
  channelStats,
  type Cifar10,
  IMAGE_BYTES,
  type SourceInfo,
  type Split,
} from "../lib/core/data/mod.ts";
import { Rng } from "../lib/core/random/mod.ts";
import { type Manifest, writeShards } from "../lib/core/shards/mod.ts";

/** `count` 32x32 RGB images, label i % 10, each a class colour plus seeded noise (so a net can learn them). */
function tinySplit(count: number, rng: Rng): Split {
  const images = new Uint8Array(count * IMAGE_BYTES), labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 10;
    const colour = [(labels[i] * 25) % 256, (labels[i] * 77) % 256, (labels[i] * 140) % 256];
    for (let p = 0; p < IMAGE_BYTES; p++) {
      images[i * IMAGE_BYTES + p] = Math.min(255, Math.floor(colour[p % 3] * 0.6 + rng.next() * 100));
    }
  }
  return { images, labels, count };
}

/** A synthetic set of `train` + `test` images from `source` (default: a made-up local folder). */
export function tinyCifar(train: number, test: number, source?: Partial<SourceInfo>): Cifar10 {
  const rng = new Rng(train, test);
  const t = tinySplit(train, rng);
  return {
    train: t,
    test: tinySplit(test, rng),
    stats: channelStats(t),
    source: { kind: "cifar-10-binary", location: "/tiny/cifar-10-batches-bin", checksum: "tiny", ...source },
  };
}

/** Writes {@link tinyCifar} as one train and one test shard with their manifest into `dir`. */
export function writeTinyShards(
  dir: string,
  train = 256,
  test = 64,
  source?: Partial<SourceInfo>,
): Promise<Manifest> {
  return writeShards(tinyCifar(train, test, source), dir, { shards: 1 });
}
