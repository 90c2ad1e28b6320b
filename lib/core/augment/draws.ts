import { Rng } from "../random/mod.ts";
import type { AugmentConfig } from "./params.ts";

/** Every random number one epoch needs, drawn at once: the order and per-position crop, flip and cutout. */
export interface EpochDraws {
  /** Permutation of the training images: position i of the epoch shows image order[i]. */
  order: Int32Array;
  /** Crop offsets (y, x) into the padded image, each in [0, 2 * pad], per position. */
  crop: Int32Array;
  /** 1 where the image at that position is flipped. */
  flip: Uint8Array;
  /** Cutout top-left corner (y, x), each in [0, 32 - cutout], per position: the square lies fully inside. */
  cut: Int32Array;
}

/** The alternating flip's per-image draw, the same for every epoch of a run (seeded by the run's seed alone). */
function runFlips(n: number, seed: number): Uint8Array {
  const rng = new Rng(seed, 0xa1f);
  return Uint8Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0));
}

/**
 * Draws one epoch's randomness for `n` images from a generator seeded by (seed, epoch), so any epoch can be
 * re-drawn exactly (which is what makes `--resume` match an uninterrupted run).
 */
export function drawEpoch(n: number, cfg: AugmentConfig, seed: number, epoch: number, size = 32): EpochDraws {
  const rng = new Rng(seed, epoch, 0xa06);
  const order = rng.permutation(n);
  const crop = new Int32Array(2 * n), cut = new Int32Array(2 * n);
  const flip = new Uint8Array(n);
  const alternate = cfg.flip && cfg.alternateFlip ? runFlips(n, seed) : undefined;
  for (let i = 0; i < n; i++) {
    crop[2 * i] = rng.int(2 * cfg.pad + 1);
    crop[2 * i + 1] = rng.int(2 * cfg.pad + 1);
    if (alternate) flip[i] = alternate[order[i]] ^ (epoch & 1);
    else flip[i] = cfg.flip && rng.next() < 0.5 ? 1 : 0;
    cut[2 * i] = rng.int(size - cfg.cutout + 1);
    cut[2 * i + 1] = rng.int(size - cfg.cutout + 1);
  }
  return { order, crop, flip, cut };
}
