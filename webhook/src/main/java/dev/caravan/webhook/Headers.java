package dev.caravan.webhook;

import java.util.Map;

/** Case-insensitive lookup in HTTP headers as servers hand them over. */
final class Headers {
    private Headers() {
    }

    /** The value of the header, or null when absent or blank. */
    static String get(Map<String, String> headers, String name) {
        if (headers == null) {
            return null;
        }
        String exact = headers.get(name);
        if (exact != null) {
            return exact.isBlank() ? null : exact.strip();
        }
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                String v = e.getValue();
                return v == null || v.isBlank() ? null : v.strip();
            }
        }
        return null;
    }

    static boolean has(Map<String, String> headers, String name) {
        return get(headers, name) != null;
    }
}
