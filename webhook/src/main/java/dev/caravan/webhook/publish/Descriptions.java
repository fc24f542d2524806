package dev.caravan.webhook.publish;

/** Status descriptions are short on every provider. */
final class Descriptions {
    private Descriptions() {
    }

    static String clip(String s, int max) {
        String one = s.replace('\n', ' ').strip();
        return one.length() <= max ? one : one.substring(0, max - 1) + "…";
    }
}
