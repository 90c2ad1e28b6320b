import { ablateCommand } from "./ablate.ts";
import { benchCommand } from "./bench.ts";
import { dataCommand } from "./data.ts";
import { doctorCommand } from "./doctor.ts";
import { evalCommand } from "./eval.ts";
import { notebooksCommand } from "./notebooks.ts";
import { serveCommand } from "./serve.ts";
import { setupCommand } from "./setup.ts";
import { trainCommand } from "./train.ts";

/** A CLI command: takes its arguments, returns an exit status (0 when it returns nothing). */
export type Command = (args: string[]) => Promise<number | void>;

/** Every command of the CLI by name. */
export const COMMANDS: Record<string, Command> = {
  setup: setupCommand,
  data: dataCommand,
  train: trainCommand,
  eval: evalCommand,
  bench: benchCommand,
  notebooks: notebooksCommand,
  ablate: ablateCommand,
  serve: serveCommand,
  doctor: doctorCommand,
};
