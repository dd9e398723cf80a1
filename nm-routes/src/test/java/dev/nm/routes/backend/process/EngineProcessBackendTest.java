package dev.nm.routes.backend.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nm.routes.TestModels;
import dev.nm.routes.backend.BackendException;
import dev.nm.routes.backend.ChatMessage;
import dev.nm.routes.backend.ContextOverflowException;
import dev.nm.routes.backend.FinishReason;
import dev.nm.routes.backend.GenerationBackend;
import dev.nm.routes.backend.GenerationModel;
import dev.nm.routes.backend.GenerationResult;
import dev.nm.routes.backend.LoadOptions;
import dev.nm.routes.backend.SamplingParams;
import dev.nm.routes.backend.TokenListener;
import dev.nm.routes.backend.llama.LlamaCppBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** llama.cpp in engine processes of its own, against the real SmolLM2-135M-Instruct weights. */
class EngineProcessBackendTest {
  private static final LoadOptions ONE_SLOT = new LoadOptions(1024, 2, 1);
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path classData;

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private EngineProcessBackend backend() {
    EngineProcessBackend backend = new EngineProcessBackend(new LlamaCppBackend(), Map.of(), classData);
    toClose.add(backend);
    return backend;
  }

  private EngineProcessModel load(EngineProcessBackend backend, LoadOptions options) {
    EngineProcessModel model = (EngineProcessModel) backend.load(TestModels.chatModel(), options);
    toClose.add(model);
    return model;
  }

  private static String chat(GenerationModel model, String question) {
    return model.applyChatTemplate(List.of(new ChatMessage("user", question)));
  }

  @Test
  void answersAsTheEngineDoesInProcessAndUnloadingEndsItsProcess() {
    EngineProcessModel model = load(backend(), ONE_SLOT);
    ProcessHandle engine = model.engineProcess();
    assertTrue(engine.isAlive());
    assertEquals(ProcessHandle.current().pid(), engine.parent().orElseThrow().pid());

    String prompt = chat(model, "What is the capital of France?");
    List<String> pieces = new ArrayList<>();
    GenerationResult result = model.generate(prompt, SamplingParams.greedy(24), pieces::add, () -> false);
    assertTrue(result.text().contains("Paris"), result.text());
    assertTrue(pieces.size() > 1, pieces.toString());
    assertEquals(result.text(), String.join("", pieces));
    assertEquals(model.countPromptTokens(prompt), result.promptTokens());
    assertEquals(model.tokenize(prompt).length, result.promptTokens(), "SmolLM2 adds no BOS token");
    try (GenerationModel inProcess = new LlamaCppBackend().load(TestModels.chatModel(), ONE_SLOT)) {
      GenerationResult same = inProcess.generate(prompt, SamplingParams.greedy(24), TokenListener.NONE, () -> false);
      assertEquals(same.text(), result.text());
      assertEquals(same.completionTokens(), result.completionTokens());
    }

    long weights = TestModels.chatModel().toFile().length();
    long resident = model.residentBytes().orElseThrow();
    assertTrue(resident > weights && resident < weights + (1L << 30), resident + " bytes resident, weights " + weights);

    model.close();
    assertFalse(engine.isAlive(), "the engine process exits with its model: the system frees its memory");
    assertFalse(model.isUsable());
    assertTrue(model.residentBytes().isEmpty());
  }

