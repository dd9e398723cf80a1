package dev.nm.routes.backend.llama;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import dev.nm.routes.backend.BackendException;
import dev.nm.routes.backend.GenerationBackend;
import dev.nm.routes.backend.GenerationModel;
import dev.nm.routes.backend.LoadOptions;
import dev.nm.routes.gguf.GgufMetadata;
import dev.nm.routes.gguf.GgufReader;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Generation over llama.cpp through java-llama.cpp ({@code de.kherud:llama}), whose jar carries the native
 * library for Linux, macOS and Windows. One loaded model runs llama.cpp's server loop: its
 * {@link LoadOptions#parallelSlots() slots} decode in one batch, so concurrent generations progress together.
 *
 * <p>Chat prompts use llama.cpp's own renderer for the template family it recognises in the GGUF's
 * {@code tokenizer.chat_template} (ChatML for SmolLM2), not its Jinja engine: for a template that begins with
 * the BOS token's text, llama.cpp b4916's Jinja path strips that text from the prompt on the assumption that the
 * tokenizer adds BOS, which SmolLM2's does not, and the first {@code <|im_start|>} is lost.
 *
 * <p>Two engine settings are nm's choice, both measured (bench/llm/README.md):
 *
 * <ul>
 *   <li>The warm-up generation runs on the engine's own thread, not in llama.cpp's loader. ggml's OpenMP build
 *       gives each thread that computes a graph its own team of workers, and libgomp stops busy-waiting at
 *       barriers (it sleeps on a futex after a short spin) once it manages more threads than there are
 *       CPUs. A warm-up on the loading thread leaves a second, idle team behind, and every decode step then
 *       sleeps and wakes at each of its hundreds of barriers: decoding took twice as long on two cores.
 *   <li>Flash attention. java-llama.cpp's server clears a slot's cells from the shared KV cache only when that
 *       slot takes its next task, and picks the least recently used slot, so each generation shares the cache
 *       with the last prompt and reply of each other slot. Without flash attention every decode step computes attention
 *       over those cells too (masked, but computed); with it, masked cells are skipped.
 * </ul>
 */
public final class LlamaCppBackend implements GenerationBackend {
  @Override
  public String name() {
    return "llama.cpp";
  }

  /** Loads java-llama.cpp's native library (about 0.2 s of a first load). */
  @Override
  public void prepare() {
    LlamaNatives.load();
  }

  @Override
  public GenerationModel load(Path file, LoadOptions options) {
    GgufMetadata metadata;
    try {
      metadata = GgufReader.read(file, SpelledControlTokens.ARRAYS);
    } catch (IOException e) {
      throw new BackendException("cannot load " + file + ": " + e.getMessage(), e);
    }
    LlamaNatives.load();
    LlamaCppModel.requireEngineParameters();
    ModelParameters parameters =
        new ModelParameters()
            .setModel(file.toString())
            .setCtxSize(options.contextSize())
            .setThreads(options.threads())
            .setParallel(options.parallelSlots())
            .enableFlashAttn()
            .skipWarmup();
    LlamaModel model;
    try {
      model = new LlamaModel(parameters);
    } catch (RuntimeException e) { // java-llama.cpp's LlamaException is not public
      throw new BackendException("llama.cpp could not load " + file + ": " + e.getMessage(), e);
    } finally {
      LlamaNatives.routeLogsToSlf4j();
    }
    try {
      warmUp(model);
    } catch (RuntimeException e) {
      model.close();
      throw new BackendException("llama.cpp could not run " + file + ": " + e.getMessage(), e);
    }
    boolean addsBos = addsBosToken(metadata);
    return new LlamaCppModel(model, options, addsBos, SpelledControlTokens.of(metadata, addsBos, addsEosToken(metadata)));
  }

  /**
   * What llama.cpp's loader would do if asked, on the thread that will run every later generation: one decode
   * step, which maps the weights in and sizes the compute buffers before the first request.
   */
  private static void warmUp(LlamaModel model) {
    model.complete(new InferenceParameters(" ").setNPredict(1).setCachePrompt(false));
  }

  /**
   * llama.cpp's rule (b4916, {@code llama-vocab.cpp}): the GGUF's flag if present, else its vocabulary's default:
   * SentencePiece ({@code llama}) and WordPiece ({@code bert}) add BOS, and so do BPE vocabularies of the Llama 3,
   * Falcon 3, Tekken and Chameleon pre-tokenizers.
   */
  private static boolean addsBosToken(GgufMetadata metadata) {
    return metadata.addBosToken().orElseGet(() -> {
      String family = metadata.tokenizerModel().orElse("");
      String pre = metadata.string("tokenizer.ggml.pre").orElse("");
      return family.equals("llama") || family.equals("bert")
          || (family.equals("gpt2") && BOS_ADDING_PRE_TOKENIZERS.contains(pre));
    });
  }

  private static final java.util.Set<String> BOS_ADDING_PRE_TOKENIZERS =
      java.util.Set.of("llama3", "llama-v3", "llama-bpe", "falcon3", "tekken", "chameleon");

  /** llama.cpp's rule: the GGUF's flag if present, else only Unigram ({@code t5}) vocabularies add EOS. */
  private static boolean addsEosToken(GgufMetadata metadata) {
    return metadata.bool("tokenizer.ggml.add_eos_token").orElseGet(() -> metadata.tokenizerModel().filter("t5"::equals).isPresent());
  }
}
