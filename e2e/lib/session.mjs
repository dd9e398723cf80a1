// One hermetic run: a temp NM_HOST_HOME and Chromium profile, the host installed by our own installer, and a
// headless Chromium with three copies of the test extension:
//   allowed   the fixed-key extension: in the manifest and in the host's config
//   hostless  a fresh key: in the manifest, so Chromium starts the host, but not in the host's config
//   stranger  a fresh key: in neither, so Chromium refuses to start the host
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, serviceWorker } from './browser.mjs';
import { copyWithNewKey, extensionId, manifestKey, origin } from './extensions.mjs';
import { assertHostBuilt, NM_HOST, nmHost, TEST_EXTENSION } from './nm-host.mjs';

export async function startSession() {
  assertHostBuilt();
  const root = mkdtempSync(join(tmpdir(), 'nm-e2e-'));
  const hostHome = join(root, 'nm-home');
  const userDataDir = join(root, 'profile');
  const env = {
    ...process.env,
    NM_HOST_HOME: hostHome,
    NM_HOST_MODELS_DIR:
      process.env.NM_HOST_MODELS_DIR ?? join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local/share'), 'nm-host/models'),
  };
  const browserLog = join(root, 'browser.log');
  const dirs = { allowed: TEST_EXTENSION, hostless: join(root, 'hostless'), stranger: join(root, 'stranger') };
  const ids = {
    allowed: extensionId(manifestKey(TEST_EXTENSION)),
    hostless: copyWithNewKey(TEST_EXTENSION, dirs.hostless, 'nm test extension (not allowed by the host)'),
    stranger: copyWithNewKey(TEST_EXTENSION, dirs.stranger, 'nm test extension (not in the manifest)'),
  };

  let context;
  try {
    await nmHost(
      ['install', '--browser', 'chromium', '--user-data-dir', userDataDir, '--host-path', NM_HOST,
        '--extension-id', ids.allowed, '--extension-id', ids.hostless],
      env,
    );
    const configFile = join(hostHome, 'config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    delete config.origins[origin(ids.hostless)];
    writeFileSync(configFile, JSON.stringify(config, null, 2));

    context = await launch({ userDataDir, extensions: Object.values(dirs), env, browserLog });
    const workers = {};
    for (const [name, id] of Object.entries(ids)) workers[name] = await serviceWorker(context, id);

    return {
      root,
      hostHome,
      userDataDir,
      env,
      ids,
      workers,
      context,
      browserLog,
      /** Opens an extension page of the allowed extension. */
      async page(path) {
        const page = await context.newPage();
        await page.goto(`chrome-extension://${ids.allowed}/${path}`);
        return page;
      },
      /** The host's and Chromium's stderr so far, for failure messages. */
      log: () => tail(browserLog),
      close: () => cleanUp(context, env, root),
    };
  } catch (error) {
    // A session that failed half-way would leave Chromium running (its pipe keeps node from exiting), a daemon
    // and the temp directory behind.
    const log = tail(browserLog);
    await cleanUp(context, env, root);
    throw new Error(`${error.message}\n${log}`, { cause: error });
  }
}

function tail(browserLog) {
  return existsSync(browserLog)
    ? readFileSync(browserLog, 'utf8').split('\n').filter((l) => !l.includes('dbus')).slice(-40).join('\n')
    : '';
}

/** Closes the browser, stops the daemon and removes the temp directory, each even if the one before failed. */
async function cleanUp(context, env, root) {
  try {
    await context?.close();
  } catch (error) {
    console.error(`closing Chromium: ${error.message}`);
  }
  await nmHost(['daemon', 'stop'], env).catch((error) => console.error(error.message));
  if (!process.env.NM_E2E_KEEP) rmSync(root, { recursive: true, force: true });
}

/** Pids of live processes whose command line contains text (Linux /proc). */
export function pidsWith(text) {
  const pids = [];
  for (const entry of readdirSafe('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry));
    } catch {
      // The process exited while we looked.
    }
  }
  return pids;
}

export function alive(pid) {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
    return state !== 'Z';
  } catch {
    return false;
  }
}

function readdirSafe(dir) {
  return existsSync(dir) ? readdirSync(dir) : [];
}
