package dev.caravan.webhook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shared webhook payload corpus, read as raw bytes. */
final class Corpus {
    static final Path ROOT = Path.of("/work/shared/corpus/webhooks");

    private Corpus() {
    }

    static byte[] bytes(String relative) {
        try {
            return Files.readAllBytes(ROOT.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
