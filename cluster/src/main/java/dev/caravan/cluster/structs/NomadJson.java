package dev.caravan.cluster.structs;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.time.Duration;

/**
 * The one Jackson configuration for Nomad's API JSON: durations are integer nanoseconds,
 * absent blocks are {@code null}, unknown fields are ignored on input.
 */
public final class NomadJson {
  private static final ObjectMapper MAPPER = create();

  private NomadJson() {}

  /** A shared, thread-safe mapper. Do not reconfigure it. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** A new mapper with Nomad's conventions, for callers that need to add to it. */
  public static ObjectMapper create() {
    return configure(JsonMapper.builder()).build();
  }

  /**
   * Nomad's conventions on a mapper builder of any format (JSON, or the Raft log's binary
   * Smile): the same names, durations as nanoseconds, unknown fields ignored.
   */
  public static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B configure(B builder) {
    SimpleModule durations = new SimpleModule("nomad-durations");
    durations.addSerializer(Duration.class, new DurationNanosSerializer());
    durations.addDeserializer(Duration.class, new DurationNanosDeserializer());
    return builder
        .addModule(new Jdk8Module())
        .addModule(durations)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
  }

  private static final class DurationNanosSerializer extends JsonSerializer<Duration> {
    @Override
    public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeNumber(value.toNanos());
    }
  }

  /**
   * Jobs repeat a few durations (policy defaults: 15 per job), and the state holds every job
   * read from the log: equal values share one instance, up to a bounded number of them.
   */
  private static final Interner<Duration> DURATIONS = new Interner<>(1024);

  static Duration duration(long nanos) {
    return DURATIONS.intern(Duration.ofNanos(nanos));
  }

  private static final class DurationNanosDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
        return duration(p.getLongValue());
      }
      return (Duration) ctx.handleUnexpectedToken(Duration.class, p);
    }
  }
}
