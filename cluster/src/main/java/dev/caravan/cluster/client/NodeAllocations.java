package dev.caravan.cluster.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Job;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The allocations of one node as a client sees them, and their index: the highest modify
 * index among them (at least 1). A client's blocking query returns when that index passes the
 * one it holds, so that writes about other nodes do not wake it; index 0 answers at once.
 */
public record NodeAllocations(long index, List<Allocation> allocs) {

  public NodeAllocations {
    allocs = List.copyOf(allocs);
  }

  /** The node's allocations in a state image. */
  public static NodeAllocations of(ClusterState state, String nodeId) {
    List<Allocation> allocs = state.allocsByNode(nodeId);
    long index = 1; // never 0: 0 asks for an answer at once
    for (Allocation a : allocs) {
      index = Math.max(index, a.modifyIndex());
    }
    return new NodeAllocations(index, allocs);
  }

  /**
   * True when a client holding {@code index} should be answered from this image: the node's
   * allocations changed after it, or the client holds an index this state never reached (a
   * server restored from elsewhere), which must not leave it waiting forever.
   */
  public static boolean answers(ClusterState state, NodeAllocations current, long index) {
    return index <= 0 || current.index() > index || index > state.index();
  }

  /** The wire shape: allocations without their jobs, and each job they run once. */
  public Wire toWire() {
    Map<String, Integer> positions = new LinkedHashMap<>();
    List<Job> jobs = new ArrayList<>();
    Map<String, Integer> jobOf = new LinkedHashMap<>();
    List<Allocation> slim = new ArrayList<>(allocs.size());
    for (Allocation a : allocs) {
      if (a.job() != null) {
        Integer at = positions.get(jobKey(a.job()));
        if (at == null) {
          at = jobs.size();
          jobs.add(a.job());
          positions.put(jobKey(a.job()), at);
        }
        jobOf.put(a.id(), at);
        slim.add(a.toBuilder().job(null).build());
      } else {
        slim.add(a);
      }
    }
    return new Wire(index, slim, jobs, jobOf);
  }

  private static String jobKey(Job j) {
    return j.namespace() + '\0' + j.id() + '\0' + j.version() + '\0' + j.jobModifyIndex();
  }

  /**
   * The answer of {@code GET /v1/client/node/{id}/allocations}: {@code Index}, {@code Allocs}
   * without their {@code Job}, {@code Jobs} (each job version once) and {@code AllocJobs}
   * (an allocation's ID to the position of its job in {@code Jobs}).
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Wire(
      @JsonProperty("Index") long index,
      @JsonProperty("Allocs") List<Allocation> allocs,
      @JsonProperty("Jobs") List<Job> jobs,
      @JsonProperty("AllocJobs") Map<String, Integer> allocJobs) {

    public Wire {
      allocs = allocs == null ? List.of() : List.copyOf(allocs);
      jobs = jobs == null ? List.of() : List.copyOf(jobs);
      allocJobs = allocJobs == null ? Map.of() : Map.copyOf(allocJobs);
    }

    /**
     * The allocations with their jobs put back.
     *
     * @throws IllegalArgumentException when an allocation names a job position not sent
     */
    public NodeAllocations toAllocations() {
      List<Allocation> out = new ArrayList<>(allocs.size());
      for (Allocation a : allocs) {
        Integer at = allocJobs.get(a.id());
        if (at == null) {
          out.add(a);
        } else if (at < 0 || at >= jobs.size()) {
          throw new IllegalArgumentException("AllocJobs: allocation " + a.id()
              + " names job " + at + " of " + jobs.size());
        } else {
          out.add(a.toBuilder().job(jobs.get(at)).build());
        }
      }
      return new NodeAllocations(index, out);
    }
  }
}
