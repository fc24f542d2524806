package dev.caravan.cluster.state;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
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
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.pcollections.TreePMap;

/**
 * The replicated state at one index. Immutable: its maps are persistent (structurally shared)
 * sorted maps, so {@link StateMachineCore} derives the next image in O(log n) per changed
 * object and shares everything else with this one. Secondary indexes (allocations by node and
 * by job, evaluations and deployments by job, child jobs by parent) answer the by-key queries
 * in O(log n + result), with the same order and filters as a scan of the primary map.
 */
public final class StateImage implements ClusterState {
  /** Job versions kept per job, newest first. */
  public static final int KEPT_VERSIONS = 6;

  public static final StateImage EMPTY = new StateImage(0, TreePMap.empty(), TreePMap.empty(),
      TreePMap.empty(), HashTrie.empty(), TreePMap.empty(), PeriodicState.EMPTY,
      TreePMap.empty(), TreePMap.empty(), Indexes.EMPTY);

  final long index;
  /** Key {@code namespace + '\0' + id}; versions newest first. */
  final TreePMap<String, List<Job>> jobs;
  final TreePMap<String, Allocation> allocs;
  final TreePMap<String, Node> nodes;
  /**
   * By id, in a hash trie: the map every registration writes twice (its evaluation created,
   * then completed), and the largest one, as evaluations outlive their registrations; a sorted
   * tree compared UUIDs down 17 levels and was a sixth of a registration's CPU. Listings sort.
   */
  final HashTrie<String, Evaluation> evals;
  final TreePMap<String, Deployment> deployments;
  final PeriodicState periodic;
  /** GitOps sync history by source name, newest first. */
  final TreePMap<String, List<SourceSyncRecord>> sourceSyncs;
  /** GitOps sources added at run time, by name. */
  final TreePMap<String, GitSourceSpec> gitSources;
  final Indexes indexes;

  /**
   * The secondary indexes. Groups are the object's namespace ({@code null} read as
   * {@code "default"}, as {@link #jobKey} does) with the job id, or the node id with
   * {@code ""}; objects without a job id (or node id) are not indexed.
   */
  record Indexes(AllocIndex allocsByNode, AllocIndex allocsByJob, RefIndex evalsByJob,
      RefIndex evalsByStatus, RefIndex deploymentsByJob, RefIndex childJobs) {
    static final Indexes EMPTY = new Indexes(AllocIndex.empty(StateImage::nodeKey),
        AllocIndex.empty(StateImage::jobKey), RefIndex.EMPTY, RefIndex.EMPTY, RefIndex.EMPTY,
        RefIndex.EMPTY);
  }

  StateImage(long index, TreePMap<String, List<Job>> jobs, TreePMap<String, Allocation> allocs,
      TreePMap<String, Node> nodes, HashTrie<String, Evaluation> evals,
      TreePMap<String, Deployment> deployments, PeriodicState periodic,
      TreePMap<String, List<SourceSyncRecord>> sourceSyncs,
      TreePMap<String, GitSourceSpec> gitSources, Indexes indexes) {
    this.index = index;
    this.jobs = jobs;
    this.allocs = allocs;
    this.nodes = nodes;
    this.evals = evals;
    this.deployments = deployments;
    this.periodic = periodic;
    this.sourceSyncs = sourceSyncs;
    this.gitSources = gitSources;
    this.indexes = indexes;
  }

  static String jobKey(String namespace, String id) {
    return ns(namespace) + '\0' + id;
  }

  /** The namespace as keys and index groups spell it. */
  static String ns(String namespace) {
    return namespace == null ? "default" : namespace;
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
    String ns = ns(namespace);
    List<Allocation> out = indexes.allocsByJob().get(jobKey(ns, jobId));
    out.removeIf(a -> !ns.equals(a.namespace())); // grouped under "default" when null
    return out;
  }

  /**
   * A token of a job's allocations: the same object ({@code ==}) in two images when none of
   * the job's allocations was added, removed or replaced between them, a different one
   * otherwise. For watchers that re-read a job only when it changed.
   */
  public Object allocsByJobToken(String namespace, String jobId) {
    return indexes.allocsByJob().token(jobKey(namespace, jobId));
  }

