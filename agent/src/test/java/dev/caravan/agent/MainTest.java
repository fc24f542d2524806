package dev.caravan.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir Path tmp;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void versionPrintsTheVersion() {
    assertEquals(0, run("version"));
    assertTrue(out.toString().startsWith("Caravan v"), out.toString());
  }

  @Test
  void unknownFlagIsOneErrorLineAndExitCodeOne() {
    assertEquals(1, run("agent", "-devv"));
    assertEquals(1, err.toString().lines().count(), err.toString());
    assertTrue(err.toString().startsWith("Error: Unknown option: '-devv'"), err.toString());
  }

  @Test
  void badConfigIsOneErrorLineNamingFileAndKey() throws Exception {
    Path cfg = tmp.resolve("bad.hcl");
    Files.writeString(cfg, "server {\n  enabled = \"yes\"\n}\n");

    assertEquals(1, run("agent", "-config", cfg.toString()));

    assertEquals("Error: " + cfg + ": server.enabled: expected true or false, got yes\n",
        err.toString());
  }
}
