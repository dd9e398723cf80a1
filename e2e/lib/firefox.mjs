// The host through a real Firefox: Debian's firefox-esr, headless, driven over WebDriver BiDi by puppeteer-core
// (no browser is ever downloaded). One hermetic run: a temp HOME (Firefox reads user-level host manifests from
// $HOME/.mozilla/native-messaging-hosts), a temp NM_HOST_HOME and profile, the host installed by our own
// installer, and three Firefox builds of the test extension, installed as temporary add-ons:
//   allowed   an email-like add-on id: in the manifest's allowed_extensions and in the host's config
//   hostless  a {UUID} add-on id: in the manifest, so Firefox starts the host, but not in the host's config
//   stranger  in neither, so Firefox refuses to start the host
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import puppeteer from 'puppeteer-core';
import { assertHostBuilt, NM_HOST, nmHost, TEST_EXTENSION } from './nm-host.mjs';

export const FIREFOX = process.env.NM_E2E_FIREFOX ?? '/usr/bin/firefox-esr';

/**
 * The add-ons: gecko id, and the moz-extension:// UUID the profile gives it (pref extensions.webextensions.uuids),
 * so that the test knows its pages' addresses before installing it.
 */
export const ADDONS = {
  allowed: { id: 'nm-test@example.org', uuid: '3f8a6b5c-2d41-4e7a-9b0c-1a2b3c4d5e6f' },
  hostless: { id: '{7c0e9d52-5b1a-4f3e-8d2c-6a9b0e1f2c3d}', uuid: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' },
  stranger: { id: 'nm-test-stranger@example.org', uuid: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9' },
};

/** The origin the host gives a Firefox caller. */
export const firefoxOrigin = (addonId) => `firefox:${addonId}`;

/** The extension page the driver evaluates nm.* in: background.js's functions, loaded by a page. */
const E2E_PAGE = 'e2e.html';

/**
 * Writes a Firefox build of test-extension to dest: the same files, with a manifest that names the add-on
 * (browser_specific_settings.gecko.id) and runs background.js as a background script (Firefox has no MV3
 * service worker). Firefox exposes neither a background page nor a moz-extension:// navigation to the driver,
 * so the background also opens e2e.html, a page that loads background.js's nm.* functions, when installed.
 */
export function firefoxExtension(dest, { id, name }) {
  cpSync(TEST_EXTENSION, dest, { recursive: true });
  const manifestFile = join(dest, 'manifest.json');
  const { key, background, ...manifest } = JSON.parse(readFileSync(manifestFile, 'utf8'));
  writeFileSync(manifestFile, JSON.stringify({
    ...manifest,
    name,
    background: { scripts: ['firefox-background.js'], type: 'module' },
    browser_specific_settings: { gecko: { id } },
  }, null, 2));
  writeFileSync(join(dest, 'firefox-background.js'), [
    "import './background.js';",
    `chrome.runtime.onInstalled.addListener(() => chrome.tabs.create({ url: '${E2E_PAGE}' }));`,
    '',
  ].join('\n'));
  writeFileSync(join(dest, E2E_PAGE),
    '<!doctype html>\n<meta charset="utf-8">\n<title>nm e2e</title>\n<script type="module" src="background.js"></script>\n');
}

/** The page of browser showing url (puppeteer does not see extension pages' addresses over BiDi: ask each). */
async function findPage(browser, prefix, { timeout = 15_000, exclude = new Set() } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const page of await browser.pages()) {
      if (exclude.has(page)) continue;
      const url = await page.evaluate(() => location.href).catch(() => '');
      if (url.startsWith(prefix)) return page;
    }
    if (Date.now() > deadline) throw new Error(`no page at ${prefix} after ${timeout} ms`);
    await sleep(50);
  }
}

