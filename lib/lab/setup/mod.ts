/**
 * Installing the native backend (`deno task setup`): tfjs-node's addon, built against TensorFlow's C library from
 * the pinned `tensorflow-cpu` wheel where tfjs-node's own download is unreachable.
 * Row 5 of lib/'s layout (README, Layout): imports backend, io.
 */
export { NATIVE_CACHE, type NativeSetup, setupNative } from "./native.ts";
export { TENSORFLOW_WHEEL, WHEEL_MEMBERS } from "./wheel.ts";
