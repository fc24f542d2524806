package dev.caravan.bench;

import dev.caravan.cluster.state.StateImage;
import dev.caravan.cluster.structs.AllocatedResources;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.NomadJson;
import dev.caravan.cluster.structs.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Issue 4's memory figure: a state image with {@code jobs} jobs and {@code allocs} allocations
 * (restored from a generated snapshot, every allocation sharing its job version), its retained
 * heap after GC, and the
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
    long t0 = System.nanoTime();
    // built as a snapshot and restored: applying 10,000 registers one by one only measures the
    // copy-on-write maps, which is not the figure asked for
    List<Job> registered = new ArrayList<>();
    List<Allocation> allocations = new ArrayList<>();
    Map<String, Long> versions = new java.util.HashMap<>();
    for (int j = 0; j < jobs; j++) {
      Job job = SchedulerThroughputBench.job(String.format("job-%05d", j), perJob).toBuilder()
          .namespace("default").status(Job.STATUS_RUNNING).createIndex(j + 1).modifyIndex(j + 1)
          .jobModifyIndex(j + 1).build();
      registered.add(job);
      for (int i = 0; i < perJob; i++) {
        String id = String.format("%08d-%04d", j, i);
        allocations.add(Allocation.builder().id(id)
            .namespace("default").evalId("eval-" + j).name(job.id() + ".web[" + i + "]")
            .nodeId(String.format("node-%05d", (j * perJob + i) % 5_000))
            .nodeName("node").jobId(job.id()).taskGroup("web")
            .allocatedResources(new AllocatedResources(Map.of("server",
                new Resources(100, 0, 128, 0, 0)), List.of(), 0))
            .desiredStatus(Allocation.DESIRED_RUN).clientStatus(Allocation.CLIENT_RUNNING)
            .createIndex(jobs + 1).modifyIndex(jobs + 1).build());
        versions.put(id, 0L);
      }
    }
    Map<String, Object> snapshot = new java.util.LinkedHashMap<>();
    snapshot.put("Index", jobs + 1);
    snapshot.put("Jobs", registered);
    snapshot.put("Allocs", allocations);
    snapshot.put("AllocJobVersions", versions);
    StateImage s = StateImage.fromJson(NomadJson.mapper().writeValueAsBytes(snapshot));
    allocations.clear();
    versions.clear();
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
