package dev.nm.routes.backend.llama;

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
 */
public final class LlamaCppBackend implements GenerationBackend {
  @Override
  public String name() {
    return "llama.cpp";
  }

  @Override
  public GenerationModel load(Path file, LoadOptions options) {
    GgufMetadata metadata;
    try {
      metadata = GgufReader.read(file);
    } catch (IOException e) {
      throw new BackendException("cannot load " + file + ": " + e.getMessage(), e);
    }
    LlamaNatives.load();
    ModelParameters parameters =
        new ModelParameters()
            .setModel(file.toString())
            .setCtxSize(options.contextSize())
            .setThreads(options.threads())
            .setParallel(options.parallelSlots());
    LlamaModel model;
    try {
      model = new LlamaModel(parameters);
    } catch (RuntimeException e) { // java-llama.cpp's LlamaException is not public
      throw new BackendException("llama.cpp could not load " + file + ": " + e.getMessage(), e);
    } finally {
      LlamaNatives.routeLogsToSlf4j();
    }
    return new LlamaCppModel(model, options, addsBosToken(metadata));
  }

  /** llama.cpp's rule: the GGUF's flag if present, else SentencePiece ({@code llama}) vocabularies add BOS. */
  private static boolean addsBosToken(GgufMetadata metadata) {
    return metadata.addBosToken().orElseGet(() -> metadata.tokenizerModel().filter("llama"::equals).isPresent());
  }
}
