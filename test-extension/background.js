// Small functions the e2e driver calls through the service worker (Playwright's sw.evaluate). Each returns
// plain JSON: what the host replied, or {error} with the browser's message (chrome.runtime.lastError).
import { DEFAULT_HOST, NmClient } from './nm-client.js';

const openClients = new Map();
let nextHandle = 1;

async function settle(promise) {
  try {
    return await promise;
  } catch (error) {
    return { error: error.message };
  }
}

globalThis.nm = {
  /** One request on a new port, which then closes: {reply, events} or {error}. */
  async roundTrip(route, payload = {}, host = DEFAULT_HOST) {
    const client = new NmClient(host);
    const events = [];
    try {
      return await settle(client.call(route, payload, { onEvent: (event) => events.push(event) }).then((reply) => ({ reply, events })));
    } finally {
      client.close();
    }
  },

  /** One request through sendNativeMessage (a new host process per call): {reply} or {error}. */
  async sendOnce(route, payload = {}, host = DEFAULT_HOST) {
    return settle(chrome.runtime.sendNativeMessage(host, { request_id: 'once', route, payload }).then((reply) => ({ reply })));
  },

  /** Sends every request at once on one port; resolves when all are answered: {replies} in arrival order. */
  async pipeline(requests, host = DEFAULT_HOST) {
    const client = new NmClient(host);
    const replies = [];
    try {
      const calls = requests.map(({ route, payload, requestId }) =>
        client.call(route, payload, { requestId }).then((reply) => replies.push(reply)));
      const outcome = await settle(Promise.all(calls));
      return outcome?.error ? outcome : { replies };
    } finally {
      client.close();
    }
  },

  /** Opens a port that stays open across calls; returns a handle for call() and close(). */
  open(host = DEFAULT_HOST) {
    const handle = nextHandle++;
    openClients.set(handle, new NmClient(host));
    return handle;
  },

  /** One request on an open port: {reply, events} or {error}. */
  async call(handle, route, payload = {}) {
    const events = [];
    return settle(openClients.get(handle).call(route, payload, { onEvent: (event) => events.push(event) }).then((reply) => ({ reply, events })));
  },

  close(handle) {
    openClients.get(handle)?.close();
    openClients.delete(handle);
  },

  /** n sequential sendNativeMessage calls (a new host process each); the time of each in ms. */
  async sendOnceTimes(n, route, payload = {}, host = DEFAULT_HOST) {
    const times = [];
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      try {
        await chrome.runtime.sendNativeMessage(host, { request_id: `once${i}`, route, payload });
      } catch (error) {
        return { error: error.message };
      }
      times.push(performance.now() - start);
    }
    return { times };
  },

  /**
   * n sequential requests on one port; the round-trip time of each in ms, and of all n together
   * (performance.now, which a service worker rounds to 0.1 ms: the total gives the mean to 0.1 ms / n).
   */
  async ping(n, route, payload = {}, host = DEFAULT_HOST) {
    const client = new NmClient(host);
    const times = [];
    try {
      await client.call(route, payload);
      const first = performance.now();
      for (let i = 0; i < n; i++) {
        const start = performance.now();
        const reply = await client.call(route, payload);
        times.push(performance.now() - start);
        if (reply.success !== true) return { error: JSON.stringify(reply) };
      }
      return { times, total: performance.now() - first };
    } catch (error) {
      return { error: error.message };
    } finally {
      client.close();
    }
  },
};

chrome.action.onClicked.addListener(() => chrome.tabs.create({ url: chrome.runtime.getURL('chat.html') }));
