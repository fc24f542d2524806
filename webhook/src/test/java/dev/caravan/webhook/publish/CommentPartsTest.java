package dev.caravan.webhook.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class CommentPartsTest {

    @Test
    void aShortPreviewIsOnePartWithTheMarkerFirst() {
        List<String> parts = CommentParts.split("prod", "## Plan\n", 65_536);

        assertEquals(List.of("<!-- caravan-plan source=prod part=1 -->\n## Plan\n"), parts);
    }

    @Test
    void findsTheSourceAndPartOfItsOwnCommentsOnly() {
        assertEquals(OptionalInt.of(3), CommentParts.partOf("prod", CommentParts.marker("prod", 3) + "\nbody"));
        assertEquals(OptionalInt.empty(), CommentParts.partOf("prod", CommentParts.marker("prod-eu", 1) + "\nbody"));
        assertEquals(OptionalInt.empty(), CommentParts.partOf("prod", "quoting: " + CommentParts.marker("prod", 1)));
        assertEquals(OptionalInt.empty(), CommentParts.partOf("prod", "LGTM"));
    }

    @Test
    void closesAndReopensACodeFenceCutBySplitting() {
        StringBuilder md = new StringBuilder("Plan:\n```diff\n");
        for (int i = 0; i < 200; i++) {
            md.append("+ line ").append(i).append('\n');
        }
        md.append("```\ndone\n");

        List<String> parts = CommentParts.split("prod", md.toString(), 1_000);

        assertTrue(parts.size() > 1);
        for (String p : parts) {
            assertTrue(p.length() <= 1_000, "length " + p.length());
            long fences = p.lines().filter(l -> l.startsWith("```")).count();
            assertEquals(0, fences % 2, "every part has balanced fences:\n" + p);
        }
        assertTrue(parts.get(1).contains("_Part 2 of " + parts.size() + "_\n\n```diff\n+ line"));
    }

    @Test
    void cutsALineLongerThanAPartWithoutSplittingASurrogatePair() {
        String line = "x".repeat(699) + "😀".repeat(400);

        List<String> parts = CommentParts.split("prod", line, 1_000);

        String joined = String.join("", parts.stream().map(p -> p.substring(p.indexOf("_\n\n") + 3)).toList());
        assertEquals(line, joined.replace("\n", ""));
        for (String p : parts) {
            assertTrue(p.length() <= 1_000);
            assertTrue(p.codePoints().noneMatch(c -> Character.getType(c) == Character.SURROGATE), "no lone surrogate");
        }
    }
}
