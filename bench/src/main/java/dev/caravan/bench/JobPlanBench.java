package dev.caravan.bench;

import dev.caravan.cluster.plan.JobPlanResponse;
import dev.caravan.cluster.plan.JobPlanner;
import dev.caravan.cluster.scheduler.Plan;
import dev.caravan.cluster.scheduler.SchedulerFactory;
import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.state.StateImage;
import dev.caravan.cluster.state.StateMachineCore;
import dev.caravan.cluster.structs.DriverInfo;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.JobDefaults;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.NodeResources;
import dev.caravan.cluster.structs.Resources;
import dev.caravan.cluster.structs.Task;
import dev.caravan.cluster.structs.TaskGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The plan API's cost ({@code JobPlanner.plan}: validation, the real scheduler's dry run over
 * a private copy of the state, the annotated diff), in-process on a state of N nodes running
 * one job of C allocations, for two changes: an image change (destructive) and a count change.
 * Prints one JSON line per change.
 *
 * <p>Usage: {@code java -cp bench/target/classes:agent/target/caravan.jar
 * dev.caravan.bench.JobPlanBench [nodes=1000] [count=1000] [rounds=50]}.
 */
public final class JobPlanBench {
  private JobPlanBench() {}

  public static void main(String[] args) throws Exception {
    int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    AtomicLong ids = new AtomicLong();
    StateImage s = StateImage.EMPTY;
    long index = 0;
    for (int n = 0; n < nodes; n++) {
      s = StateMachineCore.apply(s, ++index, new Command.NodeRegister(Node.builder()
          .id("node-" + n).name("node-" + n).datacenter("dc1")
          .nodeResources(new NodeResources(8000, 8, 16_384, 100_000))
          .drivers(Map.of("mock", new DriverInfo(true, true, "ok", Map.of(), 0))).build(), 0));
    }
    Job job = JobDefaults.apply(job(count, "v1"));
    Evaluation eval = Evaluation.builder().id("e").jobId(job.id()).type(job.type()).build();
    s = StateMachineCore.apply(s, ++index, new Command.JobRegister(job, false, 0, eval, 0));
    Plan placed = SchedulerFactory.computePlan(s, eval, () -> "a-" + ids.incrementAndGet(), 0);
    s = StateMachineCore.apply(s, ++index,
        new Command.PlanApply("e", placed.placements(), placed.stops(), 0));
    final StateImage state = s;
    run("image change", state, job(count, "v2"), rounds, nodes, count);
    run("count change", state, job(count + count / 10, "v1"), rounds, nodes, count);
  }

  private static void run(String change, StateImage state, Job desired, int rounds, int nodes,
      int count) throws Exception {
    AtomicLong ids = new AtomicLong();
    for (int w = 0; w < 5; w++) {
      JobPlanner.plan(state, desired, true, 0, () -> "p-" + ids.incrementAndGet());
    }
    List<Double> ms = new ArrayList<>();
    JobPlanResponse last = null;
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      last = JobPlanner.plan(state, desired, true, 0, () -> "p-" + ids.incrementAndGet());
      ms.add((System.nanoTime() - t0) / 1e6);
    }
    Collections.sort(ms);
    System.out.printf("{\"bench\":\"job-plan\",\"change\":\"%s\",\"nodes\":%d,\"allocs\":%d,"
        + "\"rounds\":%d,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f,\"desired\":\"%s\"}%n",
        change, nodes, count, rounds, ms.get(ms.size() / 2),
        ms.get(Math.min(ms.size() - 1, (int) Math.ceil(ms.size() * 0.99) - 1)),
        ms.get(ms.size() - 1), last.annotations().desiredTgUpdates().get("web"));
  }

  private static Job job(int count, String image) {
    return Job.builder().id("web").datacenters(List.of("*"))
        .taskGroups(List.of(TaskGroup.builder().name("web").count(count)
            .tasks(List.of(Task.builder().name("server").driver("mock")
                .config(Map.of("image", image)).resources(new Resources(100, 0, 128, 0, 0))
                .build()))
            .build()))
        .build();
  }
}
