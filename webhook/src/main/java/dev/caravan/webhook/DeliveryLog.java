package dev.caravan.webhook;

import java.util.LinkedHashMap;
import java.util.Map;

/** The most recent delivery ids, so that a redelivered event is acted on once. Thread-safe. */
final class DeliveryLog {
    private final Map<String, Boolean> seen;

    DeliveryLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.seen = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Records the id; false when it was already recorded. */
    synchronized boolean firstSight(String id) {
        return seen.put(id, Boolean.TRUE) == null;
    }

    /** Forgets an id whose delivery was not acted on, so that a retry is. */
    synchronized void forget(String id) {
        seen.remove(id);
    }
}
