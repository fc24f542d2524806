package dev.caravan.cluster.state;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import dev.caravan.cluster.structs.Interner;
import java.io.IOException;

/**
 * Reads short JSON strings as one shared instance per value. Every job read from the log
 * repeats the same handful of values ({@code "default"}, {@code "service"}, a driver name,
 * {@code "fail"}, {@code "checks"}...), and the state keeps each job it applies: without this,
 * a follower held one copy of each per job, which young collections copied too. Bounded: once
 * full (unique ids fill it too), further values are read as usual.
 */
final class CanonicalStrings extends StdScalarDeserializer<String> {
  static final CanonicalStrings INSTANCE = new CanonicalStrings();

  private static final int MAX_LENGTH = 24;
  private final Interner<String> values = new Interner<>(8192);

  private CanonicalStrings() {
    super(String.class);
  }

  @Override
  public String deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
    if (!p.hasToken(JsonToken.VALUE_STRING)) {
      return StringDeserializer.instance.deserialize(p, ctx);
    }
    return canonical(p.getText());
  }

  String canonical(String s) {
    return s.length() > MAX_LENGTH ? s : values.intern(s);
  }
}
