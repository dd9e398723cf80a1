// A client of the nm protocol over one chrome.runtime.connectNative port.
//
// Requests are {request_id, route, payload}. Replies are matched by request_id: any number of stream events
// {request_id, event, data} precede exactly one final reply {request_id, success, data | error}. A frame too
// large for the browser's 1 MiB limit arrives as chunks {request_id, chunk: {seq, total}, data}; the chunks'
// data, concatenated in seq order, is the JSON text of the whole frame.

export const DEFAULT_HOST = 'nm_host';

/** The longest request_id a host accepts (UTF-16 units); a longer one is refused with a null request_id. */
export const MAX_REQUEST_ID_LENGTH = 256;

/**
 * The deepest JSON a host reads, counting the envelope object; a deeper request is refused with a null
 * request_id, which the client could not tie to its call while others wait.
 */
export const MAX_JSON_NESTING = 64;

/**
 * The largest message a host reads, in UTF-8 bytes of its JSON. Chrome refuses a larger one itself; Firefox sends
 * it, and the host then answers MESSAGE_TOO_LARGE and closes the port, ending every call on it.
 */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** Failures after which the host closes the port: they end every call still waiting. */
const CONNECTION_ENDING = new Set(['INVALID_FRAME', 'MESSAGE_TOO_LARGE']);

export class NmClient {
  #port;
  #pending = new Map();
  #chunks = new Map();
  /** Ids of calls failed here (their chunks broke) that the host may still be running: not reused until it ends them. */
  #draining = new Set();
  #nextId = 1;
  #closed = null;
  #onUnmatched;

