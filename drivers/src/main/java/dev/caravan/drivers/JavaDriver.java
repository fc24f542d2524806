package dev.caravan.drivers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code java} driver: runs a jar or a main class with the client's JDK, the {@code java}
 * of the running JVM's {@code java.home} (or of {@code JAVA_HOME} when that has none). Config
 * keys, as Nomad's java driver names them:
 *
 * <ul>
 *   <li>{@code jar_path}: the jar to run ({@code java -jar}), relative to the task directory
 *   <li>{@code class} and {@code class_path}: a main class instead of a jar
 *   <li>{@code jvm_options}: options before the jar or class ({@code -Xmx64m})
 *   <li>{@code args}: the program's arguments
 * </ul>
 *
 * <p>The process is launched as the {@code exec} driver launches its tasks: its own session,
 * and as the task's user (or {@code nobody}) when the client runs as root.
 */
final class JavaDriver extends ProcessDriver {
  static final String NAME = "java";

  private static final ConfigSchema SCHEMA =
      new ConfigSchema(
          NAME,
          Map.of(
              "jar_path", ConfigSchema.Kind.STRING,
              "class", ConfigSchema.Kind.STRING,
              "class_path", ConfigSchema.Kind.STRING,
              "jvm_options", ConfigSchema.Kind.STRING_LIST,
              "args", ConfigSchema.Kind.STRING_LIST),
          Set.of());

  private final ExecDriver launcher;
  private final Path java;

  JavaDriver() {
    this(new ExecDriver(), javaOf(System.getProperty("java.home"), System.getenv("JAVA_HOME")));
  }

  /** A driver launching through {@code launcher} with the {@code java} binary at {@code java}. */
  JavaDriver(ExecDriver launcher, Path java) {
    super(SCHEMA);
    this.launcher = launcher;
    this.java = java;
  }

  /** The {@code bin/java} of {@code javaHome}, else of {@code javaHomeEnv}; null when neither. */
  static Path javaOf(String javaHome, String javaHomeEnv) {
    for (String home : new String[] {javaHome, javaHomeEnv}) {
      if (home != null && !home.isBlank()) {
        Path candidate = Path.of(home, "bin", "java");
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    return null;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Fingerprint fingerprint() {
    if (java == null) {
      return Fingerprint.undetected("java driver found no JDK: neither java.home nor JAVA_HOME"
          + " has bin/java");
    }
    Fingerprint exec = launcher.fingerprint();
    if (!exec.detected()) {
      return Fingerprint.undetected("java driver: " + exec.healthDescription());
    }
    return new Fingerprint(
        true,
        true,
        "healthy",
        Map.of(
            "version", System.getProperty("java.version", ""),
            "runtime", System.getProperty("java.runtime.version", ""),
            "vm", System.getProperty("java.vm.name", "")));
  }

  @Override
  public List<String> validateConfig(Map<String, Object> config) {
    List<String> errors = new ArrayList<>(super.validateConfig(config));
    boolean jar = config.containsKey("jar_path");
    boolean main = config.containsKey("class");
    if (jar == main) {
      errors.add("java config needs exactly one of \"jar_path\" or \"class\"");
    }
    if (jar && config.containsKey("class_path")) {
      errors.add("key \"class_path\" in java config applies to \"class\", not \"jar_path\"");
    }
    return errors;
  }

  @Override
  List<String> commandLine(TaskConfig config, Map<String, String> env) throws DriverException {
    if (java == null) {
      throw new DriverException("java driver found no JDK: neither java.home nor JAVA_HOME has"
          + " bin/java");
    }
    Map<String, Object> c = config.config();
    List<String> line = new ArrayList<>();
    line.add(java.toString());
    strings(c.get("jvm_options"), line);
    if (c.get("jar_path") instanceof String jarPath) {
      Path base = config.taskDir() == null ? Path.of("") : config.taskDir();
      Path jar = base.resolve(jarPath);
      if (!Files.isRegularFile(jar)) {
        throw new DriverException("jar not found: " + jarPath + " (looked at " + jar + ")");
      }
      line.add("-jar");
      line.add(jar.toAbsolutePath().toString());
    } else {
      if (c.get("class_path") instanceof String classPath) {
        line.add("-cp");
        line.add(classPath);
      }
      line.add((String) c.get("class"));
    }
    strings(c.get("args"), line);
    return line;
  }

  @Override
  List<String> launch(TaskConfig config, List<String> commandLine) throws DriverException {
    return launcher.launch(config, commandLine);
  }

  private static void strings(Object value, List<String> into) {
    if (value instanceof List<?> list) {
      list.forEach(v -> into.add((String) v));
    }
  }
}
