package dev.nm.routes.backend.llama;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import dev.nm.protocol.Json;
import dev.nm.routes.backend.BackendException;
import dev.nm.routes.backend.ChatMessage;
import dev.nm.routes.backend.ContextOverflowException;
import dev.nm.routes.backend.FinishReason;
import dev.nm.routes.backend.GenerationModel;
import dev.nm.routes.backend.GenerationResult;
import dev.nm.routes.backend.GenerationTimings;
import dev.nm.routes.backend.LoadOptions;
import dev.nm.routes.backend.OutputSchemaException;
import dev.nm.routes.backend.SamplingParams;
import dev.nm.routes.backend.TokenListener;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * A model loaded by {@link LlamaCppBackend}.
 *
 * <p>Three properties of java-llama.cpp 4.1.0 shape this class. A thread blocked receiving a task's tokens
 * waits forever if another thread cancels the task, so each generation is cancelled by its own thread, between
 * tokens. The engine queues tasks beyond its slots without a way to cancel them while queued, so callers wait
 * for a slot here, in arrival order, where waiting can be cancelled. And results carry only text: in streaming
 * mode llama.cpp sends one result per sampled token (the end-of-turn token included) plus a final empty one, so
 * the count of token results is the completion's token count; the one exception is a character whose UTF-8
 * bytes span several tokens, which arrives as a single result. Nor do they say why a generation ended: a limit that
 * cuts a character, and an end of turn at the limit, are told apart here ({@link #decode}). Nor do results carry
 * llama.cpp's own timings, so the {@link GenerationTimings} are taken here with {@link System#nanoTime()} as the
 * results arrive. Stop sequences are matched here too ({@link StopSequences}), not by llama.cpp, whose streamed
 * results lose the text it holds back as a possible stop sequence when the answer ends there.
 *
 * <p>A chat whose messages spell one of the model's control tokens goes to llama.cpp as token ids, so that the
 * spelling stays text ({@link SpelledControlTokens}); every other prompt goes as text.
 */
final class LlamaCppModel implements GenerationModel {
  private static final long SLOT_POLL_MILLIS = 10;
  private static final String SCHEMA_ERROR_PREFIX = "\"json_schema\":";
  private static final String SCHEMA_CONVERSION_FAILED = "JSON schema conversion failed:";
  private static final String GRAMMAR_NOT_PARSED = "Failed to parse grammar";
  /** What stands for characters the rendered template cannot carry: a number, then {@link #HIDDEN_END}. */
  private static final char HIDDEN_START = '\uE002', HIDDEN_END = '\uE003';
  /** java-llama.cpp's map of JSON parameters, or null where this version of it keeps none (then unusable). */
  private static final Field PARAMETERS_MAP = parametersMap();

  private final LlamaModel model;
  private final LoadOptions options;
  private final boolean addsBosToken;
  private final SpelledControlTokens controlTokens;
  private final Semaphore slots;
  /** Held to read by calls into llama.cpp outside a slot, to write by {@link #close} as it frees llama.cpp. */
  private final ReadWriteLock lifetime = new ReentrantReadWriteLock();
  private volatile boolean closed;

  LlamaCppModel(LlamaModel model, LoadOptions options, boolean addsBosToken, SpelledControlTokens controlTokens) {
    this.model = model;
    this.options = options;
    this.addsBosToken = addsBosToken;
    this.controlTokens = controlTokens;
    this.slots = new Semaphore(options.parallelSlots(), true);
  }

  @Override
  public LoadOptions options() {
    return options;
  }

  @Override
  public String applyChatTemplate(List<ChatMessage> messages) {
    return whileOpen(() -> renderTemplate(messages));
  }

  /**
   * The conversation rendered by llama.cpp's renderer for the model's template, each message where it stands: a system
   * message after the first turn (an agent's note mid-conversation) is a system turn there, as OpenAI reads it. The
   * messages go to llama.cpp as its server's {@code messages} array (java-llama.cpp's {@code setMessages} would merge
   * every system message into one before the rest, and refuses any other role). llama.cpp's own renderer takes the
   * roles in any order; java-llama.cpp 4.1.0 passes none of its errors to Java (one would end the process), and the
   * array sent here is always one it reads.
   *
   * <p>java-llama.cpp returns the rendered text through JNI's {@code NewStringUTF}, which reads modified UTF-8: a
   * character beyond the BMP (an emoji, four bytes of UTF-8) came back as garbage and shortened the text, cutting the
   * prompt's end, and a NUL ended it. So each run of such characters (and of {@link #HIDDEN_START}, which marks them)
   * goes to the renderer as a marker, {@code HIDDEN_START}, its number, {@link #HIDDEN_END}, and is put back after.
   */
  private String renderTemplate(List<ChatMessage> messages) {
    List<String> hidden = new ArrayList<>();
    ArrayNode array = Json.mapper().createArrayNode();
    for (ChatMessage message : messages) {
      array.addObject().put("role", message.role()).put("content", hide(message.content(), hidden));
    }
    InferenceParameters parameters = new InferenceParameters("");
    json(parameters).put("messages", array.toString());
    String rendered;
    try {
      rendered = model.applyTemplate(parameters);
    } catch (RuntimeException e) { // java-llama.cpp's LlamaException is not public
      throw new BackendException("the model's chat template failed: " + e.getMessage(), e);
    }
    return hidden.isEmpty() ? rendered : unhide(rendered, hidden);
  }

  /** {@code text} with each run of characters that JNI's modified UTF-8 cannot carry replaced by the next marker. */
  private static String hide(String text, List<String> hidden) {
    StringBuilder marked = null;
    int copied = 0;
    for (int i = 0; i < text.length(); ) {
      int run = i;
      while (run < text.length() && isHidden(text.codePointAt(run))) {
        run += Character.charCount(text.codePointAt(run));
      }
      if (run == i) {
        i += Character.charCount(text.codePointAt(i));
        continue;
      }
      if (marked == null) {
        marked = new StringBuilder(text.length() + 16);
      }
      marked.append(text, copied, i).append(HIDDEN_START).append(hidden.size()).append(HIDDEN_END);
      hidden.add(text.substring(i, run));
      i = run;
      copied = run;
    }
    return marked == null ? text : marked.append(text, copied, text.length()).toString();
  }

  private static boolean isHidden(int codePoint) {
    return codePoint > 0xFFFF || codePoint == 0 || codePoint == HIDDEN_START;
  }

  /** {@code rendered} with each marker {@link #hide} made replaced by the characters it stands for. */
  private static String unhide(String rendered, List<String> hidden) {
    StringBuilder text = new StringBuilder(rendered.length() + 16 * hidden.size());
    int from = 0;
    for (int at = rendered.indexOf(HIDDEN_START); at >= 0; at = rendered.indexOf(HIDDEN_START, at + 1)) {
      int end = rendered.indexOf(HIDDEN_END, at);
      int number = end < 0 || end - at > 10 ? -1 : parseMarker(rendered.substring(at + 1, end));
      if (number >= 0 && number < hidden.size()) {
        text.append(rendered, from, at).append(hidden.get(number));
        from = end + 1;
        at = end;
      }
    }
    return text.append(rendered, from, rendered.length()).toString();
  }

  private static int parseMarker(String digits) {
    return !digits.isEmpty() && digits.chars().allMatch(c -> c >= '0' && c <= '9') ? Integer.parseInt(digits) : -1;
  }

  @Override
  public int[] tokenize(String text) {
    return whileOpen(() -> model.encode(text));
  }

  @Override
  public int countPromptTokens(String prompt) {
    return whileOpen(() -> count(prompt));
  }

  private int count(String prompt) {
    return model.encode(prompt).length + (addsBosToken ? 1 : 0);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The prompt is handed to llama.cpp before its tokens are counted here: the count (a tokenisation, a few
   * hundred microseconds) runs while llama.cpp evaluates the prompt, not before it. A prompt that does not fit is
   * then withdrawn.
   */
  @Override
  public GenerationResult generate(
      String prompt, SamplingParams params, TokenListener listener, BooleanSupplier cancelled) {
    if (prompt.isEmpty() && !addsBosToken) {
      // llama.cpp would answer an empty text with finish reason stop, as if the model had chosen to say nothing.
      throw new IllegalArgumentException("is empty, and this model adds no start-of-text token: there is nothing to continue");
    }
    return generate(new InferenceParameters(prompt), () -> count(prompt), params, listener, cancelled);
  }

  /** {@inheritDoc} Messages that spell a control token keep it as text: see {@link SpelledControlTokens}. */
  @Override
  public GenerationResult generateChat(
      List<ChatMessage> messages, SamplingParams params, TokenListener listener, BooleanSupplier cancelled) {
    Optional<int[]> tokens = whileOpen(() -> tokenPrompt(messages));
    if (tokens.isEmpty()) {
      return generate(applyChatTemplate(messages), params, listener, cancelled);
    }
    return generate(tokens.get(), params, listener, cancelled);
  }

  /** Generates from a prompt of token ids, given to llama.cpp as they are. */
  GenerationResult generate(int[] prompt, SamplingParams params, TokenListener listener, BooleanSupplier cancelled) {
    return generate(withTokenPrompt(prompt), () -> prompt.length, params, listener, cancelled);
  }

  /** The chat's prompt as token ids where a message spells a control token, else empty (it then goes as text). */
  Optional<int[]> tokenPrompt(List<ChatMessage> messages) {
    return controlTokens.tokens(messages, this::renderTemplate, model::encode);
  }

  /** The text of {@code tokens}, control tokens written out. */
  String detokenize(int[] tokens) {
    return whileOpen(() -> model.decode(tokens));
  }

  /**
   * Runs a call into llama.cpp outside a generation's slot (those {@link #close} waits for). Refused once the model
   * is closed: llama.cpp's memory may be freed by then.
   */
  private <T> T whileOpen(Supplier<T> call) {
    return whileOpen(call, () -> {
      throw new BackendException("the model was unloaded");
    });
  }

  private <T> T whileOpen(Supplier<T> call, Supplier<T> ifClosed) {
    Lock open = lifetime.readLock();
    open.lock();
    try {
      return closed ? ifClosed.get() : call.get();
    } finally {
      open.unlock();
    }
  }

  private GenerationResult generate(
      InferenceParameters prompt, IntSupplier promptTokens, SamplingParams params, TokenListener listener,
      BooleanSupplier cancelled) {
    long called = System.nanoTime();
    InferenceParameters parameters = withSampling(prompt, params); // refuses a schema before the wait for a slot
    BooleanSupplier stop = () -> closed || cancelled.getAsBoolean();
    if (!acquireSlot(stop)) {
      GenerationTimings queuedOnly = timings(called, System.nanoTime(), 0, 0, 0);
      int counted = whileOpen(promptTokens::getAsInt, () -> 0);
      return new GenerationResult("", FinishReason.CANCELLED, counted, 0, queuedOnly);
    }
    try {
      return decode(parameters, promptTokens, params, listener, stop, called);
    } finally {
      slots.release();
    }
  }

  private GenerationResult decode(
      InferenceParameters parameters, IntSupplier countPrompt, SamplingParams params, TokenListener listener,
      BooleanSupplier stop, long called) {
    StringBuilder text = new StringBuilder();
    StopSequences stopSequences = new StopSequences(params.stop());
    int tokens = 0;
    int unsentTokens = 0; // tokens whose text is held back as a possible stop sequence: they go with its piece
    long firstTokenAt = 0;
    long lastTokenAt = 0;
    long submitted = System.nanoTime();
    LlamaIterator results = submit(parameters, params);
    boolean finished = false;
    try {
      int promptTokens = countPrompt.getAsInt();
      int room = options.slotContextSize() - promptTokens;
      if (room < 1) {
        throw new ContextOverflowException(promptTokens, options.slotContextSize());
      }
      int limit = params.maxTokens() == null ? room : Math.min(params.maxTokens(), room);
      // Where llama.cpp stops at max_tokens itself, its final result comes at once after the last token, and tells
      // the rest; elsewhere the limit is applied here.
      boolean engineLimits = params.maxTokens() != null && params.maxTokens() <= room;
      FinishReason reason = FinishReason.STOP;
      boolean lastHadText = false;
      while (results.hasNext()) {
        if (stop.getAsBoolean()) {
          return new GenerationResult(
              text.toString(), FinishReason.CANCELLED, promptTokens, tokens,
              timings(called, submitted, tokens, firstTokenAt, lastTokenAt));
        }
        LlamaOutput output = next(results, params);
        if (!results.hasNext()) { // the final result; its text was already sent
          // llama.cpp ended it short of its limit without an end-of-turn token (whose result, without text, would
          // have come last): its last tokens, or all of them, ended inside a character, and sent no result.
          if (engineLimits && tokens < limit && (lastHadText || tokens == 0)) {
            tokens = limit;
            reason = FinishReason.LENGTH;
            lastTokenAt = System.nanoTime(); // the limit's token was decoded just before this result came
            firstTokenAt = firstTokenAt == 0 ? lastTokenAt : firstTokenAt;
          } else if (tokens >= limit) {
            reason = lastHadText ? FinishReason.LENGTH : FinishReason.STOP; // no text: the end-of-turn token
          }
          break;
        }
        lastTokenAt = System.nanoTime();
        if (tokens == 0) {
          firstTokenAt = lastTokenAt;
        }
        int pieceTokens = tokensIn(output.text);
        if (tokens + pieceTokens > limit) {
          if (!engineLimits) {
            // A character whose last bytes came after the limit: the tokens within it spell no whole character.
            tokens = limit;
            reason = FinishReason.LENGTH;
            break;
          }
          pieceTokens = limit - tokens; // llama.cpp sent it within the limit: the tokenizer counted it high
        }
        tokens += pieceTokens;
        lastHadText = !output.text.isEmpty();
        if (lastHadText) {
          unsentTokens += pieceTokens;
          String passed = stopSequences.take(output.text);
          if (!passed.isEmpty()) {
            text.append(passed);
            listener.onText(passed, unsentTokens);
            unsentTokens = 0;
          }
          if (stopSequences.matched()) {
            break; // finish reason stop; llama.cpp is cancelled below
          }
        }
        if (tokens == limit && !engineLimits) {
          reason = endsAtTheLimit(output, results, params) ? FinishReason.STOP : FinishReason.LENGTH;
          break;
        }
      }
      String held = stopSequences.flush(); // the answer ended without completing the stop sequence it began
      if (!held.isEmpty()) {
        text.append(held);
        listener.onText(held, unsentTokens);
      }
      finished = !results.hasNext();
      return new GenerationResult(
          text.toString(), reason, promptTokens, tokens, timings(called, submitted, tokens, firstTokenAt, lastTokenAt));
    } finally {
      if (!finished && results.hasNext()) {
        results.cancel();
      }
    }
  }

  /**
   * Whether a generation that llama.cpp does not limit itself ended by itself with the token that reached the limit,
   * which only the next result tells: it is the final one at once after the model's end-of-turn token (a result
   * without text). Any other token's result has text, and the generation would go on: it is cut here without waiting
   * for another token. (A token that completes a stop sequence was found before.)
   */
  private static boolean endsAtTheLimit(LlamaOutput last, LlamaIterator results, SamplingParams params) {
    if (!last.text.isEmpty()) {
      return false;
    }
    next(results, params);
    return !results.hasNext();
  }

  /**
   * How many tokens a streamed result carries. llama.cpp sends one result a token, except for a token that ends inside
   * a UTF-8 character, which sends none: its bytes come with the next piece, which is then not ASCII. Only pieces that
   * are not ASCII are counted with the tokenizer, since java-llama.cpp passes on no count: that takes a few hundred
   * microseconds a piece, on the thread that passes the tokens on, while the engine decodes the next one.
   */
  private int tokensIn(String piece) {
    if (piece.isEmpty() || isAscii(piece)) {
      return 1;
    }
    return Math.max(1, model.encode(piece).length);
  }

  private static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** Durations between {@link System#nanoTime()} stamps; the token stamps are ignored when no token arrived. */
  private static GenerationTimings timings(long called, long submitted, int tokens, long firstTokenAt, long lastTokenAt) {
    Duration queued = Duration.ofNanos(submitted - called);
    if (tokens == 0) {
      return new GenerationTimings(queued, Duration.ZERO, Duration.ZERO);
    }
    return new GenerationTimings(
        queued, Duration.ofNanos(firstTokenAt - submitted), Duration.ofNanos(lastTokenAt - firstTokenAt));
  }

  /**
   * Hands a generation to llama.cpp. A schema llama.cpp cannot turn into a grammar is refused here, as its server
   * reads the parameters: the JSON error in java-llama.cpp's exception begins {@code "json_schema": } and says why.
   */
  private LlamaIterator submit(InferenceParameters parameters, SamplingParams params) {
    try {
      return model.generate(parameters).iterator();
    } catch (RuntimeException e) { // java-llama.cpp's LlamaException is not public
      String message = errorMessage(e.getMessage() == null ? "" : e.getMessage());
      if (params.jsonSchema() != null && message.startsWith(SCHEMA_ERROR_PREFIX)) {
        String why = message.substring(SCHEMA_ERROR_PREFIX.length()).strip();
        why = why.startsWith(SCHEMA_CONVERSION_FAILED) ? why.substring(SCHEMA_CONVERSION_FAILED.length()).strip() : why;
        throw new OutputSchemaException("llama.cpp cannot hold its output to this schema: " + why);
      }
      throw new BackendException("llama.cpp failed to generate: " + message, e);
    }
  }

  /**
   * The next result. A schema's grammar llama.cpp made but cannot parse (a {@code $ref} that refers back to itself)
   * fails here, as the slot starts: the caller's schema, not the engine, is at fault.
   */
  private static LlamaOutput next(LlamaIterator results, SamplingParams params) {
    try {
      return engine(results::next);
    } catch (BackendException e) {
      if (params.jsonSchema() != null && e.getMessage().contains(GRAMMAR_NOT_PARSED)) {
        throw new OutputSchemaException(
            "llama.cpp cannot hold its output to this schema: it could not parse the grammar it made of it");
      }
      throw e;
    }
  }

  /** The {@code message} of llama.cpp's server's JSON error, or {@code error} itself if it is not one. */
  private static String errorMessage(String error) {
    try {
      return Json.mapper().readTree(error).path("message").asText(error);
    } catch (JsonProcessingException e) {
      return error;
    }
  }

  /** Runs a call into the engine, turning its failures (java-llama.cpp's non-public LlamaException) into ours. */
  private static <T> T engine(Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      throw new BackendException("llama.cpp failed to generate: " + e.getMessage(), e);
    }
  }

  private boolean acquireSlot(BooleanSupplier stop) {
    try {
      while (!slots.tryAcquire(SLOT_POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        if (stop.getAsBoolean()) {
          return false;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    if (stop.getAsBoolean()) {
      slots.release();
      return false;
    }
    return true;
  }

  /**
   * {@code prompt} with the sampling parameters but the stop sequences ({@link #decode} matches them). llama.cpp's own
   * limit is {@code max_tokens}, or none: the room left in the context is known only once the prompt is counted, and
   * {@link #decode} applies it.
   *
   * @throws OutputSchemaException if the JSON Schema exceeds what llama.cpp's grammar can hold
   */
  private static InferenceParameters withSampling(InferenceParameters p, SamplingParams params) {
    // No prompt cache: llama.cpp evaluates a cached prefix in different batch sizes than a fresh prompt, and its
    // logits then differ in the last bits, so temperature 0 would not give the same text twice.
    p.setNPredict(params.maxTokens() == null ? -1 : params.maxTokens()).setCachePrompt(false);
    if (params.temperature() != null) p.setTemperature(params.temperature().floatValue());
    if (params.topP() != null) p.setTopP(params.topP().floatValue());
    if (params.topK() != null) p.setTopK(params.topK());
    if (params.minP() != null) p.setMinP(params.minP().floatValue());
    if (params.repeatPenalty() != null) p.setRepeatPenalty(params.repeatPenalty().floatValue());
    if (params.presencePenalty() != null) p.setPresencePenalty(params.presencePenalty().floatValue());
    if (params.frequencyPenalty() != null) p.setFrequencyPenalty(params.frequencyPenalty().floatValue());
    if (params.seed() != null) p.setSeed(Math.toIntExact(params.seed()));
    // No stop sequences: llama.cpp's streamed results would lose the text it holds back as their beginning when the
    // answer ends there. They are matched in decode (StopSequences).
    // As llama.cpp's server takes it, which turns it into a grammar where it reports a schema it cannot (the static
    // LlamaModel.jsonSchemaToGrammar aborts the process instead).
    if (params.jsonSchema() != null) json(p).put("json_schema", GrammarSchemaLimits.check(params.jsonSchema()));
    return p;
  }

  /** Parameters whose prompt is token ids, which llama.cpp's server takes as they are ({@code "prompt": [1, 2]}). */
  private static InferenceParameters withTokenPrompt(int[] ids) {
    InferenceParameters parameters = new InferenceParameters("");
    json(parameters).put("prompt", Arrays.toString(ids));
    return parameters;
  }

  /**
   * The parameters' JSON fields, each value JSON text, for those java-llama.cpp 4.1.0 has no setter for: it keeps
   * them in a package-private map, which its server reads as a JSON object. Its jar is no named module, so its
   * packages are open to reflection.
   */
  @SuppressWarnings("unchecked")
  private static Map<String, String> json(InferenceParameters parameters) {
    try {
      return (Map<String, String>) PARAMETERS_MAP.get(parameters);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e); // made accessible when the field was found
    }
  }

  private static Field parametersMap() {
    try {
      Field field = InferenceParameters.class.getSuperclass().getDeclaredField("parameters");
      field.setAccessible(true);
      return field;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Checked before a model is loaded, so that a version of java-llama.cpp other than 4.1.0 fails the load, not a
   * generation.
   *
   * @throws BackendException if java-llama.cpp keeps no map of JSON parameters
   */
  static void requireEngineParameters() {
    if (PARAMETERS_MAP == null) {
      throw new BackendException(
          "java-llama.cpp's InferenceParameters keep no 'parameters' map: nm needs java-llama.cpp 4.1.0 on the class path");
    }
  }

  @Override
  public void close() {
    closed = true;
    slots.acquireUninterruptibly(options.parallelSlots());
    Lock freeing = lifetime.writeLock();
    freeing.lock();
    try {
      model.close();
    } finally {
      freeing.unlock();
    }
  }

  @Override
  public String toString() {
    return "LlamaCppModel" + options + (closed ? " (closed)" : "");
  }
}
