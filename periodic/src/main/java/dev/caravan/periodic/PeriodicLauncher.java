package dev.caravan.periodic;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TimeZone;
import java.util.concurrent.atomic.AtomicInteger;
import org.quartz.CronScheduleBuilder;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

/**
 * Leader-only shell that fires tracked periodic jobs through Quartz and hands each fire to a
 * {@link LaunchPort} with the slot's scheduled time.
 *
 * <p>Lifecycle: tracked jobs are kept while a follower; {@link #leadershipGained()} builds and
 * starts an in-memory (RAMJobStore) Quartz scheduler with them, {@link #leadershipLost()} shuts it
 * down, waiting for running launches. Missed slots are not replayed by Quartz (misfire: do
 * nothing); catching up on leadership gain is {@link PeriodicLaunchPlanner}'s job.
 */
public final class PeriodicLauncher {
    static final String PORT_KEY = "caravan.launchPort";
    private static final String PARENT_KEY = "parentId";
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final LaunchPort port;
    private final Properties quartzProperties;
    private final Map<String, CronSchedule> tracked = new LinkedHashMap<>();
    private Scheduler scheduler;

    public PeriodicLauncher(LaunchPort port) {
        this.port = Objects.requireNonNull(port, "port");
        this.quartzProperties = quartzProperties("caravan-periodic-" + INSTANCES.incrementAndGet());
    }

    // Explicit properties: StdSchedulerFactory(Properties) never looks up a quartz.properties file.
    static Properties quartzProperties(String instanceName) {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", instanceName);
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", "2");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        // A fire more than a second late counts as missed and is dropped, not run late.
        p.setProperty("org.quartz.jobStore.misfireThreshold", "1000");
        return p;
    }

    /** Starts (or replaces) firing {@code parentId} on {@code schedule}. */
    public synchronized void track(String parentId, CronSchedule schedule) {
        Objects.requireNonNull(parentId, "parentId");
        Objects.requireNonNull(schedule, "schedule");
        tracked.put(parentId, schedule);
        if (scheduler != null) {
            untrackInQuartz(parentId);
            scheduleInQuartz(parentId, schedule);
        }
    }

    /** Stops firing {@code parentId}; a no-op when it is not tracked. */
    public synchronized void untrack(String parentId) {
        if (tracked.remove(parentId) != null && scheduler != null) {
            untrackInQuartz(parentId);
        }
    }

    /** Builds and starts the Quartz scheduler with every tracked job; a no-op when already leader. */
    public synchronized void leadershipGained() {
        if (scheduler != null) {
            return;
        }
        try {
            scheduler = new StdSchedulerFactory(quartzProperties).getScheduler();
            scheduler.getContext().put(PORT_KEY, port);
            tracked.forEach(this::scheduleInQuartz);
            scheduler.start();
        } catch (SchedulerException e) {
            leadershipLost();
            throw new IllegalStateException("cannot start the periodic launcher: " + e.getMessage(), e);
        }
    }

    /** Shuts the scheduler down, waiting for launches in flight; a no-op when not leader. */
    public synchronized void leadershipLost() {
        if (scheduler == null) {
            return;
        }
        try {
            scheduler.shutdown(true);
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot stop the periodic launcher: " + e.getMessage(), e);
        } finally {
            scheduler = null;
        }
    }

    public synchronized boolean isLeading() {
        return scheduler != null;
    }

    private void scheduleInQuartz(String parentId, CronSchedule schedule) {
        JobDetail job = JobBuilder.newJob(FireSlot.class)
                .withIdentity(parentId)
                .usingJobData(PARENT_KEY, parentId)
                .storeDurably()
                .build();
        try {
            scheduler.addJob(job, true);
            TimeZone zone = TimeZone.getTimeZone(schedule.zone());
            int n = 0;
            for (String expression : schedule.quartzExpressions()) {
                Trigger trigger = TriggerBuilder.newTrigger()
                        .withIdentity(parentId + "#" + n++)
                        .forJob(job)
                        .withSchedule(CronScheduleBuilder.cronSchedule(expression)
                                .inTimeZone(zone)
                                .withMisfireHandlingInstructionDoNothing())
                        .build();
                scheduler.scheduleJob(trigger);
            }
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot schedule periodic job " + parentId + ": " + e.getMessage(), e);
        }
    }

    private void untrackInQuartz(String parentId) {
        try {
            scheduler.deleteJob(JobKey.jobKey(parentId));
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot unschedule periodic job " + parentId + ": " + e.getMessage(), e);
        }
    }

    /** Quartz job: one fire of one periodic job; slot = the trigger's scheduled fire time. */
    @DisallowConcurrentExecution
    public static final class FireSlot implements Job {
        @Override
        public void execute(JobExecutionContext context) throws JobExecutionException {
            try {
                LaunchPort port = (LaunchPort) context.getScheduler().getContext().get(PORT_KEY);
                String parentId = context.getMergedJobDataMap().getString(PARENT_KEY);
                long slot = context.getScheduledFireTime().toInstant().getEpochSecond();
                port.launch(parentId, slot);
            } catch (SchedulerException | RuntimeException e) {
                throw new JobExecutionException(e);
            }
        }
    }
}
