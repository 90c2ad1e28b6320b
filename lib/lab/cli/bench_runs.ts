import { join } from "node:path";
import * as aq from "arquero";
import type { RecordedRuns } from "../bench/mod.ts";
import { exists } from "../../core/io/mod.ts";
import { formatFlops, formatSeconds, metricsRows } from "../report/mod.ts";
import { RUN_FILES } from "../run/mod.ts";
import type { MeanStd } from "../../core/stats/mod.ts";

/** `dir` itself when it is a run folder, else its sub-folders that are (sorted), e.g. `seed-0`, `seed-1`. */
export async function runFolders(dir: string): Promise<string[]> {
  if (await exists(join(dir, RUN_FILES.config))) return [dir];
  const subs = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory && await exists(join(dir, e.name, RUN_FILES.config))) subs.push(join(dir, e.name));
  }
  if (!subs.length) throw new Error(`${dir} holds no run folder (no ${RUN_FILES.config} in it or below it)`);
  return subs.sort();
}

/**
 * Prints each recorded run (its per-epoch table, accuracy, time to 94%, FLOP rate, load, the estimate made before
 * it) and the summary.
 */
export function printRecordedRuns(r: RecordedRuns): void {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  for (const run of r.runs) {
    const s = run.summary;
    console.log(`\n${run.dir} (${run.preset}, seed ${run.seed}, ${s.adapter}):`);
    console.log(aq.from(metricsRows(run.metrics)).toMarkdown());
    console.log(
      `test accuracy ${pct(s.finalTestAcc!)} | time to 94%: ${
        s.timeTo94Seconds === null ? "not reached" : formatSeconds(s.timeTo94Seconds)
      } | training ${formatSeconds(s.trainSeconds)} | ${formatFlops(run.flops)} at ${
        formatFlops(run.flopsPerSecond)
      }/s | load ${run.load ? run.load.map((l) => l.toFixed(2)).join("-") : "not recorded"} | estimated ${
        run.estimate
          ? `${formatSeconds(run.estimate.seconds)} (took ${
            run.estimate.measuredOverEstimate.toFixed(2)
          }x that)`
          : "-"
      }`,
    );
  }
  // A sample std needs two runs: with one, the spread is left out rather than printed as 0.
  const spread = (m: MeanStd, f: (x: number) => string) => m.n > 1 ? ` ± ${f(m.std)}` : "";
  const t94 = r.timeTo94 ? `${formatSeconds(r.timeTo94.mean)}${spread(r.timeTo94, formatSeconds)}` : "-";
  console.log(
    `\n${r.runs.length} run(s): test accuracy ${pct(r.accuracy.mean)}${
      spread(r.accuracy, (s) => (100 * s).toFixed(2))
    } ` +
      `(${
        r.accuracy.n > 1 ? "mean ± sample std" : "one run: no spread"
      }); reached 94% in ${r.reached94}/${r.runs.length} (time to 94% ${t94}); training ${
        formatSeconds(r.trainSeconds.mean)
      }${spread(r.trainSeconds, formatSeconds)}`,
  );
}
