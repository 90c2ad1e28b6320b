/**
 * davidnet: DavidNet (the ResNet-9 of "How to train your ResNet") on CIFAR-10 in TypeScript on Deno, with
 * TensorFlow.js on WebGPU. This module re-exports the public API that the CLI, the notebooks and the tests share.
 */
export * from "./data/mod.ts";
export * from "./shards/mod.ts";
export * from "./backend/mod.ts";
export * from "./kernels/mod.ts";
export * from "./io/mod.ts";
export * from "./stats/mod.ts";
export * from "./random/mod.ts";
export * from "./report/mod.ts";
export * from "./augment/mod.ts";
export * from "./model/mod.ts";
export * from "./schedule/mod.ts";
export * from "./train/mod.ts";
export * from "./config/mod.ts";
export * from "./ablate/mod.ts";
export * from "./bench/mod.ts";
export * from "./notebook/mod.ts";
export * from "./cli/mod.ts";
export * from "./run/mod.ts";
