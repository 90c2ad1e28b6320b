import { parseArgs } from "node:util";
import { valueProblem } from "../../core/config/mod.ts";
import type { ParamSpec } from "../../core/params/mod.ts";

/** A command-line flag: its type and range (as a hyperparameter's), default and one line of help. */
export interface FlagSpec extends Pick<ParamSpec, "type" | "choices" | "min" | "max"> {
  help: string;
  default?: string | number | boolean;
}

/** Flags of one command, by name (without the leading dashes). */
export type FlagSpecs = Record<string, FlagSpec>;

/** Parsed flag values. */
export type FlagValues = Record<string, string | number | boolean | undefined>;

/** A bad command line: the CLI prints the message and the usage, and exits with status 2. */
export class UsageError extends Error {
  /** Builds the error with the usage text to print after the message. */
  constructor(message: string, readonly usage: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The usage text of a command. */
export function usage(command: string, summary: string, specs: FlagSpecs): string {
  const lines = [`usage: deno task ${command} [flags]`, "", summary, "", "flags:"];
  for (const [name, s] of Object.entries(specs)) {
    const arg = s.type === "bool" ? "" : s.choices ? ` ${s.choices.join("|")}` : ` ${s.type.toUpperCase()}`;
    const def = s.default === undefined ? "" : ` (default ${s.default})`;
    const flag = `  --${name}${arg}`;
    // A long flag (many choices) gets its help on the next line rather than run into it.
    lines.push(
      flag.length < 33 ? flag.padEnd(34) + `${s.help}${def}` : `${flag}\n${" ".repeat(34)}${s.help}${def}`,
    );
  }
  return lines.join("\n");
}

/**
 * A flag's text as the value its type reads: true or false (from true/1, false/0), a number (NaN for nothing), or
 * the text itself, which {@link valueProblem} then checks against the spec (a bad boolean stays text and fails).
 */
function fromText(type: FlagSpec["type"], raw: string): string | number | boolean {
  if (type === "bool") {
    return raw === "true" || raw === "1" ? true : raw === "false" || raw === "0" ? false : raw;
  }
  if (type === "string") return raw;
  return raw.trim() === "" ? NaN : Number(raw);
}

/**
 * Parses `--name value`, `--name=value` and, for booleans, bare `--flag`, `--flag true|false` and `--no-flag`, with
 * Node's `parseArgs` (its tokens, so that the messages are the project's). Unknown flags, missing values and bad
 * values (type, choices, range: config's {@link valueProblem}) throw a {@link UsageError}; `--help` and `-h` throw
 * one with an empty message.
 */
export function parseFlags(args: string[], specs: FlagSpecs, help: string): FlagValues {
  const out: FlagValues = Object.fromEntries(Object.entries(specs).map(([name, s]) => [name, s.default]));
  // A boolean takes no value; any other flag takes the next argument, whatever it is (`--lr-start -1`).
  const options: Record<string, { type: "boolean" | "string" }> = {};
  for (const [name, s] of Object.entries(specs)) {
    options[name] = { type: s.type === "bool" ? "boolean" : "string" };
  }
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const arg = args[token.index];
    if (arg === "--help" || arg === "-h") throw new UsageError("", help);
    if (token.kind !== "option" || !arg.startsWith("--")) {
      throw new UsageError(`unexpected argument '${arg}'`, help);
    }
    let { name, value } = token;
    const negated = name.startsWith("no-") ? name.slice(3) : "";
    if (!specs[name] && specs[negated]?.type === "bool" && value === undefined) {
      [name, value] = [negated, "false"];
    }
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown flag --${name}`, help);
    if (value === undefined && spec.type === "bool") {
      // `--flag false`: parseArgs leaves the word as a positional; it is the flag's value when it is true or false.
      const next = tokens[i + 1];
      const word = next?.kind === "positional" && (next.value === "true" || next.value === "false");
      value = word ? next.value : "true";
      if (word) i++;
    }
    if (value === undefined) throw new UsageError(`--${name} needs a value`, help);
    const parsed = fromText(spec.type, value);
    const problem = valueProblem(spec, parsed);
    if (problem) throw new UsageError(`--${name} ${value}: ${problem}`, help);
    out[name] = parsed;
  }
  return out;
}
