package dev.caravan.bench;

import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.state.StateImage;
import dev.caravan.cluster.state.StateMachineCore;
import dev.caravan.cluster.structs.AllocatedResources;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Issue 4's memory figure: a state image with {@code jobs} jobs and {@code allocs} allocations
 * built through the apply switch (batched plan applies), its retained heap after GC, and the
 * time to snapshot it ({@code toJson}) and restore it ({@code fromJson}). Run with
 * {@code -Xmx1g} to show it fits in a 1 GB heap. Prints JSON.
 *
 * <p>Usage: {@code java -Xmx1g -cp <bench classpath> dev.caravan.bench.StateMemoryBench
 * [jobs=10000] [allocs=100000]}.
 */
public final class StateMemoryBench {
  public static void main(String[] args) throws Exception {
    int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int allocs = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int perJob = allocs / jobs;
    long heapBefore = usedAfterGc();
    StateImage s = StateImage.EMPTY;
    long index = 0;
    long t0 = System.nanoTime();
    List<Job> registered = new ArrayList<>();
    for (int j = 0; j < jobs; j++) {
      Job job = SchedulerThroughputBench.job(String.format("job-%05d", j), perJob);
      s = StateMachineCore.apply(s, ++index, new Command.JobRegister(job, false, 0, null, j));
      registered.add(s.job("default", job.id()).orElseThrow());
    }
    List<Allocation> batch = new ArrayList<>();
    for (int j = 0; j < jobs; j++) {
      Job job = registered.get(j);
      for (int i = 0; i < perJob; i++) {
        batch.add(Allocation.builder().id(String.format("%08d-%04d", j, i))
            .namespace("default").evalId("eval-" + j).name(job.id() + ".web[" + i + "]")
            .nodeId(String.format("node-%05d", (j * perJob + i) % 5_000))
            .nodeName("node").jobId(job.id()).job(job).taskGroup("web")
            .allocatedResources(new AllocatedResources(Map.of("server",
                new Resources(100, 0, 128, 0, 0)), List.of(), 0))
            .desiredStatus(Allocation.DESIRED_RUN).clientStatus(Allocation.CLIENT_RUNNING)
            .build());
      }
      if (batch.size() >= 20_000 || j == jobs - 1) {
        s = StateMachineCore.apply(s, ++index, new Command.PlanApply(null, batch, List.of(), j));
        batch.clear();
      }
    }
    long buildMillis = (System.nanoTime() - t0) / 1_000_000;
    registered.clear();
    long heapMb = (usedAfterGc() - heapBefore) >> 20;

    java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
    long t1 = System.nanoTime();
    long c1 = cpu.getCurrentThreadCpuTime();
    byte[] json = s.toJson();
    long snapshotMillis = (System.nanoTime() - t1) / 1_000_000;
    long snapshotCpu = (cpu.getCurrentThreadCpuTime() - c1) / 1_000_000;
    long t2 = System.nanoTime();
    long c2 = cpu.getCurrentThreadCpuTime();
    StateImage restored = StateImage.fromJson(json);
    long restoreMillis = (System.nanoTime() - t2) / 1_000_000;
    long restoreCpu = (cpu.getCurrentThreadCpuTime() - c2) / 1_000_000;
    if (restored.allocs().size() != s.allocs().size() || restored.jobs().size() != jobs) {
      throw new IllegalStateException("restore lost data");
    }
    System.out.printf("{\"benchmark\":\"state-memory\",\"jobs\":%d,\"allocations\":%d,"
        + "\"build_ms\":%d,\"retained_heap_mb\":%d,\"max_heap_mb\":%d,\"snapshot_bytes\":%d,"
        + "\"snapshot_ms\":%d,\"restore_ms\":%d,\"snapshot_plus_restore_ms\":%d,"
        + "\"snapshot_cpu_ms\":%d,\"restore_cpu_ms\":%d,\"load_average\":%.1f}%n",
        jobs, s.allocs().size(), buildMillis, heapMb, Runtime.getRuntime().maxMemory() >> 20,
        json.length, snapshotMillis, restoreMillis, snapshotMillis + restoreMillis, snapshotCpu,
        restoreCpu, java.lang.management.ManagementFactory.getOperatingSystemMXBean()
            .getSystemLoadAverage());
  }

  private static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
  }
}
