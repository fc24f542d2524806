package dev.caravan.periodic;

import static dev.caravan.cluster.testing.LoopbackPorts.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterServer;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.server.ServerConfig;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.PeriodicConfig;
import dev.caravan.cluster.structs.PeriodicLaunch;
import dev.caravan.cluster.structs.Resources;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskGroup;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three servers, a job firing every 2 s, and the leader killed right before, at, and right after
 * a fire time: every slot launches at most one child, whichever leader proposed it.
 */
class PeriodicLeaderFailoverTest {
    private final List<Member> members = new ArrayList<>();

    record Member(ServerConfig config, ClusterServer server, PeriodicService periodic) {
        static Member start(ServerConfig config) throws IOException {
            ClusterServer server = ClusterServer.start(config);
            PeriodicService periodic = new PeriodicService(server, config.clock());
            server.addLeadershipListener(periodic);
            return new Member(config, server, periodic);
        }

        void close() throws IOException {
            periodic.close();
            server.close();
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (Member m : members) {
            m.close();
        }
    }

    @Test
    void killingTheLeaderAroundFireTimesNeverLaunchesASlotTwice(@TempDir Path dir) throws Exception {
        List<String> peers = List.of("127.0.0.1:" + freePort(), "127.0.0.1:" + freePort(),
                "127.0.0.1:" + freePort());
        for (int i = 0; i < 3; i++) {
            members.add(Member.start(new ServerConfig("s" + i, dir.resolve("s" + i), peers.get(i),
                    peers, Clock.systemUTC())));
        }
        Member leader = awaitLeader();
        leader.server().registerJob(new Cluster.JobRegisterRequest(tickJob(), false, 0));
        awaitState(leader.server(), s -> !s.childJobs("default", "tick").isEmpty());

        for (long offsetMillis : new long[] {-150, 0, 150}) {
            leader = awaitLeader();
            long fireAt = (System.currentTimeMillis() / 2000 + 1) * 2000;
            sleepUntil(fireAt + offsetMillis);
            members.remove(leader);
            leader.close();
            long killedAtSeconds = System.currentTimeMillis() / 1000;

            Member next = awaitLeader();
            awaitState(next.server(), s -> s.periodicLaunch("default", "tick")
                    .map(l -> l.lastSlot() > killedAtSeconds).orElse(false));
            members.add(Member.start(leader.config()));
        }

        ClusterState s = awaitLeader().server().state();
        List<Job> children = s.childJobs("default", "tick");
        Set<Long> slots = new HashSet<>();
        for (Job child : children) {
            assertEquals(0, child.version(), child.id() + " was registered more than once");
            long launchEvals = s.evalsByJob("default", child.id()).stream()
                    .filter(e -> Evaluation.TRIGGER_PERIODIC_JOB.equals(e.triggeredBy())).count();
            assertEquals(1, launchEvals, child.id() + " launched more than once");
            assertTrue(slots.add(Long.parseLong(child.id().substring("tick/periodic-".length()))));
        }
        List<PeriodicLaunch.Entry> history = s.periodicLaunch("default", "tick").orElseThrow().history();
        assertEquals(history.size(), history.stream().map(PeriodicLaunch.Entry::slot).distinct().count(),
                "a slot appears twice in the launch history: " + history);
        assertTrue(children.size() >= 4, "launches continued across three leader changes: " + children.size());
    }

    private static Job tickJob() {
        return Job.builder().id("tick").type(Job.TYPE_BATCH)
                .periodic(new PeriodicConfig(true, "*/2 * * * * * *", null, "cron", false, "UTC"))
                .taskGroups(List.of(TaskGroup.builder().name("g").count(1)
                        .tasks(List.of(Task.builder().name("t").driver("mock")
                                .resources(new Resources(10, 0, 16, 0, 0)).build()))
                        .build()))
                .build();
    }

    private Member awaitLeader() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (Member m : members) {
                if (m.server().isLeader()) {
                    return m;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no leader elected");
    }

    static ClusterState awaitState(Cluster c, Predicate<ClusterState> ok) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        ClusterState s = c.state();
        while (!ok.test(s)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("state never matched; last index " + s.index());
            }
            s = c.awaitIndex(s.index(), Duration.ofMillis(200));
        }
        return s;
    }

    private static void sleepUntil(long epochMillis) throws InterruptedException {
        long left = epochMillis - System.currentTimeMillis();
        if (left > 0) {
            Thread.sleep(left);
        }
    }
}
