// The nm host through a real Chromium: the test extension talks to bin/nm-host, installed by `nm-host install`.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { origin } from '../lib/extensions.mjs';
import { assertEmbeddingsArrivedWhole, EMBEDDINGS_OVER_ONE_MIB, hostOffer, NM_HOST, nmHost, PROTOCOL_VERSION, runNmHost } from '../lib/nm-host.mjs';
import { alive, pidsWith, startSession } from '../lib/session.mjs';

const FORBIDDEN_BY_BROWSER = 'Access to the specified native messaging host is forbidden.';

let session;
let offer;

describe('nm host in Chromium', { timeout: 240_000 }, () => {
  before(async () => {
    session = await startSession();
    offer = await hostOffer((route) => session.workers.allowed.evaluate((r) => nm.roundTrip(r), route), session.log);
  });

  after(async () => {
    await session?.close();
  });

  test('connectNative round trip: hello names the protocol and the caller', async () => {
    const { reply, events } = await session.workers.allowed.evaluate(() => nm.roundTrip('hello'));

    assert.equal(reply.success, true);
    assert.equal(reply.request_id, 'r1');
    assert.equal(reply.data.protocol_version, PROTOCOL_VERSION);
    assert.equal(reply.data.origin, origin(session.ids.allowed));
    assert.ok(reply.data.routes.includes('hello') && reply.data.routes.includes('cancel'), reply.data.routes.join());
    assert.deepEqual(events, []);
  });

  test('sendNativeMessage: one request, one reply, one process', async () => {
    const { reply, error } = await session.workers.allowed.evaluate(() => nm.sendOnce('hello'));

    assert.equal(error, undefined, `${error}\n${session.log()}`);
    assert.equal(reply.request_id, 'once');
    assert.equal(reply.data.origin, origin(session.ids.allowed));
  });

  test('200 pipelined requests on one port are each answered once', async () => {
    const requests = Array.from({ length: 200 }, (_, i) => ({ route: 'hello', payload: {}, requestId: `p${i}` }));

    const { replies, error } = await session.workers.allowed.evaluate((r) => nm.pipeline(r), requests);

    assert.equal(error, undefined, error);
    assert.deepEqual(replies.map((r) => r.request_id).sort(), requests.map((r) => r.requestId).sort());
    assert.ok(replies.every((r) => r.success === true && r.data.origin === origin(session.ids.allowed)));
  });

  test('a reply over 1 MiB arrives whole (256 embeddings)', async (t) => {
    if (!offer.needsRoute(t, 'embeddings', 'embedding')) return;
    assertEmbeddingsArrivedWhole(
      await session.workers.allowed.evaluate((i) => nm.roundTrip('embeddings', { input: i }), EMBEDDINGS_OVER_ONE_MIB),
    );
  });

  test('the host exits by itself when the port closes', async (t) => {
    const caller = origin(session.ids.allowed);
    const before = new Set(pidsWith(caller));
    const handle = await session.workers.allowed.evaluate(() => nm.open());
    const hello = await session.workers.allowed.evaluate((h) => nm.call(h, 'hello'), handle);
    assert.equal(hello.reply?.success, true, JSON.stringify(hello));
    const hosts = pidsWith(caller).filter((pid) => !before.has(pid));
    assert.ok(hosts.length > 0, 'no host process carries the caller origin in its arguments');

    await session.workers.allowed.evaluate((h) => nm.close(h), handle);

    // Chromium SIGKILLs a host still alive ~2 s after the port closes; gone well before that means it exited.
    const closed = Date.now();
    while (hosts.some(alive) && Date.now() - closed < 1500) await sleep(5);
    assert.deepEqual(hosts.filter(alive), [], `host still running 1.5 s after the port closed\n${session.log()}`);
    t.diagnostic(`host gone ${Date.now() - closed} ms after the port closed`);
  });

  test("the daemon serves the port's own pipes: no frame passes through the host process", async () => {
    const caller = origin(session.ids.allowed);
    const before = new Set(pidsWith(caller));
    const handle = await session.workers.allowed.evaluate(() => nm.open());
    try {
      const hello = await session.workers.allowed.evaluate((h) => nm.call(h, 'hello'), handle);
      assert.equal(hello.reply?.success, true, JSON.stringify(hello));
      const [host] = pidsWith(caller).filter((pid) => !before.has(pid));
      const daemonPid = Number(readFileSync(join(session.hostHome, 'run/daemon.pid'), 'utf8').trim());
      const browserPipes = [0, 1].map((fd) => readlinkSync(`/proc/${host}/fd/${fd}`));
      const daemonFiles = readdirSync(`/proc/${daemonPid}/fd`).map((fd) => {
        try {
          return readlinkSync(`/proc/${daemonPid}/fd/${fd}`);
        } catch {
          return null; // closed while we looked
        }
      });

      assert.ok(browserPipes.every((pipe) => pipe.startsWith('pipe:')), `host stdin/stdout: ${browserPipes}`);
      assert.deepEqual(browserPipes.filter((pipe) => !daemonFiles.includes(pipe)), [], 'the daemon holds both pipes');
    } finally {
      await session.workers.allowed.evaluate((h) => nm.close(h), handle);
    }
  });

  test('two pages share one daemon', async (t) => {
    if (!offer.needsRoute(t, 'health')) return;
    const pages = [await session.page('chat.html'), await session.page('chat.html')];
    const health = () => import(chrome.runtime.getURL('nm-client.js')).then(async ({ NmClient }) => {
      const client = new NmClient();
      try {
        return await client.call('health');
      } finally {
        client.close();
      }
    });

    let replies;
    try {
      replies = await Promise.all(pages.map((page) => page.evaluate(health)));
    } finally {
      for (const page of pages) await page.close();
    }
    const daemonPid = Number(readFileSync(join(session.hostHome, 'run/daemon.pid'), 'utf8').trim());
    assert.deepEqual(replies.map((r) => r.data?.daemon_pid), [daemonPid, daemonPid], JSON.stringify(replies));
    assert.ok(alive(daemonPid));
  });

  test('an extension missing from the manifest is refused by Chromium', async () => {
    const port = await session.workers.stranger.evaluate(() => nm.roundTrip('hello'));
    const once = await session.workers.stranger.evaluate(() => nm.sendOnce('hello'));

    assert.deepEqual(port, { error: FORBIDDEN_BY_BROWSER });
    assert.deepEqual(once, { error: FORBIDDEN_BY_BROWSER });
  });

  test('an extension in the manifest but not in the host config gets FORBIDDEN', async () => {
    const { reply, error } = await session.workers.hostless.evaluate(() => nm.roundTrip('hello'));

    assert.equal(error, undefined, error);
    assert.equal(reply.success, false);
    assert.equal(reply.error.code, 'FORBIDDEN');
    assert.ok(reply.error.message.includes(origin(session.ids.hostless)), reply.error.message);
  });

  test('doctor finds the extension the manifest allows but the host does not', async () => {
    const { userDataDir, ids, env } = session;

    const { status, stdout } = await runNmHost(['doctor', '--user-data-dir', userDataDir], env);

    const manifest = join(userDataDir, 'NativeMessagingHosts/nm_host.json');
    assert.equal(status, 1, stdout);
    assert.ok(
      stdout.includes(
        `[problem] chromium  ${origin(ids.hostless)} may start the host but the host's config (${join(session.hostHome, 'config.json')})`
          + ` does not allow it, so every request gets FORBIDDEN\n`
          + `                    fix: ${NM_HOST} install --browser chromium --user-data-dir ${userDataDir} --extension-id ${ids.hostless}`
          + ` --host-path ${NM_HOST}\n`,
      ),
      stdout,
    );
    assert.ok(stdout.includes(`[ok]      daemon    answering at ${join(session.hostHome, 'run/daemon.sock')}\n`), stdout);
    assert.ok(stdout.endsWith('1 problem found\n'), `${stdout} (manifest ${manifest})`);
  });

  test('the chat page streams a real answer token by token', async (t) => {
    if (!offer.needsRoute(t, 'chat', 'generation')) return;
    const page = await session.page('chat.html');
    await page.fill('#max-tokens', '24');
    await page.fill('#prompt', 'What is the capital of France?');

    await page.click('#send');
    await page.waitForSelector('#status[data-state="done"], #status[data-state="error"]', { timeout: 120_000 });

    const status = await page.textContent('#status');
    const answer = await page.$eval('#answer', (el) => ({ text: el.textContent, ...el.dataset }));
    await page.close();
    assert.match(status, /^done: (stop|length) \(\d+ tokens\)$/, `${status}\n${session.log()}`);
    assert.ok(Number(answer.chunks) > 1, `only ${answer.chunks} chunk events`);
    assert.equal(answer.text, answer.final);
    assert.ok(answer.text.trim().length > 0);
  });

  test('Stop ends a streaming answer as cancelled', async (t) => {
    if (!offer.needsRoute(t, 'chat', 'generation')) return;
    const page = await session.page('chat.html');
    await page.fill('#max-tokens', '2000');
    await page.fill('#prompt', 'Tell me a very long story about a lighthouse keeper and the sea.');

    await page.click('#send');
    await page.waitForFunction(() => Number(document.getElementById('answer').dataset.chunks) >= 5, null, { timeout: 120_000 });
    await page.click('#stop');
    await page.waitForSelector('#status[data-state="done"], #status[data-state="error"]', { timeout: 10_000 });

    const finishReason = await page.$eval('#status', (el) => el.dataset.finishReason);
    const status = await page.textContent('#status');
    const answer = await page.$eval('#answer', (el) => ({ text: el.textContent, ...el.dataset }));
    const chunks = Number(answer.chunks);
    await page.close();
    assert.equal(finishReason, 'cancelled', status);
    // stop_generation's answer, which keeps the text so far, not the protocol's cancel (a CANCELLED failure)
    assert.match(status, /^done: cancelled \(\d+ tokens\)$/);
    assert.equal(answer.final, answer.text, 'the final message is the text streamed');
    assert.ok(chunks >= 5 && chunks < 2000, `${chunks} chunks`);
  });

  // Last: it takes the host away from the browser.
  test('after uninstall Chromium no longer finds the host, and the host no longer allows the extension', async () => {
    const { userDataDir, env } = session;

    await nmHost(['uninstall', '--user-data-dir', userDataDir], env);

    assert.equal(existsSync(join(userDataDir, 'NativeMessagingHosts/nm_host.json')), false);
    const config = JSON.parse(readFileSync(join(session.hostHome, 'config.json'), 'utf8'));
    assert.deepEqual(config.origins, {});
    assert.deepEqual(await session.workers.allowed.evaluate(() => nm.roundTrip('hello')), {
      error: 'Specified native messaging host not found.',
    });
  });
});
