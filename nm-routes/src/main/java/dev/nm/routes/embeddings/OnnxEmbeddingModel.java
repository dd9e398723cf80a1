package dev.nm.routes.embeddings;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.nm.route.RouteException;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * One loaded embedding model: a BERT-style ONNX encoder ({@code input_ids}, {@code attention_mask}, optionally
 * {@code token_type_ids} in; the last hidden state out), its tokenizer, and the pooling of its
 * {@link EmbeddingModelConfig}. Thread-safe: ONNX Runtime sessions may run concurrently.
 */
final class OnnxEmbeddingModel implements AutoCloseable {
  static final String MODEL_FILE = "model.onnx";
  static final String TOKENIZER_FILE = "tokenizer.json";

  /**
   * Texts per inference. Texts are sorted by length first, so each batch pads to nearly its own longest text;
   * larger batches buy little on a CPU and cost memory (batch x tokens x dimensions floats).
   */
  private static final int BATCH_SIZE = 32;

  private final String name;
  private final OrtEnvironment environment;
  private final OrtSession session;
  private final BertTokenizer tokenizer;
  private final EmbeddingModelConfig config;
  private final boolean takesTokenTypes;
  private final int dimensions;

  private OnnxEmbeddingModel(
      String name, OrtEnvironment environment, OrtSession session, BertTokenizer tokenizer, EmbeddingModelConfig config)
      throws OrtException, IOException {
    this.name = name;
    this.environment = environment;
    this.session = session;
    this.tokenizer = tokenizer;
    this.config = config;
    this.takesTokenTypes = session.getInputNames().contains("token_type_ids");
    NodeInfo output = session.getOutputInfo().values().iterator().next();
    long[] shape = output.getInfo() instanceof TensorInfo tensor ? tensor.getShape() : new long[0];
    if (shape.length != 3 || shape[2] <= 0) {
      throw new IOException(
          "model '" + name + "' does not output a hidden state [batch, tokens, dimensions] first; its first output is "
              + output.getName());
    }
    this.dimensions = (int) shape[2];
    if (config.dimensions() != 0 && config.dimensions() != dimensions) {
      throw new IOException(
          "model '" + name + "' produces " + dimensions + " dimensions, but its "
              + EmbeddingModelConfig.FILE_NAME + " says " + config.dimensions());
    }
  }

  /**
   * Loads the model in {@code directory} ({@code model.onnx}, {@code tokenizer.json}, optional
   * {@code nm-model.json}).
   *
   * @param threads the threads one inference may use
   */
  static OnnxEmbeddingModel load(String name, Path directory, int threads) throws IOException, OrtException {
    EmbeddingModelConfig config = EmbeddingModelConfig.read(directory);
    BertTokenizer tokenizer = BertTokenizer.load(directory.resolve(TOKENIZER_FILE));
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      OrtSession session = environment.createSession(directory.resolve(MODEL_FILE).toString(), options);
      try {
        return new OnnxEmbeddingModel(name, environment, session, tokenizer, config);
      } catch (IOException | OrtException | RuntimeException e) {
        session.close();
        throw e;
      }
    }
  }

  int dimensions() {
    return dimensions;
  }

  /** The most tokens of one text the model reads; longer texts are truncated. */
  int maxTokens() {
    return config.maxTokens();
  }

  /**
   * Tokenizes, runs and pools {@code texts}; vectors come back in input order.
   *
   * @throws RouteException {@code CANCELLED} once {@code cancelled} says so, which it asks before each text it
   *     tokenizes and each batch it runs
   */
  EmbeddingResult embed(List<String> texts, BooleanSupplier cancelled) throws OrtException {
    int[][] ids = new int[texts.size()][];
    int tokens = 0;
    for (int i = 0; i < ids.length; i++) {
      throwIfCancelled(cancelled);
      ids[i] = tokenizer.encode(texts.get(i), config.maxTokens());
      tokens += ids[i].length;
    }
    Integer[] byLength = IntStream.range(0, ids.length).boxed().toArray(Integer[]::new);
    Arrays.sort(byLength, Comparator.comparingInt(i -> ids[i].length));
    float[][] vectors = new float[ids.length][];
    for (int from = 0; from < byLength.length; from += BATCH_SIZE) {
      throwIfCancelled(cancelled);
      int to = Math.min(from + BATCH_SIZE, byLength.length);
      int[][] batch = new int[to - from][];
      for (int j = from; j < to; j++) {
        batch[j - from] = ids[byLength[j]];
      }
      float[][] pooled = run(batch);
      for (int j = from; j < to; j++) {
        vectors[byLength[j]] = pooled[j - from];
      }
    }
    return new EmbeddingResult(name, List.of(vectors), tokens);
  }

  private static void throwIfCancelled(BooleanSupplier cancelled) {
    if (cancelled.getAsBoolean()) {
      throw RouteException.cancelled();
    }
  }

  /** One inference over texts padded to the longest; returns one pooled vector per text. */
  private float[][] run(int[][] batch) throws OrtException {
    int rows = batch.length;
    int width = 0;
    for (int[] row : batch) {
      width = Math.max(width, row.length);
    }
    long[] shape = {rows, width};
    LongBuffer inputIds = LongBuffer.allocate(rows * width);
    LongBuffer attentionMask = LongBuffer.allocate(rows * width);
    for (int[] row : batch) {
      for (int t = 0; t < width; t++) {
        inputIds.put(t < row.length ? row[t] : 0);
        attentionMask.put(t < row.length ? 1 : 0);
      }
    }
    inputIds.flip();
    attentionMask.flip();
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put("input_ids", OnnxTensor.createTensor(environment, inputIds, shape));
      inputs.put("attention_mask", OnnxTensor.createTensor(environment, attentionMask, shape));
      if (takesTokenTypes) {
        inputs.put("token_type_ids", OnnxTensor.createTensor(environment, LongBuffer.allocate(rows * width), shape));
      }
      try (OrtSession.Result result = session.run(inputs)) {
        FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
        return pool(hidden, batch, width);
      }
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  /** Pools the hidden state {@code [rows, width, dimensions]} over each row's real tokens. */
  private float[][] pool(FloatBuffer hidden, int[][] batch, int width) {
    float[][] pooled = new float[batch.length][dimensions];
    for (int r = 0; r < batch.length; r++) {
      int tokens = config.pooling() == EmbeddingModelConfig.Pooling.CLS ? 1 : batch[r].length;
      double[] sum = new double[dimensions];
      for (int t = 0; t < tokens; t++) {
        int offset = (r * width + t) * dimensions;
        for (int d = 0; d < dimensions; d++) {
          sum[d] += hidden.get(offset + d);
        }
      }
      double squares = 0;
      for (int d = 0; d < dimensions; d++) {
        sum[d] /= tokens;
        squares += sum[d] * sum[d];
      }
      // The same floor as torch.nn.functional.normalize, which sentence-transformers uses.
      double scale = config.normalize() ? 1 / Math.max(Math.sqrt(squares), 1e-12) : 1;
      for (int d = 0; d < dimensions; d++) {
        pooled[r][d] = (float) (sum[d] * scale);
      }
    }
    return pooled;
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
