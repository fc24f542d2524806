package dev.caravan.cluster.state;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.smile.databind.SmileMapper;
import dev.caravan.cluster.structs.NomadJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Commands in the Raft log: {@code {"Type": <code>, "Command": {...}}}, type codes, never
 * ordinals. Written as Smile, Jackson's binary JSON (the same fields and names; names repeated
 * in an entry are written once): a batch of four registrations took 3.6 KB instead of 10.4 KB,
 * which every server writes, checksums and sends on, and read in two thirds of the time.
 * Entries written as JSON text (by earlier versions) are still read.
 */
public final class CommandCodec {
  /** Short string values read from the log are shared ({@link CanonicalStrings}). */
  private static final SimpleModule CANONICAL_STRINGS = new SimpleModule("canonical-strings")
      .addDeserializer(String.class, CanonicalStrings.INSTANCE);
  private static final ObjectMapper MAPPER = NomadJson.create().registerModule(CANONICAL_STRINGS);
  private static final ObjectMapper SMILE = NomadJson.configure(SmileMapper.builder())
      .addModule(CANONICAL_STRINGS).build();
  /** Every Smile document starts with these bytes (":)\n"); JSON never does. */
  private static final byte[] SMILE_HEADER = {':', ')', '\n'};

  private CommandCodec() {}

  /**
   * Encodes a command. Streamed straight to bytes: building a JSON tree first cost about as
   * much again as the writing, once per proposal.
   */
  public static byte[] encode(Command command) {
    Buffer out = BUFFERS.get();
    out.reset();
    try (JsonGenerator g = SMILE.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("Type", command.typeCode());
      g.writeFieldName("Command");
      SMILE.writeValue(g, command);
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + command.getClass().getSimpleName(), e);
    }
    byte[] bytes = out.toByteArray();
    if (out.capacity() > MAX_KEPT_BUFFER) { // a big plan: not kept for the thread's life
      BUFFERS.remove();
    }
    return bytes;
  }

  private static final int MAX_KEPT_BUFFER = 1 << 20;

  /**
   * Each proposing thread reuses one growing buffer: a fresh stream per command grew from 1 KB
   * by copies to each command's size, about a tenth of the bytes the write path allocated.
   */
  private static final ThreadLocal<Buffer> BUFFERS = ThreadLocal.withInitial(Buffer::new);

  private static final class Buffer extends ByteArrayOutputStream {
    Buffer() {
      super(8192);
    }

    int capacity() {
      return buf.length;
    }
  }

  /**
   * Decodes a command; throws {@link IOException} on unknown type codes or bad JSON. Entries
   * are read as a stream when {@code Type} comes first (as {@link #encode} writes them), which
   * spares a JSON tree per entry on every server; other orders go through a tree.
   */
  public static Command decode(byte[] bytes) throws IOException {
    ObjectMapper mapper = isSmile(bytes) ? SMILE : MAPPER;
    try (JsonParser p = mapper.getFactory().createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("a command is a JSON object");
      }
      if (p.nextToken() == JsonToken.FIELD_NAME && "Type".equals(p.currentName())
          && p.nextToken() == JsonToken.VALUE_NUMBER_INT) {
        int code = p.getIntValue();
        Class<? extends Command> type = type(code);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          p.nextToken();
          if ("Command".equals(field)) {
            return mapper.readValue(p, type);
          }
          p.skipChildren();
        }
        throw new IOException("command of type " + code + " has no Command field");
      }
    }
    JsonNode root = mapper.readTree(bytes);
    return mapper.treeToValue(root.get("Command"), type(root.path("Type").asInt(-1)));
  }

  private static boolean isSmile(byte[] bytes) {
    return bytes.length >= SMILE_HEADER.length && bytes[0] == SMILE_HEADER[0]
        && bytes[1] == SMILE_HEADER[1] && bytes[2] == SMILE_HEADER[2];
  }

  private static Class<? extends Command> type(int code) throws IOException {
    return switch (code) {
      case Command.JobRegister.CODE -> Command.JobRegister.class;
      case Command.JobDeregister.CODE -> Command.JobDeregister.class;
      case Command.EvalUpsert.CODE -> Command.EvalUpsert.class;
      case Command.EvalReap.CODE -> Command.EvalReap.class;
      case Command.PlanApply.CODE -> Command.PlanApply.class;
      case Command.NodeRegister.CODE -> Command.NodeRegister.class;
      case Command.NodeStatusUpdate.CODE -> Command.NodeStatusUpdate.class;
      case Command.AllocClientUpdate.CODE -> Command.AllocClientUpdate.class;
      case Command.NodeEligibilityUpdate.CODE -> Command.NodeEligibilityUpdate.class;
      case Command.NodeDrainUpdate.CODE -> Command.NodeDrainUpdate.class;
      case Command.DeploymentPlanApply.CODE -> Command.DeploymentPlanApply.class;
      case Command.DeploymentUpdate.CODE -> Command.DeploymentUpdate.class;
      case Command.DeploymentPromote.CODE -> Command.DeploymentPromote.class;
      case Command.PeriodicLaunch.CODE -> Command.PeriodicLaunch.class;
      case Command.JobDispatch.CODE -> Command.JobDispatch.class;
      case Command.DeploymentAllocHealth.CODE -> Command.DeploymentAllocHealth.class;
      case Command.SourceSync.CODE -> Command.SourceSync.class;
      case Command.SourceUpsert.CODE -> Command.SourceUpsert.class;
      case Command.SourceDelete.CODE -> Command.SourceDelete.class;
      case Command.JobRegisterBatch.CODE -> Command.JobRegisterBatch.class;
      default -> throw new IOException("unknown command type " + code);
    };
  }

  /** The JSON mapper of the same conventions (snapshots are JSON). */
  static ObjectMapper mapper() {
    return MAPPER;
  }
}
