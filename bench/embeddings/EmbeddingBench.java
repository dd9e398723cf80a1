import dev.nm.routes.embeddings.EmbeddingResult;
import dev.nm.routes.embeddings.OnnxEmbeddingBackend;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Times nm's default embedding backend on a file of sentences, one per line, for bench.py, which alternates
 * its runs with sentence-transformers' so that both sides see the same machine load.
 *
 * <pre>java -cp CLASSPATH EmbeddingBench.java MODELS_DIR SENTENCES_FILE THREADS</pre>
 *
 * Loads the model and embeds every sentence once (warm-up), then prints one line of JSON: the token count and
 * the first sentence's vector. Then, for each line read from stdin, embeds every sentence in one call and
 * prints the milliseconds it took, wall-clock and CPU (all threads of the process). Exits at end of input.
 */
public final class EmbeddingBench {
  public static void main(String[] args) throws Exception {
    Path modelsDir = Path.of(args[0]);
    List<String> sentences = Files.readAllLines(Path.of(args[1]));
    int threads = Integer.parseInt(args[2]);
    var options = new OnnxEmbeddingBackend.Options(threads, sentences.size());
    try (var backend = new OnnxEmbeddingBackend(modelsDir, options);
        var commands = new BufferedReader(new InputStreamReader(System.in))) {
      EmbeddingResult warmUp = backend.embed(OnnxEmbeddingBackend.DEFAULT_MODEL, sentences);
      System.out.printf(
          "{\"tokens\": %d, \"first_vector\": %s}%n", warmUp.promptTokens(), Arrays.toString(warmUp.vectors().get(0)));
      System.out.flush();
      var process = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      while (commands.readLine() != null) {
        long cpuStart = process.getProcessCpuTime();
        long start = System.nanoTime();
        backend.embed(OnnxEmbeddingBackend.DEFAULT_MODEL, sentences);
        long wall = System.nanoTime() - start;
        System.out.printf("%.1f %.1f%n", wall / 1e6, (process.getProcessCpuTime() - cpuStart) / 1e6);
        System.out.flush();
      }
    }
  }
}
