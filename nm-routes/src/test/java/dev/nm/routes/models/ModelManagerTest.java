package dev.nm.routes.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nm.routes.MovableClock;
import dev.nm.routes.TestModels;
import dev.nm.routes.backend.BackendException;
import dev.nm.routes.backend.ChatMessage;
import dev.nm.routes.backend.GenerationBackend;
import dev.nm.routes.backend.GenerationModel;
import dev.nm.routes.backend.GenerationResult;
import dev.nm.routes.backend.LoadOptions;
import dev.nm.routes.backend.SamplingParams;
import dev.nm.routes.backend.TokenListener;
import dev.nm.routes.gguf.Gguf;
import dev.nm.routes.backend.llama.LlamaCppBackend;
import dev.nm.routes.backend.process.EngineProcessBackend;
import dev.nm.routes.backend.process.EngineProcessMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelManagerTest {
  private static final String MODEL = "SmolLM2-135M-Instruct.Q4_1";
  private static final ModelSettings SETTINGS = new ModelSettings(2, 512, 2, Duration.ofMinutes(5));

  @TempDir Path models;
  private final MovableClock clock = new MovableClock();

  @BeforeEach
  void linkTheModel() throws Exception {
    Files.createSymbolicLink(models.resolve(TestModels.CHAT_MODEL_FILE), TestModels.chatModel());
  }

  private ModelManager manager(long availableBytes) {
    return new ModelManager(new ModelRegistry(models), new LlamaCppBackend(), SETTINGS, () -> availableBytes, clock);
  }

  @Test
  void listsGenerationAndEmbeddingModelsAndNamesBrokenOnes() throws Exception {
    Path embedding = Files.createDirectories(models.resolve("all-minilm-l6-v2"));
    Files.write(embedding.resolve("model.onnx"), new byte[10]);
    Files.writeString(embedding.resolve("tokenizer.json"), "{}");
    Files.createDirectories(models.resolve("not-a-model"));
    Path broken = Files.writeString(models.resolve("broken.gguf"), "nope");
    List<ModelEntry> entries = new ModelRegistry(models).list();
    assertEquals(List.of(MODEL, "all-minilm-l6-v2", "broken"), entries.stream().map(ModelEntry::id).toList());
    assertEquals(ModelKind.GENERATION, entries.get(0).kind());
    assertEquals("Q4_1", entries.get(0).metadata().orElseThrow().quantization().orElseThrow());
    assertEquals(ModelKind.EMBEDDING, entries.get(1).kind());
    assertEquals(10, entries.get(1).sizeBytes());
    assertTrue(entries.get(2).problem().orElseThrow().startsWith(broken + " is not a valid GGUF model"));
  }

  @Test
  void estimatesWeightsPlusTheF16KvCache() throws Exception {
    ModelEntry entry = new ModelRegistry(models).find(MODEL, ModelKind.GENERATION).orElseThrow();
    MemoryEstimate estimate = MemoryEstimate.of(entry.metadata().orElseThrow(), 1024);
    // 2 (K and V) x 30 layers x 1024 tokens x (576 / 9 heads x 3 KV heads) x 2 bytes
    assertEquals(2L * 30 * 1024 * 192 * 2, estimate.kvCacheBytes());
    assertEquals(98_362_432L + 23_592_960L, estimate.totalBytes());
  }

  @Test
  void refusesALoadThatWouldNotFitInTheAvailableMemory() {
    try (ModelManager manager = manager(64L << 20)) {
      InsufficientMemoryException e = assertThrows(InsufficientMemoryException.class, () -> manager.load(MODEL));
      assertEquals(
          "loading '" + MODEL + "' needs at least 116 MiB (weights 93 MiB + KV cache 22 MiB for 1024 tokens) but only 64"
              + " MiB of memory is available; unload a model, close other programs or lower the context size",
          e.getMessage());
      assertEquals(List.of(), manager.loaded());
    }
  }

  @Test
  void anUnknownModelIsNotFoundAndABrokenFileIsABackendErrorNamingIt() throws Exception {
    Path broken = Files.writeString(models.resolve("broken.gguf"), "nope");
    try (ModelManager manager = manager(Long.MAX_VALUE)) {
      assertThrows(ModelNotFoundException.class, () -> manager.load("gpt-9"));
      BackendException e = assertThrows(BackendException.class, () -> manager.load("broken"));
      assertTrue(e.getMessage().contains(broken.toString()), e.getMessage());
    }
  }

  @Test
  void loadsOnFirstUseSharesTheModelAndUnloadsItWhenIdle() {
    try (ModelManager manager = manager(Long.MAX_VALUE)) {
      int tokens = manager.use(MODEL, model -> model.tokenize("Hello world").length);
      assertEquals(2, tokens);
      LoadedModel loaded = manager.loaded().get(0);
      assertEquals(MODEL, loaded.id());
      assertEquals(1024, loaded.options().contextSize());
      assertEquals(2, loaded.options().parallelSlots());
      assertEquals(loaded.loadedAt(), manager.load(MODEL).loadedAt(), "a second load shares the first");

      clock.advance(Duration.ofMinutes(4));
      assertEquals(0, manager.unloadIdle());
      clock.advance(Duration.ofMinutes(2));
      assertEquals(1, manager.unloadIdle());
      assertEquals(List.of(), manager.loaded());
      assertFalse(manager.unload(MODEL));
    }
  }

  /** Each slot gets the configured context or the model's trained length, whichever is shorter. */
  @Test
  void aModelTrainedOnAShortContextGetsItInEverySlotAndOneTooShortIsRefused() throws Exception {
    tinyModel("short", 256);
    tinyModel("tiny", 8);
    List<LoadOptions> loaded = new CopyOnWriteArrayList<>();
    GenerationBackend backend = stubBackend(loaded::add);
    try (ModelManager manager = new ModelManager(new ModelRegistry(models), backend, SETTINGS, () -> Long.MAX_VALUE, clock)) {
      assertEquals(new LoadOptions(512, 2, 2), manager.load("short").options(), "2 slots of 256 tokens");
      BackendException e = assertThrows(BackendException.class, () -> manager.load("tiny"));
      assertEquals(models.resolve("tiny.gguf") + " declares a context length of 8 tokens; llama.cpp needs at least 16", e.getMessage());
      assertEquals(1, loaded.size());
    }
  }

  /**
   * Two loads at once: the second sees the memory the first will take, not just what the system has left. Once the
   * first has loaded, its weights are still set aside: they are mapped from the file, which the system counts as
   * available, so only their KV cache leaves its figure.
   */
  @Test
  void theMemoryOfALoadInProgressAndTheWeightsOfALoadedModelAreSetAside() throws Exception {
    Files.createSymbolicLink(models.resolve("other.gguf"), TestModels.chatModel());
    MemoryEstimate oneModel = MemoryEstimate.of(new ModelRegistry(models).find(MODEL, ModelKind.GENERATION).orElseThrow().metadata().orElseThrow(), 1024);
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch mayFinish = new CountDownLatch(1);
    GenerationBackend backend = stubBackend(options -> {
      loading.countDown();
      await(mayFinish);
    });
    ExecutorService pool = Executors.newSingleThreadExecutor();
    // Room for one model and a half while the first loads; after it, the system's figure has lost its KV cache only.
    AtomicLong available = new AtomicLong(oneModel.totalBytes() * 3 / 2);
    try (ModelManager manager = new ModelManager(new ModelRegistry(models), backend, SETTINGS, available::get, clock)) {
      Future<LoadedModel> first = pool.submit(() -> manager.load(MODEL));
      assertTrue(loading.await(30, TimeUnit.SECONDS));
      InsufficientMemoryException refused = assertThrows(InsufficientMemoryException.class, () -> manager.load("other"));
      assertTrue(refused.getMessage().startsWith("loading 'other' needs at least 116 MiB"), refused.getMessage());
      mayFinish.countDown();
      assertEquals(MODEL, first.get(30, TimeUnit.SECONDS).id());
      available.addAndGet(-oneModel.kvCacheBytes());
      refused = assertThrows(InsufficientMemoryException.class, () -> manager.load("other"));
      long left = (oneModel.totalBytes() * 3 / 2 - oneModel.kvCacheBytes() - oneModel.weightBytes()) >> 20;
      assertTrue(refused.getMessage().contains("but only " + left + " MiB"), refused.getMessage());

      assertTrue(manager.unload(MODEL));
      available.addAndGet(oneModel.kvCacheBytes());
      assertEquals("other", manager.load("other").id(), "once the first is unloaded");
    } finally {
      mayFinish.countDown();
      pool.shutdownNow();
    }
  }

  /** A load that throws an Error fails the callers waiting for it, and the next call loads again. */
  @Test
  void aLoadThatFailsWithAnErrorIsTriedAgainByTheNextCall() {
    AtomicInteger loads = new AtomicInteger();
    GenerationBackend backend = stubBackend(options -> {
      if (loads.incrementAndGet() == 1) {
        throw new OutOfMemoryError("unable to create native thread");
      }
    });
    try (ModelManager manager = new ModelManager(new ModelRegistry(models), backend, SETTINGS, () -> Long.MAX_VALUE, clock)) {
      assertThrows(OutOfMemoryError.class, () -> manager.load(MODEL));
      assertEquals(MODEL, assertTimeoutPreemptively(Duration.ofSeconds(10), () -> manager.load(MODEL)).id());
      assertEquals(2, loads.get());
    }
  }

  /** An explicit load of a loaded model counts as a use: its idle time starts again. */
  @Test
  void loadingALoadedModelStartsItsIdleTimeAgain() {
    try (ModelManager manager = new ModelManager(new ModelRegistry(models), stubBackend(o -> {}), SETTINGS, () -> Long.MAX_VALUE, clock)) {
      manager.use(MODEL, GenerationModel::options);
      clock.advance(Duration.ofMinutes(4));
      manager.load(MODEL);
      clock.advance(Duration.ofMinutes(2));
      assertEquals(0, manager.unloadIdle());
      clock.advance(Duration.ofMinutes(4));
      assertEquals(1, manager.unloadIdle());
    }
  }

  /**
   * load_model's options: a context, slots and threads of the caller's, kept until the model is unloaded; other
   * options while it is loaded, or a context a slot cannot hold, refused naming the option.
   */
  @Test
  void aLoadRequestSetsTheOptionsAndALoadedModelRefusesOthers() throws Exception {
    tinyModel("short", 256);
    try (ModelManager manager = new ModelManager(new ModelRegistry(models), stubBackend(o -> {}), SETTINGS, () -> Long.MAX_VALUE, clock)) {
      assertEquals(new LoadOptions(3000, 1, 3), load(manager, MODEL, new LoadRequest(3000, 3, 1)).options());
      assertEquals(new LoadOptions(3000, 1, 3), load(manager, MODEL, new LoadRequest(3000, null, null)).options());
      assertEquals(new LoadOptions(3000, 1, 3), manager.load(MODEL).options(), "the host's settings take what is loaded");
      LoadRequestException other = assertThrows(LoadRequestException.class, () -> load(manager, MODEL, new LoadRequest(null, 2, null)));
      assertEquals("slots", other.option());
      assertEquals("'" + MODEL + "' is loaded already with slots 3; unload_model it first to load it with 2", other.getMessage());
      assertTrue(manager.unload(MODEL));
      assertEquals(new LoadOptions(1024, 2, 2), manager.use(MODEL, GenerationModel::options), "unloaded, it takes the settings again");

      LoadRequestException tooLong = assertThrows(LoadRequestException.class, () -> load(manager, "short", new LoadRequest(1024, 2, null)));
      assertEquals("context_size", tooLong.option());
      assertEquals("'short' was trained on a context of 256 tokens; with 2 slots context_size can be at most 512", tooLong.getMessage());
      LoadRequestException tooShort = assertThrows(LoadRequestException.class, () -> load(manager, "short", new LoadRequest(60, 4, null)));
      assertEquals("60 tokens over 4 slots leaves 15 to a generation; llama.cpp needs at least 16 each", tooShort.getMessage());
      assertEquals(List.of(MODEL), manager.loaded().stream().map(LoadedModel::id).toList());
    }
  }

  private static LoadedModel load(ModelManager manager, String id, LoadRequest request) {
    return manager.load(id, request, () -> false).orElseThrow();
  }

  /**
   * {@code x.gguf} beside an embedding model's directory {@code x/}: the registry listed both as {@code x} and found
   * whichever the directory listing gave first, so loading the chat model was NOT_FOUND when that was the
   * directory. Pairs made in either order, since the file system's order is its own.
   */
  @Test
  void aGgufFileAndAnEmbeddingDirectoryOfOneNameAreToldApartByKind() throws Exception {
    List<String> names = List.of("llama", "mistral", "qwen", "phi", "gemma", "falcon", "olmo", "granite");
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (i % 2 == 0) {
        tinyModel(name, 256);
      }
      Path embedding = Files.createDirectories(models.resolve(name));
      Files.write(embedding.resolve("model.onnx"), new byte[10]);
      Files.writeString(embedding.resolve("tokenizer.json"), "{}");
      if (i % 2 == 1) {
        tinyModel(name, 256);
      }
    }
    ModelRegistry registry = new ModelRegistry(models);
    try (ModelManager manager = new ModelManager(registry, stubBackend(o -> {}), SETTINGS, () -> Long.MAX_VALUE, clock)) {
      for (String name : names) {
        LoadedModel loaded = manager.load(name);
        assertEquals(models.resolve(name + ".gguf"), loaded.path(), name);
      }
    }
    assertEquals(
        List.of(ModelKind.GENERATION, ModelKind.EMBEDDING), registry.named("llama").stream().map(ModelEntry::kind).toList());
    assertEquals(models.resolve("llama"), registry.find("llama", ModelKind.EMBEDDING).orElseThrow().path());
  }

  /** A split model loads by its first part, estimated with every part's weights; another part is no model to load. */
  @Test
  void aSplitModelLoadsByItsFirstPartWithEveryPartsWeights() throws Exception {
    List<Path> parts = ModelRegistryTest.splitModel(models, "tiny");
    long weights = 0;
    for (Path part : parts) {
      weights += Files.size(part);
    }
    try (ModelManager manager = new ModelManager(new ModelRegistry(models), stubBackend(o -> {}), SETTINGS, () -> Long.MAX_VALUE, clock)) {
      BackendException e = assertThrows(BackendException.class, () -> manager.load("tiny-00002-of-00003"));
      assertEquals(
          parts.get(1) + " is part 2 of 3 of the model tiny-00001-of-00003.gguf; load that one, 'tiny-00001-of-00003',"
              + " which reads every part",
          e.getMessage());
      assertEquals(weights, manager.load("tiny-00001-of-00003").memory().weightBytes());
    }
  }

  private void tinyModel(String name, int contextLength) throws Exception {
    new Gguf().header(0, 2)
        .key("general.architecture").u32(8).string("tiny")
        .key("tiny.context_length").u32(4).u32(contextLength)
        .write(models.resolve(name + ".gguf"));
  }

  /**
   * The idle unloader decides on each model when it gets to it, under the lock a use takes to begin: here it
   * closes one idle model while a use of the other begins, and must leave that one loaded.
   */
  @Test
  void theIdleUnloaderLeavesAModelWhoseUseBeganWhileItClosedAnother() throws Exception {
    Files.createSymbolicLink(models.resolve("other.gguf"), TestModels.chatModel());
    CountDownLatch closing = new CountDownLatch(1);
    CountDownLatch useBegun = new CountDownLatch(1);
    CountDownLatch useMayEnd = new CountDownLatch(1);
    List<String> closedInUse = new CopyOnWriteArrayList<>();
    Map<String, AtomicInteger> inUse = Map.of(MODEL, new AtomicInteger(), "other", new AtomicInteger());
    GenerationBackend backend = new GenerationBackend() {
      @Override
      public String name() {
        return "recording";
      }

      @Override
      public GenerationModel load(Path file, LoadOptions options) {
        String id = file.getFileName().toString().replace(".gguf", "");
        return new StubModel(options) {
          @Override
          public int[] tokenize(String text) {
            inUse.get(id).incrementAndGet();
            useBegun.countDown();
            await(useMayEnd);
            inUse.get(id).decrementAndGet();
            return new int[0];
          }

          @Override
          public void close() {
            if (inUse.get(id).get() > 0) {
              closedInUse.add(id);
            }
            if (closing.getCount() > 0) {
              closing.countDown();
              await(useBegun); // a use of the other model begins while this one is closed
            }
          }
        };
      }
    };
    ExecutorService pool = Executors.newCachedThreadPool();
    try (ModelManager manager = new ModelManager(new ModelRegistry(models), backend, SETTINGS, () -> Long.MAX_VALUE, clock)) {
      manager.load(MODEL);
      manager.load("other");
      clock.advance(Duration.ofMinutes(6));
      Future<Integer> sweep = pool.submit(manager::unloadIdle);
      closing.await();
      String other = manager.loaded().get(0).id(); // the one being closed is no longer listed
      Future<Integer> use = pool.submit(() -> manager.use(other, model -> model.tokenize("x").length));
      assertEquals(1, (int) sweep.get(30, TimeUnit.SECONDS), "only the model closed first was idle when the unloader got to it");
      useMayEnd.countDown();
      assertEquals(0, (int) use.get(30, TimeUnit.SECONDS));
      assertEquals(List.of(), closedInUse);
      assertEquals(List.of(other), manager.loaded().stream().map(LoadedModel::id).toList());
    } finally {
      useMayEnd.countDown();
      pool.shutdownNow();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(30, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** A backend whose models answer nothing; {@code onLoad} runs at each load. */
  private static GenerationBackend stubBackend(Consumer<LoadOptions> onLoad) {
    return new GenerationBackend() {
      @Override
      public String name() {
        return "stub";
      }

      @Override
      public GenerationModel load(Path file, LoadOptions options) {
        onLoad.accept(options);
        return new StubModel(options);
      }
    };
  }

  /** A model that answers nothing; tests override what they need. */
  private static class StubModel implements GenerationModel {
    private final LoadOptions options;

    StubModel(LoadOptions options) {
      this.options = options;
    }

    @Override
    public LoadOptions options() {
      return options;
    }

    @Override
    public String applyChatTemplate(List<ChatMessage> messages) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int countPromptTokens(String prompt) {
      throw new UnsupportedOperationException();
    }

    @Override
    public GenerationResult generate(String prompt, SamplingParams params, TokenListener listener, BooleanSupplier cancelled) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int[] tokenize(String text) {
      return new int[0];
    }

    @Override
    public void close() {}
  }

  /** A model whose engine process died is dropped and loaded again by its next use, in a new process. */
  @Test
  void aModelWhoseEngineDiedIsLoadedAgainOnItsNextUse(@TempDir Path classData) {
    try (EngineProcessBackend engines = new EngineProcessBackend(new LlamaCppBackend(), Map.of(), classData);
        ModelManager manager = new ModelManager(new ModelRegistry(models), engines, SETTINGS, () -> Long.MAX_VALUE, clock)) {
      ProcessHandle first = manager.use(MODEL, ModelManagerTest::engineProcess);
      first.destroyForcibly();
      first.onExit().join();
      assertEquals(List.of(), manager.loaded(), "a model whose engine is gone is not listed as loaded");

      int tokens = manager.use(MODEL, model -> model.tokenize("Hello world").length);
      assertEquals(2, tokens);
      ProcessHandle second = manager.use(MODEL, ModelManagerTest::engineProcess);
      assertNotEquals(first.pid(), second.pid());
      assertTrue(second.isAlive());
      assertEquals(List.of(MODEL), manager.loaded().stream().map(LoadedModel::id).toList());
    }
  }

  /** The engine process serving {@code model}: the one child of this JVM that runs it, found through /proc. */
  private static ProcessHandle engineProcess(GenerationModel model) {
    List<ProcessHandle> engines = ProcessHandle.current().children()
        .filter(p -> p.info().arguments().map(a -> List.of(a).contains(EngineProcessMain.class.getName())).orElse(false))
        .toList();
    assertEquals(1, engines.size(), engines.toString());
    return engines.get(0);
  }
}

