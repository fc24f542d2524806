package dev.caravan.cluster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.caravan.cluster.structs.DriverInfo;
import dev.caravan.cluster.structs.Node;
import dev.caravan.drivers.DriverException;
import dev.caravan.drivers.ExitResult;
import dev.caravan.drivers.Fingerprint;
import dev.caravan.drivers.TaskConfig;
import dev.caravan.drivers.TaskDriver;
import dev.caravan.drivers.TaskHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientFingerprintTest {
  @TempDir Path dir;

  @Test
  void aDriverTurningUnhealthyUpdatesTheNodeAndBackAgain() throws Exception {
    Flaky flaky = new Flaky();
    try (ClientHarness cluster = new ClientHarness(dir)) {
      ClientAgent client = cluster.client(Map.of("flaky", flaky), Duration.ofMillis(100));
      try {
        String nodeId = client.nodeId();

        flaky.healthy.set(false);
        DriverInfo sick = awaitDriver(cluster, nodeId, d -> !d.healthy());
        flaky.healthy.set(true);
        awaitDriver(cluster, nodeId, DriverInfo::healthy);

        assertEquals("engine gone", sick.healthDescription());
      } finally {
        client.close();
      }
    }
  }

  @Test
  void theNodeKeepsItsIdAcrossRestarts() throws Exception {
    try (ClientHarness cluster = new ClientHarness(dir)) {
      ClientAgent first = cluster.client(Map.of("flaky", new Flaky()), Duration.ofSeconds(30));
      String id = first.nodeId();
      first.close();

      ClientAgent second = cluster.client(Map.of("flaky", new Flaky()), Duration.ofSeconds(30));
      second.close();

      assertEquals(id, second.nodeId());
      assertEquals(id, second.node().attributes().get("unique.id"));
      assertFalse(id.isEmpty());
    }
  }

  private static DriverInfo awaitDriver(ClientHarness cluster, String nodeId,
      java.util.function.Predicate<DriverInfo> ok) throws Exception {
    return cluster.await(s -> s.node(nodeId).map(Node::drivers).map(d -> d.get("flaky"))
        .filter(ok).isPresent()).node(nodeId).orElseThrow().drivers().get("flaky");
  }

  /** A driver whose health a test switches. */
  private static final class Flaky implements TaskDriver {
    final AtomicBoolean healthy = new AtomicBoolean(true);

    @Override
    public String name() {
      return "flaky";
    }

    @Override
    public Fingerprint fingerprint() {
      return healthy.get()
          ? new Fingerprint(true, true, "healthy", Map.of("version", "1"))
          : new Fingerprint(true, false, "engine gone", Map.of("version", "1"));
    }

    @Override
    public List<String> validateConfig(Map<String, Object> config) {
      return List.of();
    }

    @Override
    public TaskHandle start(TaskConfig config) throws DriverException {
      throw new DriverException("flaky runs nothing");
    }

    @Override
    public CompletableFuture<ExitResult> waitTask(TaskHandle handle) {
      return new CompletableFuture<>();
    }

    @Override
    public void stop(TaskHandle handle, Duration killTimeout, String signal) {}

    @Override
    public void destroy(TaskHandle handle) {}

    @Override
    public TaskHandle recover(TaskHandle handle) throws DriverException {
      throw new DriverException("flaky recovers nothing");
    }
  }
}
