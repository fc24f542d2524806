package dev.caravan.periodic;

import dev.caravan.cluster.structs.Job;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Derives child jobs from their parents with Nomad's semantics. Pure. */
public final class ChildJobs {
    private ChildJobs() {}

    /**
     * The child launched for one slot of a periodic job (Nomad's {@code deriveJob}): a copy of
     * the parent with id and name {@code <parent>/periodic-<unix seconds>}, {@code ParentID} = the
     * parent, no periodic block, and nothing the state machine stamps.
     */
    public static Job periodicChild(Job parent, LaunchSlot slot) {
        String id = slot.childJobId(parent.id());
        return unstamped(parent).id(id).name(id).parentId(parent.id()).periodic(null).build();
    }

    /**
     * The child of one dispatch of a parameterized job (Nomad's {@code Job.Dispatch}): a copy of
     * the parent with id and name {@code <parent>/dispatch-<unix seconds>-<suffix>}, meta = the
     * parent's meta overlaid with the dispatch meta, {@code Dispatched} and the payload (base64).
     */
    public static Job dispatchChild(Job parent, long unixSeconds, String suffix, byte[] payload,
                                    Map<String, String> meta) {
        String id = parent.id() + "/dispatch-" + unixSeconds + "-" + suffix;
        Map<String, String> merged = new LinkedHashMap<>(parent.meta());
        merged.putAll(meta);
        return unstamped(parent).id(id).name(id).parentId(parent.id()).dispatched(true)
                .meta(merged)
                .payload(payload == null || payload.length == 0 ? null
                        : Base64.getEncoder().encodeToString(payload))
                .build();
    }

    private static Job.Builder unstamped(Job parent) {
        return parent.toBuilder().status(null).stable(false).version(0).submitTime(0)
                .createIndex(0).modifyIndex(0).jobModifyIndex(0).stop(false);
    }
}
