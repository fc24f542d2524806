package dev.caravan.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CloneUrlTest {
    @ParameterizedTest
    @CsvSource({
            "https://github.com/o/r.git, github.com/o/r",
            "https://user:token@GitHub.com/o/r, github.com/o/r",
            "git@github.com:o/r.git, github.com/o/r",
            "ssh://git@github.com:22/o/r.git/, github.com/o/r",
            "http://localhost:3000/example/example, localhost/example/example",
    })
    void reducesEveryFormOfAUrlToHostAndPath(String url, String expected) {
        assertEquals(expected, CloneUrl.normalise(url));
    }
}
