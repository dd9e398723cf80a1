// The host under test: the repository's bin/nm-host (the built distribution).
import assert from 'node:assert/strict';
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

/**
 * What the host under test serves, asked with roundTrip (nm.roundTrip in an extension context): its routes, and
 * the kinds of model its models directory holds. `needsRoute(t, name, modelKind)` skips a test that needs a route
 * this build lacks, or a model of a kind (generation, embedding) the directory lacks (the AI routes are listed with
 * or without models), unless NM_REQUIRE_MODELS says all must be there.
 */
export async function hostOffer(roundTrip, log) {
  const hello = await roundTrip('hello');
  if (hello.reply?.success !== true) throw new Error(`hello failed: ${JSON.stringify(hello)}\n${log()}`);
  const routes = hello.reply.data.routes;
  const models = routes.includes('models') ? await roundTrip('models') : {};
  const modelKinds = new Set(models.reply?.success ? models.reply.data.data.map((model) => model.kind) : []);
  return {
    needsRoute(t, name, modelKind) {
      const missing = !routes.includes(name)
        ? `the host has no ${name} route`
        : modelKind !== undefined && !modelKinds.has(modelKind) ? `the host has no ${modelKind} model for ${name}` : null;
      if (missing === null) return true;
      if (process.env.NM_REQUIRE_MODELS) throw new Error(missing);
      t.skip(missing);
      return false;
    },
  };
}

/** 256 sentences: the most one embeddings request may ask, whose reply (over 1 MiB) the host sends in chunks. */
export const EMBEDDINGS_OVER_ONE_MIB = Array.from({ length: 256 }, (_, i) => `sentence number ${i} about lighthouses and the sea`);

/** That the reply to EMBEDDINGS_OVER_ONE_MIB arrived whole: over 1 MiB, every vector in order, 384 dims, unit norm. */
export function assertEmbeddingsArrivedWhole({ reply, error }) {
  assert.equal(error, undefined, error);
  assert.equal(reply.success, true, JSON.stringify(reply.error));
  assert.ok(JSON.stringify(reply).length > 1024 * 1024, `reply is only ${JSON.stringify(reply).length} bytes`);
  assert.deepEqual(reply.data.data.map((d) => d.index), EMBEDDINGS_OVER_ONE_MIB.map((_, i) => i));
  for (const { embedding } of reply.data.data) {
    assert.equal(embedding.length, 384);
    assert.ok(Math.abs(Math.hypot(...embedding) - 1) < 1e-4);
  }
}
