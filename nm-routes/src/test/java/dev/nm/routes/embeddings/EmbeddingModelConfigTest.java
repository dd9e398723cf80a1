package dev.nm.routes.embeddings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingModelConfigTest {
  @TempDir Path dir;

  @Test
  void readsWhatTheFetchScriptWrites() throws IOException {
    Files.writeString(
        dir.resolve("nm-model.json"),
        """
        {"kind": "embedding", "dimensions": 384, "pooling": "mean", "normalize": true, "max_tokens": 256,
         "source": {"model": "sentence-transformers/all-MiniLM-L6-v2"}}
        """);

    assertEquals(new EmbeddingModelConfig(384, EmbeddingModelConfig.Pooling.MEAN, true, 256), EmbeddingModelConfig.read(dir));
  }

  @Test
  void aDirectoryWithoutTheFileGetsTheDefaults() throws IOException {
    assertEquals(EmbeddingModelConfig.DEFAULT, EmbeddingModelConfig.read(dir));
  }

  @Test
  void absentFieldsKeepTheirDefaults() throws IOException {
    Files.writeString(dir.resolve("nm-model.json"), "{\"pooling\": \"cls\", \"normalize\": false}");

    assertEquals(new EmbeddingModelConfig(0, EmbeddingModelConfig.Pooling.CLS, false, 512), EmbeddingModelConfig.read(dir));
  }

  @Test
  void refusesAnotherKindOfModel() throws IOException {
    Path file = Files.writeString(dir.resolve("nm-model.json"), "{\"kind\": \"chat\"}");

    IOException e = assertThrows(IOException.class, () -> EmbeddingModelConfig.read(dir));
    assertEquals(file + " describes a model of kind 'chat', not an embedding model", e.getMessage());
  }

  @Test
  void refusesAnUnknownPooling() throws IOException {
    Path file = Files.writeString(dir.resolve("nm-model.json"), "{\"pooling\": \"max\"}");

    IOException e = assertThrows(IOException.class, () -> EmbeddingModelConfig.read(dir));
    assertTrue(e.getMessage().startsWith(file + " is invalid: pooling must be mean or cls"), e.getMessage());
  }
}
