package dev.nm.routes.backend.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectReader;
import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import dev.nm.protocol.Json;
import dev.nm.protocol.ProtocolLimits;
import dev.nm.routes.backend.ChatMessage;
import dev.nm.routes.backend.PlainChatTemplate;
import dev.nm.routes.backend.FinishReason;
import dev.nm.routes.backend.GenerationBackend;
import dev.nm.routes.backend.GenerationModel;
import dev.nm.routes.backend.GenerationResult;
import dev.nm.routes.backend.GenerationTimings;
import dev.nm.routes.backend.LoadOptions;
import dev.nm.routes.backend.SamplingParams;
import dev.nm.routes.backend.TokenListener;
import dev.nm.routes.backend.process.EngineMessages.Call;
import dev.nm.routes.backend.process.EngineMessages.Op;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The host's side of an engine process against {@link EngineProcessMain} served on threads of this JVM, over pipes
 * through a relay that records every call the host sends, with a scripted model: which calls a chat makes, and
 * what comes back when its template refuses the conversation or it is cancelled while the template renders.
 */
@Timeout(30)
class EngineProcessModelTest {
  private static final List<ChatMessage> HI = List.of(new ChatMessage("user", "Hi"));
  private static final long WAIT_SECONDS = 10;

  private final ScriptedModel scripted = new ScriptedModel();
  private InProcessEngine engine;
  private EngineProcessModel model;
  /** How many calls the host had sent once its model was loaded. */
  private int loadCalls;

  @BeforeEach
  void load() throws IOException {
    engine = new InProcessEngine(new ScriptedBackend(scripted));
    model = new EngineProcessModel(engine, "scripted", () -> {}).load(Path.of("scripted.gguf"), new LoadOptions(512, 2, 1));
    loadCalls = engine.calls.size();
  }

  @AfterEach
  void close() {
    scripted.release.countDown();
    model.close();
  }

  /** The calls sent since the model was loaded. */
  private List<Call> calls() {
    // A copy first: a view of a CopyOnWriteArrayList fails once the list changes, as it does while a call is sent.
    List<Call> all = List.copyOf(engine.calls);
    return all.subList(loadCalls, all.size());
  }

  @Test
  void aChatIsOneCallToTheEngineWhichRendersItsTemplateThere() {
    List<List<Call>> sentBeforeEachPiece = new ArrayList<>();
    List<String> pieces = new ArrayList<>();
    GenerationResult result =
        model.generateChat(HI, SamplingParams.greedy(8), text -> {
          sentBeforeEachPiece.add(calls());
          pieces.add(text);
        }, () -> false);

    assertEquals("Hello there", result.text());
    assertEquals(FinishReason.STOP, result.finishReason());
    assertEquals(List.of("Hello", " there"), pieces);
    List<Call> calls = calls();
    assertEquals(1, calls.size(), "one call, no template call before it: " + calls);
    Call generate = calls.get(0);
    assertEquals(Op.GENERATE, generate.op());
    assertEquals(HI, generate.messages());
    assertNull(generate.text(), "the conversation, not a prompt rendered by another call");
    assertEquals(SamplingParams.greedy(8), generate.params());
    assertEquals(List.of(calls, calls), sentBeforeEachPiece, "nothing else was sent while the pieces came");
    assertEquals(List.of("template " + HI, "generate user: Hi\nassistant:"), scripted.asked, "the engine rendered, then generated");
  }

  @Test
  void aPromptIsStillOneCallOfItsText() {
    GenerationResult result = model.generate("Once upon a time", SamplingParams.greedy(8), TokenListener.NONE, () -> false);
    assertEquals("Hello there", result.text());
    List<Call> calls = calls();
    assertEquals(1, calls.size(), calls.toString());
    assertEquals("Once upon a time", calls.get(0).text());
    assertNull(calls.get(0).messages());
    assertEquals(List.of("generate Once upon a time"), scripted.asked);
  }

