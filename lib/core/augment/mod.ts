/**
 * Augmentation: one epoch's random numbers drawn at once on the host from a seeded generator, then applied
 * batched on the device (pad-reflect once, crop + flip in one cropAndResize, cutout by a mask).
 * Row 1 of lib/'s layout (README, Layout): imports backend, params, random.
 */
export { AUGMENT_PARAMS, type AugmentConfig, type AugmentField, DAVIDNET_AUGMENT } from "./params.ts";
export { drawEpoch, type EpochDraws } from "./draws.ts";
export { augmentBatch, type DeviceDraws, padReflect, uploadDraws } from "./device.ts";
export { TTA_MODES, type TtaMode, ttaViews } from "./tta.ts";