  @Override
  public List<Allocation> allocsByNode(String nodeId) {
    return indexes.allocsByNode().get(nodeId);
  }

  /** Memoized with the node's allocations in the index: recomputed only after they change. */
  @Override
  public <T> T summaryOfNode(String nodeId, java.util.function.Function<List<Allocation>, T> f) {
    return indexes.allocsByNode().memo(nodeId, f);
  }

  @Override
  public Optional<Node> node(String id) {
    return Optional.ofNullable(nodes.get(id));
  }

  @Override
  public List<Node> nodes() {
    return List.copyOf(nodes.values());
  }

  /** The persistent node map itself: a new object exactly when a node was put or removed. */
  @Override
  public Object nodesToken() {
    return nodes;
  }

  @Override
  public Optional<Evaluation> eval(String id) {
    return Optional.ofNullable(evals.get(id));
  }

  @Override
  public List<Evaluation> evals() {
    return sortedById(evals.values());
  }

  private static List<Evaluation> sortedById(List<Evaluation> evals) {
    evals.sort(java.util.Comparator.comparing(Evaluation::id));
    return Collections.unmodifiableList(evals);
  }

  @Override
  public List<Evaluation> evalsByJob(String namespace, String jobId) {
    String ns = ns(namespace);
    List<Evaluation> out = new ArrayList<>();
    for (String id : indexes.evalsByJob().ids(ns, jobId)) {
      Evaluation e = evals.get(id);
      if (ns.equals(e.namespace())) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * The evaluations with a status, sorted by id (as {@link #evals} is): the leader re-queues
   * the blocked ones whenever capacity may have appeared, without scanning every evaluation.
   */
  public List<Evaluation> evalsWithStatus(String status) {
    List<Evaluation> out = new ArrayList<>();
    if (!indexedStatus(status)) {
      for (Evaluation e : evals.values()) {
        if (status.equals(e.status())) {
          out.add(e);
        }
      }
      return sortedById(out);
    }
    for (String id : indexes.evalsByStatus().ids(status, "")) {
      out.add(evals.get(id));
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
    String ns = ns(namespace);
    List<Deployment> out = new ArrayList<>();
    for (String id : indexes.deploymentsByJob().ids(ns, jobId)) {
      Deployment d = deployments.get(id);
      if (ns.equals(d.namespace())) {
        out.add(d);
      }
    }
    out.sort(Comparator.comparingLong(Deployment::createIndex).reversed());
    return out;
  }

  @Override
  public List<Job> childJobs(String namespace, String parentId) {
    String ns = ns(namespace);
    List<Job> out = new ArrayList<>();
    for (String id : indexes.childJobs().ids(ns, parentId)) {
      Job j = jobs.get(jobKey(ns, id)).get(0);
      if (ns.equals(j.namespace())) {
        out.add(j);
      }
    }
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
    return CommandCodec.mapper().writeValueAsBytes(snapshot());
  }

  /** Streams the whole image as JSON (what {@link #toJson} returns); leaves {@code out} open. */
  public void writeJson(OutputStream out) throws IOException {
    try (JsonGenerator g = CommandCodec.mapper().getFactory().createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      CommandCodec.mapper().writeValue(g, snapshot());
    }
  }

  private Snapshot snapshot() {
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
    return new Snapshot(index, allVersions, slimAllocs, List.copyOf(nodes.values()),
        evals(), List.copyOf(deployments.values()),
        List.copyOf(periodic.launches.values()), periodic.tokenList(), jobVersions, allSyncs(),
        List.copyOf(gitSources.values()));
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
    return restore(CommandCodec.mapper().readValue(json, Snapshot.class));
  }

  /** {@link #fromJson(byte[])} from a stream (a snapshot file); leaves {@code in} open. */
  public static StateImage fromJson(InputStream in) throws IOException {
    try (com.fasterxml.jackson.core.JsonParser p =
        CommandCodec.mapper().getFactory().createParser(in)) {
      p.disable(com.fasterxml.jackson.core.JsonParser.Feature.AUTO_CLOSE_SOURCE);
      return restore(CommandCodec.mapper().readValue(p, Snapshot.class));
    }
  }

  private static StateImage restore(Snapshot s) {
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
    HashTrie<String, Evaluation> evals = HashTrie.empty();
    for (Evaluation e : s.evals()) {
      evals = evals.plus(e.id(), e);
    }
    TreeMap<String, Deployment> deployments = new TreeMap<>();
    s.deployments().forEach(d -> deployments.put(d.id(), d));
    TreeMap<String, List<SourceSyncRecord>> syncs = new TreeMap<>();
    for (SourceSyncRecord r : s.sourceSyncs()) {
      syncs.computeIfAbsent(r.source(), k -> new ArrayList<>()).add(r);
    }
    syncs.replaceAll((k, v) -> Collections.unmodifiableList(v));
    TreeMap<String, GitSourceSpec> gitSources = new TreeMap<>();
    s.gitSources().forEach(g -> gitSources.put(g.name(), g));
    return new StateImage(s.index(), TreePMap.fromSortedMap(jobs),
        TreePMap.fromSortedMap(allocs), TreePMap.fromSortedMap(nodes),
        evals, TreePMap.fromSortedMap(deployments),
        PeriodicState.of(s.periodicLaunches(), s.dispatchTokens()),
        TreePMap.fromSortedMap(syncs), TreePMap.fromSortedMap(gitSources), Indexes.EMPTY)
        .reindexed();
  }

  /** This image with its secondary indexes built from scratch (restore, and tests). */
  StateImage reindexed() {
    List<RefIndex.Ref> evalsByJob = new ArrayList<>(evals.size());
    List<RefIndex.Ref> evalsByStatus = new ArrayList<>(evals.size());
    for (Evaluation e : evals.values()) {
      addRef(evalsByJob, jobRef(e));
      addRef(evalsByStatus, statusRef(e));
    }
    List<RefIndex.Ref> deploymentsByJob = new ArrayList<>();
    deployments.values().forEach(d -> addRef(deploymentsByJob, jobRef(d)));
    List<RefIndex.Ref> children = new ArrayList<>();
    jobs.values().forEach(v -> addRef(children, parentRef(v.get(0))));
    return new StateImage(index, jobs, allocs, nodes, evals, deployments, periodic, sourceSyncs,
        gitSources, new Indexes(AllocIndex.of(allocs.values(), StateImage::nodeKey),
            AllocIndex.of(allocs.values(), StateImage::jobKey),
            RefIndex.of(evalsByJob), RefIndex.of(evalsByStatus), RefIndex.of(deploymentsByJob),
            RefIndex.of(children)));
  }

  private static void addRef(List<RefIndex.Ref> refs, RefIndex.Ref ref) {
    if (ref != null) {
      refs.add(ref);
    }
  }

  // ---- index keys: null when the object is not indexed there ----

  static String nodeKey(Allocation a) {
    return a.nodeId();
  }

  static String jobKey(Allocation a) {
    return a.jobId() == null ? null : jobKey(a.namespace(), a.jobId());
  }


  static RefIndex.Ref jobRef(Evaluation e) {
    return e == null || e.jobId() == null ? null
        : new RefIndex.Ref(ns(e.namespace()), e.jobId(), e.id());
  }

  /**
   * Only evaluations still to be worked on (pending, blocked) are indexed by status: nearly
   * every evaluation ends complete, and indexing those made each eval write update a tree of
   * all of them; the leader only ever asks for the blocked ones.
   */
  static RefIndex.Ref statusRef(Evaluation e) {
    return e == null || !indexedStatus(e.status()) ? null
        : new RefIndex.Ref(e.status(), "", e.id());
  }

  private static boolean indexedStatus(String status) {
    return status != null && !Evaluation.STATUS_COMPLETE.equals(status)
        && !Evaluation.STATUS_FAILED.equals(status) && !Evaluation.STATUS_CANCELED.equals(status);
  }

  static RefIndex.Ref jobRef(Deployment d) {
    return d == null || d.jobId() == null ? null
        : new RefIndex.Ref(ns(d.namespace()), d.jobId(), d.id());
  }

  /** A job under its parent; the id is the child's, in the child's namespace. */
  static RefIndex.Ref parentRef(Job j) {
    return j == null || j.parentId() == null ? null
        : new RefIndex.Ref(ns(j.namespace()), j.parentId(), j.id());
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
