package dev.nm.route.processor.generation;

/**
 * Which Java regular expressions a JSON Schema {@code pattern} may carry. JSON Schema patterns are ECMA-262
 * regular expressions, and validators compile them in Unicode mode (Ajv's default), where a syntax error fails
 * the whole schema. Java accepts much that ECMA-262 cannot compile or reads otherwise: inline flags
 * ({@code (?i)}), atomic groups, {@code \A \z \Z \G}, {@code \Q…\E}, {@code \p{Alpha}} and other property
 * classes, {@code \h \R \X \v \e}, possessive quantifiers ({@code *+ ++ ?+ }}+}), unions and intersections
 * inside a class ({@code [a-z&&[^aeiou]]}), a literal {@code ]} or {@code }} outside a class, identity escapes
 * of letters or of characters that are not syntax characters.
 *
 * <p>The judgement is conservative: an expression is portable only if every construct in it is one both
 * dialects read alike. Leaving a pattern out only loosens the schema; the host still enforces {@code @Pattern}.
 */
final class EcmaPatterns {
  /** Characters ECMA-262's Unicode mode lets a backslash escape, outside a class and in one. */
  private static final String SYNTAX_CHARACTERS = "^$\\.*+?()[]{}|/";
  /** Escapes of character sets both dialects read alike. */
  private static final String SET_ESCAPES = "dDwWsS";
  /** Escapes of single control characters both dialects read alike. */
  private static final String CONTROL_ESCAPES = "tnrf";

  private EcmaPatterns() {}

  /** Whether {@code regex}, valid in Java, compiles in ECMA-262's Unicode mode and matches the same strings. */
  static boolean portable(String regex) {
    int n = regex.length();
    int i = 0;
    while (i < n) {
      char c = regex.charAt(i);
      if (c == '\\') {
        int length = escapeLength(regex, i + 1, false);
        if (length < 0) {
          return false;
        }
        i += 1 + length;
        continue;
      }
      switch (c) {
        case '[' -> {
          i = classEnd(regex, i + 1);
          if (i < 0) {
            return false;
          }
        }
        case '(' -> {
          if (i + 1 < n && regex.charAt(i + 1) == '?') {
            int length = groupPrefixLength(regex, i + 2);
            if (length < 0) {
              return false;
            }
            i += 2 + length;
          } else {
            i++;
          }
        }
        case '{' -> {
          int close = regex.indexOf('}', i);
          if (close < 0 || !regex.substring(i + 1, close).matches("[0-9]+(,[0-9]*)?")) {
            return false;
          }
          i = close + 1;
          if (i < n && regex.charAt(i) == '+') {
            return false; // possessive
          }
        }
        case '*', '+', '?' -> {
          i++;
          if (i < n && regex.charAt(i) == '+') {
            return false; // possessive
          }
        }
        case '}', ']' -> {
          return false; // a literal in Java, a syntax error in ECMA-262's Unicode mode
        }
        default -> i++;
      }
    }
    return true;
  }

  /**
   * The index after the class whose contents start at {@code start} (after its '['), or -1 if the class is not
   * portable.
   */
  private static int classEnd(String regex, int start) {
    int n = regex.length();
    int i = start;
    if (i < n && regex.charAt(i) == '^') {
      i++;
    }
    if (i < n && regex.charAt(i) == ']') {
      return -1; // Java: a literal ']'; ECMA-262: the empty class
    }
    boolean previousIsAtom = false;
    boolean previousIsSet = false;
    boolean inRange = false;
    boolean rangeFromSet = false;
    while (i < n) {
      char c = regex.charAt(i);
      if (c == ']') {
        return i + 1;
      }
      if (c == '[' || c == '&' && i + 1 < n && regex.charAt(i + 1) == '&') {
        return -1; // Java's union or intersection; ECMA-262 reads the characters literally
      }
      if (c == '-' && previousIsAtom && !inRange && i + 1 < n && regex.charAt(i + 1) != ']') {
        inRange = true;
        rangeFromSet = previousIsSet;
        i++;
        continue;
      }
      boolean set;
      if (c == '\\') {
        int length = escapeLength(regex, i + 1, true);
        if (length < 0) {
          return -1;
        }
        set = SET_ESCAPES.indexOf(regex.charAt(i + 1)) >= 0;
        i += 1 + length;
      } else {
        set = false;
        i++;
      }
      if (inRange) {
        if (set || rangeFromSet) {
          return -1; // a range from or to a set: Java takes '-' literally, ECMA-262's Unicode mode refuses it
        }
        inRange = false;
        previousIsAtom = false; // after a range, '-' is a literal again
      } else {
        previousIsAtom = true;
        previousIsSet = set;
      }
    }
    return -1;
  }

  /** How many characters after a backslash at {@code at - 1} make a portable escape, or -1. */
  private static int escapeLength(String regex, int at, boolean inClass) {
    if (at >= regex.length()) {
      return -1;
    }
    char c = regex.charAt(at);
    if (SET_ESCAPES.indexOf(c) >= 0 || CONTROL_ESCAPES.indexOf(c) >= 0 || SYNTAX_CHARACTERS.indexOf(c) >= 0) {
      return 1;
    }
    if (inClass) {
      return c == '-' ? 1 : hexOrControlEscape(regex, at);
    }
    if (c == 'b' || c == 'B') {
      return 1;
    }
    if (c >= '1' && c <= '9') {
      return 1; // a back reference; any digits that follow are read alike
    }
    if (c == 'k') {
      int length = groupNameLength(regex, at + 1);
      return length < 0 ? -1 : 1 + length;
    }
    return hexOrControlEscape(regex, at);
  }

  /** {@code xhh}, {@code uhhhh} or {@code cX} (a letter) at {@code at}: its length, or -1. */
  private static int hexOrControlEscape(String regex, int at) {
    char c = regex.charAt(at);
    int digits = c == 'x' ? 2 : c == 'u' ? 4 : 0;
    if (digits > 0) {
      if (at + digits >= regex.length()) {
        return -1;
      }
      for (int i = at + 1; i <= at + digits; i++) {
        if (Character.digit(regex.charAt(i), 16) < 0) {
          return -1; // \x{h...h} among others
        }
      }
      return 1 + digits;
    }
    if (c == 'c' && at + 1 < regex.length()) {
      char letter = regex.charAt(at + 1);
      return letter >= 'a' && letter <= 'z' || letter >= 'A' && letter <= 'Z' ? 2 : -1;
    }
    return -1;
  }

  /**
   * After {@code (?}: the length of a group prefix both dialects read alike ({@code :}, {@code =}, {@code !},
   * {@code <=}, {@code <!}, {@code <name>}), or -1 (inline flags, atomic groups).
   */
  private static int groupPrefixLength(String regex, int at) {
    if (at >= regex.length()) {
      return -1;
    }
    char c = regex.charAt(at);
    if (c == ':' || c == '=' || c == '!') {
      return 1;
    }
    if (c == '<' && at + 1 < regex.length() && (regex.charAt(at + 1) == '=' || regex.charAt(at + 1) == '!')) {
      return 2;
    }
    return c == '<' ? groupNameLength(regex, at) : -1;
  }

  /** {@code <name>} at {@code at}, a name Java accepts (an ASCII letter, then letters and digits): its length, or -1. */
  private static int groupNameLength(String regex, int at) {
    int close = regex.indexOf('>', at);
    if (at >= regex.length() || regex.charAt(at) != '<' || close < 0
        || !regex.substring(at + 1, close).matches("[a-zA-Z][a-zA-Z0-9]*")) {
      return -1;
    }
    return close - at + 1;
  }
}
