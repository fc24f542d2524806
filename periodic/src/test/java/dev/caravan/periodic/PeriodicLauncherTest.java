package dev.caravan.periodic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PeriodicLauncherTest {
    private static final CronSchedule EVERY_SECOND =
            CronSchedule.ofNomad(List.of("*/1 * * * * * *"), ZoneId.of("UTC"));

    record Launched(String parentId, long slotUnixSeconds) {}

    static final class RecordingPort implements LaunchPort {
        final ConcurrentLinkedQueue<Launched> launched = new ConcurrentLinkedQueue<>();
        final CountDownLatch twoLaunches = new CountDownLatch(2);

        @Override
        public boolean launch(String parentId, long slotUnixSeconds) {
            launched.add(new Launched(parentId, slotUnixSeconds));
            twoLaunches.countDown();
            return true;
        }
    }

    private final RecordingPort port = new RecordingPort();
    private final PeriodicLauncher launcher = new PeriodicLauncher(port);

    @AfterEach
    void stop() {
        launcher.leadershipLost();
    }

    @Test
    void launchesTrackedJobsOncePerSlotWhileLeading() throws InterruptedException {
        launcher.track("backup", EVERY_SECOND);

        launcher.leadershipGained();
        boolean launchedTwice = port.twoLaunches.await(30, TimeUnit.SECONDS);
        launcher.leadershipLost();

        assertTrue(launchedTwice, "two launches within the bound");
        List<Launched> launched = List.copyOf(port.launched);
        assertTrue(launched.stream().allMatch(l -> l.parentId().equals("backup")), launched::toString);
        assertEquals(launched.size(), launched.stream().map(Launched::slotUnixSeconds).distinct().count(),
                launched::toString);
    }

    @Test
    void launchesJobsTrackedAfterLeadershipWasGained() throws InterruptedException {
        launcher.leadershipGained();

        launcher.track("report", EVERY_SECOND);
        boolean launchedTwice = port.twoLaunches.await(30, TimeUnit.SECONDS);

        assertTrue(launchedTwice, "two launches within the bound");
        assertEquals("report", port.launched.peek().parentId());
    }

    @Test
    void followsLeadership() {
        assertFalse(launcher.isLeading());

        launcher.leadershipGained();
        boolean leadingAfterGain = launcher.isLeading();
        launcher.leadershipLost();

        assertTrue(leadingAfterGain);
        assertFalse(launcher.isLeading());
    }

    @Test
    void canLeadAgainAfterLosingLeadership() throws InterruptedException {
        launcher.track("backup", EVERY_SECOND);
        launcher.leadershipGained();
        launcher.leadershipLost();

        launcher.leadershipGained();
        boolean launchedTwice = port.twoLaunches.await(30, TimeUnit.SECONDS);

        assertTrue(launchedTwice, "two launches within the bound");
    }

    @Test
    void losingLeadershipWhenNotLeadingIsANoOp() {
        launcher.leadershipLost();

        assertFalse(launcher.isLeading());
    }
}
