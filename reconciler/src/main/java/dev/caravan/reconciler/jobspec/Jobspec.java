package dev.caravan.reconciler.jobspec;

import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.JobDefaults;
import dev.caravan.cluster.structs.JobValidator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decodes one Nomad-style HCL2 jobspec file into a defaulted, validated {@link Job}.
 *
 * <p>Pipeline: a structural scan ({@link HclScanner}: positions, unclosed braces, trailing
 * text, repeated attributes, nesting limits, refused top-level blocks) → the file's variables
 * (declared defaults, overridden by {@code -var} and {@code -var-file} values) → HCL4j for
 * values, with runtime interpolations such as {@code ${attr.kernel.name}} kept verbatim →
 * strict decoding into the job records ({@link JobDecoder}) → {@link JobDefaults} →
 * {@link JobValidator}, whose paths are mapped back to {@code line:column}.
 *
 * <p>Pure: no I/O. {@code data} blocks are refused, HCL4j's data lookups are removed, and
 * functions that would read files or the clock are refused, so a job file never reaches the
 * network or the file system. Every failure is a {@link JobspecException} carrying all the
 * errors found; nothing else escapes.
 */
public final class Jobspec {
  private Jobspec() {}

  /**
   * A private-use character stands in for {@code $} before a runtime {@code ${}: HCL4j would
   * otherwise evaluate (and drop) interpolations such as {@code ${attr.kernel.name}} that only
   * the client can resolve. One character for one keeps HCL4j's error columns right.
   */
  static final char DOLLAR_SENTINEL = '\uE000';

  /** Larger files are refused before anything parses them. */
  public static final int MAX_BYTES = 1 << 20;

  private static final Pattern LINE_COL = Pattern.compile(
      "line:?\\s*(\\d+)\\D{1,10}?col(?:umn)?:?\\s*(\\d+)", Pattern.CASE_INSENSITIVE);
  /** HCL4j's lexer error, reworded: "Illegal character <(=) - state: 14> found on line...". */
  private static final Pattern ILLEGAL = Pattern.compile("^Illegal character <\\((.*)\\) - state");
  /** Interpolations HCL4j may evaluate: variables, locals and function calls. */
  private static final Pattern HCL_INTERPOLATION = Pattern.compile(
      "\\$\\{\\s*(?:var\\.|local\\.|[A-Za-z_][A-Za-z0-9_]*\\s*\\()");

  /** Parses {@code content}, named {@code fileName} in errors, with no variables. */
  public static Job parse(String fileName, String content) throws JobspecException {
    return parse(fileName, content, Map.of(), Map.of());
  }

  /**
   * Parses {@code content} with {@code -var NAME=VALUE} values: each is converted to its
   * variable's declared type (a number, a bool, a list or map written in HCL syntax).
   *
   * @throws JobspecException with every syntax, decoding and validation error found
   */
  public static Job parse(String fileName, String content, Map<String, String> vars)
      throws JobspecException {
    return parse(fileName, content, vars, Map.of());
  }

  /**
   * Parses {@code content} with {@code -var} values ({@code vars}, strings converted to the
   * declared types) and typed values such as those of {@link #parseVarFile} ({@code values});
   * a {@code -var} wins over a var-file value, which wins over a declared default.
   *
   * @throws JobspecException with every syntax, decoding and validation error found
   */
  public static Job parse(String fileName, String content, Map<String, String> vars,
      Map<String, Object> values) throws JobspecException {
    return read(fileName, content, vars, values, true);
  }

  /**
   * Like {@link #parse(String, String, Map, Map)} without {@link JobValidator}: what Nomad's
   * parser accepts (syntax, known blocks and attributes, value types), with defaults applied.
   * {@code nomad job run -output} stops here too; registering a job needs {@code parse}.
   *
   * @throws JobspecException with every syntax and decoding error found
   */
  public static Job decode(String fileName, String content, Map<String, String> vars,
      Map<String, Object> values) throws JobspecException {
    return read(fileName, content, vars, values, false);
  }

