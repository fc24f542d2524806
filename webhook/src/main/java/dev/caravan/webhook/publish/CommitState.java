package dev.caravan.webhook.publish;

/**
 * The state of the {@code caravan/plan} commit status: {@code PENDING} while the plan is computed,
 * {@code SUCCESS} when it has no errors, {@code FAILURE} for parse, validation or placement
 * errors, {@code ERROR} when no plan could be computed.
 */
public enum CommitState {
    PENDING, SUCCESS, FAILURE, ERROR
}
