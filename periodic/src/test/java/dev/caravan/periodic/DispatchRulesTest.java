package dev.caravan.periodic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.ParameterizedJobConfig;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DispatchRulesTest {

    record Case(String name, String payloadRule, byte[] payload, Map<String, String> meta,
                List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        byte[] some = {1, 2, 3};
        Map<String, String> ok = Map.of("input", "a.txt");
        return Stream.of(
                new Case("valid with optional payload", "optional", some, ok, List.of()),
                new Case("valid without payload", "optional", new byte[0], ok, List.of()),
                new Case("missing required meta", "optional", null, Map.of(),
                        List.of("missing required meta: input")),
                new Case("unknown meta key", "optional", null, Map.of("input", "x", "zzz", "1"),
                        List.of("unknown meta key: zzz (not in meta_required or meta_optional)")),
                new Case("payload forbidden", "forbidden", some, ok,
                        List.of("payload forbidden: job \"render\" does not accept a payload")),
                new Case("payload required but missing", "required", null, ok,
                        List.of("payload required: job \"render\" needs a payload")),
                new Case("payload too large", "optional", new byte[16 * 1024 + 1], ok,
                        List.of("payload too large: 16385 bytes > 16384 bytes")),
                new Case("payload of exactly 16 KiB", "optional", new byte[16 * 1024], ok, List.of()));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void namesEveryBrokenRule(Case c) {
        Job parent = Job.builder().id("render").type(Job.TYPE_BATCH)
                .parameterizedJob(new ParameterizedJobConfig(c.payloadRule(), List.of("input"),
                        List.of("format")))
                .build();

        assertEquals(c.expected(), DispatchRules.violations(parent, c.payload(), c.meta()));
    }

    @org.junit.jupiter.api.Test
    void aJobWithoutParameterizedBlockIsRefused() {
        Job plain = Job.builder().id("web").build();

        assertEquals(List.of("not parameterized: job \"web\" is not a parameterized job"),
                DispatchRules.violations(plain, null, Map.of()));
    }
}