  private static Job read(String fileName, String content, Map<String, String> vars,
      Map<String, Object> values, boolean validate) throws JobspecException {
    String file = fileName == null ? "<input>" : fileName;
    if (content == null || content.isBlank()) {
      throw single(file, 1, 1, "empty jobspec: expected job \"NAME\" { ... }");
    }
    try {
      return parseChecked(file, content, vars == null ? Map.of() : vars,
          values == null ? Map.of() : values, validate);
    } catch (JobspecException e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      // A defect, not a property of the file; still a JobspecException for the caller.
      throw single(file, 1, 1, "cannot decode jobspec: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
  }

  /**
   * Parses a variables file ({@code -var-file}): {@code NAME = VALUE} lines in HCL syntax.
   *
   * @throws JobspecException when the file does not parse or holds blocks
   */
  public static Map<String, Object> parseVarFile(String fileName, String content)
      throws JobspecException {
    return parsePlain(fileName, content, false);
  }

  /**
   * Parses another HCL file of Nomad's shape (an agent config) as jobspecs are parsed: sandboxed
   * (no {@code data} lookups), unbalanced braces and trailing text refused, errors as
   * {@code file:line:column}, {@code ${...}} kept as written.
   *
   * @throws JobspecException when the file does not parse
   */
  public static Map<String, Object> parseHclFile(String fileName, String content)
      throws JobspecException {
    return parsePlain(fileName, content, true);
  }

  private static Map<String, Object> parsePlain(String fileName, String content,
      boolean blocks) throws JobspecException {
    String file = fileName == null ? "<input>" : fileName;
    if (content == null || content.isBlank()) {
      return Map.of();
    }
    if (content.length() > MAX_BYTES) {
      throw single(file, 1, 1, (blocks ? "file" : "variables file") + " is larger than "
          + MAX_BYTES + " bytes");
    }
    try {
      HclScanner scan = HclScanner.scan(content);
      List<JobspecError> errors = scanErrors(file, scan);
      for (HclScanner.TopBlock b : blocks ? List.<HclScanner.TopBlock>of() : scan.topBlocks) {
        errors.add(new JobspecError(file, b.pos().line(), b.pos().column(), b.type(),
            "a variables file holds NAME = VALUE lines, not blocks"));
      }
      if (!errors.isEmpty()) {
        throw sorted(errors);
      }
      Map<String, Object> out = new LinkedHashMap<>();
      hcl(file, escapeRuntime(content), Map.of()).forEach((k, v) -> out.put(k, restore(v)));
      return out;
    } catch (JobspecException e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      throw single(file, 1, 1, "cannot read " + (blocks ? "the file" : "variables") + ": "
          + e.getClass().getSimpleName());
    }
  }

  private static Job parseChecked(String file, String content, Map<String, String> cliVars,
      Map<String, Object> fileVars, boolean validate) throws JobspecException {
    if (content.length() > MAX_BYTES) {
      int[] lc = lineColumn(content, MAX_BYTES);
      throw single(file, lc[0], lc[1], "jobspec is larger than " + MAX_BYTES
          + " bytes: refused from here on");
    }
    HclScanner scan = HclScanner.scan(content);
    List<JobspecError> errors = scanErrors(file, scan);
    HclScanner.TopBlock job = null;
    List<HclScanner.TopBlock> variableBlocks = new ArrayList<>();
    for (HclScanner.TopBlock b : scan.topBlocks) {
      HclScanner.Pos p = b.pos();
      switch (b.type()) {
        case "job" -> {
          if (job == null) {
            job = b;
          } else {
            errors.add(new JobspecError(file, p.line(), p.column(), "job",
                "more than one job block: a file holds exactly one job"));
          }
          if (b.labels().size() != 1) {
            errors.add(new JobspecError(file, p.line(), p.column(), "job",
                "a job block takes exactly one label, its name: job \"NAME\" { ... }"));
          }
        }
        case "variable" -> {
          variableBlocks.add(b);
          if (b.labels().size() != 1) {
            errors.add(new JobspecError(file, p.line(), p.column(), "variable",
                "a variable block takes exactly one label, its name: variable \"NAME\" { ... }"));
          }
        }
        case "locals" -> {
          if (!b.labels().isEmpty()) {
            errors.add(new JobspecError(file, p.line(), p.column(), "locals",
                "a locals block takes no labels: locals { NAME = VALUE }"));
          }
        }
        case "data" -> errors.add(new JobspecError(file, p.line(), p.column(), "data",
            "data blocks are not supported: a jobspec must not reach the network"));
        default -> errors.add(new JobspecError(file, p.line(), p.column(), b.type(),
            "unsupported top-level block \"" + b.type() + "\": expected job, variable or locals"));
      }
    }
    if (errors.isEmpty() && job == null) {
      errors.add(new JobspecError(file, 1, 1, "", "no job block: expected job \"NAME\" { ... }"));
    }
    if (!errors.isEmpty()) {
      throw sorted(errors);
    }
    String source = escapeRuntime(quoteHeredocs(content, scan.heredocs));
    Map<String, Object> values = Variables.resolve(file, content, variableBlocks, scan, cliVars,
        fileVars, errors);
    if (!errors.isEmpty()) {
      throw sorted(errors);
    }
    Map<String, Object> root = hcl(file, source, values);
    Map<String, Object> locals = locals(root.get("locals"));
    for (HclScanner.Ref r : scan.refs) {
      boolean known = r.kind().equals("var") ? values.containsKey(r.name())
          : locals.containsKey(r.name());
      if (!known) {
        errors.add(new JobspecError(file, r.pos().line(), r.pos().column(),
            r.kind() + "." + r.name(), "undefined " + r.kind() + "." + r.name()
            + (r.kind().equals("var") ? ": declare it with a variable block or pass -var "
                + r.name() + "=VALUE" : ": declare it in a locals block")));
      }
    }
    if (!errors.isEmpty()) {
      throw sorted(errors);
    }
    String jobType = jobType(root, job.labels().get(0));
    JobDecoder decoder = new JobDecoder(file, scan.positions, job.pos(), Variables.strings(values),
        Variables.strings(locals), jobType);
    for (String key : root.keySet()) {
      if (!Set.of("job", "variable", "locals").contains(key)) {
        errors.add(decoder.error(key, "unexpected top-level attribute \"" + key
            + "\": a jobspec holds one job block"));
      }
    }
    if (!errors.isEmpty()) {
      throw sorted(errors);
    }
    Job decoded = decoder.decode(root, job.labels().get(0));
    decoder.reportUndefinedReferences();
    errors.addAll(decoder.errors());
    if (!validate) {
      if (!errors.isEmpty()) {
        throw sorted(errors);
      }
      return JobDefaults.apply(decoded);
    }
    Job defaulted = JobDefaults.apply(decoded);
    // Validation runs beside decoding errors so a file's errors come together, except when a
    // feature was refused: the job without it is not the file's job (a Connect gateway group
    // has no task of its own). A key that did not decode is not validated again, nor are its
    // sibling attributes ("missing driver" beside an unknown "drivr").
    if (decoder.errors().stream().anyMatch(e -> e.message().contains(Unsupported.MARKER))) {
      throw sorted(errors);
    }
    List<String> broken = decoder.errors().stream().map(JobspecError::path).toList();
    errors.addAll(decoder.validationErrors());
    for (JobValidator.Violation v : JobValidator.validate(defaulted)) {
      boolean shadowed = broken.stream().anyMatch(b -> v.path().equals(b)
          || v.path().startsWith(b + ".") || parentOf(v.path()).equals(parentOf(b)));
      if (!shadowed) {
        errors.add(decoder.error(v.path(), v.message()));
      }
    }
    if (!errors.isEmpty()) {
      throw sorted(errors);
    }
    return defaulted;
  }

  private static String parentOf(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? path : path.substring(0, dot);
  }

  private static String jobType(Map<String, Object> root, String name) {
    if (root.get("job") instanceof Map<?, ?> jobs && jobs.get(name) instanceof Map<?, ?> body
        && body.get("type") instanceof String s) {
      return s;
    }
    return Job.TYPE_SERVICE;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> locals(Object v) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (v instanceof Map<?, ?> m) {
      out.putAll((Map<String, Object>) m);
    } else if (v instanceof List<?> l) {
      for (Object o : l) {
        if (o instanceof Map<?, ?> m) {
          out.putAll((Map<String, Object>) m);
        }
      }
    }
    return out;
  }

  private static List<JobspecError> scanErrors(String file, HclScanner scan) {
    List<JobspecError> errors = new ArrayList<>();
    for (Object[] e : scan.errors) {
      HclScanner.Pos p = (HclScanner.Pos) e[0];
      errors.add(new JobspecError(file, p.line(), p.column(), (String) e[1], (String) e[2]));
    }
    return errors;
  }

  /**
   * Hides runtime interpolations from HCL4j: every {@code ${} that does not start a variable,
   * local or function call gets the sentinel instead of {@code $}.
   */
  static String escapeRuntime(String raw) {
    if (!raw.contains("${")) {
      return raw;
    }
    // HCL2's $${ is a literal ${: hidden from HCL4j like a runtime interpolation.
    String content = raw.replace("$${", DOLLAR_SENTINEL + "{");
    StringBuilder sb = new StringBuilder(content.length());
    int from = 0;
    for (int at = content.indexOf("${"); at >= 0; at = content.indexOf("${", at + 2)) {
      sb.append(content, from, at);
      Matcher m = HCL_INTERPOLATION.matcher(content);
      boolean hcl = m.region(at, content.length()).lookingAt();
      sb.append(hcl ? '$' : DOLLAR_SENTINEL);
      from = at + 1;
    }
    sb.append(content, from, content.length());
    return sb.toString();
  }

  /**
   * Rewrites every heredoc as a quoted string followed by as many newlines as it spanned, so
   * later lines keep their numbers: HCL4j neither strips {@code <<-} indentation nor accepts
   * heredocs inside lists, and a quoted string gets the same interpolation as any other.
   */
  static String quoteHeredocs(String content, List<int[]> heredocs) {
    if (heredocs.isEmpty()) {
      return content;
    }
    StringBuilder sb = new StringBuilder(content.length());
    int from = 0;
    for (int[] h : heredocs) {
      sb.append(content, from, h[0]);
      String body = content.substring(h[1], h[2]);
      List<String> lines = new ArrayList<>(List.of(body.split("\n", -1)));
      if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
        lines.remove(lines.size() - 1);
      }
      int indent = 0;
      if (h[4] == 1) {
        indent = Integer.MAX_VALUE;
        for (String line : lines) {
          if (!line.isBlank()) {
            int n = 0;
            while (n < line.length() && (line.charAt(n) == ' ' || line.charAt(n) == '\t')) {
              n++;
            }
            indent = Math.min(indent, n);
          }
        }
        indent = indent == Integer.MAX_VALUE ? 0 : indent;
      }
      sb.append('"');
      for (String line : lines) {
        String text = line.length() >= indent ? line.substring(indent) : line.strip();
        for (int k = 0; k < text.length(); k++) {
          char c = text.charAt(k);
          if (c == '$' && text.startsWith("${", k)) {
            // An interpolation stays as written: its quotes delimit its own strings.
            int end = interpolationEnd(text, k + 2);
            sb.append(text, k, end);
            k = end - 1;
            continue;
          }
          switch (c) {
            case '\\' -> sb.append("\\\\");
            case '"' -> sb.append("\\\"");
            case '\t' -> sb.append("\\t");
            case '\r' -> { }
            default -> sb.append(c);
          }
        }
        sb.append("\\n");
      }
      sb.append('"');
      for (int k = h[0]; k < h[3]; k++) {
        if (content.charAt(k) == '\n') {
          sb.append('\n');
        }
      }
      from = h[3];
    }
    sb.append(content, from, content.length());
    return sb.toString();
  }

  /** The offset after the '}' closing an interpolation whose body starts at {@code from}. */
  private static int interpolationEnd(String text, int from) {
    int depth = 1;
    boolean quoted = false;
    for (int k = from; k < text.length(); k++) {
      char c = text.charAt(k);
      if (quoted) {
        if (c == '\\') {
          k++;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return k + 1;
      }
    }
    return text.length();
  }

  static Map<String, Object> hcl(String file, String escaped, Map<String, Object> vars)
      throws JobspecException {
    try {
      Map<String, Object> root = new SandboxedHclParser(vars).parse(escaped);
      if (root == null) {
        throw single(file, 1, 1, "empty jobspec");
      }
      return root;
    } catch (JobspecException e) {
      throw e;
    } catch (Exception | StackOverflowError e) {
      int line = 1;
      int col = 1;
      String message = null;
      for (Throwable t = e; t != null; t = t.getCause()) {
        String m = t.getMessage();
        if (m == null) {
          continue;
        }
        if (message == null || t instanceof SandboxedHclParser.Refused) {
          message = m;
        }
        Matcher mt = LINE_COL.matcher(m);
        if (mt.find()) {
          line = Integer.parseInt(mt.group(1));
          col = Integer.parseInt(mt.group(2));
          message = m;
          break;
        }
      }
      String clean = message == null ? e.getClass().getSimpleName()
          : message.replaceAll("^([\\w.$]+(Exception|Error|Refused):\\s*)+", "")
              .replaceAll("\\s*\\(line: \\d+ col: \\d+\\)$", "")
              .replace(DOLLAR_SENTINEL, '$');
      Matcher illegal = ILLEGAL.matcher(clean);
      if (illegal.find()) {
        clean = "unexpected '" + illegal.group(1) + "'";
      }
      throw single(file, line, col, clean.startsWith("!") ? clean.substring(1)
          : "syntax error: " + clean);
    }
  }

  /** Restores sentinels in values that leave this package unparsed (var-file values). */
  static Object restore(Object v) {
    if (v instanceof String s) {
      return s.replace(DOLLAR_SENTINEL, '$');
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), restore(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(restore(x)));
      return out;
    }
    return v;
  }

  private static int[] lineColumn(String content, int offset) {
    int line = 1;
    int col = 1;
    for (int k = 0; k < offset && k < content.length(); k++) {
      if (content.charAt(k) == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
    }
    return new int[] {line, col};
  }

  static JobspecException single(String file, int line, int col, String message) {
    return new JobspecException(List.of(new JobspecError(file, line, col, "", message)));
  }

  static JobspecException sorted(List<JobspecError> errors) {
    List<JobspecError> copy = new ArrayList<>(errors);
    copy.sort(Comparator.comparingInt(JobspecError::line).thenComparingInt(JobspecError::column));
    return new JobspecException(copy);
  }
}
