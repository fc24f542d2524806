package dev.caravan.webhook;

import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Source names waiting for a sync, drained by one worker thread. A name already waiting is not
 * queued twice: syncs are level-triggered, one pass picks up every push before it.
 */
final class SyncQueue implements AutoCloseable {
    private final BlockingQueue<String> queue;
    private final Set<String> waiting = ConcurrentHashMap.newKeySet();
    private final Thread worker;

    SyncQueue(int capacity, SyncTrigger trigger) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1, got " + capacity);
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.worker = new Thread(() -> drain(trigger), "caravan-webhook-sync");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /** Queues a sync of the source; false when the queue is full. */
    boolean offer(String sourceName) {
        if (!waiting.add(sourceName)) {
            return true;
        }
        if (queue.offer(sourceName)) {
            return true;
        }
        waiting.remove(sourceName);
        return false;
    }

    private void drain(SyncTrigger trigger) {
        while (!Thread.currentThread().isInterrupted()) {
            String name;
            try {
                name = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            waiting.remove(name);
            try {
                trigger.sync(name);
            } catch (RuntimeException e) {
                // a failed sync must not stop the worker; the reconciler records its own errors
            }
        }
    }

    @Override
    public void close() {
        worker.interrupt();
    }
}
