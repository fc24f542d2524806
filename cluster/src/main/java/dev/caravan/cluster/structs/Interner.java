package dev.caravan.cluster.structs;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Equal values read again and again (a job's default durations, its short strings) share one
 * instance, so that the state holding tens of thousands of jobs holds each value once. Bounded:
 * once {@code max} values are kept (unique values fill it too), others are returned as given.
 *
 * @param <T> an immutable value type with value equality
 */
public final class Interner<T> {
  private final int max;
  private final ConcurrentHashMap<T, T> values = new ConcurrentHashMap<>();

  public Interner(int max) {
    this.max = max;
  }

  /** The kept instance equal to {@code value}, or {@code value} itself. */
  public T intern(T value) {
    T shared = values.get(value);
    if (shared != null) {
      return shared;
    }
    if (values.size() < max) {
      shared = values.putIfAbsent(value, value);
      return shared == null ? value : shared;
    }
    return value;
  }
}
