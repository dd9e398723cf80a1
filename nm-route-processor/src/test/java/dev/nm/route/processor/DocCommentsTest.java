package dev.nm.route.processor;

import static com.google.common.truth.Truth.assertThat;

import dev.nm.route.processor.model.DocComments;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DocCommentsTest {
  @Test
  void firstParagraphEndsAtABlankLineParagraphTagOrBlockTag() {
    assertThat(DocComments.firstParagraph(" Streams a\n chat   reply.\n\n More.")).isEqualTo("Streams a chat reply.");
    assertThat(DocComments.firstParagraph(" Streams.<p>More.")).isEqualTo("Streams.");
    assertThat(DocComments.firstParagraph(" Streams.\n @param q the request\n")).isEqualTo("Streams.");
    assertThat(DocComments.firstParagraph(" @see Object\n")).isEmpty();
    assertThat(DocComments.firstParagraph(null)).isEmpty();
  }

  @Test
  void inlineTagsBecomeTheirText() {
    assertThat(DocComments.firstParagraph(" Lists {@code models} like {@link java.util.List#of}, see {@link Foo the foo}."))
        .isEqualTo("Lists models like java.util.List.of, see the foo.");
  }

  @Test
  void paramTextRunsToTheNextBlockTag() {
    String doc = " A request.\n\n @param maxTokens at most this\n   many tokens\n @param text the {@code prompt}\n";
    assertThat(DocComments.param(doc, "maxTokens")).isEqualTo(Optional.of("at most this many tokens"));
    assertThat(DocComments.param(doc, "text")).isEqualTo(Optional.of("the prompt"));
    assertThat(DocComments.param(doc, "max")).isEqualTo(Optional.empty());
    assertThat(DocComments.param(null, "text")).isEqualTo(Optional.empty());
  }
}
