import { augmentBatch, type AugmentConfig, drawEpoch, uploadDraws } from "../augment/mod.ts";
import { tf } from "../backend/tf.ts";
import type { ChannelStats, Split } from "../data/types.ts";
import { denormalizeImages, normalizeImages } from "./device_data.ts";

/**
 * The first `n` images of `split` augmented with `cfg` exactly as training does it (normalise, pad once, one
 * epoch's draws, batched on the device), back as HWC uint8 images in their original order, for display.
 * Cutout squares show as the mean colour: they are zero after normalisation.
 */
export async function augmentExamples(
  split: Split,
  stats: ChannelStats,
  n: number,
  cfg: AugmentConfig,
  seed: number,
): Promise<Uint8Array[]> {
  const draws = drawEpoch(n, cfg, seed, 0);
  draws.order = Int32Array.from({ length: n }, (_, i) => i);
  const padded = normalizeImages(split, stats, 0, n, cfg.pad);
  const dev = uploadDraws(draws, padded.shape[1]);
  const out = augmentBatch(padded, dev, 0, n, cfg);
  try {
    return await denormalizeImages(out, stats);
  } finally {
    tf.dispose([padded, out, dev.order, dev.boxes, dev.cut]);
  }
}
