package dev.nm.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Why a frame is not JSON, in the protocol's words: what stands where, and what JSON takes instead. Jackson's
 * own messages name its API ({@code JsonReadFeature}, "(code 43)", "Source: REDACTED"), which an extension
 * author cannot act on, and its wording is not ours to keep stable. So this reads the frame itself at the byte
 * where Jackson stopped. Everything before that byte is JSON that Jackson accepted, so a plain scan of it says
 * whether the fault lies inside a string and what the last good token was; Jackson's parsing context says
 * which object or array the fault is in.
 */
final class JsonSyntaxError {
  /** RFC 8259, section 6. */
  private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
  private static final Pattern NON_FINITE = Pattern.compile("[+-]?(NaN|Infinity)");
  private static final Pattern LEADING_ZERO = Pattern.compile("-?0[0-9].*");
  private static final Set<String> LITERALS = Set.of("true", "false", "null");

  private JsonSyntaxError() {}

  /**
   * The message for a frame Jackson could not parse.
   *
   * @param offset the byte Jackson reported the fault at: the offending byte, or the end of an offending word
   * @param parser the parser that failed, still positioned in the object or array where it failed
   */
  static String describe(byte[] body, long offset, JsonParser parser) {
    int at = (int) Math.max(0, Math.min(offset, body.length));
    JsonStreamContext context = parser.getParsingContext();
    int start = culpritStart(body, at);
    // A word Jackson read through to a quote (x") ends with the quote counted: the fault is the word, not a string.
    Prefix upTo = Prefix.scan(body, at);
    if (upTo.inString && Prefix.scan(body, start).inString) {
      String path = upTo.lastStringIsName(context) ? FieldPath.container(context) : FieldPath.current(context);
      return inString(body, at, path);
    }
    if (start == body.length) {
      String container = context.inObject() ? "an object" : context.inArray() ? "an array" : "a value";
      return "frame is not valid JSON: it ends inside " + container + " (at byte " + start + ")";
    }
    Prefix before = Prefix.scan(body, start);
    if (context.inRoot() && before.last != -1) {
      return "unexpected data after the JSON value at byte " + start;
    }
    Slot slot = Slot.at(before, context);
    int end = start;
    while (end < body.length && isWordByte(body[end])) {
      end++;
    }
    String what = end > start
        ? badWord(ascii(body, start, end), slot)
        : badByte(body, start, slot, before);
    String path = slot.takesValue() ? FieldPath.current(context) : FieldPath.container(context);
    return "frame is not valid JSON: " + what + location(path, start);
  }

  /**
   * Where what Jackson refused begins. Jackson reports the offending byte itself; or the end of an offending
   * word (NaN, 01); or, for a word it reads through to the byte that ends it (tru), the byte after that one; or
   * the byte after a control character or after the first byte of a multi-byte character.
   */
  private static int culpritStart(byte[] body, int at) {
    int wordStart = wordStart(body, at);
    if (wordStart < at) {
      boolean runsOn = at < body.length && isWordByte(body[at]);
      return runsOn || !isValidWord(ascii(body, wordStart, at)) ? wordStart : at;
    }
    if (at >= 2 && !isWordByte(body[at - 1])) {
      int previousWord = wordStart(body, at - 1);
      if (previousWord < at - 1
          && !isValidWord(ascii(body, previousWord, at - 1))
          && !Prefix.scan(body, previousWord).inString) {
        return previousWord;
      }
    }
    int lead = at;
    while (lead > 0 && (body[lead - 1] & 0xc0) == 0x80) {
      lead--;
    }
    return lead > 0 && (lead < at || isControl(body[lead - 1])) ? lead - 1 : at;
  }

  private static int wordStart(byte[] body, int end) {
    int start = end;
    while (start > 0 && isWordByte(body[start - 1])) {
      start--;
    }
    return start;
  }

  private static String ascii(byte[] body, int start, int end) {
    return new String(body, start, end - start, StandardCharsets.US_ASCII);
  }

  private static String badWord(String word, Slot slot) {
    String shown = FieldPath.shortened(word);
    if (NON_FINITE.matcher(word).matches()) {
      return shown + " is not a number; JSON has no NaN or Infinity";
    }
    if (word.startsWith("+")) {
      return shown + " is not a number; JSON numbers take no '+' sign";
    }
    if (LEADING_ZERO.matcher(word).matches()) {
      return shown + " is not a number; JSON numbers have no leading zeros";
    }
    boolean valid = isValidWord(word);
    if (!valid && "-.0123456789".indexOf(word.charAt(0)) >= 0) {
      return shown + " is not a number; JSON numbers look like 12, -0.5 or 1e-3";
    }
    if (!valid && slot.takesName()) {
      return "field name " + shown + " is not in double quotes";
    }
    if (!valid && slot.takesValue()) {
      return shown + " is not a JSON value; a value is a string in double quotes, a number, an object, an array,"
          + " true, false or null";
    }
    return "expected " + slot.expected + ", found " + shown;
  }

