package dev.caravan.webhook.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a preview into comment bodies that fit a provider's limit, each opening with a hidden
 * marker ({@code <!-- caravan-plan source=NAME part=N -->}) by which the next push finds and
 * edits the same comments. Splits fall on line boundaries; a code fence open at a split is
 * closed and reopened in the next part so every part renders on its own.
 */
final class CommentParts {
    private static final Pattern MARKER = Pattern.compile("\\A<!-- caravan-plan source=(\\S+) part=(\\d+) -->");
    /** Room kept in every part for the marker, the part heading and fence repairs. */
    private static final int RESERVE = 200;

    private CommentParts() {
    }

    static String marker(String source, int part) {
        return "<!-- caravan-plan source=" + source + " part=" + part + " -->";
    }

    /** The part number of a comment this source published, empty for any other comment. */
    static OptionalInt partOf(String source, String body) {
        Matcher m = MARKER.matcher(body);
        if (m.find() && m.group(1).equals(source)) {
            try {
                return OptionalInt.of(Integer.parseInt(m.group(2)));
            } catch (NumberFormatException e) {
                return OptionalInt.empty();
            }
        }
        return OptionalInt.empty();
    }

    static List<String> split(String source, String markdown, int limit) {
        if (limit <= RESERVE + source.length() + 100) {
            throw new IllegalArgumentException("comment limit too small: " + limit);
        }
        int room = limit - RESERVE - source.length();
        List<String> chunks = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        String openFence = null;
        for (String line : lines(markdown, room)) {
            if (current.length() + line.length() > room && current.length() > 0) {
                if (openFence != null) {
                    current.append("```\n");
                }
                chunks.add(current.toString());
                current.setLength(0);
                if (openFence != null) {
                    current.append(openFence).append('\n');
                }
            }
            current.append(line);
            String stripped = line.strip();
            if (stripped.startsWith("```")) {
                openFence = openFence == null ? stripped : null;
            }
        }
        if (current.length() > 0 || chunks.isEmpty()) {
            chunks.add(current.toString());
        }
        List<String> parts = new ArrayList<>(chunks.size());
        for (int i = 0; i < chunks.size(); i++) {
            String heading = chunks.size() == 1 ? "" : "_Part " + (i + 1) + " of " + chunks.size() + "_\n\n";
            parts.add(marker(source, i + 1) + "\n" + heading + chunks.get(i));
        }
        return parts;
    }

    /** The text's lines with their newline, lines longer than {@code room} cut into pieces. */
    private static List<String> lines(String text, int room) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl + 1;
            String line = text.substring(start, end);
            if (nl < 0) {
                line += "\n";
            }
            while (line.length() > room) {
                int cut = Character.isHighSurrogate(line.charAt(room - 1)) ? room - 1 : room;
                out.add(line.substring(0, cut) + "\n");
                line = line.substring(cut);
            }
            out.add(line);
            start = end;
        }
        return out;
    }
}
