package dev.caravan.reconciler.sync;

/** A live job's health, from its latest deployment and its allocations. */
public enum Health {
  Healthy, Progressing, Degraded, Suspended
}
