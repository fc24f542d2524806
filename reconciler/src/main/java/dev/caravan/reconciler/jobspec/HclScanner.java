package dev.caravan.reconciler.jobspec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A structural pass over HCL text, run before HCL4j: HCL4j accepts unclosed braces and
 * trailing garbage silently and keeps no positions, so this scanner finds those errors,
 * repeated attributes, and the line:column of every block and attribute by dotted path
 * ({@code job.web.group.api.count}). It does not evaluate expressions.
 */
final class HclScanner {

  /** A 1-based position. */
  record Pos(int line, int column) {}

  /** A top-level block: its type, labels, position, and its text as offsets [start, end). */
  record TopBlock(String type, List<String> labels, Pos pos, int start, int end) {}

  /** A reference to {@code var.NAME} or {@code local.NAME} ({@code kind} var or local). */
  record Ref(String kind, String name, Pos pos) {}

  /** Deeper nesting is refused: HCL4j recurses once per level and would overflow its stack. */
  static final int MAX_DEPTH = 64;

  private static final java.util.regex.Pattern REF_IN_STRING = java.util.regex.Pattern.compile(
      "(?<![A-Za-z0-9_.])(var|local)\\.([A-Za-z_][A-Za-z0-9_-]*)");

  private enum Kind { IDENT, STRING, NUMBER, HEREDOC, PUNCT, NEWLINE, EOF }

  private record Token(Kind kind, String text, Pos pos, int offset) {
    Token(Kind kind, String text, Pos pos) {
      this(kind, text, pos, -1);
    }
  }

  /** A structural error that ends the scan. */
  private static final class Stop extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final Pos pos;

