import dev.nm.routes.embeddings.EmbeddingResult;
import dev.nm.routes.embeddings.OnnxEmbeddingBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Times nm's default embedding backend on a file of sentences, one per line: one warm-up pass, then {@code runs}
 * timed passes, each embedding every sentence in one call. Prints one line of JSON to stdout. Run by run.sh:
 *
 * <pre>java -cp CLASSPATH EmbeddingBench.java MODELS_DIR SENTENCES_FILE THREADS RUNS</pre>
 */
public final class EmbeddingBench {
  public static void main(String[] args) throws Exception {
    Path modelsDir = Path.of(args[0]);
    List<String> sentences = Files.readAllLines(Path.of(args[1]));
    int threads = Integer.parseInt(args[2]);
    int runs = Integer.parseInt(args[3]);
    var options = new OnnxEmbeddingBackend.Options(threads, sentences.size());
    try (var backend = new OnnxEmbeddingBackend(modelsDir, options)) {
      long loadStart = System.nanoTime();
      EmbeddingResult warmUp = backend.embed(OnnxEmbeddingBackend.DEFAULT_MODEL, sentences);
      double firstPassMs = (System.nanoTime() - loadStart) / 1e6;
      double[] millis = new double[runs];
      for (int i = 0; i < runs; i++) {
        long start = System.nanoTime();
        backend.embed(OnnxEmbeddingBackend.DEFAULT_MODEL, sentences);
        millis[i] = (System.nanoTime() - start) / 1e6;
      }
      double[] sorted = millis.clone();
      Arrays.sort(sorted);
      System.out.printf(
          "{\"median_ms\": %.1f, \"runs_ms\": %s, \"first_pass_with_load_ms\": %.1f, \"tokens\": %d, \"first_vector\": %s}%n",
          sorted[runs / 2], Arrays.toString(millis), firstPassMs, warmUp.promptTokens(),
          Arrays.toString(warmUp.vectors().get(0)));
    }
  }
}
