package dev.caravan.drivers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {
  record Case(String text, Duration expected) {}

  static Stream<Case> durations() {
    return Stream.of(
        new Case("0", Duration.ZERO),
        new Case("10s", Duration.ofSeconds(10)),
        new Case("500ms", Duration.ofMillis(500)),
        new Case("1m30s", Duration.ofSeconds(90)),
        new Case("1.5h", Duration.ofMinutes(90)),
        new Case("2h45m", Duration.ofMinutes(165)),
        new Case("250us", Duration.ofNanos(250_000)),
        new Case("7ns", Duration.ofNanos(7)));
  }

  @ParameterizedTest
  @MethodSource("durations")
  void parsesGoDurations(Case c) {
    assertEquals(c.expected(), GoDuration.parse(c.text()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10", "s", "10x", "1m 30s", "-5s"})
  void rejectsTextThatIsNoGoDuration(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(text));

    assertEquals("invalid duration \"" + text + "\"", e.getMessage());
  }
}
