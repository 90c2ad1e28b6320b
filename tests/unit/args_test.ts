import assert from "node:assert/strict";
import { type FlagSpecs, parseFlags, usage, UsageError } from "../../lib/lab/cli/args.ts";
import { HYPER_SPECS } from "../../lib/lab/cli/train_flags.ts";
import { configFrom, param, SMOKE } from "../../lib/core/config/mod.ts";

Deno.test("usage: a flag's help starts in its column, or on the next line when the flag is too long to leave a gap", () => {
  const text = usage("train", "Trains.", {
    seed: { type: "int", help: "random seed", default: 0 },
    backend: {
      type: "string",
      help: "tfjs backend",
      choices: ["auto", "webgpu", "tensorflow", "cpu"],
      default: "auto",
    },
  });
  const lines = text.split("\n");
  assert.ok(lines.includes("  --seed INT".padEnd(34) + "random seed (default 0)"), text);
  const at = lines.indexOf("  --backend auto|webgpu|tensorflow|cpu");
  assert.ok(at > 0, text);
  assert.equal(lines[at + 1], " ".repeat(34) + "tfjs backend (default auto)");
});

const SPECS: FlagSpecs = {
  seed: { type: "int", help: "seed", default: 0, min: 0 },
  lr: { type: "float", help: "lr" },
  tta: { type: "string", help: "tta", choices: ["none", "flip"], default: "none" },
  flip: { type: "bool", help: "flips", default: true },
  out: { type: "string", help: "folder" },
};

/** The message of the UsageError that parsing `args` throws (the test fails when none is thrown). */
function usageMessage(args: string[]): string {
  try {
    parseFlags(args, SPECS, "HELP");
  } catch (err) {
    assert.ok(err instanceof UsageError, String(err));
    assert.equal(err.usage, "HELP");
    return err.message;
  }
  throw new Error(`${args.join(" ")} parsed`);
}

Deno.test("parseFlags: --name value, --name=value, bare, true/false and --no- booleans, defaults for the rest", () => {
  assert.deepEqual(parseFlags([], SPECS, ""), {
    seed: 0,
    lr: undefined,
    tta: "none",
    flip: true,
    out: undefined,
  });
  assert.deepEqual(
    parseFlags(["--seed", "3", "--lr=-0.5", "--tta", "flip", "--out=a=b", "--no-flip"], SPECS, ""),
    { seed: 3, lr: -0.5, tta: "flip", flip: false, out: "a=b" },
  );
  assert.equal(parseFlags(["--lr", "-1e-3"], SPECS, "").lr, -1e-3, "a value may start with a dash");
  assert.equal(
    parseFlags(["--out", "--seed"], SPECS, "").out,
    "--seed",
    "a string flag takes the next argument",
  );
  const flip = (...args: string[]) => parseFlags(args, SPECS, "").flip;
  assert.deepEqual(
    [flip("--flip"), flip("--flip", "false"), flip("--flip", "true"), flip("--flip=0"), flip("--flip=1")],
    [true, false, true, false, true],
  );
  assert.equal(parseFlags(["--flip", "false", "--seed", "2"], SPECS, "").seed, 2, "false is the flag's");
  assert.equal(parseFlags(["--seed", "1", "--seed", "2"], SPECS, "").seed, 2, "the last one counts");
});

Deno.test("parseFlags: --help and -h, unknown flags, missing and bad values are usage errors naming the flag", () => {
  assert.equal(usageMessage(["--help"]), "");
  assert.equal(usageMessage(["--seed", "1", "-h"]), "");
  assert.equal(usageMessage(["--bogus", "--help"]), "unknown flag --bogus");
  assert.equal(usageMessage(["--no-seed"]), "unknown flag --no-seed", "--no- is for booleans");
  assert.equal(usageMessage(["--no-flip=true"]), "unknown flag --no-flip");
  assert.equal(usageMessage(["--seed"]), "--seed needs a value");
  assert.equal(usageMessage(["--seed", "1.5"]), "--seed 1.5: expected an integer");
  assert.equal(usageMessage(["--seed", "-1"]), "--seed -1: must be at least 0");
  assert.equal(usageMessage(["--lr="]), "--lr : expected a number");
  assert.equal(usageMessage(["--lr", "Infinity"]), "--lr Infinity: expected a number");
  assert.equal(usageMessage(["--tta", "all"]), "--tta all: expected one of none, flip");
  assert.equal(usageMessage(["--flip=maybe"]), "--flip maybe: expected true or false");
  assert.equal(
    usageMessage(["--flip", "1"]),
    "unexpected argument '1'",
    "only true or false follows a bare flag",
  );
  assert.equal(usageMessage(["seed"]), "unexpected argument 'seed'");
  assert.equal(usageMessage(["-xh"]), "unexpected argument '-xh'");
  assert.equal(usageMessage(["--", "--seed", "1"]), "unexpected argument '--'");
});

Deno.test("a hyperparameter flag is checked by the schema's rule, as the config is: one range, one message", () => {
  const width = param("width");
  assert.deepEqual(
    [HYPER_SPECS.width.min, HYPER_SPECS.width.type, HYPER_SPECS.activation.choices],
    [width.min, width.type, param("activation").choices],
  );
  assert.throws(() => parseFlags(["--width", "0"], HYPER_SPECS, "HELP"), {
    name: "UsageError",
    message: `--width 0: must be at least ${width.min}`,
  });
  assert.throws(() => configFrom(SMOKE, { width: 0 }), {
    message: `--width 0: must be at least ${width.min}`,
  });
});
