package dev.nm.routes.gguf;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The header of a GGUF model file, as read by {@link GgufReader}. Integer values are {@link Long}, floats
 * {@link Double}, booleans {@link Boolean}, strings {@link String} and arrays {@link GgufArray}.
 *
 * @param fileSize the bytes of the file; of all its files, for a model split across several ({@link #withParts})
 * @param tensorCount the tensors of the file; of all its files, for a split model
 * @param parameterCount the sum of the element counts of all tensors
 */
public record GgufMetadata(
    Path file, long fileSize, int version, long tensorCount, long parameterCount, Map<String, Object> values) {

  /** llama.cpp's {@code llama_ftype} names, indexed by {@code general.file_type}. */
  private static final Map<Long, String> FILE_TYPES =
      Map.ofEntries(
          Map.entry(0L, "F32"), Map.entry(1L, "F16"), Map.entry(2L, "Q4_0"), Map.entry(3L, "Q4_1"),
          Map.entry(7L, "Q8_0"), Map.entry(8L, "Q5_0"), Map.entry(9L, "Q5_1"), Map.entry(10L, "Q2_K"),
          Map.entry(11L, "Q3_K_S"), Map.entry(12L, "Q3_K_M"), Map.entry(13L, "Q3_K_L"), Map.entry(14L, "Q4_K_S"),
          Map.entry(15L, "Q4_K_M"), Map.entry(16L, "Q5_K_S"), Map.entry(17L, "Q5_K_M"), Map.entry(18L, "Q6_K"),
          Map.entry(19L, "IQ2_XXS"), Map.entry(20L, "IQ2_XS"), Map.entry(21L, "Q2_K_S"), Map.entry(22L, "IQ3_XS"),
          Map.entry(23L, "IQ3_XXS"), Map.entry(24L, "IQ1_S"), Map.entry(25L, "IQ4_NL"), Map.entry(26L, "IQ3_S"),
          Map.entry(27L, "IQ3_M"), Map.entry(28L, "IQ2_S"), Map.entry(29L, "IQ2_M"), Map.entry(30L, "IQ4_XS"),
          Map.entry(31L, "IQ1_M"), Map.entry(32L, "BF16"), Map.entry(36L, "TQ1_0"), Map.entry(37L, "TQ2_0"));

  public GgufMetadata {
    // Not Map.copyOf: its table probes linearly, so keys of one hash code (a hostile header's) cost quadratic time;
    // HashMap keeps such keys in a tree.
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  public Optional<String> string(String key) {
    return values.get(key) instanceof String s ? Optional.of(s) : Optional.empty();
  }

  public Optional<Long> integer(String key) {
    return values.get(key) instanceof Long n ? Optional.of(n) : Optional.empty();
  }

  public Optional<Boolean> bool(String key) {
    return values.get(key) instanceof Boolean b ? Optional.of(b) : Optional.empty();
  }

  /** {@code general.architecture}, e.g. {@code llama}. */
  public Optional<String> architecture() {
    return string("general.architecture");
  }

  /** {@code general.name}. */
  public Optional<String> name() {
    return string("general.name");
  }

  /** The training context length, {@code <architecture>.context_length}. */
  public Optional<Long> contextLength() {
    return architectureInteger("context_length");
  }

  public Optional<Long> blockCount() {
    return architectureInteger("block_count");
  }

  public Optional<Long> embeddingLength() {
    return architectureInteger("embedding_length");
  }

  public Optional<Long> headCount() {
    return architectureInteger("attention.head_count");
  }

  /** Key/value heads; equals {@link #headCount()} when the model does not use grouped-query attention. */
  public Optional<Long> headCountKv() {
    return architectureInteger("attention.head_count_kv").or(this::headCount);
  }

  /** The quantization, e.g. {@code Q4_1}, from {@code general.file_type}. */
  public Optional<String> quantization() {
    return integer("general.file_type").map(t -> FILE_TYPES.getOrDefault(t, "type " + t));
  }

  /** The model's own Jinja chat template, {@code tokenizer.chat_template}. */
  public Optional<String> chatTemplate() {
    return string("tokenizer.chat_template");
  }

  /** The tokenizer family, {@code tokenizer.ggml.model}, e.g. {@code gpt2} or {@code llama}. */
  public Optional<String> tokenizerModel() {
    return string("tokenizer.ggml.model");
  }

  /** The number of tokens in the vocabulary. */
  public Optional<Long> vocabularySize() {
    return values.get("tokenizer.ggml.tokens") instanceof GgufArray a ? Optional.of(a.length()) : Optional.empty();
  }

  /** Whether the tokenizer prepends a BOS token to a prompt, {@code tokenizer.ggml.add_bos_token}, if declared. */
  public Optional<Boolean> addBosToken() {
    return bool("tokenizer.ggml.add_bos_token");
  }

  /** How many files a model split across several has ({@code split.count}); empty for a model of one file. */
  public Optional<Long> splitCount() {
    return integer("split.count").filter(count -> count > 1);
  }

  /** Which file of a split model this is, counted from 0 ({@code split.no}); empty for a model of one file. */
  public Optional<Long> splitNumber() {
    return splitCount().isPresent() ? integer("split.no") : Optional.empty();
  }

  /**
   * The split model this file is the first part of, with {@code parts}, the headers of its other files: this file's
   * metadata, with the parts' tensors, parameters and bytes added.
   */
  public GgufMetadata withParts(List<GgufMetadata> parts) {
    return new GgufMetadata(
        file,
        fileSize + parts.stream().mapToLong(GgufMetadata::fileSize).sum(),
        version,
        tensorCount + parts.stream().mapToLong(GgufMetadata::tensorCount).sum(),
        parameterCount + parts.stream().mapToLong(GgufMetadata::parameterCount).sum(),
        values);
  }

  private Optional<Long> architectureInteger(String suffix) {
    return architecture().flatMap(a -> integer(a + "." + suffix));
  }
}