    Stop(Pos pos, String message) {
      super(message, null, false, false);
      this.pos = pos;
    }
  }

  private final String src;
  private int i;
  private int line = 1;
  private int col = 1;
  private Token pushedBack;

  final Map<String, Pos> positions = new HashMap<>();
  final List<TopBlock> topBlocks = new ArrayList<>();
  final List<Ref> refs = new ArrayList<>();
  /**
   * Heredocs as offsets: {@code <<} start, first body line, closing marker line, end of the
   * marker line, and 1 when indented ({@code <<-}) else 0.
   */
  final List<int[]> heredocs = new ArrayList<>();
  private int depth;
  /** Errors as (position, path, message). */
  final List<Object[]> errors = new ArrayList<>();

  private HclScanner(String src) {
    this.src = src;
  }

  static HclScanner scan(String src) {
    HclScanner s = new HclScanner(src);
    try {
      s.body("", null);
    } catch (Stop e) {
      s.errors.add(new Object[] {e.pos, "", e.getMessage()});
    }
    return s;
  }

  /** True when the scan found an error that makes the structure unreliable. */
  boolean hasErrors() {
    return !errors.isEmpty();
  }

  private void body(String path, Pos open) {
    Set<String> seen = new HashSet<>();
    while (true) {
      Token t = next();
      if (t.kind == Kind.NEWLINE) {
        continue;
      }
      if (t.kind == Kind.EOF) {
        if (open != null) {
          throw new Stop(open, "unclosed '{': no matching '}' before the end of the file");
        }
        return;
      }
      if (t.kind == Kind.PUNCT && t.text.equals("}")) {
        if (open == null) {
          throw new Stop(t.pos, "unexpected '}' with no block open");
        }
        return;
      }
      if (t.kind != Kind.IDENT) {
        throw new Stop(t.pos, "unexpected text " + quoted(t) + ": expected an attribute or a block");
      }
      Token n = next();
      if (n.kind == Kind.PUNCT && n.text.equals("=")) {
        String attrPath = join(path, t.text);
        if (!seen.add(t.text)) {
          Pos first = positions.get(attrPath);
          errors.add(new Object[] {t.pos, attrPath, "attribute \"" + t.text + "\" is repeated"
              + (first == null ? "" : " (first set at " + first.line + ":" + first.column + ")")});
        } else {
          positions.putIfAbsent(attrPath, t.pos);
        }
        expression(n.pos);
        continue;
      }
      List<String> labels = new ArrayList<>();
      while (n.kind == Kind.STRING || n.kind == Kind.IDENT) {
        labels.add(n.kind == Kind.STRING ? unquote(n.text) : n.text);
        n = next();
      }
      if (!(n.kind == Kind.PUNCT && n.text.equals("{"))) {
        throw new Stop(n.pos, "unexpected text " + quoted(n) + " after \"" + t.text
            + "\": expected '=' or a block '{'");
      }
      StringBuilder blockPath = new StringBuilder(join(path, t.text));
      for (String l : labels) {
        blockPath.append('.').append(l);
      }
      Pos first = positions.putIfAbsent(blockPath.toString(), t.pos);
      if (first != null && !labels.isEmpty()) {
        errors.add(new Object[] {t.pos, blockPath.toString(), "duplicate " + t.text + " \""
            + String.join(".", labels) + "\" (first declared at " + first.line + ":"
            + first.column + ")"});
      }
      if (depth >= MAX_DEPTH) {
        throw new Stop(n.pos, "blocks nested deeper than " + MAX_DEPTH + " levels");
      }
      int startOffset = t.offset;
      depth++;
      body(blockPath.toString(), n.pos);
      depth--;
      if (open == null) {
        topBlocks.add(new TopBlock(t.text, List.copyOf(labels), t.pos, startOffset, i));
      }
    }
  }

  /** Consumes an attribute's value up to the end of its line (or the block's closing brace). */
  private void expression(Pos eq) {
    List<Token> stack = new ArrayList<>();
    boolean any = false;
    while (true) {
      Token t = next();
      if (t.kind == Kind.EOF) {
        if (!stack.isEmpty()) {
          Token o = stack.get(stack.size() - 1);
          throw new Stop(o.pos, "unclosed '" + o.text + "' before the end of the file");
        }
        if (!any) {
          throw new Stop(eq, "missing value after '='");
        }
        return;
      }
      if (t.kind == Kind.NEWLINE) {
        if (stack.isEmpty()) {
          if (!any) {
            throw new Stop(eq, "missing value after '='");
          }
          return;
        }
        continue;
      }
      if (t.kind == Kind.PUNCT) {
        switch (t.text) {
          case "(", "[", "{" -> {
            if (stack.size() >= MAX_DEPTH) {
              throw new Stop(t.pos, "expression nested deeper than " + MAX_DEPTH + " levels");
            }
            stack.add(t);
            Token f = next();
            if (f.kind == Kind.IDENT && f.text.equals("for")) {
              throw new Stop(f.pos, "for expressions are not supported by Caravan's jobspec");
            }
            pushedBack = f;
          }
          case ")", "]", "}" -> {
            if (stack.isEmpty()) {
              if (t.text.equals("}") && any) {
                pushedBack = t;
                return;
              }
              throw new Stop(t.pos, "unexpected '" + t.text + "'");
            }
            Token o = stack.remove(stack.size() - 1);
            String want = switch (o.text) { case "(" -> ")"; case "[" -> "]"; default -> "}"; };
            if (!want.equals(t.text)) {
              throw new Stop(t.pos, "unexpected '" + t.text + "': '" + o.text + "' at "
                  + o.pos.line + ":" + o.pos.column + " is not closed");
            }
          }
          default -> { }
        }
      }
      if (t.kind == Kind.IDENT) {
        ident(t);
      } else if (t.kind == Kind.STRING || t.kind == Kind.HEREDOC) {
        stringRefs(t);
      }
      any = true;
    }
  }

  private void ident(Token t) {
    int dot = t.text.indexOf('.');
    if (dot > 0 && (t.text.startsWith("var.") || t.text.startsWith("local."))) {
      String rest = t.text.substring(dot + 1);
      int end = rest.indexOf('.');
      refs.add(new Ref(t.text.substring(0, dot), end < 0 ? rest : rest.substring(0, end), t.pos));
    }
  }

  private void stringRefs(Token t) {
    String body = t.text;
    if (!body.contains("${")) {
      return;
    }
    java.util.regex.Matcher m = REF_IN_STRING.matcher(body);
    while (m.find()) {
      int before = body.lastIndexOf("${", m.start());
      if (before >= 0 && body.indexOf('}', before) >= m.end() - 1) {
        refs.add(new Ref(m.group(1), m.group(2), t.pos));
      }
    }
  }

  private Token next() {
    if (pushedBack != null) {
      Token t = pushedBack;
      pushedBack = null;
      return t;
    }
    skipBlanksAndComments();
    Pos p = new Pos(line, col);
    if (i >= src.length()) {
      return new Token(Kind.EOF, "", p);
    }
    char c = src.charAt(i);
    if (c == '\n') {
      advance();
      return new Token(Kind.NEWLINE, "\n", p);
    }
    if (c == '"') {
      return string(p);
    }
    if (c == '<' && src.startsWith("<<", i)) {
      return heredoc(p);
    }
    if (Character.isLetter(c) || c == '_') {
      int start = i;
      while (i < src.length() && (Character.isLetterOrDigit(src.charAt(i))
          || src.charAt(i) == '_' || src.charAt(i) == '-' || src.charAt(i) == '.')) {
        advance();
      }
      return new Token(Kind.IDENT, src.substring(start, i), p, start);
    }
    if (Character.isDigit(c)) {
      int start = i;
      while (i < src.length() && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '.')) {
        advance();
      }
      return new Token(Kind.NUMBER, src.substring(start, i), p);
    }
    if ("{}[]()=,:?!<>+-*/%&|.".indexOf(c) >= 0) {
      advance();
      return new Token(Kind.PUNCT, String.valueOf(c), p);
    }
    throw new Stop(p, "unexpected character " + describe(c));
  }

  private Token string(Pos p) {
    int start = i;
    advance();
    int interp = 0;
    while (i < src.length()) {
      char c = src.charAt(i);
      if (c == '\\') {
        advance();
        if (i < src.length()) {
          advance();
        }
        continue;
      }
      if (c == '\n' && interp == 0) {
        break;
      }
      if (c == '$' && src.startsWith("${", i)) {
        interp++;
        advance();
        advance();
        continue;
      }
      if (c == '}' && interp > 0) {
        interp--;
      } else if (c == '"' && interp == 0) {
        advance();
        return new Token(Kind.STRING, src.substring(start, i), p);
      }
      advance();
    }
    throw new Stop(p, "unterminated string");
  }

  private Token heredoc(Pos p) {
    int tokenStart = i;
    int j = i + 2;
    boolean indented = j < src.length() && src.charAt(j) == '-';
    if (indented) {
      j++;
    }
    int markerStart = j;
    while (j < src.length() && (Character.isLetterOrDigit(src.charAt(j)) || src.charAt(j) == '_')) {
      j++;
    }
    String marker = src.substring(markerStart, j);
    if (marker.isEmpty()) {
      advance();
      return new Token(Kind.PUNCT, "<", p);
    }
    while (i < j) {
      advance();
    }
    // Skip to the end of the opening line, then look for the closing marker on its own line.
    while (i < src.length() && src.charAt(i) != '\n') {
      advance();
    }
    int bodyStart = i + 1;
    while (i < src.length()) {
      advance();
      int eol = src.indexOf('\n', i);
      String lineText = src.substring(i, eol < 0 ? src.length() : eol);
      if (lineText.strip().equals(marker)) {
        int markerLine = i;
        while (i < src.length() && src.charAt(i) != '\n') {
          advance();
        }
        heredocs.add(new int[] {tokenStart, Math.min(bodyStart, markerLine), markerLine, i,
            indented ? 1 : 0});
        return new Token(Kind.HEREDOC, src.substring(Math.min(bodyStart, markerLine), markerLine), p);
      }
      while (i < src.length() && src.charAt(i) != '\n') {
        advance();
      }
    }
    throw new Stop(p, "unterminated heredoc: no closing \"" + marker + "\" line");
  }

  private void skipBlanksAndComments() {
    while (i < src.length()) {
      char c = src.charAt(i);
      if (c == ' ' || c == '\t' || c == '\r' || c == '\uFEFF') {
        advance();
      } else if (c == '#' || src.startsWith("//", i)) {
        while (i < src.length() && src.charAt(i) != '\n') {
          advance();
        }
      } else if (src.startsWith("/*", i)) {
        Pos p = new Pos(line, col);
        int end = src.indexOf("*/", i + 2);
        if (end < 0) {
          throw new Stop(p, "unterminated comment");
        }
        while (i < end + 2) {
          advance();
        }
      } else {
        return;
      }
    }
  }

  private void advance() {
    if (src.charAt(i) == '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
    i++;
  }

  private static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private static String unquote(String s) {
    return s.length() >= 2 ? s.substring(1, s.length() - 1) : s;
  }

  private static String quoted(Token t) {
    return switch (t.kind) {
      case EOF -> "end of file";
      case NEWLINE -> "end of line";
      default -> "'" + (t.text.length() > 20 ? t.text.substring(0, 20) + "..." : t.text) + "'";
    };
  }

  private static String describe(char c) {
    return Character.isISOControl(c) || !Character.isDefined(c)
        ? String.format("U+%04X", (int) c) : "'" + c + "'";
  }
}
