package dev.caravan.agent;

import dev.caravan.reconciler.plan.PlanMarkdown;
import dev.caravan.reconciler.plan.SourcePlan;
import dev.caravan.reconciler.sync.SourceSyncer;
import dev.caravan.webhook.WebhookEvent;
import dev.caravan.webhook.publish.CommitState;
import dev.caravan.webhook.publish.PlanPreviewer;
import dev.caravan.webhook.publish.PublishTarget;
import dev.caravan.webhook.publish.RenderedPlan;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pull request previews of the agent's sources: the reconciler's plan of the request's head
 * (fetched from the source's own URL, never from a URL in the payload), rendered as Markdown,
 * and the target it is published to, from the source's {@code preview} block.
 */
final class SourcePreviews implements PlanPreviewer {
  private static final Logger LOG = LoggerFactory.getLogger(SourcePreviews.class);

  private final Supplier<List<SourceSyncer>> syncers;
  private final Function<String, SourceHooks> hooks;

  SourcePreviews(Supplier<List<SourceSyncer>> syncers, Function<String, SourceHooks> hooks) {
    this.syncers = syncers;
    this.hooks = hooks;
  }

  /** Where the source's previews go; empty without a {@code preview} block. */
  Optional<PublishTarget> target(String source) {
    SourceHooks.Preview p = hooks.apply(source).preview();
    if (p == null) {
      return Optional.empty();
    }
    return syncer(source).flatMap(s -> {
      try {
        if (!p.repository().isEmpty() && !p.apiUrl().isEmpty()) {
          return Optional.of(new PublishTarget(p.provider(), java.net.URI.create(p.apiUrl()),
              p.repository(), p.token()));
        }
        PublishTarget t = PublishTarget.of(p.provider(), s.config().url(), p.apiUrl(), p.token());
        return Optional.of(p.repository().isEmpty() ? t
            : new PublishTarget(t.provider(), t.apiUrl(), p.repository(), t.token()));
      } catch (IllegalArgumentException e) {
        LOG.warn("source {}: previews not published: {}", source, e.getMessage());
        return Optional.empty();
      }
    });
  }

  @Override
  public RenderedPlan plan(String source, WebhookEvent.PullRequest pr) throws IOException {
    SourceSyncer s = syncer(source).orElseThrow(() -> new IOException("source " + source + " is gone"));
    SourcePlan plan = s.plan(pr.headRef());
    CommitState state = plan.error() != null ? CommitState.ERROR
        : plan.hasErrors() ? CommitState.FAILURE : CommitState.SUCCESS;
    String description = plan.error() != null ? "the plan could not be computed"
        : PlanMarkdown.summary(plan);
    return new RenderedPlan(PlanMarkdown.render(plan), state, description);
  }

  private Optional<SourceSyncer> syncer(String source) {
    return syncers.get().stream().filter(s -> s.config().name().equals(source)).findFirst();
  }
}
