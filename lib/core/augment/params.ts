/**
 * The augmentation's settings, each written once, in {@link AUGMENT_PARAMS}: {@link AugmentConfig} (the type),
 * {@link DAVIDNET_AUGMENT} (the seed's values) and the config schema's `augment.*` entries are made from it.
 */
import { type ConfigOfTable, defaultsOf, type ParamSpec, SOURCES } from "../params/mod.ts";

/** Every augmentation setting by its `AugmentConfig` field; each default is the seed's (dawn.py). */
export const AUGMENT_PARAMS = {
  /** Reflect padding on each side before the random 32x32 crop (0: no crop). */
  pad: {
    type: "int",
    min: 0,
    max: 16,
    help: "reflect padding for the random crop, 0 = no crop",
    default: 4,
    source: SOURCES.dawn,
  },
  /** Flip each image left-right with probability 0.5. */
  flip: { type: "bool", help: "random horizontal flips", default: true, source: SOURCES.dawn },
  /**
   * With `flip`: airbench's alternating flip (airbench94.py `batch_flip_lr` once, then `images.flip(-1)` when
   * `epoch % 2 == 1`): each image's flip is drawn once for the run, and every odd epoch flips every image the other
   * way, so that each image is seen both ways every two epochs.
   */
  alternateFlip: {
    type: "bool",
    help: "with --flip: each image's flip drawn once, every odd epoch all flipped the other way",
    default: false,
    source: SOURCES.airbench,
  },
  /** Side of the zeroed square (0: no cutout). */
  cutout: {
    type: "int",
    min: 0,
    max: 32,
    help: "cutout square side, 0 = none",
    default: 8,
    source: SOURCES.dawn,
  },
} as const satisfies Record<string, ParamSpec>;

/** A field of {@link AugmentConfig}. */
export type AugmentField = keyof typeof AUGMENT_PARAMS;

/** Augmentation settings: pad (reflect) + random crop, horizontal flip, square cutout (see {@link AUGMENT_PARAMS}). */
export type AugmentConfig = ConfigOfTable<typeof AUGMENT_PARAMS>;

/** The seed's augmentation: pad 4 + crop, flip, 8x8 cutout. */
export const DAVIDNET_AUGMENT: AugmentConfig = defaultsOf(AUGMENT_PARAMS);
