package dev.nm.route.processor.model;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Extracts plain text from Javadoc comments as returned by {@code Elements.getDocComment}. */
public final class DocComments {
  private static final Pattern INLINE_TAG = Pattern.compile("\\{@(\\w+)\\s*([^}]*)}");
  private static final Pattern BLOCK_TAG = Pattern.compile("(?m)^\\s*@\\w+");
  private static final Pattern PARAGRAPH_BREAK = Pattern.compile("\\n\\s*\\n|<p>|<P>");

  private DocComments() {}

  /**
   * The first paragraph of {@code docComment}: up to the first blank line, {@code <p>} or block tag, with
   * inline tags reduced to their text and whitespace collapsed. Empty if there is no comment.
   */
  public static String firstParagraph(String docComment) {
    if (docComment == null) {
      return "";
    }
    String body = cut(docComment, BLOCK_TAG);
    return plainText(cut(body, PARAGRAPH_BREAK));
  }

  /** The text of the {@code @param name} block tag of {@code docComment}, plain and whitespace-collapsed. */
  public static Optional<String> param(String docComment, String name) {
    if (docComment == null) {
      return Optional.empty();
    }
    Matcher matcher =
        Pattern.compile("(?ms)^\\s*@param\\s+" + Pattern.quote(name) + "\\s+(.*?)(?=^\\s*@\\w+|\\z)").matcher(docComment);
    return matcher.find() ? Optional.of(plainText(matcher.group(1))).filter(s -> !s.isEmpty()) : Optional.empty();
  }

  private static String cut(String text, Pattern end) {
    Matcher matcher = end.matcher(text);
    return matcher.find() ? text.substring(0, matcher.start()) : text;
  }

  private static String plainText(String text) {
    Matcher matcher = INLINE_TAG.matcher(text);
    StringBuilder plain = new StringBuilder();
    while (matcher.find()) {
      matcher.appendReplacement(plain, Matcher.quoteReplacement(inlineText(matcher.group(1), matcher.group(2).trim())));
    }
    matcher.appendTail(plain);
    return plain.toString().replaceAll("\\s+", " ").trim();
  }

  private static String inlineText(String tag, String content) {
    if (tag.startsWith("link")) {
      int space = content.indexOf(' ');
      return space < 0 ? content.replace('#', '.') : content.substring(space + 1).trim();
    }
    return content;
  }
}
