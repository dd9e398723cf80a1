// Launches the system Chromium headless with unpacked extensions, as /work/shared/chromium-e2e.md says.
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const WRAPPER = join(dirname(fileURLToPath(import.meta.url)), 'chromium-wrapper.sh');

/**
 * A persistent context on userDataDir with the extensions loaded. env is the browser's environment, which the
 * native hosts it starts inherit; browserLog receives Chromium's (and so the hosts') stderr.
 */
export async function launch({ userDataDir, extensions, env, browserLog }) {
  const list = extensions.join(',');
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: WRAPPER,
    headless: true,
    env: { ...env, NM_E2E_BROWSER_LOG: browserLog },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-default-browser-check',
      '--disable-dev-shm-usage',
      `--load-extension=${list}`,
      `--disable-extensions-except=${list}`,
    ],
  });
}

/** The service worker of extension id, waiting for it to start. */
export async function serviceWorker(context, id) {
  const prefix = `chrome-extension://${id}/`;
  const find = () => context.serviceWorkers().find((worker) => worker.url().startsWith(prefix));
  while (!find()) {
    await context.waitForEvent('serviceworker', { timeout: 10_000 });
  }
  return find();
}
