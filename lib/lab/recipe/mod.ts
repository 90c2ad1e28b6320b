/**
 * Recipes: a method written top to bottom in one file with the core's pieces, for reading beside its source
 * (airbench94.py); `train` runs the same steps with checkpoints and progress.
 * Row 5 of lib/'s layout (README, Layout): imports augment, backend, config, kernels, model, train.
 */
export { airbench94Recipe, type RecipeResult } from "./airbench94.ts";
