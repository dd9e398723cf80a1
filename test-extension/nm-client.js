// A client of the nm protocol over one chrome.runtime.connectNative port.
//
// Requests are {request_id, route, payload}. Replies are matched by request_id: any number of stream events
// {request_id, event, data} precede exactly one final reply {request_id, success, data | error}. A frame too
// large for the browser's 1 MiB limit arrives as chunks {request_id, chunk: {seq, total}, data}; the chunks'
// data, concatenated in seq order, is the JSON text of the whole frame.

export const DEFAULT_HOST = 'nm_host';

export class NmClient {
  #port;
  #pending = new Map();
  #chunks = new Map();
  #nextId = 1;
  #closed = null;

  constructor(hostName = DEFAULT_HOST) {
    this.#port = chrome.runtime.connectNative(hostName);
    this.#port.onMessage.addListener((message) => this.#receive(message));
    this.#port.onDisconnect.addListener(() => {
      this.#closed = chrome.runtime.lastError?.message ?? 'Native host has exited.';
      for (const call of this.#pending.values()) call.reject(new Error(this.#closed));
      this.#pending.clear();
    });
  }

  /** Why the port closed, or null while it is open. */
  get closedReason() {
    return this.#closed;
  }

  /**
   * Sends one request. Returns {requestId, reply}: reply resolves to the final envelope (success or failure);
   * onEvent sees each stream event envelope as it arrives.
   */
  send(route, payload = {}, { onEvent = () => {}, requestId = `r${this.#nextId++}` } = {}) {
    const reply = new Promise((resolve, reject) => {
      if (this.#closed) {
        reject(new Error(this.#closed));
        return;
      }
      this.#pending.set(requestId, { resolve, reject, onEvent });
      this.#port.postMessage({ request_id: requestId, route, payload });
    });
    return { requestId, reply };
  }

  /** Sends one request and resolves to its final envelope. */
  call(route, payload = {}, options = {}) {
    return this.send(route, payload, options).reply;
  }

  close() {
    this.#port.disconnect();
    this.#closed = 'closed by the client';
    for (const call of this.#pending.values()) call.reject(new Error(this.#closed));
    this.#pending.clear();
  }

  #receive(message) {
    if (message.chunk) {
      this.#receiveChunk(message);
      return;
    }
    const call = this.#pending.get(message.request_id);
    if (call === undefined) {
      if (message.request_id == null && message.success === false) {
        // A failure not tied to a request (a broken frame) ends every call on this port.
        for (const pending of this.#pending.values()) pending.resolve(message);
        this.#pending.clear();
      }
      return;
    }
    if ('event' in message) {
      call.onEvent(message);
    } else {
      this.#pending.delete(message.request_id);
      call.resolve(message);
    }
  }

  #receiveChunk({ request_id: requestId, chunk: { seq, total }, data }) {
    const parts = this.#chunks.get(requestId) ?? new Array(total);
    parts[seq] = data;
    this.#chunks.set(requestId, parts);
    if (parts.filter((part) => part !== undefined).length === total) {
      this.#chunks.delete(requestId);
      this.#receive(JSON.parse(parts.join('')));
    }
  }
}
