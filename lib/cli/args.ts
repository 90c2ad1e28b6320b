/** A command-line flag: its type, default and one line of help. */
export interface FlagSpec {
  type: "string" | "int" | "float" | "bool";
  help: string;
  default?: string | number | boolean;
  /** Allowed values of a string flag. */
  choices?: readonly string[];
  /** Smallest allowed value of a number flag. */
  min?: number;
  /** Largest allowed value of a number flag. */
  max?: number;
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

function parseValue(name: string, spec: FlagSpec, raw: string, help: string): string | number | boolean {
  const bad = (why: string) => new UsageError(`--${name} ${raw}: ${why}`, help);
  if (spec.type === "bool") {
    if (raw === "true" || raw === "1") return true;
    if (raw === "false" || raw === "0") return false;
    throw bad("expected true or false");
  }
  if (spec.type === "string") {
    if (spec.choices && !spec.choices.includes(raw)) throw bad(`expected one of ${spec.choices.join(", ")}`);
    return raw;
  }
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n)) throw bad(`expected a number`);
  if (spec.type === "int" && !Number.isInteger(n)) throw bad("expected an integer");
  if (spec.min !== undefined && n < spec.min) throw bad(`must be at least ${spec.min}`);
  if (spec.max !== undefined && n > spec.max) throw bad(`must be at most ${spec.max}`);
  return n;
}

/**
 * Parses `--name value`, `--name=value` and, for booleans, bare `--flag`, `--flag true|false` and `--no-flag`. Unknown flags,
 * missing values and bad values throw a {@link UsageError}; `--help` throws one with an empty message.
 */
export function parseFlags(args: string[], specs: FlagSpecs, help: string): FlagValues {
  const out: FlagValues = {};
  for (const [name, s] of Object.entries(specs)) out[name] = s.default;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--help" || arg === "-h") throw new UsageError("", help);
    if (!arg.startsWith("--")) throw new UsageError(`unexpected argument '${arg}'`, help);
    let [name, value] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    let spec = specs[name];
    if (!spec && name.startsWith("no-") && specs[name.slice(3)]?.type === "bool" && value === undefined) {
      name = name.slice(3);
      spec = specs[name];
      value = "false";
    }
    if (!spec) throw new UsageError(`unknown flag --${name}`, help);
    if (value === undefined) {
      if (spec.type === "bool") {
        value = args[i + 1] === "true" || args[i + 1] === "false" ? args[++i] : "true";
      } else if (i + 1 < args.length) value = args[++i];
      else throw new UsageError(`--${name} needs a value`, help);
    }
    out[name] = parseValue(name, spec, value, help);
  }
  return out;
}
