package dev.caravan.reconciler.jobspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Bad input gets a clear error with its position and never a job; parsing has no side
 * effects (no network, no file system).
 */
class JobspecBadInputTest {

  private static void assertClean(JobspecException e) {
    for (JobspecError err : e.errors()) {
      assertTrue(err.line() >= 1 && err.column() >= 1, err.toString());
      assertFalse(err.message().contains("Exception"), err.toString());
      assertFalse(err.message().contains("\tat "), err.toString());
    }
  }

  @Test
  void aTruncatedFileNamesTheUnclosedBlock() {
    JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("t.hcl", """
        job "t" {
          group "g" {
            task "t" {
              driver = "ex"""));

    assertEquals("t.hcl:4:16: unterminated string", e.errors().get(0).toString());
  }

  @Test
  void binaryJunkIsASyntaxErrorAtTheFirstBadByte() {
    JobspecException e = assertThrows(JobspecException.class,
        () -> Jobspec.parse("b.hcl", "job \"b\" {\n  \u0000\u0001\u00ff\n}\n"));

    assertEquals("b.hcl:2:3: unexpected character U+0000", e.errors().get(0).toString());
  }

  @Test
  void aTenMegabyteFileIsRefusedWhereItPassesTheLimit() {
    String line = "# " + "x".repeat(97) + "\n";
    String big = "job \"big\" {\n" + line.repeat(10 * 1024 * 1024 / line.length()) + "}\n";

    JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("big.hcl", big));

    assertEquals(1, e.errors().size());
    assertEquals("jobspec is larger than 1048576 bytes: refused from here on",
        e.errors().get(0).message());
    assertEquals(1 + (Jobspec.MAX_BYTES - 12) / line.length() + 1, e.errors().get(0).line());
  }

  @Test
  void tenThousandNestedBlocksGiveAnErrorNotAStackOverflow() {
    String deep = "job \"d\" {\n" + "a {\n".repeat(10_000) + "}\n".repeat(10_001);

    JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("d.hcl", deep));

    assertEquals("d.hcl:65:3: blocks nested deeper than 64 levels", e.errors().get(0).toString());
  }

  @Test
  void tenThousandNestedBracesInAValueGiveAnError() {
    String deep = "job \"d\" {\n  meta = " + "{".repeat(10_000) + "}".repeat(10_000) + "\n}\n";

    JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("d.hcl", deep));

    assertEquals("d.hcl:2:74: expression nested deeper than 64 levels", e.errors().get(0).toString());
  }

  @Test
  void aNumberWhereAListBelongsIsATypeErrorAtTheAttribute() {
    JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("n.hcl", """
        job "n" {
          datacenters = 5
          group "g" {
            task "t" {
              driver = "exec"
            }
          }
        }
        """));

    assertEquals("n.hcl:2:3: datacenters must be a list of strings, got a number",
        e.errors().get(0).toString());
  }

  @Test
  void aListWhereABlockBelongsIsATypeError() {
    JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("n.hcl", """
        job "n" {
          group "g" {
            task "t" {
              driver    = "exec"
              resources = [1, 2]
            }
          }
        }
        """));

    assertEquals("n.hcl:5:7: expected a block: resources { ... }, got a list",
        e.errors().get(0).toString());
  }

  @Test
  void everyErrorOfAFileComesTogether() {
    JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("all.hcl", """
        job "all" {
          type = "batch"
          update {
            max_parallel = 1
          }
          group "g" {
            count = -2
            task "t" {
              driver = "exec"
              resources {
                cpu    = 0
                memory = 4
              }
            }
            task "t2" {
              driver = "exec"
              lifecycle {
                hook = "sometime"
              }
            }
          }
        }
        """));

    assertEquals(List.of(
        "all.hcl:3:3: job type \"batch\" does not allow an update block",
        "all.hcl:7:5: count must be >= 0, got -2",
        "all.hcl:11:9: cpu must be >= 1 MHz, got 0",
        "all.hcl:12:9: memory must be >= 10 MiB, got 4",
        "all.hcl:18:9: lifecycle hook must be prestart, poststart or poststop, got \"sometime\""),
        e.errors().stream().map(JobspecError::toString).toList());
    assertEquals("job.all.group.g.task.t.resources.memory", e.errors().get(3).path());
  }

  @Test
  void decodingAndValidationErrorsComeTogether() {
    JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("m.hcl", """
        job "m" {
          priority = 0.5
          group "a" {
            count = -1
            task "t" {
              driver = "exec"
              resorces {
                cpu = 100
              }
            }
          }
        }
        """));

    assertEquals(List.of(
        "m.hcl:2:3: priority must be a whole number, got 0.5",
        "m.hcl:4:5: count must be >= 0, got -1",
        "m.hcl:7:7: unknown attribute or block \"resorces\" in task; did you mean \"resources\"?"),
        e.errors().stream().map(JobspecError::toString).toList());
  }

  @Test
  void aDataBlockNeverReachesTheNetwork() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/leak";
      for (String hcl : List.of("""
          data "http" "leak" {
            url = "%s"
          }
          job "d" {
            meta {
              x = data.http.leak.body
            }
            group "g" {
              task "t" { driver = "exec" }
            }
          }
          """.formatted(url), """
          job "d" {
            meta {
              x = data.http.leak.body
            }
            group "g" {
              task "t" { driver = "exec" }
            }
          }
          """)) {
        JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("d.hcl", hcl));
        assertClean(e);
      }
    } finally {
      server.stop(0);
    }

    assertEquals(0, requests.get(), "the parser made HTTP requests");
  }

  @Test
  void aDataBlockIsRefusedAtItsPosition() {
    JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("d.hcl", """
        job "d" {
          group "g" {
            task "t" { driver = "exec" }
          }
        }
        data "http" "x" {
          url = "http://127.0.0.1:1/"
        }
        """));

    assertEquals("d.hcl:6:1: data blocks are not supported: a jobspec must not reach the network",
        e.errors().get(0).toString());
  }

  @Test
  void noFileOutsideTheRepositoryCanBeRead() {
    for (String path : List.of("../../etc/passwd", "/etc/passwd")) {
      JobspecException e = assertThrows(JobspecException.class, () -> Jobspec.parse("f.hcl", """
          job "f" {
            group "g" {
              task "t" {
                driver = "exec"
                config {
                  command = file("%s")
                }
              }
            }
          }
          """.formatted(path)));

      assertEquals("file() is not supported by Caravan: a job file may not read other files",
          e.errors().get(0).message());
      assertEquals(6, e.errors().get(0).line());
    }
  }
}
