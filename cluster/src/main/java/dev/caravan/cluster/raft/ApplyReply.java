package dev.caravan.cluster.raft;

import dev.caravan.cluster.server.ClusterState;
import dev.caravan.cluster.state.Command;
import dev.caravan.cluster.structs.Job;
import java.util.ArrayList;
import java.util.List;

/**
 * What a server answers for an entry it applied: the entry's index and, for job registrations,
 * each register's outcome in the state right after it. The leader's answer travels back to a
 * follower that forwarded the write, which can then answer its own caller at once instead of
 * waiting to learn of the commit and apply the entry itself (as a Nomad follower returns the
 * leader's RPC response).
 *
 * <p>Encoded as text: {@code index} alone, or {@code index:o1,o2,...} with one outcome per
 * register, the job's modify index when the register was accepted, {@code !} and the job's
 * current modify index when its check-and-set refused it.
 */
public record ApplyReply(long index, List<Registered> registered) {
  public ApplyReply {
    registered = List.copyOf(registered);
  }

  /** One register's outcome: the job modify index it left, or the one that refused it. */
  public record Registered(long index, boolean accepted, long jobModifyIndex) {}

  /** The answer for {@code command} applied at {@code index}, read from the state after it. */
  public static ApplyReply of(long index, Command command, ClusterState after) {
    if (command instanceof Command.JobRegister r) {
      return new ApplyReply(index, List.of(registered(index, r, after)));
    }
    if (command instanceof Command.JobRegisterBatch batch) {
      List<Registered> each = new ArrayList<>(batch.registers().size());
      for (Command.JobRegister r : batch.registers()) {
        each.add(registered(index, r, after));
      }
      return new ApplyReply(index, each);
    }
    return new ApplyReply(index, List.of());
  }

  /**
   * A register with an evaluation was accepted when its evaluation is in the state (a refused
   * one writes nothing); one without (periodic and parameterized parents) when the stored job
   * was modified at this index.
   */
  static Registered registered(long index, Command.JobRegister r, ClusterState after) {
    Job stored = after.job(r.job().namespace(), r.job().id()).orElse(null);
    boolean accepted = r.eval() == null
        ? stored != null && stored.modifyIndex() == index
        : after.eval(r.eval().id()).isPresent();
    long jobModifyIndex = stored != null ? stored.jobModifyIndex() : accepted ? index : 0;
    return new Registered(index, accepted, jobModifyIndex);
  }

  public String encode() {
    if (registered.isEmpty()) {
      return Long.toString(index);
    }
    StringBuilder b = new StringBuilder(16 + 8 * registered.size()).append(index).append(':');
    for (int i = 0; i < registered.size(); i++) {
      Registered r = registered.get(i);
      if (i > 0) {
        b.append(',');
      }
      if (!r.accepted()) {
        b.append('!');
      }
      b.append(r.jobModifyIndex());
    }
    return b.toString();
  }

  /** Reads {@link #encode()}'s text; a malformed reply is an {@link IllegalArgumentException}. */
  public static ApplyReply decode(String text) {
    try {
      int colon = text.indexOf(':');
      long index = Long.parseLong(colon < 0 ? text : text.substring(0, colon));
      if (colon < 0) {
        return new ApplyReply(index, List.of());
      }
      List<Registered> out = new ArrayList<>();
      for (String part : text.substring(colon + 1).split(",", -1)) {
        boolean refused = part.startsWith("!");
        out.add(new Registered(index, !refused,
            Long.parseLong(refused ? part.substring(1) : part)));
      }
      return new ApplyReply(index, out);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("malformed apply reply: " + text, e);
    }
  }
}