  @Test
  void aConversationTheTemplateRefusesComesBackAsAnIllegalArgument() {
    List<ChatMessage> misplaced = List.of(new ChatMessage("user", "Hi"), new ChatMessage("system", "Be brief."));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> model.generateChat(misplaced, SamplingParams.greedy(8), TokenListener.NONE, () -> false));
    assertEquals("system messages must come before user and assistant messages", e.getMessage());
    assertEquals(1, calls().size(), calls().toString());
    assertEquals(List.of("template " + misplaced), scripted.asked, "nothing generated");
    assertTrue(model.isUsable(), "a refused conversation leaves the engine serving");
    assertEquals("Hello there", model.generateChat(HI, SamplingParams.greedy(8), TokenListener.NONE, () -> false).text());
  }

  /**
   * A cancel (stop_generation, or the call's) while the engine is busy (here rendering the template; a long prefill
   * alike) ends the call at once, without waiting for the engine, which looks for it only between tokens; the
   * generation there then starts cancelled, and nothing is passed on.
   */
  @Test
  void aChatCancelledWhileTheEngineIsBusyEndsAtOnceAndTheEngineGeneratesNothing() throws Exception {
    scripted.holdTemplate = true;
    AtomicBoolean cancelled = new AtomicBoolean();
    List<String> pieces = new CopyOnWriteArrayList<>();
    CompletableFuture<GenerationResult> chat =
        CompletableFuture.supplyAsync(() -> model.generateChat(HI, SamplingParams.greedy(8), pieces::add, cancelled::get));
    assertTrue(scripted.rendering.await(WAIT_SECONDS, TimeUnit.SECONDS), "the engine never rendered the template");

    long cancelledAt = System.nanoTime();
    cancelled.set(true);
    GenerationResult result = result(chat);
    long tookMillis = (System.nanoTime() - cancelledAt) / 1_000_000;
    assertTrue(tookMillis < 2_000, "ended " + tookMillis + " ms after the cancel, the engine still busy");
    assertEquals(FinishReason.CANCELLED, result.finishReason());
    assertEquals("", result.text());
    assertEquals(0, result.completionTokens());
    long generateId = calls().get(0).id();
    assertTrue(calls().stream().anyMatch(c -> c.op() == Op.CANCEL && c.target() == generateId), calls().toString());
    assertEquals(List.of("template " + HI), scripted.asked, "the engine is still rendering");

    scripted.release.countDown();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (scripted.asked.size() < 2) {
      assertTrue(System.nanoTime() < deadline, "the engine never went on: " + scripted.asked);
      Thread.sleep(5);
    }
    assertEquals(List.of("template " + HI, "generate user: Hi\nassistant: (cancelled)"), scripted.asked);
    assertEquals(List.of(), pieces);
    assertEquals("Hello there", model.generateChat(HI, SamplingParams.greedy(8), TokenListener.NONE, () -> false).text());
  }

  /**
   * A generation cancelled while decoding whose engine gives no result in time ends with what it passed on; its time
   * to first token is until its first piece, not until the end (the statistics' time to first token counted the
   * whole decoding).
   */
  @Test
  void aGenerationCancelledWhileDecodingKeepsItsTimeToFirstToken() throws Exception {
    scripted.holdAfterFirstPiece = true;
    AtomicBoolean cancelled = new AtomicBoolean();
    List<String> pieces = new CopyOnWriteArrayList<>();
    long started = System.nanoTime();
    CompletableFuture<GenerationResult> chat =
        CompletableFuture.supplyAsync(() -> model.generateChat(HI, SamplingParams.greedy(8), pieces::add, cancelled::get));
    assertTrue(scripted.firstPieceSent.await(WAIT_SECONDS, TimeUnit.SECONDS));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (pieces.isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "the first piece never came");
      Thread.sleep(5);
    }
    long firstPieceMillis = (System.nanoTime() - started) / 1_000_000;
    Thread.sleep(300);
    cancelled.set(true);
    GenerationResult result = result(chat);
    assertEquals(FinishReason.CANCELLED, result.finishReason());
    assertEquals("Hello", result.text());
    assertEquals(1, result.completionTokens());
    long ttftMillis = result.timings().timeToFirstToken().toMillis();
    assertTrue(ttftMillis <= firstPieceMillis, "time to first token " + ttftMillis + " ms, the first piece at " + firstPieceMillis);
    assertTrue(result.timings().decode().toMillis() >= 1_000, "decoding went on past the cancel: " + result.timings());
  }

  /**
   * A chat stopped before it reached the engine (stop_generation while it waited for the model to load) is not sent:
   * the engine would evaluate the whole prompt before it looked for a cancel.
   */
  @Test
  void aChatStoppedBeforeItIsSentNeverReachesTheEngine() {
    List<String> pieces = new ArrayList<>();
    GenerationResult result = model.generateChat(HI, SamplingParams.greedy(8), pieces::add, () -> true);
    assertEquals(FinishReason.CANCELLED, result.finishReason());
    assertEquals(0, result.completionTokens());
    assertEquals(List.of(), pieces);
    assertEquals(List.of(), calls());
    assertEquals(List.of(), scripted.asked);
  }

  private static GenerationResult result(CompletableFuture<GenerationResult> generation)
      throws InterruptedException, ExecutionException, TimeoutException {
    return generation.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * Renders "role: content" lines, refusing a system message once the conversation has begun (as some models'
   * templates refuse some conversations); generates "Hello" and " there", or nothing when it starts cancelled. Records what it is asked.
   * Its {@link GenerationModel#generateChat} is the interface's: render, then generate.
   */
  private static final class ScriptedModel implements GenerationModel {
    final List<String> asked = new CopyOnWriteArrayList<>();
    final CountDownLatch rendering = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    /** Whether the template waits for {@link #release} before it renders. */
    volatile boolean holdTemplate;
    /** Whether generating waits for {@link #release} after its first piece, heeding no cancel. */
    volatile boolean holdAfterFirstPiece;
    final CountDownLatch firstPieceSent = new CountDownLatch(1);

    @Override
    public LoadOptions options() {
      return new LoadOptions(512, 2, 1);
    }

    @Override
    public String applyChatTemplate(List<ChatMessage> messages) {
      asked.add("template " + messages);
      if (holdTemplate) {
        rendering.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return PlainChatTemplate.render(messages);
    }

    @Override
    public int[] tokenize(String text) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int countPromptTokens(String prompt) {
      throw new UnsupportedOperationException();
    }

    @Override
    public GenerationResult generate(String prompt, SamplingParams params, TokenListener listener, BooleanSupplier cancelled) {
      GenerationTimings none = new GenerationTimings(Duration.ZERO, Duration.ZERO, Duration.ZERO);
      if (cancelled.getAsBoolean()) {
        asked.add("generate " + prompt + " (cancelled)");
        return new GenerationResult("", FinishReason.CANCELLED, 3, 0, none);
      }
      asked.add("generate " + prompt);
      listener.onText("Hello", 1);
      if (holdAfterFirstPiece) {
        firstPieceSent.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      listener.onText(" there", 1);
      return new GenerationResult("Hello there", FinishReason.STOP, 3, 2, none);
    }

    @Override
    public void close() {}
  }

  private record ScriptedBackend(ScriptedModel model) implements GenerationBackend {
    @Override
    public String name() {
      return "scripted";
    }

    @Override
    public GenerationModel load(Path file, LoadOptions options) {
      return model;
    }
  }

  /**
   * An engine "process" served by {@link EngineProcessMain} on threads of this JVM: its stdin and stdout are pipes,
   * and a relay between the host's end of stdin and the engine records each call on its way.
   */
  private static final class InProcessEngine extends Process {
    private static final ObjectReader CALLS = Json.mapper().readerFor(Call.class);

    final List<Call> calls = new CopyOnWriteArrayList<>();
    private final OutputStream stdin;
    private final InputStream stdout;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();

    InProcessEngine(GenerationBackend backend) throws IOException {
      Pipe hostToRelay = Pipe.open();
      Pipe relayToEngine = Pipe.open();
      Pipe engineToHost = Pipe.open();
      stdin = Channels.newOutputStream(hostToRelay.sink());
      stdout = Channels.newInputStream(engineToHost.source());
      daemon("relay", () -> {
        FrameReader fromHost = frames(hostToRelay.source());
        FrameWriter toEngine = frames(relayToEngine.sink());
        byte[] frame;
        while ((frame = fromHost.nextFrame()) != null) {
          calls.add(CALLS.readValue(frame));
          toEngine.writeFrame(frame);
        }
        relayToEngine.sink().close();
      });
      daemon("engine", () -> {
        try {
          new EngineProcessMain(backend, frames(engineToHost.sink())).serve(frames(relayToEngine.source()));
        } finally {
          engineToHost.sink().close();
          exit.complete(0);
        }
      });
    }

    private interface IoTask {
      void run() throws IOException;
    }

    private static void daemon(String name, IoTask task) {
      Thread thread = new Thread(() -> {
        try {
          task.run();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, "in-process-engine-" + name);
      thread.setDaemon(true);
      thread.start();
    }

    private static FrameReader frames(Pipe.SourceChannel source) {
      return FrameReader.of(source, ProtocolLimits.MAX_INBOUND_FRAME_BYTES, ByteOrder.nativeOrder());
    }

    private static FrameWriter frames(Pipe.SinkChannel sink) {
      return FrameWriter.of(sink, ProtocolLimits.MAX_INBOUND_FRAME_BYTES, ByteOrder.nativeOrder());
    }

    @Override
    public OutputStream getOutputStream() {
      return stdin;
    }

    @Override
    public InputStream getInputStream() {
      return stdout;
    }

    @Override
    public InputStream getErrorStream() {
      return InputStream.nullInputStream();
    }

    @Override
    public int waitFor() throws InterruptedException {
      try {
        return exit.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
      try {
        exit.get(timeout, unit);
        return true;
      } catch (TimeoutException e) {
        return false;
      } catch (ExecutionException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public int exitValue() {
      if (!exit.isDone()) {
        throw new IllegalThreadStateException("the engine is serving");
      }
      return exit.join();
    }

    @Override
    public boolean isAlive() {
      return !exit.isDone();
    }

    @Override
    public long pid() {
      return ProcessHandle.current().pid();
    }

    @Override
    public void destroy() {
      try {
        stdin.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
