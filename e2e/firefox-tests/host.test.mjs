// The nm host through a real Firefox: the test extension's Firefox build talks to bin/nm-host, installed by
// `nm-host install --browser firefox`. The driver calls background.js's nm.* functions in an extension page.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADDONS, firefoxOrigin, startFirefoxSession } from '../lib/firefox.mjs';
import { assertEmbeddingsArrivedWhole, EMBEDDINGS_OVER_ONE_MIB, hostOffer, NM_HOST, nmHost, PROTOCOL_VERSION, runNmHost } from '../lib/nm-host.mjs';
import { alive, pidsWith } from '../lib/session.mjs';


let session;
let offer;

/** The arguments of a live process, from /proc. */
function argv(pid) {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
}

/** The parent pid of a live process, from /proc. */
function parentOf(pid) {
  return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
}

describe('nm host in Firefox', { timeout: 240_000 }, () => {
  const allowed = () => session.pages.allowed;

  before(async () => {
    session = await startFirefoxSession();
    offer = await hostOffer((route) => allowed().evaluate((r) => nm.roundTrip(r), route), session.log);
  });

  after(async () => {
    await session?.close();
  });

  test('connectNative round trip: hello names the protocol and the add-on as firefox:<id>', async () => {
    const { reply, events } = await allowed().evaluate(() => nm.roundTrip('hello'));

    assert.equal(reply.success, true);
    assert.equal(reply.request_id, 'r1');
    assert.equal(reply.data.protocol_version, PROTOCOL_VERSION);
    assert.equal(reply.data.origin, `firefox:${ADDONS.allowed.id}`);
    assert.ok(reply.data.routes.includes('hello') && reply.data.routes.includes('cancel'), reply.data.routes.join());
    assert.deepEqual(events, []);
  });

  test('sendNativeMessage: one request, one reply', async () => {
    const { reply, error } = await allowed().evaluate(() => nm.sendOnce('hello'));

    assert.equal(error, undefined, `${error}\n${session.log()}`);
    assert.equal(reply.request_id, 'once');
    assert.equal(reply.success, true);
    assert.equal(reply.data.origin, `firefox:${ADDONS.allowed.id}`);
  });

  test('50 pipelined requests on one port are each answered once', async () => {
    const requests = Array.from({ length: 50 }, (_, i) => ({ route: 'hello', payload: {}, requestId: `p${i}` }));

    const { replies, error } = await allowed().evaluate((r) => nm.pipeline(r), requests);

    assert.equal(error, undefined, error);
    assert.deepEqual(replies.map((r) => r.request_id).sort(), requests.map((r) => r.requestId).sort());
    assert.ok(replies.every((r) => r.success === true && r.data.origin === `firefox:${ADDONS.allowed.id}`));
  });

  test('a reply over 1 MiB arrives whole (256 embeddings)', async (t) => {
    if (!offer.needsRoute(t, 'embeddings', 'embedding')) return;
    assertEmbeddingsArrivedWhole(
      await allowed().evaluate((i) => nm.roundTrip('embeddings', { input: i }), EMBEDDINGS_OVER_ONE_MIB),
    );
  });

  test('Firefox starts the host with the manifest path and the add-on id, and the host exits when the port closes', async (t) => {
    const id = ADDONS.allowed.id;
    const before = new Set(pidsWith(id));
    const handle = await allowed().evaluate(() => nm.open());
    const hello = await allowed().evaluate((h) => nm.call(h, 'hello'), handle);
    assert.equal(hello.reply?.success, true, JSON.stringify(hello));
    const hosts = pidsWith(id).filter((pid) => !before.has(pid));
    assert.ok(hosts.length > 0, 'no host process carries the add-on id in its arguments');
    // The launcher Firefox started (a child of Firefox's main process) and the JVM it runs: both end in
    // Firefox's two arguments, the manifest's own path and the add-on id.
    const launched = hosts.filter((pid) => parentOf(pid) === session.browser.process().pid);
    assert.equal(launched.length, 1, `host processes ${hosts}, Firefox ${session.browser.process().pid}`);
    for (const pid of hosts) assert.deepEqual(argv(pid).slice(-2), [session.manifest, id], argv(pid).join(' '));
    const [started] = launched;
    t.diagnostic(`host ${argv(started)[0]} … ${JSON.stringify(argv(started).slice(-2))}, cwd ${readlinkSync(`/proc/${started}/cwd`)}`);

    await allowed().evaluate((h) => nm.close(h), handle);

    // Firefox closes the host's stdin, waits 3 s, then sends SIGTERM (SIGKILL 3 s later): gone well before
    // that means the host exited on EOF by itself.
    const closed = Date.now();
    while (hosts.some(alive) && Date.now() - closed < 1500) await sleep(5);
    assert.deepEqual(hosts.filter(alive), [], `host still running 1.5 s after the port closed\n${session.log()}`);
    t.diagnostic(`host gone ${Date.now() - closed} ms after the port closed`);
  });

  test('an add-on missing from the manifest is refused by Firefox', async () => {
    const port = await session.pages.stranger.evaluate(() => nm.roundTrip('hello'));
    const once = await session.pages.stranger.evaluate(() => nm.sendOnce('hello'));

    assert.deepEqual(port, { error: 'No such native application nm_host' });
    assert.deepEqual(once, { error: 'No such native application nm_host' });
  });

  test('an add-on in the manifest but not in the host config gets FORBIDDEN', async () => {
    const { reply, error } = await session.pages.hostless.evaluate(() => nm.roundTrip('hello'));

    assert.equal(error, undefined, error);
    assert.equal(reply.success, false);
    assert.equal(reply.error.code, 'FORBIDDEN');
    assert.equal(
      reply.error.message,
      `origin ${firefoxOrigin(ADDONS.hostless.id)} is not allowed to use this host; allow it with`
        + ` \`nm-host install --browser firefox --firefox-extension-id ${ADDONS.hostless.id}\``,
    );
  });

  test('doctor finds the add-on the manifest allows but the host does not', async () => {
    const { status, stdout } = await runNmHost(['doctor'], session.env);

    assert.equal(status, 1, stdout);
    assert.ok(
      stdout.includes(
        `[problem] firefox   ${firefoxOrigin(ADDONS.hostless.id)} may start the host but the host's config`
          + ` (${join(session.hostHome, 'config.json')}) does not allow it, so every request gets FORBIDDEN\n`
          + `                    fix: ${NM_HOST} install --browser firefox --firefox-extension-id ${ADDONS.hostless.id}`
          + ` --host-path ${NM_HOST}\n`,
      ),
      stdout,
    );
    assert.ok(stdout.includes(`[ok]      daemon    answering at ${join(session.hostHome, 'run/daemon.sock')}\n`), stdout);
  });

  test('the chat page streams a real answer, and Stop ends the next one as cancelled', async (t) => {
    if (!offer.needsRoute(t, 'chat', 'generation')) return;
    const page = await session.page('chat.html');
    try {
      const ask = (prompt, maxTokens) => page.evaluate((p, m) => {
        document.getElementById('prompt').value = p;
        document.getElementById('max-tokens').value = String(m);
      }, prompt, maxTokens).then(() => page.click('#send'));
      const done = '#status[data-state="done"], #status[data-state="error"]';

      await ask('What is the capital of France?', 24);
      await page.waitForSelector(done, { timeout: 120_000 });
      const status = await page.$eval('#status', (el) => el.textContent);
      const answer = await page.$eval('#answer', (el) => ({ text: el.textContent, ...el.dataset }));
      assert.match(status, /^done: (stop|length) \(\d+ tokens\)$/, `${status}\n${session.log()}`);
      assert.ok(Number(answer.chunks) > 1, `only ${answer.chunks} chunk events`);
      assert.equal(answer.text, answer.final);
      assert.ok(answer.text.trim().length > 0);

      await ask('Tell me a very long story about a lighthouse keeper and the sea.', 2000);
      await page.waitForFunction(() => Number(document.getElementById('answer').dataset.chunks) >= 5, { timeout: 120_000 });
      await page.click('#stop');
      await page.waitForSelector(done, { timeout: 10_000 });
      const finishReason = await page.$eval('#status', (el) => el.dataset.finishReason);
      const stoppedStatus = await page.$eval('#status', (el) => el.textContent);
      const stopped = await page.$eval('#answer', (el) => ({ text: el.textContent, ...el.dataset }));
      const chunks = Number(stopped.chunks);
      assert.equal(finishReason, 'cancelled', stoppedStatus);
      // stop_generation's answer, which keeps the text so far, not the protocol's cancel (a CANCELLED failure)
      assert.match(stoppedStatus, /^done: cancelled \(\d+ tokens\)$/);
      assert.equal(stopped.final, stopped.text, 'the final message is the text streamed');
      assert.ok(chunks >= 5 && chunks < 2000, `${chunks} chunks`);
    } finally {
      await page.close();
    }
  });

  // Last: it takes the host away from the browser.
  test('after uninstall Firefox no longer finds the host, and the host no longer allows the add-on', async () => {
    await nmHost(['uninstall', '--browser', 'firefox'], session.env);

    assert.equal(existsSync(session.manifest), false);
    const config = JSON.parse(readFileSync(join(session.hostHome, 'config.json'), 'utf8'));
    assert.deepEqual(config.origins, {});
    assert.deepEqual(await allowed().evaluate(() => nm.roundTrip('hello')), { error: 'No such native application nm_host' });
  });
});