  /**
   * A chat in one call, rendered in the engine process, is the chat rendered by a call of its own, then generated; a
   * system message after the first turn is rendered where it stands.
   */
  @Test
  void aChatInOneCallAnswersAsItsRenderedPromptDoes() {
    EngineProcessModel model = load(backend(), ONE_SLOT);
    List<ChatMessage> conversation =
        List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "What is the capital of France?"));
    List<String> pieces = new ArrayList<>();
    GenerationResult chat = model.generateChat(conversation, SamplingParams.greedy(24), pieces::add, () -> false);
    String prompt = model.applyChatTemplate(conversation);
    GenerationResult rendered = model.generate(prompt, SamplingParams.greedy(24), TokenListener.NONE, () -> false);

    assertTrue(chat.text().contains("Paris"), chat.text());
    assertEquals(rendered.text(), chat.text());
    assertEquals(String.join("", pieces), chat.text());
    assertEquals(model.countPromptTokens(prompt), chat.promptTokens());
    assertEquals(rendered.completionTokens(), chat.completionTokens());

    List<ChatMessage> noteMidway =
        List.of(new ChatMessage("user", "Hi"), new ChatMessage("system", "Be brief."), new ChatMessage("user", "Bye"));
    String midway = model.applyChatTemplate(noteMidway);
    assertEquals(
        "<|im_start|>user\nHi<|im_end|>\n<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n"
            + "<|im_start|>assistant\n",
        midway);
    GenerationResult afterANote = model.generateChat(noteMidway, SamplingParams.greedy(4), TokenListener.NONE, () -> false);
    assertEquals(model.countPromptTokens(midway), afterANote.promptTokens());
  }

  @Test
  void theCallersExceptionsComeBackAsTheirOwnTypes() {
    EngineProcessModel model = load(backend(), new LoadOptions(256, 2, 1));
    String longPrompt = chat(model, "word ".repeat(400));
    ContextOverflowException overflow =
        assertThrows(
            ContextOverflowException.class,
            () -> model.generate(longPrompt, SamplingParams.greedy(4), TokenListener.NONE, () -> false));
    assertEquals(256, overflow.contextSize());
    assertEquals(model.countPromptTokens(longPrompt), overflow.promptTokens());

    IllegalArgumentException empty =
        assertThrows(
            IllegalArgumentException.class,
            () -> model.generate("", SamplingParams.greedy(4), TokenListener.NONE, () -> false));
    assertEquals("is empty, and this model adds no start-of-text token: there is nothing to continue", empty.getMessage());
    assertTrue(model.isUsable(), "a refused call leaves the engine serving");
    assertEquals(FinishReason.LENGTH, model.generate(chat(model, "Hi"), SamplingParams.greedy(2), TokenListener.NONE, () -> false).finishReason());
  }

  @Test
  void cancellingEndsTheGenerationWithWhatWasStreamed() {
    EngineProcessModel model = load(backend(), ONE_SLOT);
    AtomicInteger pieces = new AtomicInteger();
    StringBuilder streamed = new StringBuilder();
    long[] cancelledAt = new long[1];
    BooleanSupplier cancelled = () -> pieces.get() >= 3;
    GenerationResult result =
        model.generate(
            chat(model, "Tell me a long story about a dragon."),
            SamplingParams.greedy(200),
            text -> {
              streamed.append(text);
              if (pieces.incrementAndGet() == 3) {
                cancelledAt[0] = System.nanoTime();
              }
            },
            cancelled);
    long stoppedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cancelledAt[0]);
    assertEquals(FinishReason.CANCELLED, result.finishReason());
    assertEquals(3, pieces.get(), "no piece is passed on once cancelled, as in the engine's own process");
    assertEquals(streamed.toString(), result.text(), "the result holds exactly what was passed on");
    assertEquals(3, result.completionTokens());
    assertTrue(stoppedMillis < 1000, "ended " + stoppedMillis + " ms after the cancellation");
    // The engine stopped too: the model's one slot serves the next generation.
    assertEquals(
        FinishReason.LENGTH,
        model.generate(chat(model, "Hi"), SamplingParams.greedy(2), TokenListener.NONE, () -> false).finishReason());
  }

  /** A cancelled result counts the tokens of what was passed on: an emoji's piece is three byte tokens, not one. */
  @Test
  void aCancelledGenerationCountsTheTokensOfItsPiecesNotThePieces() {
    EngineProcessModel model = load(backend(), ONE_SLOT);
    List<String> pieces = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    TokenListener listener = new TokenListener() {
      @Override
      public void onText(String text) {
        throw new AssertionError("the engine process gives each piece's token count");
      }

      @Override
      public void onText(String text, int tokens) {
        pieces.add(text);
        counts.add(tokens);
      }
    };
    GenerationResult result = model.generate(
        chat(model, "Reply with three emojis only."), SamplingParams.greedy(50), listener, () -> pieces.size() >= 1);

    assertEquals(FinishReason.CANCELLED, result.finishReason());
    assertEquals(1, pieces.size(), pieces.toString());
    assertEquals(model.tokenize(pieces.get(0)).length, counts.get(0), pieces.toString());
    assertTrue(counts.get(0) > 1, "the emoji came in one piece of several tokens: " + pieces + " " + counts);
    assertEquals(counts.get(0), result.completionTokens());
  }

  /** A cancel from another thread, as stop_generation sends it, while pieces arrive: none is passed on after it. */
  @Test
  void noPieceIsPassedOnAfterACancelFromAnotherThread() throws Exception {
    EngineProcessModel model = load(backend(), ONE_SLOT);
    AtomicBoolean cancelled = new AtomicBoolean();
    AtomicInteger afterCancel = new AtomicInteger();
    StringBuilder streamed = new StringBuilder();
    ScheduledExecutorService stopper = Executors.newSingleThreadScheduledExecutor();
    try {
      GenerationResult result =
          model.generate(
              chat(model, "Tell me a long story about a dragon."),
              SamplingParams.greedy(400),
              text -> {
                if (cancelled.get()) {
                  afterCancel.incrementAndGet();
                }
                if (streamed.length() == 0) {
                  stopper.schedule(() -> cancelled.set(true), 200, TimeUnit.MILLISECONDS);
                }
                streamed.append(text);
              },
              cancelled::get);
      assertEquals(FinishReason.CANCELLED, result.finishReason());
      assertEquals(0, afterCancel.get(), "pieces passed on after the cancel");
      assertEquals(streamed.toString(), result.text());
    } finally {
      stopper.shutdownNow();
    }
  }

  @Test
  void aGenerationAfterTheModelIsClosedIsCancelled() {
    EngineProcessModel model = load(backend(), ONE_SLOT);
    String prompt = chat(model, "Hi");
    model.close();
    GenerationResult result = model.generate(prompt, SamplingParams.greedy(4), TokenListener.NONE, () -> false);
    assertEquals(FinishReason.CANCELLED, result.finishReason());
    assertEquals("", result.text());
  }

  @Test
  void aKilledEngineFailsItsGenerationAndTheModelIsLoadedAgainNextTime() throws Exception {
    EngineProcessModel model = load(backend(), ONE_SLOT);
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      AtomicInteger pieces = new AtomicInteger();
      Future<GenerationResult> generation =
          caller.submit(
              () -> model.generate(
                  chat(model, "Tell me a long story about a dragon."), SamplingParams.greedy(400),
                  text -> pieces.incrementAndGet(), () -> false));
      while (pieces.get() == 0) {
        Thread.sleep(5);
      }
      model.engineProcess().destroyForcibly();

      Exception e = assertThrows(Exception.class, () -> generation.get(WAIT.toSeconds(), TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof BackendException, String.valueOf(e.getCause()));
      assertTrue(e.getCause().getMessage().contains("was killed by signal 9; the model is loaded again on its next use"),
          e.getCause().getMessage());
      assertFalse(model.isUsable());
      BackendException next = assertThrows(BackendException.class, () -> model.tokenize("Hi"));
      assertTrue(next.getMessage().contains("was killed by signal 9"), next.getMessage());
    } finally {
      caller.shutdownNow();
    }
  }

  /**
   * A crashed engine closed by whoever noticed it first (the model manager, dropping it) still fails the generation
   * that was passing on a piece then: only an unload ends generations as cancelled, an answer no client retries.
   */
  @Test
  void aGenerationOfACrashedEngineFailsThoughTheModelWasClosedMeanwhile() throws Exception {
    EngineProcessModel model = load(backend(), ONE_SLOT);
    ExecutorService caller = Executors.newSingleThreadExecutor();
    java.util.concurrent.CountDownLatch firstPiece = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch mayGoOn = new java.util.concurrent.CountDownLatch(1);
    try {
      Future<GenerationResult> generation =
          caller.submit(
              () -> model.generate(
                  chat(model, "Tell me a long story about a dragon."), SamplingParams.greedy(400),
                  text -> {
                    firstPiece.countDown();
                    try {
                      mayGoOn.await();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  },
                  () -> false));
      assertTrue(firstPiece.await(WAIT.toSeconds(), TimeUnit.SECONDS));
      model.engineProcess().destroyForcibly();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (model.isUsable()) {
        assertTrue(System.nanoTime() < deadline, "the engine's death was never noticed");
        Thread.sleep(5);
      }
      model.close();
      mayGoOn.countDown();

      Exception e = assertThrows(Exception.class, () -> generation.get(WAIT.toSeconds(), TimeUnit.SECONDS));
      assertTrue(e.getCause() instanceof BackendException, String.valueOf(e.getCause()));
      assertTrue(e.getCause().getMessage().contains("was killed by signal 9"), e.getCause().getMessage());
    } finally {
      mayGoOn.countDown();
      caller.shutdownNow();
    }
  }

  @Test
  void aFileThatIsNotAModelFailsNamingItAndLeavesNoProcess(@TempDir Path dir) throws Exception {
    Path garbage = Files.writeString(dir.resolve("broken.gguf"), "not a model at all");
    long childrenBefore = engines().count();
    BackendException e = assertThrows(BackendException.class, () -> backend().load(garbage, ONE_SLOT));
    assertTrue(e.getMessage().contains(garbage.toString()), e.getMessage());
    assertEquals(childrenBefore, engines().count(), "the engine process that could not load it has exited");
  }

  @Test
  void keepsAProcessReadyForTheNextLoadButNotBesideALoadedModel() throws Exception {
    EngineProcessBackend backend = backend();
    assertEquals(List.of(), enginePids());
    backend.keepAProcessReady();
    List<Long> ready = enginePids();
    assertEquals(1, ready.size(), "one process started ahead of the first load");

    EngineProcessModel model = load(backend, ONE_SLOT);
    assertEquals(ready, List.of(model.engineProcess().pid()), "the first load takes the ready process");
    assertEquals(ready, enginePids(), "no other process waits while the model is loaded");

    model.close();
    List<Long> next = enginePids();
    assertEquals(1, next.size(), "unloading leaves one ready for the next load");
    assertNotEquals(ready, next);

    backend.close();
    awaitNoEngine();
  }

  @Test
  void theReadyProcessLoadsTheNativeLibraryBeforeItIsAskedForAModel() throws Exception {
    Path maps = Path.of("/proc/self/maps");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(maps), "reads the engine's memory map from /proc");
    EngineProcessBackend backend = backend();
    backend.keepAProcessReady();
    long pid = enginePids().get(0);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!Files.readString(Path.of("/proc", Long.toString(pid), "maps")).contains("libjllama")) {
      assertTrue(System.nanoTime() < deadline, "java-llama.cpp's library never mapped in the waiting engine process");
      Thread.sleep(20);
    }
  }

  @Test
  void aBackendThatCannotPrepareStillAnswersItsLoad() {
    EngineProcessBackend backend = new EngineProcessBackend(new UnpreparedBackend(), Map.of(), classData);
    toClose.add(backend);
    backend.keepAProcessReady();
    BackendException e = assertThrows(BackendException.class, () -> backend.load(TestModels.chatModel(), ONE_SLOT));
    assertEquals("no engine on this system (its load)", e.getMessage(), "the load's own failure, from a live process");
  }

  /** A backend whose native part is missing: started in an engine process by its class name. */
  public static final class UnpreparedBackend implements GenerationBackend {
    @Override
    public String name() {
      return "unprepared";
    }

    @Override
    public void prepare() {
      throw new BackendException("no engine on this system (its preparation)");
    }

    @Override
    public GenerationModel load(Path file, LoadOptions options) {
      throw new BackendException("no engine on this system (its load)");
    }
  }

  /** The archive itself is made and mapped by the distribution's engine processes: see LauncherIT. */
  @Test
  void anArchiveIsNamedForTheJavaAndTheJarsAndNotUsedWithADirectoryOnTheClassPath(@TempDir Path jars) throws Exception {
    Path a = Files.write(jars.resolve("a.jar"), new byte[] {1});
    Path b = Files.write(jars.resolve("b.jar"), new byte[] {2, 3});
    String classPath = a + java.io.File.pathSeparator + b;
    Path archive = EngineProcessBackend.archive(classData, classPath);
    assertEquals(classData, archive.getParent());
    assertTrue(archive.getFileName().toString().matches("engine-" + java.util.regex.Pattern.quote(Runtime.version().toString()) + "-[0-9a-f]+\\.jsa"),
        archive.toString());
    assertEquals(archive, EngineProcessBackend.archive(classData, classPath), "the same jars, the same archive");

    Files.write(b, new byte[] {2, 3, 4});
    assertNotEquals(archive, EngineProcessBackend.archive(classData, classPath), "a rebuilt jar needs a new archive");
    assertEquals(null, EngineProcessBackend.archive(classData, classPath + java.io.File.pathSeparator + jars));
  }

  private static Stream<ProcessHandle> engines() {
    return ProcessHandle.current().children()
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains(EngineProcessMain.class.getName())).orElse(false));
  }

  private static List<Long> enginePids() {
    return engines().map(ProcessHandle::pid).sorted().toList();
  }

  private static void awaitNoEngine() throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (engines().findAny().isPresent()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("engine processes left: " + enginePids());
      }
      Thread.sleep(20);
    }
  }
}
