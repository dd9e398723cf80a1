"""One round of the LLM benchmark against an OpenAI-compatible server (llama-cpp-python's, llama.cpp's) over HTTP.

Sends the same streamed chat requests as HostChatBench.java and prints one JSON line per measurement, marked
with SIDE.

    python openai_chat_bench.py http://127.0.0.1:PORT PROMPTS_JSON ROUND TTFT_SAMPLES SIDE
"""

import http.client
import json
import sys
import time
import urllib.parse


def chat(base_url, prompts, tag, round_, user_message, max_tokens, stream, extra):
    """Posts one chat request whose system message starts with a fresh nonce, so no prefix cache applies.

    Returns (first content chunk seconds or None, total seconds, parsed reply or final chunk).
    """
    url = urllib.parse.urlsplit(base_url)
    # The clock's fastest digits first, as in HostChatBench.java: llama-cpp-python reuses the longest prefix shared
    # with the previous prompt, and "Request ttft-1-" and the clock's slow leading digits were shared.
    digits = f"{time.monotonic_ns() % 10**12:012d}"[::-1]
    body = {
        "messages": [
            {"role": "system", "content": f"Request {digits}-{tag}-{round_}. {prompts['system']}"},
            {"role": "user", "content": user_message},
        ],
        "temperature": 0,
        "max_tokens": max_tokens,
        "stream": stream,
        **extra,
    }
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=300)
    start = time.perf_counter()
    connection.request("POST", "/v1/chat/completions", json.dumps(body), {"Content-Type": "application/json"})
    response = connection.getresponse()
    if response.status != 200:
        raise RuntimeError(f"chat failed: HTTP {response.status} {response.read()!r}")
    if not stream:
        reply = json.loads(response.read())
        return None, time.perf_counter() - start, reply
    first_content = None
    last_choice = None
    for raw in response:
        line = raw.decode("utf-8").strip()
        if not line.startswith("data: ") or line == "data: [DONE]":
            continue
        choice = json.loads(line[len("data: "):])["choices"][0]
        if first_content is None and choice["delta"].get("content"):
            first_content = time.perf_counter() - start
        last_choice = choice
    total = time.perf_counter() - start
    connection.close()
    if first_content is None:
        raise RuntimeError(f"no content chunk in the answer to {tag} (last chunk {last_choice})")
    return first_content, total, last_choice


def completion_tokens(final_choice, max_tokens):
    """The server's stream carries no usage; a greedy answer cut at max_tokens has exactly max_tokens tokens."""
    if final_choice["finish_reason"] != "length":
        raise RuntimeError(f"the answer ended before max_tokens ({final_choice}); use a prompt that runs longer")
    return max_tokens


def emit(side, round_, metric, **values):
    print(json.dumps({"side": side, "round": round_, "metric": metric, **values}), flush=True)


def main():
    base_url, prompts_file, round_, ttft_samples, side = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    with open(prompts_file, encoding="utf-8") as f:
        prompts = json.load(f)
    max_tokens = prompts["max_tokens"]
    # llama.cpp's server reuses a slot's cached prefix by default; nm's engine runs with the cache off, and so must
    # it, or its short prompts would be shorter by the tokens the nonces share.
    extra = {"cache_prompt": False} if side == "llama-server" else {}

    chat(base_url, prompts, "warmup", round_, prompts["short"], 4, True, extra)

    ttft, _, _ = chat(base_url, prompts, "prefill", round_, prompts["long"], 1, True, extra)
    _, _, reply = chat(base_url, prompts, "prefill", round_, prompts["long"], 1, False, extra)
    prompt_tokens = reply["usage"]["prompt_tokens"]
    emit(side, round_, "prompt", prompt_tokens=prompt_tokens, ttft_ms=ttft * 1e3, prompt_tok_s=prompt_tokens / ttft)

    ttft, total, final = chat(base_url, prompts, "decode", round_, prompts["decode"], max_tokens, True, extra)
    tokens = completion_tokens(final, max_tokens)
    emit(side, round_, "decode", completion_tokens=tokens, finish_reason=final["finish_reason"],
         decode_tok_s=(tokens - 1) / (total - ttft))

    for _ in range(ttft_samples):
        ttft, _, _ = chat(base_url, prompts, "ttft", round_, prompts["short"], 1, True, extra)
        emit(side, round_, "ttft", ttft_ms=ttft * 1e3)


if __name__ == "__main__":
    main()
