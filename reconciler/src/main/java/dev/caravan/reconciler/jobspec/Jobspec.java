package dev.caravan.reconciler.jobspec;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.JobDefaults;
import dev.caravan.cluster.structs.JobValidator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decodes one Nomad-style HCL jobspec file into a defaulted, validated {@link Job}.
 *
 * <p>Pipeline: a structural scan (positions, unclosed braces, trailing text, repeated
 * attributes, refused top-level blocks) → HCL4j for values, with {@code ${...}} runtime
 * interpolations kept verbatim → strict decoding into the job records → {@link JobDefaults}
 * → {@link JobValidator}, whose paths are mapped back to {@code line:column}. Pure: no I/O;
 * {@code data} blocks are refused so parsing never reaches the network.
 */
public final class Jobspec {
  private Jobspec() {}

  /**
   * A private-use character stands in for {@code $} before {@code ${}: HCL4j would otherwise
   * evaluate (and drop) interpolations such as {@code ${attr.kernel.name}} that only the client
   * can resolve. One character for one keeps HCL4j's error columns right.
   */
  static final char DOLLAR_SENTINEL = '\uE000';

  private static final Pattern LINE_COL = Pattern.compile("line:?\\s*(\\d+)\\D{1,10}?col(?:umn)?:?\\s*(\\d+)",
      Pattern.CASE_INSENSITIVE);

  /** Parses {@code content}, named {@code fileName} in errors, with no variables. */
  public static Job parse(String fileName, String content) throws JobspecException {
    return parse(fileName, content, Map.of());
  }

  /**
   * Parses {@code content}, named {@code fileName} in errors. {@code vars} replace
   * {@code ${var.NAME}} interpolations in strings; other interpolations stay verbatim.
   *
   * @throws JobspecException with every syntax, decoding and validation error found
   */
  public static Job parse(String fileName, String content, Map<String, String> vars)
      throws JobspecException {
    String file = fileName == null ? "<input>" : fileName;
    if (content == null) {
      throw single(file, 1, 1, "empty jobspec");
    }
    try {
      return parseChecked(file, content, vars == null ? Map.of() : vars);
    } catch (JobspecException e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      throw single(file, 1, 1, "cannot decode jobspec: " + e);
    }
  }

  private static Job parseChecked(String file, String content, Map<String, String> vars)
      throws JobspecException {
    HclScanner scan = HclScanner.scan(content);
    List<JobspecError> errors = new ArrayList<>();
    for (Object[] e : scan.errors) {
      HclScanner.Pos p = (HclScanner.Pos) e[0];
      errors.add(new JobspecError(file, p.line(), p.column(), (String) e[1], (String) e[2]));
    }
    HclScanner.TopBlock job = null;
    int jobs = 0;
    for (HclScanner.TopBlock b : scan.topBlocks) {
      HclScanner.Pos p = b.pos();
      if (b.type().equals("job")) {
        jobs++;
        if (jobs == 1) {
          job = b;
        } else {
          errors.add(new JobspecError(file, p.line(), p.column(), "job",
              "more than one job block: a file holds exactly one job"));
        }
        if (b.labels().size() != 1) {
          errors.add(new JobspecError(file, p.line(), p.column(), "job",
              "a job block takes exactly one label, its name: job \"NAME\" { ... }"));
        }
      } else if (b.type().equals("variable")) {
        if (b.labels().size() != 1) {
          errors.add(new JobspecError(file, p.line(), p.column(), "variable",
              "a variable block takes exactly one label, its name: variable \"NAME\" { ... }"));
        }
      } else if (b.type().equals("data")) {
        errors.add(new JobspecError(file, p.line(), p.column(), "data",
            "data blocks are not supported: a jobspec must not reach the network"));
      } else {
        errors.add(new JobspecError(file, p.line(), p.column(), b.type(),
            "unsupported top-level block \"" + b.type() + "\": expected job"));
      }
    }
    if (errors.isEmpty() && job == null) {
      errors.add(new JobspecError(file, 1, 1, "", "no job block: expected job \"NAME\" { ... }"));
    }
    if (!errors.isEmpty()) {
      throw sorted(errors);
    }
    Map<String, Object> root = hcl(file, content, vars);
    Map<String, String> values = variables(file, root.get("variable"), vars, scan, errors);
    JobDecoder decoder = new JobDecoder(file, scan.positions, job.pos(), values);
    for (String key : root.keySet()) {
      if (!key.equals("job") && !key.equals("variable")) {
        errors.add(decoder.error(key, "unexpected top-level attribute \"" + key
            + "\": a jobspec holds one job block"));
      }
    }
    if (!errors.isEmpty()) {
      throw sorted(errors);
    }
    Job decoded = decoder.decode(root, job.labels().get(0));
    decoder.reportUndefinedVariables();
    if (!decoder.errors().isEmpty()) {
      throw sorted(decoder.errors());
    }
    Job defaulted = JobDefaults.apply(decoded);
    for (JobValidator.Violation v : JobValidator.validate(defaulted)) {
      errors.add(decoder.error(v.path(), v.message()));
    }
    if (!errors.isEmpty()) {
      throw sorted(errors);
    }
    return defaulted;
  }

  /**
   * HCL2 {@code variable} blocks: each declared variable's value is the caller's, else its
   * {@code default}; one with neither is an error. Undeclared caller values are still usable
   * in {@code ${var.NAME}} so files without declarations keep working.
   */
  private static Map<String, String> variables(String file, Object declared,
      Map<String, String> vars, HclScanner scan, List<JobspecError> errors) {
    Map<String, String> values = new java.util.LinkedHashMap<>(vars);
    if (!(declared instanceof Map<?, ?> m)) {
      return values;
    }
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String name = String.valueOf(e.getKey());
      if (values.containsKey(name)) {
        continue;
      }
      Object def = e.getValue() instanceof Map<?, ?> body ? body.get("default") : null;
      if (def == null) {
        HclScanner.Pos p = scan.positions.getOrDefault("variable." + name, new HclScanner.Pos(1, 1));
        errors.add(new JobspecError(file, p.line(), p.column(), "variable." + name,
            "variable \"" + name + "\" has no default and no value was given"));
      } else if (def instanceof Double d && d == Math.rint(d)) {
        values.put(name, String.valueOf(d.longValue()));
      } else {
        values.put(name, String.valueOf(def).replace(DOLLAR_SENTINEL, '$'));
      }
    }
    return values;
  }

  private static Map<String, Object> hcl(String file, String content, Map<String, String> vars)
      throws JobspecException {
    String escaped = content.replace("${", DOLLAR_SENTINEL + "{");
    HCLParser parser = new HCLParser() {
      {
        // Defence in depth: the scanner already refuses data blocks.
        dataLookupRegistry.clear();
        functionRegistry.clear();
      }
    };
    parser.setVariables(new java.util.HashMap<>(vars));
    try {
      Map<String, Object> root = parser.parse(escaped);
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
        if (message == null) {
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
          : message.replaceFirst("^[\\w.]+Exception:\\s*", "").replace(DOLLAR_SENTINEL, '$');
      throw single(file, line, col, "syntax error: " + clean);
    }
  }

  private static JobspecException single(String file, int line, int col, String message) {
    return new JobspecException(List.of(new JobspecError(file, line, col, "", message)));
  }

  private static JobspecException sorted(List<JobspecError> errors) {
    List<JobspecError> copy = new ArrayList<>(errors);
    copy.sort(Comparator.comparingInt(JobspecError::line).thenComparingInt(JobspecError::column));
    return new JobspecException(copy);
  }
}
