import { setupNative, TENSORFLOW_WHEEL } from "../setup/mod.ts";
import { parseFlags, usage } from "./args.ts";

/** `deno task setup`: installs the native backend (tfjs-node's addon on TensorFlow's C library). */
export async function setupCommand(args: string[]): Promise<number> {
  const help = usage(
    "setup",
    `Installs the native backend: tfjs-node's addon on TensorFlow's C library (tfjs-node's own download, else ` +
      `the ${TENSORFLOW_WHEEL.project} ${TENSORFLOW_WHEEL.version} wheel through pip and a node-gyp build; ` +
      "about 1 GB of disk, cached in data/native). Idempotent. A GPU machine does not need it.",
    {},
  );
  parseFlags(args, {}, help);
  const t0 = performance.now();
  const done = await setupNative((l) => console.log(`setup: ${l}`));
  const how = {
    present: "already installed",
    official: "tfjs-node's own install",
    wheel: "built from the wheel",
  };
  console.log(
    `setup: native backend ready (${
      how[done.route]
    }): @tensorflow/tfjs-node ${done.tfjsNode} on TensorFlow ` +
      `${done.tensorflow}, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return 0;
}
