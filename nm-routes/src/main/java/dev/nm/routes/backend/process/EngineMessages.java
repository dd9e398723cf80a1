package dev.nm.routes.backend.process;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.nm.protocol.Json;
import dev.nm.routes.backend.BackendException;
import dev.nm.routes.backend.ChatMessage;
import dev.nm.routes.backend.ContextOverflowException;
import dev.nm.routes.backend.FinishReason;
import dev.nm.routes.backend.GenerationResult;
import dev.nm.routes.backend.GenerationTimings;
import dev.nm.routes.backend.LoadOptions;
import dev.nm.routes.backend.OutputSchemaException;
import dev.nm.routes.backend.SamplingParams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a host and its engine process say to each other, one JSON object per frame (the native-messaging
 * framing, over the engine's stdin and stdout). The host sends {@link Call}s, each with an id of its own; the
 * engine answers each with one {@link Reply} of that id, except {@code generate}, which it answers with a
 * reply per piece of text and then one holding the result, and {@code cancel}, which it does not answer. A chat
 * is one {@code generate} carrying the conversation, which the engine renders with the model's chat template
 * itself: no call and reply before the generation starts.
 */
final class EngineMessages {
  private EngineMessages() {}

  /** Enough for C1 to compile the messages' code (it compiles a method after 200 calls or 2,000 loops). */
  static final int REHEARSAL_ROUNDS = 300;
  private static final AtomicBoolean REHEARSED = new AtomicBoolean();

  /**
   * Has this process {@linkplain #rehearse rehearse} the messages once, on a thread of its own: called when a
   * generation has ended, so that the rehearsal does not compete with the request that loaded a model, the
   * first of a new daemon's session, and is done long before the hundreds of chats it would take the JIT
   * otherwise (a few milliseconds before each one's first token until then).
   */
  static void rehearseOnce() {
    if (REHEARSED.compareAndSet(false, true)) {
      Thread rehearsal = new Thread(() -> rehearse(Json.mapper(), REHEARSAL_ROUNDS), "nm-engine-rehearsal");
      rehearsal.setDaemon(true);
      rehearsal.setPriority(Thread.MIN_PRIORITY);
      rehearsal.start();
    }
  }

  /**
   * Writes and reads every kind of call and reply {@code rounds} times, so that the JIT has compiled that code
   * before the calls of a host and its engine process need it.
   */
  static void rehearse(ObjectMapper mapper, int rounds) {
    ObjectWriter calls = mapper.writerFor(Call.class);
    ObjectReader callReader = mapper.readerFor(Call.class);
    ObjectWriter replies = mapper.writerFor(Reply.class);
    ObjectReader replyReader = mapper.readerFor(Reply.class);
    SamplingParams params = new SamplingParams(0.7, 0.9, 40, 0.05, 1.1, 0.0, 0.0, 42L, List.of("\n\n"), 64, "{\"type\": \"object\"}");
    List<Call> sampleCalls =
        List.of(
            Call.load(1, "/models/model.gguf", new LoadOptions(2048, 2, 1)),
            Call.template(2, List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi"))),
            Call.tokenize(3, "Hello, world"),
            Call.countPromptTokens(4, "<|im_start|>user\nHi<|im_end|>\n"),
            Call.generate(5, "<|im_start|>user\nHi<|im_end|>\n", params),
            Call.generate(6, "Once upon a time", SamplingParams.DEFAULTS),
            Call.generateChat(7, List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi")), params),
            Call.cancel(8, 7));
    GenerationResult result =
        new GenerationResult("Hello there.", FinishReason.STOP, 12, 4,
            new GenerationTimings(Duration.ofNanos(1_000), Duration.ofMillis(40), Duration.ofMillis(30)));
    List<Reply> sampleReplies =
        List.of(
            Reply.done(1), Reply.text(2, "<|im_start|>user\nHi"), Reply.tokens(3, new int[] {1, 2, 3}),
            Reply.count(4, 9), Reply.text(5, " there", 1), Reply.result(5, result),
            Reply.failure(6, new ContextOverflowException(3000, 2048)), Reply.failure(6, new BackendException("failed")),
            Reply.failure(7, new IllegalArgumentException("the model's chat template refused the conversation")),
            Reply.failure(8, new OutputSchemaException("unknown type")));
    try {
      for (int i = 0; i < rounds; i++) {
        for (Call call : sampleCalls) {
          callReader.readValue(calls.writeValueAsBytes(call));
        }
        for (Reply reply : sampleReplies) {
          Reply read = replyReader.readValue(replies.writeValueAsBytes(reply));
          if (read.result() != null) {
            read.result().toGenerationResult();
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("the engine messages do not survive JSON", e);
    }
  }

  /**
   * A call to the engine; the fields its operation does not use are null. A {@code generate} has either
   * {@code text}, the prompt, or {@code messages}, a conversation.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Call(
      long id,
      Op op,
      String file,
      LoadOptions options,
      List<ChatMessage> messages,
      String text,
      SamplingParams params,
      Long target) {
    static Call load(long id, String file, LoadOptions options) {
      return new Call(id, Op.LOAD, file, options, null, null, null, null);
    }

    static Call template(long id, List<ChatMessage> messages) {
      return new Call(id, Op.TEMPLATE, null, null, messages, null, null, null);
    }

    static Call tokenize(long id, String text) {
      return new Call(id, Op.TOKENIZE, null, null, null, text, null, null);
    }

    static Call countPromptTokens(long id, String prompt) {
      return new Call(id, Op.COUNT_PROMPT_TOKENS, null, null, null, prompt, null, null);
    }

    /** Generates a continuation of {@code prompt}. */
    static Call generate(long id, String prompt, SamplingParams params) {
      return new Call(id, Op.GENERATE, null, null, null, prompt, params, null);
    }

    /** Generates the next turn of a conversation, which the engine renders with the model's chat template. */
    static Call generateChat(long id, List<ChatMessage> messages, SamplingParams params) {
      return new Call(id, Op.GENERATE, null, null, messages, null, params, null);
    }

    /** Asks the engine to end generation {@code target} early; its result comes with finish reason cancelled. */
    static Call cancel(long id, long target) {
      return new Call(id, Op.CANCEL, null, null, null, null, null, target);
    }
  }

  enum Op {
    LOAD,
    TEMPLATE,
    TOKENIZE,
    COUNT_PROMPT_TOKENS,
    GENERATE,
    CANCEL
  }

  /**
   * The engine's answer: a call's value ({@code text}, {@code tokens} or {@code count}; none for a load), a
   * piece of generated text, a generation's {@code result}, or a {@code failure}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Reply(long id, String text, int[] tokens, Integer count, Result result, Failure failure) {
    static Reply done(long id) {
      return new Reply(id, null, null, null, null, null);
    }

    static Reply text(long id, String text) {
      return new Reply(id, text, null, null, null, null);
    }

    /** A piece of a generation's text, with the tokens that gave it in {@code count}. */
    static Reply text(long id, String text, int tokens) {
      return new Reply(id, text, null, tokens, null, null);
    }

    static Reply tokens(long id, int[] tokens) {
      return new Reply(id, null, tokens, null, null, null);
    }

    static Reply count(long id, int count) {
      return new Reply(id, null, null, count, null, null);
    }

    static Reply result(long id, GenerationResult result) {
      return new Reply(id, null, null, null, Result.of(result), null);
    }

    static Reply failure(long id, RuntimeException e) {
      return new Reply(id, null, null, null, null, Failure.of(e));
    }
  }

  /** A {@link GenerationResult}, its timings in nanoseconds. */
  record Result(
      String text,
      FinishReason finishReason,
      int promptTokens,
      int completionTokens,
      long queuedNanos,
      long prefillNanos,
      long decodeNanos) {
    static Result of(GenerationResult r) {
      GenerationTimings t = r.timings();
      return new Result(
          r.text(), r.finishReason(), r.promptTokens(), r.completionTokens(),
          t.queued().toNanos(), t.prefill().toNanos(), t.decode().toNanos());
    }

    GenerationResult toGenerationResult() {
      return new GenerationResult(
          text, finishReason, promptTokens, completionTokens,
          new GenerationTimings(Duration.ofNanos(queuedNanos), Duration.ofNanos(prefillNanos), Duration.ofNanos(decodeNanos)));
    }
  }

  /**
   * An exception of the engine's backend, by kind: the host rethrows it as the same type, since routes answer
   * each differently (a bad argument and a prompt over the context are the caller's, the rest the engine's).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Failure(Kind kind, String message, Integer promptTokens, Integer contextSize) {
    enum Kind {
      INVALID_ARGUMENT,
      OUTPUT_SCHEMA,
      CONTEXT_OVERFLOW,
      BACKEND
    }

    static Failure of(RuntimeException e) {
      String message = e.getMessage() != null ? e.getMessage() : e.toString();
      if (e instanceof ContextOverflowException overflow) {
        return new Failure(Kind.CONTEXT_OVERFLOW, message, overflow.promptTokens(), overflow.contextSize());
      }
      if (e instanceof OutputSchemaException) {
        return new Failure(Kind.OUTPUT_SCHEMA, message, null, null);
      }
      if (e instanceof IllegalArgumentException) {
        return new Failure(Kind.INVALID_ARGUMENT, message, null, null);
      }
      return new Failure(Kind.BACKEND, message, null, null);
    }

    RuntimeException toException() {
      return switch (kind) {
        case CONTEXT_OVERFLOW -> new ContextOverflowException(promptTokens, contextSize);
        case INVALID_ARGUMENT -> new IllegalArgumentException(message);
        case OUTPUT_SCHEMA -> new OutputSchemaException(message);
        case BACKEND -> new BackendException(message);
      };
    }
  }
}
