// The host under test: the repository's bin/nm-host (the built distribution).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The launcher under test; NM_E2E_HOST points the suite at another one (an unpacked release, say). */
export const NM_HOST = process.env.NM_E2E_HOST ?? join(REPO, 'bin/nm-host');
export const TEST_EXTENSION = join(REPO, 'test-extension');

/** The wire protocol version, read from its one definition in nm-protocol. */
export const PROTOCOL_VERSION = readFileSync(
  join(REPO, 'nm-protocol/src/main/java/dev/nm/protocol/ProtocolLimits.java'), 'utf8',
).match(/PROTOCOL_VERSION = "([^"]+)"/)[1];

export function assertHostBuilt() {
  if (!existsSync(NM_HOST)) {
    throw new Error(`${NM_HOST} is missing: build the distribution first (mvn -q -o package -DskipTests)`);
  }
}

/** Runs `nm-host args...` with env; resolves to {status, stdout, stderr} whatever the exit status. */
export async function runNmHost(args, env) {
  try {
    const { stdout, stderr } = await promisify(execFile)(NM_HOST, args, { env, timeout: 60_000 });
    return { status: 0, stdout, stderr };
  } catch (error) {
    if (typeof error.code !== 'number') throw error;
    return { status: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

/** Runs `nm-host args...` with env; resolves to {stdout, stderr}, rejects with both on a non-zero exit. */
export async function nmHost(args, env) {
  const result = await runNmHost(args, env);
  if (result.status !== 0) {
    throw new Error(`nm-host ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}
