import { KERNEL_MODES, type KernelMode, KernelRuntime } from "../../core/kernels/mod.ts";
import { type ChannelStats, takeSplit } from "../../core/data/mod.ts";
import { loadModel } from "../run/mod.ts";
import { DEFAULT_SHARD_DIR, loadTestData } from "../../core/shards/mod.ts";
import { evaluate, normalizeImages, type TrainConfig } from "../../core/train/mod.ts";
import { TTA_MODES, type TtaMode } from "../../core/augment/mod.ts";
import { tf } from "../../core/backend/mod.ts";
import { type FlagSpecs, parseFlags, usage, UsageError } from "./args.ts";
import { checkDataFlag } from "./data.ts";
import { BACKEND_SPECS, startBackend } from "./train_flags.ts";

const SPECS: FlagSpecs = {
  model: { type: "string", help: "model folder of a run (runs/<time>/model)" },
  tta: { type: "string", help: "test-time augmentation [as the run was trained]", choices: TTA_MODES },
  ...BACKEND_SPECS,
  kernels: { type: "string", help: "WebGPU kernels", choices: KERNEL_MODES, default: "fast" },
  "test-images": {
    type: "int",
    help: "evaluate on the first N test images",
    default: 10000,
    min: 1,
    max: 10000,
  },
  shards: { type: "string", help: "shard folder holding the test set", default: DEFAULT_SHARD_DIR },
  data: { type: "string", help: "CIFAR-10 source folder, used to make the shards when they are missing" },
};

/**
 * `deno task eval --model DIR`: reloads a saved model and measures its accuracy on the 10000 test images (or the
 * first `--test-images N`, as a page run that tested on fewer).
 */
export async function evalCommand(args: string[]): Promise<void> {
  const help = usage("eval", "Evaluates a saved DavidNet on the 10000 CIFAR-10 test images.", SPECS);
  const flags = parseFlags(args, SPECS, help);
  if (!flags.model) throw new UsageError("--model DIR is required", help);
  await checkDataFlag(flags.data as string | undefined, help);
  await startBackend(flags, help);
  const kernels = new KernelRuntime({ mode: flags.kernels as KernelMode });
  const { model, metadata } = await loadModel(flags.model as string);
  const stats = metadata.stats as ChannelStats | undefined;
  if (!stats) {
    throw new Error(
      `${flags.model}/model.json has no normalisation statistics; it was not saved by davidnet`,
    );
  }
  const trained = (metadata.config as TrainConfig | undefined)?.tta as TtaMode | boolean | undefined;
  // Runs saved before TTA had modes stored true or false.
  const tta = (flags.tta as TtaMode | undefined) ??
    (typeof trained === "boolean" ? (trained ? "flip" : "none") : trained ?? "flip");
  const data = await loadTestData(
    flags.shards as string,
    flags.data as string | undefined,
    (l) => console.log(l),
  );
  const test = takeSplit(data.test, flags["test-images"] as number);
  const x = normalizeImages(test, stats);
  const y = tf.tensor1d(Int32Array.from(test.labels), "int32");
  try {
    const r = await evaluate(model, x, y, { tta, kernels });
    console.log(
      `test accuracy ${(100 * r.accuracy).toFixed(2)}% (${r.correct}/${r.count}, TTA ${tta})`,
    );
  } finally {
    tf.dispose([x, y]);
    model.dispose();
  }
}
