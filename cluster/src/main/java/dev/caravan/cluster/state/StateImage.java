package dev.caravan.cluster.state;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Deployment;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.GitSourceSpec;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.PeriodicLaunch;
import dev.caravan.cluster.structs.SourceSyncRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The replicated state at one index. Immutable: {@link StateMachineCore} copies the maps it
 * changes (copy on write) and shares the rest with the previous image.
 */
public final class StateImage implements ClusterState {
  /** Job versions kept per job, newest first. */
  public static final int KEPT_VERSIONS = 6;

  public static final StateImage EMPTY = new StateImage(0, new TreeMap<>(), new TreeMap<>(),
      new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), PeriodicState.EMPTY, new TreeMap<>(),
      new TreeMap<>());

  final long index;
  /** Key {@code namespace + '\0' + id}; versions newest first. */
  final TreeMap<String, List<Job>> jobs;
  final TreeMap<String, Allocation> allocs;
  final TreeMap<String, Node> nodes;
  final TreeMap<String, Evaluation> evals;
  final TreeMap<String, Deployment> deployments;
  final PeriodicState periodic;
  /** GitOps sync history by source name, newest first. */
  final TreeMap<String, List<SourceSyncRecord>> sourceSyncs;
  /** GitOps sources added at run time, by name. */
  final TreeMap<String, GitSourceSpec> gitSources;

  StateImage(long index, TreeMap<String, List<Job>> jobs, TreeMap<String, Allocation> allocs,
      TreeMap<String, Node> nodes, TreeMap<String, Evaluation> evals,
      TreeMap<String, Deployment> deployments, PeriodicState periodic,
      TreeMap<String, List<SourceSyncRecord>> sourceSyncs,
      TreeMap<String, GitSourceSpec> gitSources) {
    this.index = index;
    this.jobs = jobs;
    this.allocs = allocs;
    this.nodes = nodes;
    this.evals = evals;
    this.deployments = deployments;
    this.periodic = periodic;
    this.sourceSyncs = sourceSyncs;
    this.gitSources = gitSources;
  }

  static String jobKey(String namespace, String id) {
    return (namespace == null ? "default" : namespace) + '\0' + id;
  }

  @Override
  public long index() {
    return index;
  }

  @Override
  public Optional<Job> job(String namespace, String id) {
    List<Job> versions = jobs.get(jobKey(namespace, id));
    return versions == null ? Optional.empty() : Optional.of(versions.get(0));
  }

  @Override
  public List<Job> jobs() {
    List<Job> out = new ArrayList<>(jobs.size());
    for (List<Job> versions : jobs.values()) {
      out.add(versions.get(0));
    }
    return out;
  }

  @Override
  public List<Job> jobVersions(String namespace, String id) {
    List<Job> versions = jobs.get(jobKey(namespace, id));
    return versions == null ? List.of() : versions;
  }

  @Override
  public Optional<Allocation> alloc(String id) {
    return Optional.ofNullable(allocs.get(id));
  }

  @Override
  public List<Allocation> allocs() {
    return List.copyOf(allocs.values());
  }

  @Override
  public List<Allocation> allocsByJob(String namespace, String jobId) {
    String ns = namespace == null ? "default" : namespace;
    List<Allocation> out = new ArrayList<>();
    for (Allocation a : allocs.values()) {
      if (a.jobId().equals(jobId) && ns.equals(a.namespace())) {
        out.add(a);
      }
    }
    return out;
  }

  @Override
  public List<Allocation> allocsByNode(String nodeId) {
    List<Allocation> out = new ArrayList<>();
    for (Allocation a : allocs.values()) {
      if (nodeId.equals(a.nodeId())) {
        out.add(a);
      }
    }
    return out;
  }

  @Override
  public Optional<Node> node(String id) {
    return Optional.ofNullable(nodes.get(id));
  }

  @Override
  public List<Node> nodes() {
    return List.copyOf(nodes.values());
  }

  @Override
  public Optional<Evaluation> eval(String id) {
    return Optional.ofNullable(evals.get(id));
  }

  @Override
  public List<Evaluation> evals() {
    return List.copyOf(evals.values());
  }

  @Override
  public List<Evaluation> evalsByJob(String namespace, String jobId) {
    String ns = namespace == null ? "default" : namespace;
    List<Evaluation> out = new ArrayList<>();
    for (Evaluation e : evals.values()) {
      if (jobId.equals(e.jobId()) && ns.equals(e.namespace())) {
        out.add(e);
      }
    }
    return out;
  }

  @Override
  public Optional<Deployment> deployment(String id) {
    return Optional.ofNullable(deployments.get(id));
  }

  @Override
  public List<Deployment> deployments() {
    return List.copyOf(deployments.values());
  }

  @Override
  public List<Deployment> deploymentsByJob(String namespace, String jobId) {
    String ns = namespace == null ? "default" : namespace;
    List<Deployment> out = new ArrayList<>();
    for (Deployment d : deployments.values()) {
      if (jobId.equals(d.jobId()) && ns.equals(d.namespace())) {
        out.add(d);
      }
    }
    out.sort(Comparator.comparingLong(Deployment::createIndex).reversed());
    return out;
  }

  @Override
  public Optional<PeriodicLaunch> periodicLaunch(String namespace, String jobId) {
    return Optional.ofNullable(periodic.launches.get(jobKey(namespace, jobId)));
  }

  @Override
  public Optional<String> dispatchedChild(String namespace, String parentId, String token) {
    return Optional.ofNullable(
        periodic.dispatchTokens.get(PeriodicState.tokenKey(namespace, parentId, token)));
  }

  @Override
  public List<SourceSyncRecord> sourceSyncs(String source) {
    return sourceSyncs.getOrDefault(source, List.of());
  }

  @Override
  public List<GitSourceSpec> gitSources() {
    return List.copyOf(gitSources.values());
  }

  // ---- snapshots ----

  /** The whole image as JSON, for Raft snapshots. */
  public byte[] toJson() throws IOException {
    List<Job> allVersions = new ArrayList<>();
    jobs.values().forEach(allVersions::addAll);
    // an allocation whose job version is kept is written without it and re-linked on restore:
    // embedding the job in every allocation made snapshots ~2 KB per allocation
    List<Allocation> slimAllocs = new ArrayList<>(allocs.size());
    Map<String, Long> jobVersions = new HashMap<>();
    for (Allocation a : allocs.values()) {
      if (a.job() != null && keptVersion(a) != null) {
        slimAllocs.add(a.toBuilder().job(null).build());
        jobVersions.put(a.id(), a.job().version());
      } else {
        slimAllocs.add(a);
      }
    }
    return CommandCodec.mapper().writeValueAsBytes(new Snapshot(index, allVersions,
        slimAllocs, List.copyOf(nodes.values()), List.copyOf(evals.values()),
        List.copyOf(deployments.values()), List.copyOf(periodic.launches.values()),
        periodic.tokenList(), jobVersions, allSyncs(), List.copyOf(gitSources.values())));
  }

  private List<SourceSyncRecord> allSyncs() {
    List<SourceSyncRecord> out = new ArrayList<>();
    sourceSyncs.values().forEach(out::addAll);
    return out;
  }

  private Job keptVersion(Allocation a) {
    for (Job v : jobVersions(a.namespace(), a.jobId())) {
      if (v.version() == a.job().version()) {
        return v;
      }
    }
    return null;
  }

  /**
   * Restores an image; allocations are re-linked to the stored instance of their job version
   * so that they share it again.
   */
  public static StateImage fromJson(byte[] json) throws IOException {
    Snapshot s = CommandCodec.mapper().readValue(json, Snapshot.class);
    TreeMap<String, List<Job>> jobs = new TreeMap<>();
    Map<String, Job> byVersion = new HashMap<>();
    for (Job j : s.jobs()) {
      jobs.computeIfAbsent(jobKey(j.namespace(), j.id()), k -> new ArrayList<>()).add(j);
      byVersion.putIfAbsent(jobKey(j.namespace(), j.id()) + '\0' + j.version(), j);
    }
    jobs.replaceAll((k, v) -> {
      v.sort(Comparator.comparingLong(Job::version).reversed());
      return Collections.unmodifiableList(v);
    });
    TreeMap<String, Allocation> allocs = new TreeMap<>();
    for (Allocation a : s.allocs()) {
      Long slimVersion = a.job() == null ? s.allocJobVersions().get(a.id()) : null;
      Job shared = a.job() == null
          ? (slimVersion == null ? null
              : byVersion.get(jobKey(a.namespace(), a.jobId()) + '\0' + slimVersion))
          : byVersion.get(jobKey(a.namespace(), a.jobId()) + '\0' + a.job().version());
      allocs.put(a.id(), shared == null ? a : a.toBuilder().job(shared).build());
    }
    TreeMap<String, Node> nodes = new TreeMap<>();
    s.nodes().forEach(n -> nodes.put(n.id(), n));
    TreeMap<String, Evaluation> evals = new TreeMap<>();
    s.evals().forEach(e -> evals.put(e.id(), e));
    TreeMap<String, Deployment> deployments = new TreeMap<>();
    s.deployments().forEach(d -> deployments.put(d.id(), d));
    TreeMap<String, List<SourceSyncRecord>> syncs = new TreeMap<>();
    for (SourceSyncRecord r : s.sourceSyncs()) {
      syncs.computeIfAbsent(r.source(), k -> new ArrayList<>()).add(r);
    }
    syncs.replaceAll((k, v) -> Collections.unmodifiableList(v));
    TreeMap<String, GitSourceSpec> gitSources = new TreeMap<>();
    s.gitSources().forEach(g -> gitSources.put(g.name(), g));
    return new StateImage(s.index(), jobs, allocs, nodes, evals, deployments,
        PeriodicState.of(s.periodicLaunches(), s.dispatchTokens()), syncs, gitSources);
  }

  record Snapshot(
      @JsonProperty("Index") long index,
      @JsonProperty("Jobs") List<Job> jobs,
      @JsonProperty("Allocs") List<Allocation> allocs,
      @JsonProperty("Nodes") List<Node> nodes,
      @JsonProperty("Evals") List<Evaluation> evals,
      @JsonProperty("Deployments") List<Deployment> deployments,
      @JsonProperty("PeriodicLaunches") List<PeriodicLaunch> periodicLaunches,
      @JsonProperty("DispatchTokens") List<PeriodicState.DispatchToken> dispatchTokens,
      @JsonProperty("AllocJobVersions") Map<String, Long> allocJobVersions,
      @JsonProperty("SourceSyncs") List<SourceSyncRecord> sourceSyncs,
      @JsonProperty("GitSources") List<GitSourceSpec> gitSources) {
    Snapshot {
      allocJobVersions = allocJobVersions == null ? Map.of() : allocJobVersions;
      jobs = jobs == null ? List.of() : jobs;
      allocs = allocs == null ? List.of() : allocs;
      nodes = nodes == null ? List.of() : nodes;
      evals = evals == null ? List.of() : evals;
      deployments = deployments == null ? List.of() : deployments;
      periodicLaunches = periodicLaunches == null ? List.of() : periodicLaunches;
      dispatchTokens = dispatchTokens == null ? List.of() : dispatchTokens;
      sourceSyncs = sourceSyncs == null ? List.of() : sourceSyncs;
      gitSources = gitSources == null ? List.of() : gitSources;
    }
  }
}
