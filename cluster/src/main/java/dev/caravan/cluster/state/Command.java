package dev.caravan.cluster.state;

import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Evaluation;
import dev.caravan.cluster.structs.GitSourceSpec;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.Node;
import dev.caravan.cluster.structs.SourceSyncRecord;
import java.util.List;

/**
 * A replicated write. Every command carries what apply needs (ids, times stamped by the
 * leader), so that apply stays deterministic. Type codes are explicit and stable: new
 * commands take the next free code, codes are never reused.
 */
public sealed interface Command {

  /** The stable wire code of this command's type. */
  int typeCode();

  /** Registers a job version and its evaluation (CAS re-checked on apply). */
  record JobRegister(Job job, boolean enforceIndex, long jobModifyIndex, Evaluation eval,
      long submitTime) implements Command {
    public static final int CODE = 1;

    @Override
    public int typeCode() {
      return CODE;
    }
  }

  /** Stops a job (or purges it) and creates its evaluation. */
  record JobDeregister(String namespace, String jobId, boolean purge, Evaluation eval,
      long time) implements Command {
    public static final int CODE = 2;

    @Override
    public int typeCode() {
      return CODE;
    }
  }

  /** Creates or updates evaluations. */
  record EvalUpsert(List<Evaluation> evals, long time) implements Command {
    public static final int CODE = 3;

    public EvalUpsert {
      evals = List.copyOf(evals);
    }

    @Override
    public int typeCode() {
      return CODE;
    }
  }

  /** Commits a checked plan: placements (new or updated allocs) and stops. */
  record PlanApply(String evalId, List<Allocation> placements, List<Allocation> stops,
      long time) implements Command {
    public static final int CODE = 4;

    public PlanApply {
      placements = List.copyOf(placements);
      stops = List.copyOf(stops);
    }

    @Override
    public int typeCode() {
      return CODE;
    }
  }

  /** Registers or re-registers a client node (it becomes ready). */
  record NodeRegister(Node node, long time) implements Command {
    public static final int CODE = 5;

    @Override
    public int typeCode() {
      return CODE;
    }
  }

  /** Changes a node's status; going down marks its allocations lost; evals are created. */
  record NodeStatusUpdate(String nodeId, String status, String description, List<Evaluation> evals,
      long time) implements Command {
    public static final int CODE = 6;

    public NodeStatusUpdate {
      evals = evals == null ? List.of() : List.copyOf(evals);
    }

    @Override
    public int typeCode() {
      return CODE;
    }
  }

  /** What clients report of their allocations; evals for failed ones. */
  record AllocClientUpdate(List<Allocation> updates, List<Evaluation> evals, long time)
      implements Command {
    public static final int CODE = 7;

    public AllocClientUpdate {
      updates = List.copyOf(updates);
      evals = evals == null ? List.of() : List.copyOf(evals);
    }

    @Override
    public int typeCode() {
      return CODE;
    }
  }

  /** Records one GitOps sync pass of a source in its bounded history (codes 20-29: GitOps). */
  record SourceSync(SourceSyncRecord record) implements Command {
    public static final int CODE = 20;

    @Override
    public int typeCode() {
      return CODE;
    }
  }

  /** Adds or replaces a GitOps source added at run time. */
  record SourceUpsert(GitSourceSpec source) implements Command {
    public static final int CODE = 21;

    @Override
    public int typeCode() {
      return CODE;
    }
  }

  /** Removes a GitOps source added at run time (its jobs and history stay). */
  record SourceDelete(String name) implements Command {
    public static final int CODE = 22;

    @Override
    public int typeCode() {
      return CODE;
    }
  }

  /**
   * Registers several job versions in one log entry (a GitOps pass), in order; each keeps its
   * own check-and-set and evaluation, exactly as {@link JobRegister} would.
   */
  record JobRegisterBatch(List<JobRegister> registers) implements Command {
    public static final int CODE = 23;

    public JobRegisterBatch {
      registers = List.copyOf(registers);
    }

    @Override
    public int typeCode() {
      return CODE;
    }
  }
}