  /**
   * onUnmatched sees a failure the host could not tie to a request (request_id null: a request it could not
   * read) while several calls wait, so that it cannot tell whose it is; it ends no call, and the request that
   * caused it gets no other reply.
   */
  constructor(hostName = DEFAULT_HOST, { onUnmatched = (message) => console.warn('nm: unmatched failure', message) } = {}) {
    this.#onUnmatched = onUnmatched;
    this.#port = chrome.runtime.connectNative(hostName);
    this.#port.onMessage.addListener((message) => this.#receive(message));
    this.#port.onDisconnect.addListener((port) => {
      // Chromium gives the reason in runtime.lastError (reading it also keeps Chrome from logging "Unchecked
      // runtime.lastError"); Firefox in the port's error ("No such native application nm_host", say).
      this.#end(chrome.runtime.lastError?.message ?? port?.error?.message ?? 'Native host has exited.');
    });
  }

  /** Why the port closed, or null while it is open. */
  get closedReason() {
    return this.#closed;
  }

  /**
   * Sends one request. Returns {requestId, reply}: reply resolves to the final envelope (success or failure);
   * onEvent sees each stream event envelope as it arrives. reply rejects if the port closes first, or at once
   * if requestId is not a usable id or is that of a call still waiting on this port.
   */
  send(route, payload = {}, { onEvent = () => {}, requestId = this.#freshId() } = {}) {
    const reply = new Promise((resolve, reject) => {
      if (this.#closed) {
        reject(new Error(this.#closed));
        return;
      }
      if (typeof requestId !== 'string' || requestId.length === 0 || requestId.length > MAX_REQUEST_ID_LENGTH) {
        reject(new Error(`request_id must be a string of 1 to ${MAX_REQUEST_ID_LENGTH} characters`));
        return;
      }
      if (this.#pending.has(requestId) || this.#draining.has(requestId)) {
        reject(new Error(`request_id ${requestId} is already in flight on this port`));
        return;
      }
      if (nestsDeeperThan(payload, MAX_JSON_NESTING - 1)) {
        reject(new Error(`payload nests deeper than ${MAX_JSON_NESTING - 1} levels; the host reads JSON ${MAX_JSON_NESTING} levels deep, the envelope included`));
        return;
      }
      const message = { request_id: requestId, route, payload };
      let bytes;
      try {
        bytes = utf8Length(JSON.stringify(message));
      } catch (error) {
        reject(error); // a cycle, a BigInt: postMessage would refuse it too
        return;
      }
      if (bytes > MAX_MESSAGE_BYTES) {
        reject(new Error(`the request is ${bytes} bytes as JSON; the host reads at most ${MAX_MESSAGE_BYTES} (64 MiB) a message: split it`));
        return;
      }
      this.#pending.set(requestId, { resolve, reject, onEvent });
      try {
        this.#port.postMessage(message);
      } catch (error) {
        this.#pending.delete(requestId);
        reject(error);
      }
    });
    return { requestId, reply };
  }

  /** Sends one request and resolves to its final envelope. */
  call(route, payload = {}, options = {}) {
    return this.send(route, payload, options).reply;
  }

  close() {
    if (this.#closed) return;
    this.#port.disconnect();
    this.#end('closed by the client');
  }

  /** An id no call of this port holds, even one the caller chose. */
  #freshId() {
    let id;
    do id = `r${this.#nextId++}`; while (this.#pending.has(id) || this.#draining.has(id));
    return id;
  }

  #end(reason) {
    this.#closed = reason;
    const calls = [...this.#pending.values()];
    this.#pending.clear();
    this.#chunks.clear();
    for (const call of calls) call.reject(new Error(reason));
  }

  #receive(message) {
    if (message.chunk) {
      this.#receiveChunk(message);
      return;
    }
    if (this.#draining.has(message.request_id)) {
      if (!('event' in message)) this.#draining.delete(message.request_id); // its final reply: the id is free
      return;
    }
    const call = this.#pending.get(message.request_id);
    if (call === undefined) {
      if (message.request_id == null && message.success === false) {
        if (CONNECTION_ENDING.has(message.error?.code)) {
          // The stream broke: the host closes the port; every call still waiting gets this failure.
          const calls = [...this.#pending.values()];
          this.#pending.clear();
          for (const pending of calls) pending.resolve(message);
        } else if (this.#pending.size === 1) {
          // A request the host could not read (INVALID_JSON, say): its final reply. Every request sent waits in
          // #pending until its final reply, so with one waiting it is that one.
          const [[requestId, only]] = this.#pending;
          this.#pending.delete(requestId);
          only.resolve(message);
        } else {
          // Which of the waiting requests it answers is unknown; the others are still answered.
          this.#onUnmatched(message);
        }
      }
      return; // an event or reply of a call already answered, cancelled or never sent: dropped
    }
    if ('event' in message) {
      call.onEvent(message);
    } else {
      this.#pending.delete(message.request_id);
      call.resolve(message);
    }
  }

  #receiveChunk({ request_id: requestId, chunk: { seq, total }, data }) {
    // The chunks of one envelope arrive consecutively and in order (docs/protocol.md).
    const parts = this.#chunks.get(requestId) ?? [];
    if (seq !== parts.length || (parts.total !== undefined && parts.total !== total)) {
      this.#chunks.delete(requestId);
      this.#brokenStream(requestId, `chunk ${seq} of ${total} out of order after ${parts.length}`);
      return;
    }
    parts.total = total;
    parts.push(data);
    if (parts.length < total) {
      this.#chunks.set(requestId, parts);
      return;
    }
    this.#chunks.delete(requestId);
    let message;
    try {
      message = JSON.parse(parts.join(''));
    } catch (error) {
      this.#brokenStream(requestId, `chunks do not join into JSON: ${error.message}`);
      return;
    }
    this.#receive(message);
  }

  /** Fails the call whose chunks broke as the Java client does (INVALID_FRAME), leaving the others waiting. */
  #brokenStream(requestId, why) {
    const call = this.#pending.get(requestId);
    if (call === undefined) return;
    this.#pending.delete(requestId);
    call.resolve({ request_id: requestId, success: false, error: { code: 'INVALID_FRAME', message: why, details: {} } });
    // The broken message may have been an event: the host would go on with the call, and its later messages would
    // reach a new call that reused the id. It is cancelled, and the id kept until the host has ended the call.
    this.#draining.add(requestId);
    this.send('cancel', { request_id: requestId }).reply.then(
      (reply) => { if (!(reply.success && reply.data?.cancelled)) this.#draining.delete(requestId); }, // it had ended
      () => {},
    );
  }
}

/** Whether value, as JSON, has more than levels levels of objects and arrays; stops looking below that. */
function nestsDeeperThan(value, levels) {
  if (value === null || typeof value !== 'object') return false;
  if (levels === 0) return true;
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.some((child) => nestsDeeperThan(child, levels - 1));
}

/** The UTF-8 length of text, counted only where it may exceed the limit (each UTF-16 unit is at most 3 bytes). */
function utf8Length(text) {
  if (text.length * 3 <= MAX_MESSAGE_BYTES) return text.length;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) { bytes += 4; i++; }
    else bytes += 3;
  }
  return bytes;
}