  private static String badByte(byte[] body, int at, Slot slot, Prefix before) {
    byte found = body[at];
    if (found == '\'') {
      return slot.takesName()
          ? "a field name in single quotes; JSON takes double quotes"
          : "a string in single quotes; JSON strings take double quotes";
    }
    if (found == '/') {
      return "a comment; JSON has no comments";
    }
    if ((found == '}' || found == ']') && before.last == ',') {
      return "a comma before '" + (char) found + "'; JSON allows no trailing comma";
    }
    return "expected " + slot.expected + ", found " + show(body, at);
  }

  /** @param path the string's own path for a value; for a field name, the path of the object it names a field of */
  private static String inString(byte[] body, int at, String path) {
    int found = at < body.length ? body[at] & 0xff : -1;
    if (found >= 0 && found < 0x20) {
      String what = String.format(
          Locale.ROOT, "a string holds the control character U+%04X unescaped; write it as \\u%04x", found, found);
      return "frame is not valid JSON: " + what + location(path, at);
    }
    int backslash = Math.min(at, body.length - 1);
    while (backslash > 0 && body[backslash] != '\\') {
      backslash--;
    }
    String escape = new String(body, backslash, Math.min(at + 1, body.length) - backslash, StandardCharsets.UTF_8);
    return "frame is not valid JSON: a string holds the invalid escape " + escape
        + "; JSON escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\u followed by four hex digits"
        + location(path, backslash);
  }

  /** " (at payload.top_p, byte 61)": a value's own path where the fault is a value, else its container's. */
  private static String location(String path, int at) {
    return path.isEmpty() ? " (at byte " + at + ")" : " (at " + path + ", byte " + at + ")";
  }

  /** A number or literal as JSON spells it, which may still stand in the wrong place. */
  private static boolean isValidWord(String word) {
    return LITERALS.contains(word) || NUMBER.matcher(word).matches();
  }

  /** A byte of a number, a literal, or a word a writer meant as one (NaN, +1, 0x1f, True). */
  private static boolean isWordByte(byte b) {
    return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
        || b == '+' || b == '-' || b == '.' || b == '_';
  }

  /** A control character other than the whitespace JSON allows between tokens. */
  private static boolean isControl(byte b) {
    return b >= 0 && b < 0x20 && b != '\t' && b != '\n' && b != '\r';
  }

  private static String show(byte[] body, int at) {
    int b = body[at] & 0xff;
    if (b < 0x20 || b == 0x7f) {
      return String.format(Locale.ROOT, "the control character U+%04X", b);
    }
    int codePoint = new String(body, at, Math.min(4, body.length - at), StandardCharsets.UTF_8).codePointAt(0);
    return "'" + new String(Character.toChars(codePoint)) + "'";
  }

  /** What JSON takes after the last good token. */
  private enum Slot {
    VALUE("a value"),
    VALUE_OR_END("a value or ']'"),
    NAME("a field name in double quotes"),
    NAME_OR_END("a field name in double quotes or '}'"),
    COLON("':' after the field name"),
    AFTER_ENTRY("',' or '}'"),
    AFTER_ELEMENT("',' or ']'");

    private final String expected;

    Slot(String expected) {
      this.expected = expected;
    }

    static Slot at(Prefix before, JsonStreamContext context) {
      return switch (before.last) {
        case ':' -> VALUE;
        case '[' -> VALUE_OR_END;
        case '{' -> NAME_OR_END;
        case ',' -> context.inObject() ? NAME : VALUE;
        case '"' -> before.lastStringIsName(context) ? COLON : after(context);
        case -1 -> VALUE;
        default -> after(context);
      };
    }

    private static Slot after(JsonStreamContext context) {
      return context.inObject() ? AFTER_ENTRY : AFTER_ELEMENT;
    }

    boolean takesValue() {
      return this == VALUE || this == VALUE_OR_END;
    }

    boolean takesName() {
      return this == NAME || this == NAME_OR_END;
    }
  }

  /**
   * The frame up to a byte, read with JSON's lexical rules.
   *
   * @param last the last byte outside strings that is not whitespace, the closing quote of a string included;
   *     -1 if none
   * @param beforeString that byte as it was before the last string began
   */
  private record Prefix(boolean inString, int last, int beforeString) {
    static Prefix scan(byte[] body, int end) {
      boolean inString = false;
      boolean escaped = false;
      int last = -1;
      int beforeString = -1;
      for (int i = 0; i < end; i++) {
        byte b = body[i];
        if (inString) {
          if (escaped) {
            escaped = false;
          } else if (b == '\\') {
            escaped = true;
          } else if (b == '"') {
            inString = false;
            last = '"';
          }
        } else if (b == '"') {
          inString = true;
          beforeString = last;
        } else if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
          last = b;
        }
      }
      return new Prefix(inString, last, beforeString);
    }

    /** Whether the string that ended last, or the one still open, is a field name: it opened an object's entry. */
    boolean lastStringIsName(JsonStreamContext context) {
      return beforeString == '{' || (beforeString == ',' && context.inObject());
    }
  }
}