export async function startFirefoxSession() {
  assertHostBuilt();
  const root = mkdtempSync(join(tmpdir(), 'nm-e2e-firefox-'));
  const home = join(root, 'home');
  const hostHome = join(root, 'nm-home');
  const browserLog = join(root, 'browser.log');
  mkdirSync(home);
  const env = {
    ...process.env,
    HOME: home,
    NM_HOST_HOME: hostHome,
    NM_HOST_MODELS_DIR:
      process.env.NM_HOST_MODELS_DIR ?? join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local/share'), 'nm-host/models'),
  };
  // A desktop's XDG_CONFIG_HOME would point Firefox and nm-host away from the temp HOME.
  delete env.XDG_CONFIG_HOME;
  const manifest = join(home, '.mozilla/native-messaging-hosts/nm_host.json');
  const names = {
    allowed: 'nm test extension',
    hostless: 'nm test extension (not allowed by the host)',
    stranger: 'nm test extension (not in the manifest)',
  };
  for (const [name, addon] of Object.entries(ADDONS)) firefoxExtension(join(root, name), { id: addon.id, name: names[name] });

  let browser;
  const session = {
    root,
    home,
    hostHome,
    env,
    manifest,
    browserLog,
    pages: {},
    /** Opens page path of the allowed add-on in a new tab (from its e2e page: the driver cannot navigate there). */
    async page(path) {
      const before = new Set(await browser.pages());
      await session.pages.allowed.evaluate((p) => chrome.tabs.create({ url: p }).then(() => undefined), path);
      return findPage(browser, `moz-extension://${ADDONS.allowed.uuid}/${path}`, { exclude: before });
    },
    /** The host's logs and Firefox's output so far, for failure messages. */
    log: () => [tail(browserLog), tail(join(hostHome, 'logs/host.log'))].join('\n'),
    close: () => cleanUp(browser, env, root),
  };
  try {
    await nmHost(
      ['install', '--browser', 'firefox', '--host-path', NM_HOST,
        '--firefox-extension-id', ADDONS.allowed.id, '--firefox-extension-id', ADDONS.hostless.id],
      env,
    );
    const configFile = join(hostHome, 'config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    delete config.origins[firefoxOrigin(ADDONS.hostless.id)];
    writeFileSync(configFile, JSON.stringify(config, null, 2));

    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      env,
      userDataDir: join(root, 'profile'),
      extraPrefsFirefox: {
        'extensions.webextensions.uuids': JSON.stringify(Object.fromEntries(Object.values(ADDONS).map((a) => [a.id, a.uuid]))),
      },
    });
    for (const stream of [browser.process()?.stdout, browser.process()?.stderr]) {
      stream?.on('data', (data) => appendFileSync(browserLog, data));
    }
    for (const [name, addon] of Object.entries(ADDONS)) {
      const installed = await browser.installExtension(join(root, name));
      if (installed !== addon.id) throw new Error(`installed ${name} as ${installed}, expected ${addon.id}`);
      session.pages[name] = await findPage(browser, `moz-extension://${addon.uuid}/${E2E_PAGE}`);
      await session.pages[name].waitForFunction(() => globalThis.nm !== undefined, { timeout: 10_000 });
    }
    session.browser = browser;
    return session;
  } catch (error) {
    // A session that failed half-way would leave Firefox, a daemon and the temp directory behind.
    const log = session.log();
    await cleanUp(browser, env, root);
    throw new Error(`${error.message}\n${log}`, { cause: error });
  }
}

function tail(file) {
  return existsSync(file)
    ? readFileSync(file, 'utf8').split('\n').filter((l) => !/dbus|D-Bus|\[cds\]/.test(l)).slice(-30).join('\n')
    : '';
}

/** Closes the browser, stops the daemon and removes the temp directory, each even if the one before failed. */
async function cleanUp(browser, env, root) {
  try {
    await browser?.close();
  } catch (error) {
    console.error(`closing Firefox: ${error.message}`);
  }
  await nmHost(['daemon', 'stop'], env).catch((error) => console.error(error.message));
  if (!process.env.NM_E2E_KEEP) rmSync(root, { recursive: true, force: true });
}
