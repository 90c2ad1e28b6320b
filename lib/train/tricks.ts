/** One item of the seed's "bag of tricks" and whether davidnet has it. */
export interface Trick {
  trick: string;
  available: boolean;
  /** How to switch it on (a train flag), or what is missing. */
  how: string;
}

/** The seed's list of tricks, with what davidnet offers today. */
export const BAG_OF_TRICKS: Trick[] = [
  { trick: "Flip test-time augmentation", available: true, how: "--tta (on in davidnet24)" },
  { trick: "Label smoothing", available: true, how: "--label-smoothing 0.2 (on in davidnet24)" },
  { trick: "CELU activation", available: true, how: "--activation celu --celu-alpha 0.075" },
  { trick: "Cutout", available: true, how: "--cutout 8 (on in davidnet24)" },
  { trick: "Ghost batch norm", available: false, how: "not yet: BN statistics over sub-batches of 32" },
  { trick: "Moved max pool (pool before BN)", available: false, how: "not yet: needs a model option" },
  { trick: "Frozen BN scales", available: false, how: "not yet" },
  { trick: "Input patch whitening", available: false, how: "not yet: a fixed 2x2 PCA-whitening first layer" },
  { trick: "Exponential moving average of weights", available: false, how: "not yet" },
  { trick: "Mixed precision", available: false, how: "not yet: tfjs WebGPU trains in float32" },
];
