package dev.caravan.periodic;

import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.ParameterizedJobConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Nomad's checks of a dispatch against its parameterized job. Pure; each failure names its rule
 * first ({@code payload forbidden: ...}) so that API clients and tests can tell them apart.
 */
public final class DispatchRules {
    /** Nomad's {@code DispatchPayloadSizeLimit}: 16 KiB, decoded. */
    public static final int MAX_PAYLOAD_BYTES = 16 * 1024;

    private DispatchRules() {}

    /**
     * Every rule the dispatch breaks, in a stable order; empty when it may be dispatched.
     *
     * @param payload the decoded payload, empty when none
     */
    public static List<String> violations(Job parent, byte[] payload, Map<String, String> meta) {
        List<String> errors = new ArrayList<>();
        if (!parent.isParameterized()) {
            errors.add("not parameterized: job \"" + parent.id() + "\" is not a parameterized job");
            return errors;
        }
        ParameterizedJobConfig config = parent.parameterizedJob();
        int size = payload == null ? 0 : payload.length;
        if (ParameterizedJobConfig.PAYLOAD_FORBIDDEN.equals(config.payload()) && size > 0) {
            errors.add("payload forbidden: job \"" + parent.id() + "\" does not accept a payload");
        } else if (ParameterizedJobConfig.PAYLOAD_REQUIRED.equals(config.payload()) && size == 0) {
            errors.add("payload required: job \"" + parent.id() + "\" needs a payload");
        }
        if (size > MAX_PAYLOAD_BYTES) {
            errors.add("payload too large: " + size + " bytes > " + MAX_PAYLOAD_BYTES + " bytes");
        }
        TreeSet<String> missing = new TreeSet<>(config.metaRequired());
        missing.removeAll(meta.keySet());
        if (!missing.isEmpty()) {
            errors.add("missing required meta: " + String.join(", ", missing));
        }
        TreeSet<String> unknown = new TreeSet<>(meta.keySet());
        unknown.removeAll(config.metaRequired());
        unknown.removeAll(config.metaOptional());
        if (!unknown.isEmpty()) {
            errors.add("unknown meta key: " + String.join(", ", unknown)
                    + " (not in meta_required or meta_optional)");
        }
        return errors;
    }
}
