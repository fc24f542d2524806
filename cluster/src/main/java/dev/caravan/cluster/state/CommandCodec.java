package dev.caravan.cluster.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.cluster.structs.NomadJson;
import java.io.IOException;

/** Commands on the wire: {@code {"Type": <code>, "Command": {...}}}; never ordinals. */
public final class CommandCodec {
  private static final ObjectMapper MAPPER = NomadJson.create();

  private CommandCodec() {}

  public static byte[] encode(Command command) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("Type", command.typeCode());
    root.set("Command", MAPPER.valueToTree(command));
    try {
      return MAPPER.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + command.getClass().getSimpleName(), e);
    }
  }

  /** Decodes a command; throws {@link IOException} on unknown type codes or bad JSON. */
  public static Command decode(byte[] bytes) throws IOException {
    JsonNode root = MAPPER.readTree(bytes);
    int code = root.path("Type").asInt(-1);
    Class<? extends Command> type = switch (code) {
      case Command.JobRegister.CODE -> Command.JobRegister.class;
      case Command.JobDeregister.CODE -> Command.JobDeregister.class;
      case Command.EvalUpsert.CODE -> Command.EvalUpsert.class;
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
    return MAPPER.treeToValue(root.get("Command"), type);
  }

  static ObjectMapper mapper() {
    return MAPPER;
  }
}
