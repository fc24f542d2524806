package dev.caravan.cluster.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Deployment;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.Job;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random command sequences: after every apply, each by-key query the secondary indexes
 * answer (allocations by node and by job, evaluations and deployments by job, child jobs) is
 * exactly what a scan of the whole primary map answers, in the same order, as the
 * implementation before the indexes did; and a snapshot round trip changes no answer.
 */
class StateIndexPropertyTest {
  private static final List<String> NAMESPACES = List.of("default", "ops");
  private static final List<String> JOBS = List.of("web", "api", "batch", "cron", "cron/c1",
      "cron/c2", "web/d1");
  private static final List<String> NODES = List.of("n0", "n1", "n2", "n3");

  static LongStream seeds() {
    return LongStream.range(1, 31);
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void indexesAgreeWithScansAfterEveryCommand(long seed) throws Exception {
    SplittableRandom r = new SplittableRandom(seed);
    StateImage s = StateImage.EMPTY;
    for (long index = 1; index <= 150; index++) {
      s = StateMachineCore.apply(s, index, randomCommand(r, s, index));

      assertIndexesAgreeWithScans(s);
    }
    StateImage restored = StateImage.fromJson(s.toJson());
    assertIndexesAgreeWithScans(restored);
    assertSameAnswers(s, restored);
    assertSameAnswers(s, s.reindexed());
  }

  // ---- the oracle: scans with the semantics the queries had before the indexes ----

  static void assertIndexesAgreeWithScans(StateImage s) {
    for (String ns : List.of("default", "ops", "nowhere")) {
      for (String job : JOBS) {
        assertEquals(scanAllocsByJob(s, ns, job), s.allocsByJob(ns, job), "allocs of " + job);
        assertEquals(scanEvalsByJob(s, ns, job), s.evalsByJob(ns, job), "evals of " + job);
        assertEquals(scanDeploymentsByJob(s, ns, job), s.deploymentsByJob(ns, job),
            "deployments of " + job);
        assertEquals(scanChildJobs(s, ns, job), s.childJobs(ns, job), "children of " + job);
      }
    }
    for (String node : NODES) {
      assertEquals(scanAllocsByNode(s, node), s.allocsByNode(node), "allocs on " + node);
    }
    for (String status : List.of(Evaluation.STATUS_PENDING, Evaluation.STATUS_BLOCKED,
        Evaluation.STATUS_COMPLETE, Evaluation.STATUS_FAILED, Evaluation.STATUS_CANCELED)) {
      assertEquals(s.evals().stream().filter(e -> status.equals(e.status())).toList(),
          s.evalsWithStatus(status), "evals " + status);
    }
  }

  private static List<Allocation> scanAllocsByJob(ClusterState s, String ns, String jobId) {
    return s.allocs().stream()
        .filter(a -> a.jobId().equals(jobId) && ns.equals(a.namespace())).toList();
  }

  private static List<Allocation> scanAllocsByNode(ClusterState s, String nodeId) {
    return s.allocs().stream().filter(a -> nodeId.equals(a.nodeId())).toList();
  }

  private static List<Evaluation> scanEvalsByJob(ClusterState s, String ns, String jobId) {
    return s.evals().stream()
        .filter(e -> jobId.equals(e.jobId()) && ns.equals(e.namespace())).toList();
  }

  private static List<Deployment> scanDeploymentsByJob(ClusterState s, String ns, String jobId) {
    List<Deployment> out = new ArrayList<>(s.deployments().stream()
        .filter(d -> jobId.equals(d.jobId()) && ns.equals(d.namespace())).toList());
    out.sort(Comparator.comparingLong(Deployment::createIndex).reversed());
    return out;
  }

  private static List<Job> scanChildJobs(ClusterState s, String ns, String parentId) {
    return s.jobs().stream()
        .filter(j -> parentId.equals(j.parentId()) && ns.equals(j.namespace())).toList();
  }

  private static void assertSameAnswers(StateImage a, StateImage b) {
    assertEquals(a.index(), b.index());
    assertEquals(a.jobs(), b.jobs());
    assertEquals(slim(a.allocs()), slim(b.allocs()));
    assertEquals(a.evals(), b.evals());
    assertEquals(a.nodes(), b.nodes());
    assertEquals(a.deployments(), b.deployments());
    for (String ns : NAMESPACES) {
      for (String job : JOBS) {
        assertEquals(a.jobVersions(ns, job), b.jobVersions(ns, job));
        assertEquals(slim(a.allocsByJob(ns, job)), slim(b.allocsByJob(ns, job)));
        assertEquals(a.evalsByJob(ns, job), b.evalsByJob(ns, job));
        assertEquals(a.deploymentsByJob(ns, job), b.deploymentsByJob(ns, job));
        assertEquals(a.childJobs(ns, job), b.childJobs(ns, job));
      }
    }
    for (String node : NODES) {
      assertEquals(slim(a.allocsByNode(node)), slim(b.allocsByNode(node)));
    }
  }

  /**
   * Allocations with their job reduced to its version: a restore links each to the stored
   * instance of its version, whose bookkeeping (status, modify index) may be newer.
   */
  private static List<String> slim(List<Allocation> allocs) {
    return allocs.stream().map(a -> a.toBuilder().job(null).build() + " v"
        + (a.job() == null ? "-" : a.job().version())).toList();
  }

  // ---- random commands over a small space of ids, so that they collide often ----

  private static Command randomCommand(SplittableRandom r, StateImage s, long index) {
    String ns = pick(r, NAMESPACES);
    String jobId = pick(r, JOBS);
    long time = index * 1000;
    return switch (r.nextInt(9)) {
      case 0, 1 -> new Command.JobRegister(job(r, ns, jobId), r.nextInt(5) == 0,
          r.nextInt(3), r.nextBoolean() ? eval(r, ns, jobId) : null, time);
      case 2 -> new Command.JobDeregister(ns, jobId, r.nextInt(3) == 0,
          r.nextBoolean() ? eval(r, ns, jobId) : null, time);
      case 3 -> r.nextInt(4) == 0
          ? new Command.EvalReap(List.of("e" + r.nextInt(12), "e" + r.nextInt(12)))
          : new Command.EvalUpsert(List.of(eval(r, ns, jobId), eval(r, pick(r, NAMESPACES),
              pick(r, JOBS))), time);
      case 4 -> new Command.PlanApply("e", placements(r, s), stops(r, s), time);
      case 5 -> new Command.AllocClientUpdate(clientUpdates(r, s), List.of(), time);
      case 6 -> r.nextBoolean()
          ? new Command.NodeRegister(Fixtures.node(pick(r, NODES), 4000, 8192), time)
          : new Command.NodeStatusUpdate(pick(r, NODES), r.nextBoolean() ? "down" : "ready",
              "test", List.of(), time);
      case 7 -> new Command.DeploymentPlanApply(
          new Command.PlanApply("e", placements(r, s), List.of(), time),
          Deployment.builder().id("d" + r.nextInt(6)).namespace(ns).jobId(jobId)
              .createIndex(r.nextInt(4)).build(),
          List.of());
      default -> new Command.JobRegisterBatch(List.of(
          new Command.JobRegister(job(r, ns, jobId), false, 0, eval(r, ns, jobId), time),
          new Command.JobRegister(job(r, pick(r, NAMESPACES), pick(r, JOBS)), false, 0, null,
              time)));
    };
  }

  private static Job job(SplittableRandom r, String ns, String id) {
    int slash = id.indexOf('/');
    Job.Builder b = Fixtures.job(id, 1 + r.nextInt(3)).toBuilder().namespace(ns)
        .type(r.nextInt(4) == 0 ? Job.TYPE_BATCH : Job.TYPE_SERVICE)
        .stop(r.nextInt(6) == 0);
    if (slash > 0) {
      b.parentId(id.substring(0, slash));
    }
    return b.build();
  }

  private static Evaluation eval(SplittableRandom r, String ns, String jobId) {
    return Evaluation.builder().id("e" + r.nextInt(12)).namespace(ns).jobId(jobId)
        .type("service").status(pick(r, List.of(Evaluation.STATUS_PENDING,
            Evaluation.STATUS_BLOCKED, Evaluation.STATUS_COMPLETE, Evaluation.STATUS_FAILED,
            Evaluation.STATUS_CANCELED))).build();
  }

  private static List<Allocation> placements(SplittableRandom r, StateImage s) {
    List<Allocation> out = new ArrayList<>();
    for (int i = r.nextInt(4); i > 0; i--) {
      String ns = pick(r, NAMESPACES);
      String jobId = pick(r, JOBS);
      Job job = s.job(ns, jobId).orElse(null);
      out.add(Allocation.builder().id("a" + r.nextInt(25)).namespace(ns).jobId(jobId)
          .job(job == null || r.nextBoolean() ? null : job).taskGroup("web")
          .nodeId(r.nextInt(8) == 0 ? null : pick(r, NODES)).build());
    }
    return out;
  }

  private static List<Allocation> stops(SplittableRandom r, StateImage s) {
    List<Allocation> all = s.allocs();
    List<Allocation> out = new ArrayList<>();
    for (int i = all.isEmpty() ? 0 : r.nextInt(3); i > 0; i--) {
      Allocation a = all.get(r.nextInt(all.size()));
      out.add(Allocation.builder().id(a.id()).namespace(a.namespace()).jobId(a.jobId())
          .desiredStatus(Allocation.DESIRED_STOP).clientStatus(null).build());
    }
    return out;
  }

  private static List<Allocation> clientUpdates(SplittableRandom r, StateImage s) {
    List<Allocation> all = s.allocs();
    List<Allocation> out = new ArrayList<>();
    for (int i = all.isEmpty() ? 0 : 1 + r.nextInt(3); i > 0; i--) {
      Allocation a = all.get(r.nextInt(all.size()));
      out.add(Allocation.builder().id(a.id()).namespace(a.namespace()).jobId(a.jobId())
          .clientStatus(pick(r, List.of(Allocation.CLIENT_RUNNING, Allocation.CLIENT_COMPLETE,
              Allocation.CLIENT_FAILED))).build());
    }
    return out;
  }

  private static <T> T pick(SplittableRandom r, List<T> from) {
    return from.get(r.nextInt(from.size()));
  }
}
