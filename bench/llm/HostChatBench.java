import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.protocol.Json;
import dev.nm.testkit.HostProcess;
import dev.nm.testkit.NmClient;
import dev.nm.testkit.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One round of the LLM benchmark through nm as an extension sees it: each client is a {@code bin/nm-host} process
 * started as Chrome starts it, relaying to the resident daemon, and sends streamed {@code chat} requests. Prints
 * one JSON line per measurement on stdout; see README.md for what each one is.
 *
 * <pre>java -cp CLASSPATH HostChatBench HOST_EXECUTABLE ORIGIN PROMPTS_JSON ROUND TTFT_SAMPLES</pre>
 */
public final class HostChatBench {
  private static final int STREAMS = 4;

  private final Path host;
  private final String origin;
  private final JsonNode prompts;
  private final int round;
  private final int ttftSamples;

  private HostChatBench(Path host, String origin, JsonNode prompts, int round, int ttftSamples) {
    this.host = host;
    this.origin = origin;
    this.prompts = prompts;
    this.round = round;
    this.ttftSamples = ttftSamples;
  }

  public static void main(String[] args) throws Exception {
    JsonNode prompts = Json.mapper().readTree(Files.readString(Path.of(args[2])));
    new HostChatBench(Path.of(args[0]), args[1], prompts, Integer.parseInt(args[3]), Integer.parseInt(args[4])).run();
  }

  private void run() throws Exception {
    List<HostProcess> hosts = new ArrayList<>();
    try {
      for (int i = 0; i < STREAMS; i++) {
        HostProcess process = HostProcess.builder(host).chrome(origin).start();
        process.client().callTimeout(Duration.ofMinutes(5));
        hosts.add(process);
      }
      // Every relay's first request pays for its connection to the daemon and its cold code paths; warmed up here,
      // they would otherwise stagger the four concurrent streams below.
      for (HostProcess process : hosts) {
        stream(process.client(), "warmup", prompts.get("short").asText(), 4);
      }
      NmClient client = hosts.get(0).client();

      Timed prefill = stream(client, "prefill", prompts.get("long").asText(), 1);
      print("prompt", Map.of("prompt_tokens", prefill.promptTokens, "ttft_ms", prefill.ttftMillis(),
          "prompt_tok_s", prefill.promptTokens / prefill.ttftSeconds()));

      int maxTokens = prompts.get("max_tokens").asInt();
      Timed decode = stream(client, "decode", prompts.get("decode").asText(), maxTokens);
      if (!"length".equals(decode.finishReason) || decode.completionTokens != maxTokens) {
        throw new IllegalStateException("the decode request ended before max_tokens (" + decode.finishReason + ", "
            + decode.completionTokens + " tokens); use a prompt that runs longer");
      }
      print("decode", Map.of("completion_tokens", decode.completionTokens, "finish_reason", decode.finishReason,
          "decode_tok_s", (decode.completionTokens - 1) / (decode.totalSeconds() - decode.ttftSeconds())));

      for (int sample = 0; sample < ttftSamples; sample++) {
        Timed first = stream(client, "ttft", prompts.get("short").asText(), 1);
        print("ttft", Map.of("prompt_tokens", first.promptTokens, "ttft_ms", first.ttftMillis()));
      }

      Timed single = stream(client, "one", prompts.get("decode").asText(), maxTokens);
      print("one_stream", Map.of("completion_tokens", single.completionTokens,
          "tok_s", single.completionTokens / single.totalSeconds()));
      concurrent(hosts, maxTokens);
    } finally {
      hosts.forEach(HostProcess::close);
    }
  }

  private void concurrent(List<HostProcess> hosts, int maxTokens) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(STREAMS);
    try {
      List<Future<Timed>> streams = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < STREAMS; i++) {
        NmClient client = hosts.get(i).client();
        String tag = "stream" + i;
        streams.add(pool.submit(() -> stream(client, tag, prompts.get("decode").asText(), maxTokens)));
      }
      int tokens = 0;
      for (Future<Timed> stream : streams) {
        tokens += stream.get().completionTokens;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      print("four_streams", Map.of("completion_tokens", tokens, "tok_s", tokens / seconds));
    } finally {
      pool.shutdown();
    }
  }

  /**
   * Sends one streamed chat request whose system message starts with a fresh nonce, so no engine can reuse a
   * cached prefix of an earlier request, and times its first content chunk and its final reply.
   */
  private Timed stream(NmClient client, String tag, String userMessage, int maxTokens) {
    // The clock's fastest digits first: llama-cpp-python reuses the longest prefix shared with the previous
    // prompt, and "Request ttft-1-" and the clock's slow leading digits were shared by consecutive requests.
    String digits = new StringBuilder(String.format("%012d", System.nanoTime() % 1_000_000_000_000L)).reverse().toString();
    String nonce = String.format("Request %s-%s-%d. ", digits, tag, round);
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("messages", List.of(
        Map.of("role", "system", "content", nonce + prompts.get("system").asText()),
        Map.of("role", "user", "content", userMessage)));
    payload.put("temperature", 0);
    payload.put("max_tokens", maxTokens);
    payload.put("stream", true);
    long[] firstContent = {0};
    long start = System.nanoTime();
    Reply reply = client.stream("chat", payload, event -> {
      // Stamped as the event arrives: the client's own handling of it is not the host's time.
      long arrived = System.nanoTime();
      JsonNode content = ((JsonNode) event.data()).path("choices").path(0).path("delta").path("content");
      if (firstContent[0] == 0 && !content.asText().isEmpty()) {
        firstContent[0] = arrived;
      }
    });
    long end = System.nanoTime();
    if (!reply.succeeded()) {
      throw new IllegalStateException("chat failed: " + reply);
    }
    if (firstContent[0] == 0) { // else its time to first token would be minus the start's nanoTime
      throw new IllegalStateException("no content chunk in the answer to " + tag + ": " + reply);
    }
    JsonNode usage = reply.data().path("usage");
    return new Timed(usage.path("prompt_tokens").asInt(), usage.path("completion_tokens").asInt(),
        reply.data().path("choices").path(0).path("finish_reason").asText(), firstContent[0] - start, end - start);
  }

  private void print(String metric, Map<String, Object> values) throws Exception {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("side", "nm");
    line.put("round", round);
    line.put("metric", metric);
    line.putAll(values);
    System.out.println(Json.mapper().writeValueAsString(line));
  }

  private record Timed(int promptTokens, int completionTokens, String finishReason, long ttftNanos, long totalNanos) {
    double ttftSeconds() {
      return ttftNanos / 1e9;
    }

    double ttftMillis() {
      return ttftNanos / 1e6;
    }

    double totalSeconds() {
      return totalNanos / 1e9;
    }
  }
}
