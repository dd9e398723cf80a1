// The test extension's protocol client (test-extension/nm-client.js) on a fake port, in Node: chunk joining,
// replies to requests the host could not read, and what the client refuses before sending. The same file runs
// in the real Chromium of host.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';

class FakePort {
  sent = [];
  #onMessage = [];
  #onDisconnect = [];
  onMessage = { addListener: (listener) => this.#onMessage.push(listener) };
  onDisconnect = { addListener: (listener) => this.#onDisconnect.push(listener) };
  postMessage(message) { this.sent.push(JSON.parse(JSON.stringify(message))); }
  disconnect() {}
  deliver(message) { for (const listener of this.#onMessage) listener(message); }
  hostExits() { for (const listener of this.#onDisconnect) listener(this); }
  /** Firefox's way of saying why a port closed: port.error, with runtime.lastError unset. */
  refusedByFirefox(message) {
    this.error = { message };
    this.hostExits();
  }
}

let port;
globalThis.chrome = { runtime: { connectNative: () => (port = new FakePort()), lastError: undefined } };
const { NmClient, MAX_JSON_NESTING, MAX_MESSAGE_BYTES } = await import('../../test-extension/nm-client.js');

function nested(levels) {
  let value = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

test('a reply split in chunks is joined, and events reach their call before its reply', async () => {
  const client = new NmClient();
  const events = [];
  const { requestId, reply } = client.send('chat', { stream: true }, { onEvent: (e) => events.push(e.data) });
  port.deliver({ request_id: requestId, event: 'chat.completion.chunk', data: 1 });
  const text = JSON.stringify({ request_id: requestId, success: true, data: { text: 'é'.repeat(10) } });
  port.deliver({ request_id: requestId, chunk: { seq: 0, total: 2 }, data: text.slice(0, 20) });
  port.deliver({ request_id: requestId, chunk: { seq: 1, total: 2 }, data: text.slice(20) });
  assert.deepEqual(await reply, { request_id: requestId, success: true, data: { text: 'é'.repeat(10) } });
  assert.deepEqual(events, [1]);
});

test('chunks out of order fail their call only', async () => {
  const client = new NmClient();
  const broken = client.send('embeddings', {});
  const other = client.send('health', {});
  port.deliver({ request_id: broken.requestId, chunk: { seq: 1, total: 2 }, data: '}' });
  assert.equal((await broken.reply).error.code, 'INVALID_FRAME');
  port.deliver({ request_id: other.requestId, success: true, data: {} });
  assert.equal((await other.reply).success, true);
});

test('a call whose event broke is cancelled on the host, and its id is not reused until the host has ended it', async () => {
  const client = new NmClient();
  const broken = client.send('chat', { stream: true }, { requestId: 'mine' });
  port.deliver({ request_id: 'mine', chunk: { seq: 1, total: 2 }, data: '}' });
  assert.equal((await broken.reply).error.code, 'INVALID_FRAME');
  const cancel = port.sent.find((m) => m.route === 'cancel');
  assert.deepEqual(cancel.payload, { request_id: 'mine' });
  await assert.rejects(client.call('health', {}, { requestId: 'mine' }), /already in flight/);
  port.deliver({ request_id: 'mine', event: 'chat.completion.chunk', data: 'late' }); // dropped
  port.deliver({ request_id: 'mine', success: false, error: { code: 'CANCELLED', message: 'cancelled', details: {} } });
  port.deliver({ request_id: cancel.request_id, success: true, data: { cancelled: true } });
  const again = client.send('health', {}, { requestId: 'mine' });
  port.deliver({ request_id: 'mine', success: true, data: { status: 'ok' } });
  assert.deepEqual((await again.reply).data, { status: 'ok' });
});

test('a call whose final reply broke frees its id once the host says it had ended', async () => {
  const client = new NmClient();
  const broken = client.send('embeddings', {}, { requestId: 'done' });
  port.deliver({ request_id: 'done', chunk: { seq: 1, total: 2 }, data: '}' });
  await broken.reply;
  const cancel = port.sent.find((m) => m.route === 'cancel');
  port.deliver({ request_id: cancel.request_id, success: true, data: { cancelled: false } });
  await new Promise((resolve) => setImmediate(resolve));
  const again = client.send('health', {}, { requestId: 'done' });
  port.deliver({ request_id: 'done', success: true, data: {} });
  assert.equal((await again.reply).success, true);
});

test('a failure with a null request_id answers the one call waiting, and is reported when several wait', async () => {
  const unmatched = [];
  const client = new NmClient('nm_host', { onUnmatched: (message) => unmatched.push(message) });
  const only = client.call('health', {});
  const failure = { request_id: null, success: false, error: { code: 'INVALID_JSON', message: 'x', details: {} } };
  port.deliver(failure);
  assert.deepEqual(await only, failure);

  client.send('health', {});
  client.send('system', {});
  port.deliver(failure);
  assert.deepEqual(unmatched, [failure]);
});

test('a payload the host would refuse as too deep is refused before it is sent', async () => {
  const client = new NmClient();
  await assert.rejects(client.call('health', nested(MAX_JSON_NESTING)), /nests deeper than 63 levels/);
  assert.deepEqual(port.sent, []);
  client.send('health', nested(MAX_JSON_NESTING - 1));
  assert.equal(port.sent.length, 1, 'the envelope is level 1, so the payload may take 63');
});

test('a request over 64 MiB is refused before it is sent: Firefox would send it, and the host close the port', async () => {
  const client = new NmClient();
  await assert.rejects(client.call('embeddings', { input: 'x'.repeat(MAX_MESSAGE_BYTES) }), /bytes as JSON; the host reads at most 67108864/);
  // Two-byte characters: under the limit in UTF-16 units, over it in UTF-8 bytes.
  await assert.rejects(client.call('embeddings', { input: 'é'.repeat(MAX_MESSAGE_BYTES / 2) }), /bytes as JSON/);
  assert.deepEqual(port.sent, []);
  client.send('embeddings', { input: 'x'.repeat(MAX_MESSAGE_BYTES - 100) });
  assert.equal(port.sent.length, 1, 'just under the limit is sent');
});

test('an unusable or duplicate request_id is refused before it is sent, and the port closing ends every call', async () => {
  const client = new NmClient();
  await assert.rejects(client.call('health', {}, { requestId: '' }), /request_id must be a string of 1 to 256/);
  await assert.rejects(client.call('health', {}, { requestId: 'x'.repeat(257) }), /request_id must be a string/);
  const first = client.call('health', {}, { requestId: 'same' });
  await assert.rejects(client.call('health', {}, { requestId: 'same' }), /already in flight/);
  assert.equal(port.sent.length, 1);
  port.hostExits();
  await assert.rejects(first, /Native host has exited/);
  await assert.rejects(client.call('health', {}), /Native host has exited/);
});

test("a port Firefox closes ends the calls with Firefox's reason (port.error)", async () => {
  const client = new NmClient();
  const call = client.call('hello');
  port.refusedByFirefox('No such native application nm_host');
  await assert.rejects(call, { message: 'No such native application nm_host' });
  assert.equal(client.closedReason, 'No such native application nm_host');
});
