package dev.nm.routes.backend.process;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import dev.nm.protocol.Json;
import dev.nm.protocol.ProtocolLimits;
import dev.nm.routes.backend.BackendException;
import dev.nm.routes.backend.ChatMessage;
import dev.nm.routes.backend.FinishReason;
import dev.nm.routes.backend.GenerationModel;
import dev.nm.routes.backend.GenerationResult;
import dev.nm.routes.backend.GenerationTimings;
import dev.nm.routes.backend.LoadOptions;
import dev.nm.routes.backend.SamplingParams;
import dev.nm.routes.backend.TokenListener;
import dev.nm.routes.backend.process.EngineMessages.Call;
import dev.nm.routes.backend.process.EngineMessages.Reply;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * A model loaded in an engine process ({@link EngineProcessMain}): each method is a call over the process's
 * stdin, answered on its stdout, which one thread here reads and hands to the waiting caller by call id.
 */
final class EngineProcessModel implements GenerationModel {
  private static final Logger log = LoggerFactory.getLogger(EngineProcessModel.class);
  private static final ObjectWriter CALLS = Json.mapper().writerFor(Call.class);
  private static final ObjectReader REPLIES = Json.mapper().readerFor(Reply.class);
  /** How often a generation waiting for its next piece checks whether it was cancelled. */
  private static final long CANCEL_POLL_MILLIS = 10;
  /**
   * How long a cancelled generation that has no piece yet (the engine still in the prompt's prefill) waits for the
   * engine's own result, which has the prompt's count, before it ends without it: {@code stop_generation} ends a
   * stream within 100 ms.
   */
  private static final long CANCEL_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  /** The same once the engine has sent a piece: its result is a token away, unless a token takes longer than this. */
  private static final long CANCEL_WAIT_DECODING_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long EXIT_WAIT_SECONDS = 5;

  private final Process process;
  private final Runnable onClose;
  private final FrameWriter toEngine;
  private final Map<Long, BlockingQueue<Reply>> waiting = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicInteger generating = new AtomicInteger();
  private volatile boolean closed;
  /**
   * Whether {@link #close} found the engine still serving: unloaded on purpose, its generations end cancelled. A
   * close that finds it gone (crashed, and closed by whoever noticed) leaves their failure to them.
   */
  private volatile boolean unloaded;
  /** Why the engine process is gone, or null while it answers. */
  private volatile String gone;
  private volatile String description;
  private volatile LoadOptions options;

