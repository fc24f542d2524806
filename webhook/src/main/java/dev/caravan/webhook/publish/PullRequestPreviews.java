package dev.caravan.webhook.publish;

import dev.caravan.webhook.PreviewTrigger;
import dev.caravan.webhook.WebhookEvent;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a pull request event does to its preview: opened, synchronize and reopened set the head's
 * status to pending, compute the plan on a background thread and publish it; closed and merged
 * stop all publishing for the request. A newer head of the same request supersedes a plan still
 * waiting. Sources without a publish target are skipped (logged once per event).
 */
public final class PullRequestPreviews implements PreviewTrigger, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PullRequestPreviews.class);
    private static final Set<String> PLAN_ACTIONS = Set.of("opened", "synchronize", "reopened");
    private static final Set<String> END_ACTIONS = Set.of("closed", "merged");

    private record Key(String source, long number) {
    }

    private final Function<String, Optional<PublishTarget>> targets;
    private final PlanPreviewer planner;
    private final PreviewPublisher publisher;
    private final ExecutorService planning;
    private final Map<Key, String> latestHead = new ConcurrentHashMap<>();

    public PullRequestPreviews(Function<String, Optional<PublishTarget>> targets, PlanPreviewer planner,
                               PreviewPublisher publisher) {
        this.targets = Objects.requireNonNull(targets, "targets");
        this.planner = Objects.requireNonNull(planner, "planner");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.planning = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "caravan-preview-planner");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void preview(String source, WebhookEvent.PullRequest pr) {
        Key key = new Key(source, pr.number());
        if (END_ACTIONS.contains(pr.action())) {
            latestHead.remove(key);
            publisher.closed(source, pr.number());
            return;
        }
        if (!PLAN_ACTIONS.contains(pr.action())) {
            return;
        }
        Optional<PublishTarget> target = targets.apply(source);
        if (target.isEmpty()) {
            LOG.info("source {}: pull request #{}: no preview target configured, nothing published", source, pr.number());
            return;
        }
        latestHead.put(key, pr.headSha());
        publisher.pending(target.get(), source, pr.number(), pr.headSha());
        planning.execute(() -> planAndPublish(key, target.get(), pr));
    }

    private void planAndPublish(Key key, PublishTarget target, WebhookEvent.PullRequest pr) {
        if (!pr.headSha().equals(latestHead.get(key))) {
            return; // a newer push (or the closing) came first
        }
        RenderedPlan plan;
        try {
            plan = planner.plan(key.source(), pr);
        } catch (Exception e) {
            LOG.warn("source {}: pull request #{}: plan failed", key.source(), pr.number(), e);
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            plan = new RenderedPlan("### Caravan plan for `" + key.source() + "`\n\n"
                    + "The plan of " + pr.headSha() + " could not be computed:\n\n```\n" + why + "\n```\n",
                    CommitState.ERROR, "plan could not be computed");
        }
        if (!pr.headSha().equals(latestHead.get(key))) {
            return;
        }
        publisher.publish(target, new Preview(key.source(), pr.number(), pr.headSha(), plan.markdown(),
                plan.state(), plan.description(), null));
    }

    @Override
    public void close() {
        planning.shutdownNow();
        publisher.close();
    }
}
