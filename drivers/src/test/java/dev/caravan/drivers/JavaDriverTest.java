package dev.caravan.drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaDriverTest {
  private static final String HELLO =
      """
      public class Hello {
        public static void main(String[] args) {
          System.out.println("hello " + String.join(",", args) + " " + System.getProperty("greeting"));
          System.exit(args.length);
        }
      }
      """;

  @TempDir Path dir;
  private final JavaDriver driver = new JavaDriver();
  private final List<TaskHandle> started = new ArrayList<>();

  @BeforeEach
  void needsAJdkAndLinux() {
    assumeTrue(driver.fingerprint().detected(), driver.fingerprint().healthDescription());
    assumeTrue(ToolProvider.getSystemJavaCompiler() != null, "no compiler in this JDK");
  }

  @AfterEach
  void leaveNoProcessRunning() {
    started.forEach(driver::destroy);
  }

  @Test
  void runsAMainClassFromItsClassPathWithJvmOptionsAndArgs() throws Exception {
    Path classes = compileHello();

    TaskHandle handle =
        start(
            Map.of(
                "class", "Hello",
                "class_path", classes.toString(),
                "jvm_options", List.of("-Xmx32m", "-Dgreeting=hi"),
                "args", List.of("a", "b")));

    assertEquals(2, driver.waitTask(handle).get(60, TimeUnit.SECONDS).exitCode());
    assertEquals("hello a,b hi\n", Files.readString(dir.resolve("logs/hello.stdout.0")));
  }

  @Test
  void runsAJarRelativeToTheTaskDirectory() throws Exception {
    Path classes = compileHello();
    Files.createDirectories(dir.resolve("local"));
    writeJar(classes.resolve("Hello.class"), dir.resolve("local/hello.jar"));

    TaskHandle handle = start(Map.of("jar_path", "local/hello.jar"));

    assertEquals(0, driver.waitTask(handle).get(60, TimeUnit.SECONDS).exitCode());
    assertEquals("hello  null\n", Files.readString(dir.resolve("logs/hello.stdout.0")));
  }

  @Test
  void aMissingJarIsAStartErrorNamingIt() {
    DriverException e =
        assertThrows(DriverException.class, () -> start(Map.of("jar_path", "local/gone.jar")));

    assertEquals(
        "jar not found: local/gone.jar (looked at " + dir.resolve("local/gone.jar") + ")",
        e.getMessage());
  }

  @Test
  void needsExactlyOneOfJarPathOrClass() {
    assertEquals(
        List.of("java config needs exactly one of \"jar_path\" or \"class\""),
        driver.validateConfig(Map.of("args", List.of("x"))));
    assertEquals(
        List.of(
            "unknown key \"jar\" in java config",
            "java config needs exactly one of \"jar_path\" or \"class\""),
        driver.validateConfig(Map.of("jar", "app.jar")));
  }

  @Test
  void usesTheJavaOfJavaHomeElseOfJavaHomeVariable() {
    String home = System.getProperty("java.home");

    assertEquals(Path.of(home, "bin", "java"), JavaDriver.javaOf(home, null));
    assertEquals(Path.of(home, "bin", "java"), JavaDriver.javaOf(dir.toString(), home));
    assertEquals(null, JavaDriver.javaOf(dir.toString(), null));
  }

  private TaskHandle start(Map<String, Object> config) throws DriverException {
    TaskConfig base = Tasks.task("hello", config, dir);
    // As the client's own user: when the client is root, nobody could not read the temp dir.
    TaskConfig asMe =
        new TaskConfig(
            base.id(), base.allocId(), base.jobId(), base.groupName(), base.taskName(),
            base.config(), base.env(), System.getProperty("user.name"), null, dir, dir,
            base.logs());
    TaskHandle handle = driver.start(asMe);
    started.add(handle);
    return handle;
  }

  private Path compileHello() throws IOException {
    Path src = Files.createDirectories(dir.resolve("src")).resolve("Hello.java");
    Files.writeString(src, HELLO);
    Path classes = Files.createDirectories(dir.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int code = javac.run(null, null, null, "-d", classes.toString(), src.toString());
    assertEquals(0, code, "javac failed");
    return classes;
  }

  private static void writeJar(Path classFile, Path jar) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "Hello");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest)) {
      out.putNextEntry(new JarEntry("Hello.class"));
      out.write(Files.readAllBytes(classFile));
      out.closeEntry();
    }
  }
}