  /**
   * Speaks to {@code process}, started already: {@link EngineProcessMain}, or whatever serves its calls on its
   * stdin and stdout as that does.
   */
  EngineProcessModel(Process process, String engineName, Runnable onClose) {
    this.process = process;
    this.onClose = onClose;
    this.description = "the " + engineName + " engine process (pid " + process.pid() + ")";
    this.toEngine =
        FrameWriter.of(process.getOutputStream(), ProtocolLimits.MAX_INBOUND_FRAME_BYTES, ByteOrder.nativeOrder());
    FrameReader fromEngine =
        FrameReader.of(process.getInputStream(), ProtocolLimits.MAX_INBOUND_FRAME_BYTES, ByteOrder.nativeOrder());
    Thread reader = new Thread(() -> readReplies(fromEngine), "nm-engine-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts an engine process, which has no model yet.
   *
   * @param onClose run once the model is closed and its process has exited
   * @throws BackendException if the process cannot start
   */
  static EngineProcessModel start(List<String> command, String engineName, Runnable onClose) {
    try {
      Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      return new EngineProcessModel(process, engineName, onClose);
    } catch (IOException e) {
      throw new BackendException("cannot start a " + engineName + " engine process: " + e.getMessage(), e);
    }
  }

  /**
   * Loads the model in the engine process, once; the process is stopped if it cannot.
   *
   * @throws BackendException if the backend cannot load the file, or the process exits meanwhile
   */
  EngineProcessModel load(Path file, LoadOptions options) {
    description = description + " of " + file.getFileName();
    this.options = options;
    try {
      call(Call.load(ids.incrementAndGet(), file.toString(), options));
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    log.debug("{} loaded it", description);
    return this;
  }

  @Override
  public LoadOptions options() {
    return options;
  }

  /** A call and reply of its own: a chat renders in its one generate call ({@link #generateChat}). */
  @Override
  public String applyChatTemplate(List<ChatMessage> messages) {
    return call(Call.template(ids.incrementAndGet(), messages)).text();
  }

  @Override
  public int[] tokenize(String text) {
    return call(Call.tokenize(ids.incrementAndGet(), text)).tokens();
  }

  @Override
  public int countPromptTokens(String prompt) {
    return call(Call.countPromptTokens(ids.incrementAndGet(), prompt)).count();
  }

  /**
   * Generates in the engine process, passing each piece of text on as it arrives. As in the engine's own
   * process, {@code cancelled} (and this model's closing) is checked after every piece and while waiting for
   * one: once it is true no piece is passed on, the engine is asked to stop, and the result, finish reason
   * cancelled, holds exactly the pieces passed on and counts the tokens that gave them. A generation that this
   * model's closing, or an interrupt, ends is cancelled too, even when the engine process had to be stopped
   * before it answered.
   */
  @Override
  public GenerationResult generate(String prompt, SamplingParams params, TokenListener listener, BooleanSupplier cancelled) {
    return relay(id -> Call.generate(id, prompt, params), listener, cancelled);
  }

  /**
   * Generates from a conversation in one call to the engine process, which renders it with the model's chat
   * template and generates there: a chat waits for no reply before its generation starts. Cancelling works as
   * in {@link #generate(String, SamplingParams, TokenListener, BooleanSupplier)}, also while the engine renders
   * the template; a conversation the template refuses comes back as the engine's
   * {@code IllegalArgumentException}.
   */
  @Override
  public GenerationResult generateChat(
      List<ChatMessage> messages, SamplingParams params, TokenListener listener, BooleanSupplier cancelled) {
    return relay(id -> Call.generateChat(id, messages, params), listener, cancelled);
  }

  /** Sends the generate call {@code generation} makes for a new id, and relays its pieces and result. */
  private GenerationResult relay(LongFunction<Call> generation, TokenListener listener, BooleanSupplier cancelled) {
    long started = System.nanoTime();
    StringBuilder passedOn = new StringBuilder();
    int tokensPassedOn = 0;
    long firstPieceNanos = 0;
    boolean cancelSent = false;
    long cancelSentNanos = 0;
    boolean decoding = false;
    boolean ended = false;
    generating.incrementAndGet();
    long id = ids.incrementAndGet();
    BlockingQueue<Reply> replies = await(id);
    try {
      if (unloaded || cancelled.getAsBoolean()) {
        // Stopped while it waited for the model to load: the engine would evaluate the whole prompt before it looked.
        ended = true;
        return cancelledResult(passedOn, 0, tokensPassedOn, started, firstPieceNanos, null);
      }
      try {
        send(generation.apply(id));
      } catch (BackendException e) {
        if (unloaded) { // unloaded meanwhile
          ended = true;
          return cancelledResult(passedOn, 0, tokensPassedOn, started, firstPieceNanos, null);
        }
        throw e;
      }
      while (true) {
        Reply reply = replies.poll(CANCEL_POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (reply != null && reply.failure() != null) {
          ended = true;
          if ((cancelSent || unloaded) && gone != null) {
            return cancelledResult(passedOn, 0, tokensPassedOn, started, firstPieceNanos, null); // stopped while it was being unloaded
          }
          throw reply.failure().toException();
        }
        if (reply != null && reply.result() != null) {
          ended = true;
          GenerationResult result = reply.result().toGenerationResult();
          return cancelSent ? cancelledResult(passedOn, result.promptTokens(), tokensPassedOn, started, firstPieceNanos, result) : result;
        }
        if (cancelSent && System.nanoTime() - cancelSentNanos > (decoding ? CANCEL_WAIT_DECODING_NANOS : CANCEL_GRACE_NANOS)) {
          // The engine looks for a cancel between tokens only. A prefill may take seconds: the caller's answer does
          // not wait for it. Once decoding, its result (with the prompt's count and the timings) is a token away.
          // A result that comes later is dropped.
          ended = true;
          return cancelledResult(passedOn, 0, tokensPassedOn, started, firstPieceNanos, null);
        }
        // Checked before a piece is passed on, so that none follows the caller's cancel.
        if (!cancelSent && (unloaded || cancelled.getAsBoolean())) {
          cancelSent = true;
          cancelSentNanos = System.nanoTime();
          sendQuietly(Call.cancel(ids.incrementAndGet(), id));
        }
        if (reply != null) {
          decoding = true;
        }
        if (reply != null && !cancelSent) {
          int tokens = reply.count() == null ? 1 : reply.count();
          if (firstPieceNanos == 0) {
            firstPieceNanos = System.nanoTime();
          }
          passedOn.append(reply.text());
          tokensPassedOn += tokens;
          listener.onText(reply.text(), tokens);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return cancelledResult(passedOn, 0, tokensPassedOn, started, firstPieceNanos, null);
    } finally {
      if (!ended && gone == null && !cancelSent) {
        // Left early (an interrupt, or the listener threw): the engine would generate on for no one.
        sendQuietly(Call.cancel(ids.incrementAndGet(), id));
      }
      waiting.remove(id);
      generating.decrementAndGet();
      EngineMessages.rehearseOnce();
    }
  }

  /**
   * A cancelled generation's result: the text passed on, the engine's timings if it answered (else the wait as
   * queueing). Its prompt tokens are the engine's count, or 0 where the engine did not answer.
   */
  /**
   * A cancelled generation's result: the engine's timings where it gave its result, else this side's: until the first
   * piece (0 if none came) and from it on, so that a time to first token never counts the decoding after it.
   */
  private static GenerationResult cancelledResult(
      CharSequence passedOn, int promptTokens, int completionTokens, long started, long firstPieceNanos,
      GenerationResult engines) {
    long now = System.nanoTime();
    GenerationTimings timings =
        engines != null
            ? engines.timings()
            : firstPieceNanos == 0
                ? new GenerationTimings(Duration.ofNanos(now - started), Duration.ZERO, Duration.ZERO)
                : new GenerationTimings(
                    Duration.ofNanos(firstPieceNanos - started), Duration.ZERO, Duration.ofNanos(now - firstPieceNanos));
    return new GenerationResult(passedOn.toString(), FinishReason.CANCELLED, promptTokens, completionTokens, timings);
  }

  /** The engine process's resident set now, from OSHI; empty once it has exited. */
  @Override
  public OptionalLong residentBytes() {
    OSProcess engine = ProcessTable.OS.getProcess((int) process.pid());
    return engine == null || !process.isAlive() ? OptionalLong.empty() : OptionalLong.of(engine.getResidentSetSize());
  }

  /** OSHI's view of the operating system, made on first use: OSHI starts JNA, which takes a while. */
  private static final class ProcessTable {
    static final OperatingSystem OS = new SystemInfo().getOperatingSystem();
  }

  /** The process that runs the engine. */
  ProcessHandle engineProcess() {
    return process.toHandle();
  }

  /** False once the model is closed or its engine process is gone: the host should load it again. */
  @Override
  public boolean isUsable() {
    return !closed && gone == null && process.isAlive();
  }

  /**
   * Ends the generations in progress (finish reason cancelled), then the engine process: its stdin closes and it
   * exits, and is killed if it has not within 5 s.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      unloaded = gone == null && process.isAlive();
      closed = true;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(EXIT_WAIT_SECONDS);
    while (generating.get() > 0 && gone == null && System.nanoTime() < deadline) {
      sleep(CANCEL_POLL_MILLIS);
    }
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // already closed: the process is gone
    }
    try {
      if (!process.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS)) {
        log.warn("{} did not exit within {} s of its stdin closing; killing it", description, EXIT_WAIT_SECONDS);
        process.destroyForcibly();
        process.waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    onClose.run();
  }

  @Override
  public String toString() {
    return "EngineProcessModel[" + description + ", " + options + (gone != null ? ", gone: " + gone : closed ? ", closed" : "") + "]";
  }

  private Reply call(Call call) {
    BlockingQueue<Reply> replies = await(call.id());
    try {
      send(call);
      Reply reply = replies.take();
      if (reply.failure() != null) {
        throw reply.failure().toException();
      }
      return reply;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackendException("interrupted while waiting for " + description);
    } finally {
      waiting.remove(call.id());
    }
  }

  /** Registers for the replies to call {@code id}; a process already gone has put its failure there. */
  private BlockingQueue<Reply> await(long id) {
    BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
    waiting.put(id, replies);
    // The reader sets gone before it fails every waiting call, so a call registered after that sees it here.
    String why = gone;
    if (why != null) {
      replies.add(goneReply(id, why));
    }
    return replies;
  }

  private void send(Call call) {
    try {
      toEngine.writeFrame(CALLS.writeValueAsBytes(call));
    } catch (IOException e) {
      String why = gone;
      throw new BackendException(
          why != null ? unavailable(why) : "cannot write to " + description + ": " + e.getMessage(), e);
    }
  }

  /** Sends a call whose failure to arrive changes nothing: a cancel to a process that is gone. */
  private void sendQuietly(Call call) {
    try {
      send(call);
    } catch (BackendException e) {
      log.debug("{}", e.getMessage());
    }
  }

  private void readReplies(FrameReader fromEngine) {
    String why = null;
    try {
      byte[] frame;
      while ((frame = fromEngine.nextFrame()) != null) {
        Reply reply = REPLIES.readValue(frame);
        BlockingQueue<Reply> replies = waiting.get(reply.id());
        if (replies != null) {
          replies.add(reply);
        }
      }
      why = exitOf(process);
    } catch (IOException | RuntimeException e) {
      // A reply that is not one: the engine process wrote something else to its stdout.
      log.error("{} sent what is not a reply; stopping it", description, e);
      why = "sent what is not a reply (" + e.getMessage() + ")";
    } finally {
      if (why == null) {
        why = "could not be read from";
      }
      if (process.isAlive()) {
        process.destroyForcibly();
      }
      String reason = why;
      gone = reason;
      if (!unloaded) {
        log.error("{} {}", description, reason);
      }
      waiting.forEach((id, replies) -> replies.add(goneReply(id, reason)));
    }
  }

  private Reply goneReply(long id, String why) {
    return new Reply(id, null, null, null, null, new EngineMessages.Failure(EngineMessages.Failure.Kind.BACKEND, unavailable(why), null, null));
  }

  private String unavailable(String why) {
    return unloaded
        ? description + " was unloaded"
        : description + " " + why + "; the model is loaded again on its next use, and the host log has the engine's messages";
  }

  private static String exitOf(Process process) {
    try {
      if (process.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS)) {
        int status = process.exitValue();
        return status > 128 ? "was killed by signal " + (status - 128) : "exited with status " + status;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "closed its stdout";
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
