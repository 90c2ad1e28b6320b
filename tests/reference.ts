/**
 * References for the kernel and gradient tests: lib/core/kernels/reference.ts (float64 loops for the filter gradient,
 * batch norm and the SGD step, the relative error, and running a function on the cpu backend with the float64
 * filter gradient), which `deno task doctor` uses too.
 */
export {
  conv2dBackpropFilterF64,
  type ConvGeometry,
  modelGradients,
  onCpuWithReferenceFilterGrad,
  relativeError,
} from "../lib/core/kernels/reference.ts";
