/**
 * Installing the native backend (`deno task setup`): tfjs-node's addon, built against TensorFlow's C library from
 * the pinned `tensorflow-cpu` wheel where tfjs-node's own download is unreachable. Imports io and backend only.
 */
export { NATIVE_CACHE, type NativeSetup, PROJECT_ROOT, setupNative } from "./native.ts";
export { TENSORFLOW_WHEEL, WHEEL_MEMBERS } from "./wheel.ts";
