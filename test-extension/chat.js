// Streams an answer from the host's `chat` route token by token (OpenAI chat.completion.chunk events, then
// the final chat.completion reply). Stop asks the host to end the generation: `stop_generation` for the
// request, or the protocol's `cancel` where stop_generation does not stop it (no such route, refused).
import { NmClient } from './nm-client.js';

const form = document.getElementById('ask');
const prompt = document.getElementById('prompt');
const maxTokens = document.getElementById('max-tokens');
const send = document.getElementById('send');
const stop = document.getElementById('stop');
const answer = document.getElementById('answer');
const status = document.getElementById('status');

let client = null;
let current = null;

function show(state, text) {
  status.dataset.state = state;
  status.textContent = text;
}

function appendDelta(event) {
  if (event.event !== 'chat.completion.chunk') return;
  const delta = event.data?.choices?.[0]?.delta?.content;
  if (delta) {
    answer.textContent += delta;
    answer.dataset.chunks = String(Number(answer.dataset.chunks ?? 0) + 1);
  }
}

form.addEventListener('submit', async (submit) => {
  submit.preventDefault();
  if (client === null || client.closedReason) client = new NmClient();
  answer.textContent = '';
  answer.dataset.chunks = '0';
  delete answer.dataset.final;
  delete status.dataset.finishReason;
  send.disabled = true;
  stop.disabled = false;
  show('streaming', 'streaming…');
  current = client.send(
    'chat',
    { messages: [{ role: 'user', content: prompt.value }], stream: true, max_tokens: Number(maxTokens.value) },
    { onEvent: appendDelta },
  );
  try {
    const reply = await current.reply;
    if (reply.success) {
      const choice = reply.data.choices[0];
      answer.dataset.final = choice.message.content;
      const usage = reply.data.usage;
      show('done', `done: ${choice.finish_reason} (${usage.completion_tokens} tokens)`);
      status.dataset.finishReason = choice.finish_reason;
    } else {
      show(reply.error.code === 'CANCELLED' ? 'done' : 'error', `${reply.error.code}: ${reply.error.message}`);
      status.dataset.finishReason = reply.error.code === 'CANCELLED' ? 'cancelled' : '';
    }
  } catch (error) {
    show('error', error.message);
  } finally {
    current = null;
    send.disabled = false;
    stop.disabled = true;
  }
});

stop.addEventListener('click', async () => {
  if (current === null) return;
  stop.disabled = true;
  const { requestId } = current;
  try {
    // stop_generation ends the answer with finish_reason "cancelled" and keeps the text so far; where it is
    // missing, refused, or does not name this request as stopped, the protocol's cancel ends it instead.
    const stopped = await client.call('stop_generation', { request_id: requestId });
    if (!(stopped.success && stopped.data?.stopped?.includes(requestId))) {
      await client.call('cancel', { request_id: requestId });
    }
  } catch (error) {
    // The port closed: the chat's own reply has been rejected with the reason, which the page shows.
  }
});
