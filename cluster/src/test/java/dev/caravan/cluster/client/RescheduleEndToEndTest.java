package dev.caravan.cluster.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.ReschedulePolicy;
import dev.caravan.cluster.structs.TaskGroup;
import dev.caravan.cluster.structs.UpdateStrategy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failing task under {@code reschedule { attempts = 1, interval = "1h" }} on a real client. */
class RescheduleEndToEndTest {
  @TempDir Path dir;

  private static List<Allocation> allocs(ClusterState s) {
    return s.allocsByJob("default", "flaky").stream()
        .sorted(Comparator.comparingLong(Allocation::createIndex)).toList();
  }

  private static boolean settled(ClusterState s) {
    return s.evalsByJob("default", "flaky").stream().allMatch(e -> e.isTerminal()
        || Evaluation.STATUS_BLOCKED.equals(e.status()));
  }

  @Test
  void aFailingAllocationIsReplacedOnceAfterItsDelayThenNotAgain() throws Exception {
    try (ClientHarness cluster = new ClientHarness(dir)) {
      ClientAgent client = cluster.client(Duration.ofSeconds(30));
      try {
        Job job = ClientHarness.job("flaky", "mock", Map.of("run_for", "50ms", "exit_code", 1),
            null);
        TaskGroup g = job.taskGroups().get(0).toBuilder()
            // delay 5s (Nomad's minimum), beyond the one-second window: the replacement waits for a follow-up
            .reschedulePolicy(new ReschedulePolicy(1, Duration.ofHours(1), Duration.ofSeconds(5),
                "constant", Duration.ZERO, false))
            .update(new UpdateStrategy(null, 0, "task_states", null, null, null, false, false, 0,
                false))
            .build();
        job = job.toBuilder().taskGroups(List.of(g)).build();

        Allocation first = cluster.run(job);
        ClusterState s = cluster.await(x -> allocs(x).size() == 2);
        Allocation replacement = allocs(s).get(1);

        assertEquals(first.id(), replacement.previousAllocation());
        assertEquals(1, replacement.rescheduleTracker().events().size());
        assertEquals(first.id(), replacement.rescheduleTracker().events().get(0).prevAllocId());
        assertEquals(Duration.ofSeconds(5),
            replacement.rescheduleTracker().events().get(0).delay());
        Allocation failedFirst = s.alloc(first.id()).orElseThrow();
        assertTrue(s.evalsByJob("default", "flaky").stream().anyMatch(e -> e.waitUntil() > 0
            && e.triggeredBy().equals(Evaluation.TRIGGER_ALLOC_FAILURE)),
            "a follow-up evaluation waited for the delay");
        assertTrue(replacement.createTime() >= dev.caravan.cluster.scheduler.RescheduleDecider
            .failTime(failedFirst) + Duration.ofSeconds(4).toNanos(),
            "the replacement was placed after the delay");

        ClusterState after = cluster.await(x -> x.alloc(replacement.id())
            .map(a -> Allocation.CLIENT_FAILED.equals(a.clientStatus())).orElse(false)
            && settled(x));

        assertEquals(2, allocs(after).size(), allocs(after).toString());
        assertEquals(Allocation.DESIRED_RUN,
            after.alloc(replacement.id()).orElseThrow().desiredStatus());
      } finally {
        client.close();
      }
    }
  }
}
