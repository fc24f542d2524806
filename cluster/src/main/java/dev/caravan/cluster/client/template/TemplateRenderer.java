package dev.caravan.cluster.client.template;

import java.util.Map;
import java.util.Objects;

/**
 * Renders the subset of Go's {@code text/template} (as consul-template extends it) that a task
 * needs without Consul or Vault: literal text, {@code {{ env "NAME" }}} (the task's
 * environment; an unset variable renders empty, as consul-template does), string literals
 * {@code {{ "text" }}}, comments (an action holding only a slash-star comment) and the
 * whitespace trim markers {@code {{- } and {@code  -}}}, with the delimiters a {@code template}
 * block chooses.
 *
 * <p>Anything else ({@code key}, {@code service}, {@code secret}, {@code range}, pipelines ...)
 * is an error naming the template and the function. Pure: no I/O.
 */
public final class TemplateRenderer {
  private TemplateRenderer() {}

  /**
   * Renders {@code text}.
   *
   * @param name what the template is called in errors (its destination, say)
   * @param left the left delimiter, {@code "{{"} when null or empty
   * @param right the right delimiter, {@code "}}"} when null or empty
   * @param env the task's environment, read by {@code env}
   * @throws TemplateException naming the template, the line and what is wrong
   */
  public static String render(String name, String text, String left, String right,
      Map<String, String> env) throws TemplateException {
    Objects.requireNonNull(text, "text");
    String l = left == null || left.isEmpty() ? "{{" : left;
    String r = right == null || right.isEmpty() ? "}}" : right;
    StringBuilder out = new StringBuilder();
    int pos = 0;
    while (true) {
      int open = text.indexOf(l, pos);
      if (open < 0) {
        out.append(text, pos, text.length());
        return out.toString();
      }
      int inner = open + l.length();
      boolean trimLeft = text.startsWith("- ", inner) || text.startsWith("-\t", inner)
          || text.startsWith("-\n", inner) || text.startsWith("-\r", inner);
      if (trimLeft) {
        inner += 1;
        out.append(stripTrailingSpace(text.substring(pos, open)));
      } else {
        out.append(text, pos, open);
      }
      int line = lineOf(text, open);
      int bodyStart = skipSpace(text, inner);
      int close;
      String body = null;
      boolean trimRight = false;
      if (text.startsWith("/*", bodyStart)) {
        int end = text.indexOf("*/", bodyStart + 2);
        if (end < 0) {
          throw new TemplateException(name, line, "unclosed comment");
        }
        int after = end + 2;
        int next = skipSpace(text, after);
        if (text.startsWith(r, after)) {
          close = after;
        } else if (next > after && text.startsWith("-" + r, next)) {
          close = next + 1;
          trimRight = true;
        } else {
          throw new TemplateException(name, line, "comment ends before closing delimiter");
        }
      } else {
        close = text.indexOf(r, inner);
        if (close < 0) {
          throw new TemplateException(name, line, "unclosed action (no " + r + ")");
        }
        body = text.substring(inner, close);
        if (body.length() >= 2 && body.endsWith("-")
            && Character.isWhitespace(body.charAt(body.length() - 2))) {
          trimRight = true;
          body = body.substring(0, body.length() - 1);
        }
      }
      if (body != null) {
        out.append(evaluate(name, line, body.strip(), env));
      }
      pos = close + r.length();
      if (trimRight) {
        pos = skipSpace(text, pos);
      }
    }
  }

  /** One action's value: {@code env "X"} or a string literal. */
  private static String evaluate(String name, int line, String action, Map<String, String> env)
      throws TemplateException {
    if (action.isEmpty()) {
      throw new TemplateException(name, line, "missing value for command");
    }
    Lexer lex = new Lexer(name, line, action);
    String first = lex.next();
    String value;
    if (first.startsWith("\"") || first.startsWith("`")) {
      value = lex.literal(first);
    } else if (first.equals("env")) {
      String arg = lex.next();
      if (arg == null || !(arg.startsWith("\"") || arg.startsWith("`"))) {
        throw new TemplateException(name, line, "env takes one quoted variable name, as in "
            + "{{ env \"NAME\" }}");
      }
      value = env.getOrDefault(lex.literal(arg), "");
    } else {
      String word = first.startsWith(".") ? first : first.split("[^A-Za-z0-9_.$]", 2)[0];
      throw new TemplateException(name, line, "function \"" + (word.isEmpty() ? first : word)
          + "\" is not supported (Caravan renders templates without Consul or Vault: only "
          + "env \"NAME\", string literals and comments)");
    }
    String rest = lex.next();
    if (rest != null) {
      throw new TemplateException(name, line, "unexpected \"" + rest + "\" in {{ " + action
          + " }} (pipelines and further arguments are not supported)");
    }
    return value;
  }

  private static String stripTrailingSpace(String s) {
    int end = s.length();
    while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end);
  }

  private static int skipSpace(String s, int from) {
    int i = from;
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  private static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  /** Splits an action into words and quoted strings. */
  private static final class Lexer {
    private final String name;
    private final int line;
    private final String s;
    private int i;

    Lexer(String name, int line, String s) {
      this.name = name;
      this.line = line;
      this.s = s;
    }

    /** The next token (a quoted string keeps its quotes), null at the end. */
    String next() throws TemplateException {
      i = skipSpace(s, i);
      if (i >= s.length()) {
        return null;
      }
      int start = i;
      char c = s.charAt(i);
      if (c == '"') {
        i++;
        while (i < s.length() && s.charAt(i) != '"') {
          i += s.charAt(i) == '\\' ? 2 : 1;
        }
        if (i >= s.length()) {
          throw new TemplateException(name, line, "unterminated quoted string");
        }
        i++;
      } else if (c == '`') {
        int end = s.indexOf('`', i + 1);
        if (end < 0) {
          throw new TemplateException(name, line, "unterminated raw quoted string");
        }
        i = end + 1;
      } else if (c == '(' || c == ')' || c == '|') {
        i++;
      } else {
        while (i < s.length() && !Character.isWhitespace(s.charAt(i))
            && "()|\"`".indexOf(s.charAt(i)) < 0) {
          i++;
        }
      }
      return s.substring(start, i);
    }

    /** The value of a quoted token: Go's escapes in {@code "..."}, none in raw strings. */
    String literal(String token) throws TemplateException {
      if (token.startsWith("`")) {
        return token.substring(1, token.length() - 1);
      }
      StringBuilder out = new StringBuilder();
      for (int k = 1; k < token.length() - 1; k++) {
        char c = token.charAt(k);
        if (c != '\\') {
          out.append(c);
          continue;
        }
        char e = token.charAt(++k);
        switch (e) {
          case 'n' -> out.append('\n');
          case 't' -> out.append('\t');
          case 'r' -> out.append('\r');
          case '\\' -> out.append('\\');
          case '"' -> out.append('"');
          default -> throw new TemplateException(name, line, "unknown escape \\" + e
              + " in " + token);
        }
      }
      return out.toString();
    }
  }
}
