package dev.nm.routes.embeddings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BertTokenizerTest {
  /** A tokenizer.json with a vocabulary small enough to work out every id by hand. */
  private static final String TINY_TOKENIZER =
      """
      {"added_tokens": [{"id": 0, "content": "[PAD]"}, {"id": 1, "content": "[UNK]"},
                        {"id": 2, "content": "[CLS]"}, {"id": 3, "content": "[SEP]"}],
       "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                      "strip_accents": null, "lowercase": true},
       "pre_tokenizer": {"type": "BertPreTokenizer"},
       "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                 "max_input_chars_per_word": 10,
                 "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "un": 4, "##aff": 5, "##able": 6,
                           "cafe": 7, "!": 8, "中": 9, "a": 10, "##a": 11}}}
      """;

  @TempDir Path dir;

  private BertTokenizer tiny() throws IOException {
    return BertTokenizer.load(Files.writeString(dir.resolve("tokenizer.json"), TINY_TOKENIZER));
  }

  @Test
  void splitsWordsIntoLongestPiecesFirst() throws IOException {
    assertArrayEquals(new int[] {2, 4, 5, 6, 3}, tiny().encode("unaffable", 16));
  }

  @Test
  void lowercasesStripsAccentsAndIsolatesPunctuationAndIdeographs() throws IOException {
    assertArrayEquals(new int[] {2, 7, 8, 9, 9, 3}, tiny().encode("  CAFÉ!中中\t", 16));
  }

  @Test
  void aWordWithAnUnknownPieceIsOneUnknownToken() throws IOException {
    assertArrayEquals(new int[] {2, 1, 10, 3}, tiny().encode("unafx a", 16));
  }

  @Test
  void aWordOverTheCharacterLimitIsOneUnknownToken() throws IOException {
    assertArrayEquals(new int[] {2, 1, 3}, tiny().encode("aaaaaaaaaaa", 16));
    assertArrayEquals(new int[] {2, 10, 11, 11, 3}, tiny().encode("aaa", 16));
  }

  @Test
  void specialTokensInTheTextKeepTheirIds() throws IOException {
    assertArrayEquals(new int[] {2, 10, 3, 10, 3}, tiny().encode("a[SEP]a", 16));
  }

  @Test
  void truncatesToTheWindowKeepingClsAndSep() throws IOException {
    assertArrayEquals(new int[] {2, 4, 5, 3}, tiny().encode("unaffable", 4));
    assertArrayEquals(new int[] {2, 3}, tiny().encode("", 4));
  }

  /** Of added tokens found at the same place, the longest is taken, as the tokenizers library does. */
  @Test
  void theLongestAddedTokenAtAPlaceIsTaken() throws IOException {
    Path json =
        Files.writeString(
            dir.resolve("longest.json"),
            TINY_TOKENIZER.replace(
                "{\"id\": 3, \"content\": \"[SEP]\"}]",
                "{\"id\": 3, \"content\": \"[SEP]\"}, {\"id\": 12, \"content\": \"[SEP]!\"}]"));
    BertTokenizer tokenizer = BertTokenizer.load(json);
    assertArrayEquals(new int[] {2, 10, 12, 10, 3}, tokenizer.encode("a[SEP]!a", 16));
    assertArrayEquals(new int[] {2, 10, 3, 10, 3}, tokenizer.encode("a[SEP]a", 16));
  }

  /**
   * Special tokens are found in one pass: each was searched for again from each one found, so a text of many
   * (200,000 [SEP] in a megabyte, well under a message's limit) took minutes.
   */
  @Test
  void aTextOfManySpecialTokensTakesLinearTime() throws IOException {
    BertTokenizer tokenizer = tiny();
    String text = "a[SEP]".repeat(200_000);
    int[] ids = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> tokenizer.encode(text, 6));
    assertArrayEquals(new int[] {2, 10, 3, 10, 3, 3}, ids);
    assertEquals(400_000, assertTimeoutPreemptively(Duration.ofSeconds(10), () -> tokenizer.wordPieces(text)).size());
  }

  /**
   * A long run of marks that NFD reorders is ordered once, not one mark at a time into place: each U+1B44 (class 9)
   * moved back past every U+08D4 (class 230) before it, 2 x 10^10 steps for this 1.2 MB text.
   */
  @Test
  void aLongRunOfMarksToReorderTakesLinearTime() throws IOException {
    BertTokenizer tokenizer = tiny();
    String text = "x" + "\u08D4\u1B44".repeat(200_000);
    assertArrayEquals(new int[] {2, 1, 3}, assertTimeoutPreemptively(Duration.ofSeconds(10), () -> tokenizer.encode(text, 6)));
    String normalized = tokenizer.normalize("x" + "\u08D4\u1B44".repeat(3));
    assertEquals("x\u1B44\u1B44\u1B44\u08D4\u08D4\u08D4", normalized);
  }

  @Test
  void refusesAnAddedTokenOfEmptyContentWhichWouldBeFoundEverywhere() throws IOException {
    Path json =
        Files.writeString(
            dir.resolve("empty-added.json"),
            TINY_TOKENIZER.replace(
                "{\"id\": 3, \"content\": \"[SEP]\"}]", "{\"id\": 3, \"content\": \"[SEP]\"}, {\"id\": 12, \"content\": \"\"}]"));
    IOException e = assertThrows(IOException.class, () -> BertTokenizer.load(json));
    assertEquals(
        json + " is not a BERT WordPiece tokenizer (added_tokens holds a token of empty content (id 12)); nm runs only those",
        e.getMessage());
  }

  @Test
  void refusesATokenizerThatIsNotWordPiece() throws IOException {
    Path bpe = Files.writeString(dir.resolve("bpe.json"), TINY_TOKENIZER.replace("\"WordPiece\"", "\"BPE\""));
    IOException e = assertThrows(IOException.class, () -> BertTokenizer.load(bpe));
    assertEquals(bpe + " is not a BERT WordPiece tokenizer (model.type is not WordPiece); nm runs only those", e.getMessage());
  }

  @Test
  void matchesTheHuggingFaceTokenizerOnTheReferenceTexts() throws IOException {
    BertTokenizer tokenizer = TestEmbeddingModel.tokenizer();
    JsonNode reference = TestEmbeddingModel.reference();
    int maxTokens = reference.get("max_tokens").intValue();
    int compared = 0;
    for (String section : List.of("texts", "tokenizer_only")) {
      for (JsonNode entry : reference.get(section)) {
        String text = entry.get("text").textValue();
        assertArrayEquals(TestEmbeddingModel.ints(entry.get("token_ids")), tokenizer.encode(text, maxTokens), text);
        compared++;
      }
    }
    assertEquals(33, compared);
  }

  /**
   * Lowercases one character at a time, as the tokenizers library does: a final capital sigma becomes σ, not the
   * final form ς that {@code String.toLowerCase} picks from the context.
   */
  @Test
  void aFinalCapitalSigmaLowercasesToTheSameSigmaAsAnyOther() throws IOException {
    assertHuggingFaceIds("ΟΔΟΣ ΣΑΣ", 101, 1169, 29722, 29730, 29733, 1173, 14608, 29733, 102);
    assertHuggingFaceIds("ΑΘΗΝΑΣ.", 101, 1155, 29725, 24824, 16177, 14608, 29733, 1012, 102);
  }

  /**
   * Characters that the JDK's Unicode tables call unassigned are kept, as the tokenizers library keeps them (it
   * deletes only control, format and private-use characters): U+0378 is unassigned, and emoji newer than the JDK's
   * Unicode version (🫠 and 🫶 are Unicode 14; JDK 17 knows Unicode 13) looked unassigned and were dropped.
   */
  @Test
  void unassignedCharactersAndNewerEmojiAreUnknownTokensNotDropped() throws IOException {
    assertHuggingFaceIds("\u0378", 101, 100, 102);
    assertHuggingFaceIds("a\u0378b", 101, 100, 102);
    assertHuggingFaceIds("I love it \uD83E\uDEE0 \uD83E\uDEF6\uD83C\uDFFD!", 101, 1045, 2293, 2009, 100, 100, 999, 102);
  }

  /**
   * The tokenizers library's CJK ranges skip U+2B820..U+2B91F (its table starts the Extension E block at U+2B920
   * where Google's BERT starts it at U+2B820), so those ideographs join the letters around them into one word.
   */
  @Test
  void ideographsFromU2b820ToU2b91fAreNotIsolated() throws IOException {
    assertHuggingFaceIds("x\uD86E\uDC20y", 101, 100, 102); // U+2B820
    assertHuggingFaceIds("x\uD86E\uDD1Fy", 101, 100, 102); // U+2B91F
    assertHuggingFaceIds("x\uD86E\uDD20y", 101, 1060, 100, 1061, 102); // U+2B920
    assertHuggingFaceIds("x\uD86D\uDC1Fy", 101, 1060, 100, 1061, 102); // U+2B81F
  }

  /*
   * The tokenizers library classifies characters with its own, older Unicode tables (bert-tables.txt), not the
   * JDK's: the characters below are classed otherwise by JDK 17, and the ids here are the library's.
   */

  /** Marks newer than Unicode 8 are not nonspacing marks to the library: they stay, and the word is unknown. */
  @Test
  void stripsOnlyTheLibrarysNonspacingMarks() throws IOException {
    assertHuggingFaceIds("la\u1DF8 mer", 101, 100, 21442, 102);
    assertHuggingFaceIds("qaf\u08D4", 101, 100, 102);
    assertHuggingFaceIds("ma\u0D3Bla", 101, 100, 102);
  }

  /** Format characters newer than Unicode 8 (Kaithi's number sign, Egyptian hieroglyph joiners) are kept. */
  @Test
  void deletesOnlyTheLibrarysFormatCharacters() throws IOException {
    assertHuggingFaceIds("number\uD804\uDCCDsign", 101, 100, 102); // U+110CD
    assertHuggingFaceIds("a\uD80D\uDC30b", 101, 100, 102); // U+13430
  }

  /** U+2E4C and U+2E43 are Unicode 11 and 10 punctuation; U+166D was punctuation in Unicode 8, a symbol since. */
  @Test
  void isolatesOnlyTheLibrarysPunctuation() throws IOException {
    assertHuggingFaceIds("one\u2E4Ctwo", 101, 100, 102);
    assertHuggingFaceIds("one\u2E43two", 101, 100, 102);
    assertHuggingFaceIds("a\u166Db", 101, 1037, 100, 1038, 102);
  }

  /**
   * NFD as the library does it: no decomposition newer than its tables (U+11938, Unicode 13), marks that survive
   * stripping put in the order of the combining classes it knows, a starter (even a stripped one, U+0E31) ending
   * the run of marks to order. The model's vocabulary makes all these words unknown, so the test reads the
   * normalized text.
   */
  @Test
  void decomposesAndOrdersMarksAsTheLibrarysNfd() throws IOException {
    BertTokenizer tokenizer = tiny();
    assertEquals("\uD806\uDD38", tokenizer.normalize("\uD806\uDD38"));
    assertEquals("x\u1B44\u08D4", tokenizer.normalize("x\u08D4\u1B44"));
    assertEquals("x\u1B44\u08D4", tokenizer.normalize("x\u08D4\u0301\u1B44"));
    assertEquals("x\u08D4\u1B44", tokenizer.normalize("x\u08D4\u0E31\u1B44"));
    assertEquals("x\u1DF6\u1B44", tokenizer.normalize("X\u1DF6\u1B44"));
    // U+1D15F U+1D16D U+1D16E: a note that decomposes to U+1D158 U+1D165 (class 216), then classes 226 and 216
    assertEquals("\uD834\uDD58\uD834\uDD65\uD834\uDD6E\uD834\uDD6D",
        tokenizer.normalize("\uD834\uDD5F\uD834\uDD6D\uD834\uDD6E"));
    assertEquals("u\u1112\u1161\u11AB i \u03C3", tokenizer.normalize("\u01D5\uD55C \u0130 \u03A3"));
  }

  /** Asserts the ids that Hugging Face tokenizers 0.23 gives {@code text} with the real model's tokenizer.json. */
  private static void assertHuggingFaceIds(String text, int... expected) throws IOException {
    assertArrayEquals(expected, TestEmbeddingModel.tokenizer().encode(text, 256), text);
  }

  @Test
  void theLongReferenceTextIsTruncatedToTheWindow() throws IOException {
    BertTokenizer tokenizer = TestEmbeddingModel.tokenizer();
    JsonNode texts = TestEmbeddingModel.reference().get("texts");
    String longest = texts.get(texts.size() - 1).get("text").textValue();
    assertTrue(tokenizer.wordPieces(longest).size() > 600);
    assertEquals(256, tokenizer.encode(longest, 256).length);
  }
}
