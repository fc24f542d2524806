package dev.caravan.reconciler.jobspec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * HCL2 {@code variable} blocks: each declared variable's value is its {@code -var} value
 * (converted to the declared type), else its var-file value, else its {@code default}; one
 * with none of these is an error. Values given for undeclared names stay usable, so files
 * written before declarations keep working.
 */
final class Variables {
  private Variables() {}

  private static final Set<String> VARIABLE_KEYS = Set.of("type", "default", "description",
      "sensitive", "validation", "nullable");

  /** A declared variable: its type's HCL4j name (StringPrimitiveType, ...) and block. */
  private record Declared(String name, String type, Map<String, Object> body, HclScanner.Pos pos) {}

  static Map<String, Object> resolve(String file, String content, List<HclScanner.TopBlock> blocks,
      HclScanner scan, Map<String, String> cli, Map<String, Object> files,
      List<JobspecError> errors) throws JobspecException {
    Map<String, Object> values = new LinkedHashMap<>();
    files.forEach(values::put);
    cli.forEach(values::put);
    if (blocks.isEmpty()) {
      return values;
    }
    Map<String, Object> declared = declarations(file, content, blocks);
    for (Map.Entry<String, Object> e : declared.entrySet()) {
      String name = e.getKey();
      HclScanner.Pos pos = scan.positions.getOrDefault("variable." + name, new HclScanner.Pos(1, 1));
      @SuppressWarnings("unchecked")
      Map<String, Object> body = e.getValue() instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
      for (String key : body.keySet()) {
        if (!VARIABLE_KEYS.contains(key)) {
          String hint = TreeReader.suggestion(key, VARIABLE_KEYS);
          errors.add(new JobspecError(file, pos.line(), pos.column(), "variable." + name + "." + key,
              "unknown attribute or block \"" + key + "\" in variable"
                  + (hint == null ? "" : "; did you mean \"" + hint + "\"?")));
        }
      }
      Object type = body.get("type");
      String typeName = type == null ? "" : type.getClass().getSimpleName();
      if (cli.containsKey(name)) {
        Object converted = convert(file, pos, name, cli.get(name), typeName, errors);
        values.put(name, converted);
      } else if (files.containsKey(name)) {
        values.put(name, files.get(name));
      } else if (body.containsKey("default") && body.get("default") != null) {
        values.put(name, body.get("default"));
      } else {
        errors.add(new JobspecError(file, pos.line(), pos.column(), "variable." + name,
            "variable \"" + name + "\" has no default and no value was given"));
      }
    }
    return values;
  }

  /** The variable blocks alone, parsed with everything else blanked (positions kept). */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> declarations(String file, String content,
      List<HclScanner.TopBlock> blocks) throws JobspecException {
    char[] masked = new char[content.length()];
    for (int k = 0; k < masked.length; k++) {
      masked[k] = content.charAt(k) == '\n' ? '\n' : ' ';
    }
    for (HclScanner.TopBlock b : blocks) {
      content.getChars(b.start(), b.end(), masked, b.start());
    }
    Map<String, Object> root = Jobspec.hcl(file, Jobspec.escapeRuntime(new String(masked)), Map.of());
    Map<String, Object> out = new LinkedHashMap<>();
    Object v = root.get("variable");
    for (Object part : v instanceof List<?> l ? l : List.of(v == null ? Map.of() : v)) {
      if (part instanceof Map<?, ?> m) {
        out.putAll((Map<String, Object>) m);
      }
    }
    return out;
  }

  private static Object convert(String file, HclScanner.Pos pos, String name, String raw,
      String type, List<JobspecError> errors) throws JobspecException {
    switch (type) {
      case "", "StringPrimitiveType" -> {
        return raw;
      }
      case "NumberPrimitiveType" -> {
        try {
          return Double.parseDouble(raw.strip());
        } catch (NumberFormatException e) {
          errors.add(new JobspecError(file, pos.line(), pos.column(), "variable." + name,
              "variable \"" + name + "\" is a number, got \"" + raw + "\""));
          return raw;
        }
      }
      case "BooleanPrimitiveType" -> {
        if (raw.strip().equals("true") || raw.strip().equals("false")) {
          return Boolean.parseBoolean(raw.strip());
        }
        errors.add(new JobspecError(file, pos.line(), pos.column(), "variable." + name,
            "variable \"" + name + "\" is a bool, got \"" + raw + "\""));
        return raw;
      }
      default -> {
        // Lists, maps, objects: the value is written in HCL syntax, as on Nomad's command line.
        try {
          return Jobspec.restore(Jobspec.hcl("-var " + name, "v = " + Jobspec.escapeRuntime(raw)
              + "\n", Map.of()).get("v"));
        } catch (JobspecException e) {
          errors.add(new JobspecError(file, pos.line(), pos.column(), "variable." + name,
              "variable \"" + name + "\": cannot read \"" + raw + "\" as its type"));
          return raw;
        }
      }
    }
  }

  /** String forms for interpolation in heredocs: whole numbers without ".0". */
  static Map<String, String> strings(Map<String, Object> values) {
    Map<String, String> out = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      if (v instanceof String || v instanceof Boolean) {
        out.put(k, String.valueOf(v).replace(Jobspec.DOLLAR_SENTINEL, '$'));
      } else if (v instanceof Number) {
        out.put(k, String.valueOf(TreeReader.number(v)));
      }
    });
    return out;
  }
}
