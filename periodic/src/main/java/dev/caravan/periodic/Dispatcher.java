package dev.caravan.periodic;

import dev.caravan.cluster.server.Cluster;
import dev.caravan.cluster.server.ClusterException;
import dev.caravan.cluster.structs.Job;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Dispatches parameterized jobs on any server: checks the dispatch against {@link DispatchRules}
 * before anything is proposed, derives the child ({@link ChildJobs#dispatchChild}) and registers
 * it through Raft ({@link Cluster#dispatchJob}).
 */
public final class Dispatcher {
    private final Cluster cluster;
    private final Clock clock;
    private final RandomGenerator random;

    public Dispatcher(Cluster cluster, Clock clock, RandomGenerator random) {
        this.cluster = Objects.requireNonNull(cluster, "cluster");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Dispatches {@code parentId}; with an {@code idempotencyToken} already used for it, answers
     * the existing child instead.
     *
     * @param payload the decoded payload, empty or null when none
     * @throws ClusterException 404 for an unknown job, 400 naming the broken rule
     */
    public Cluster.JobDispatchResult dispatch(String namespace, String parentId, byte[] payload,
                                              Map<String, String> meta, String idempotencyToken)
            throws ClusterException {
        String ns = namespace == null || namespace.isEmpty() ? "default" : namespace;
        Job parent = cluster.state().job(ns, parentId)
                .orElseThrow(() -> ClusterException.notFound("job not found: " + parentId));
        Map<String, String> m = meta == null ? Map.of() : meta;
        List<String> errors = DispatchRules.violations(parent, payload, m);
        if (!errors.isEmpty()) {
            throw ClusterException.badRequest(String.join("; ", errors));
        }
        String suffix = HexFormat.of().toHexDigits(random.nextInt());
        Job child = ChildJobs.dispatchChild(parent, clock.instant().getEpochSecond(), suffix,
                payload, m);
        return cluster.dispatchJob(new Cluster.JobDispatchRequest(child, idempotencyToken));
    }
}
