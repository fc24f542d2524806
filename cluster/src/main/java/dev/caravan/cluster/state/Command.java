package dev.caravan.cluster.state;

import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.DrainStrategy;
import dev.caravan.cluster.structs.Deployment;
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

  /**
   * Removes evaluations the leader's collector found done with (Nomad's eval GC, {@code
   * EvalReapRequest}); ids no longer present are skipped.
   */
  record EvalReap(List<String> evalIds) implements Command {
    /** Server housekeeping has codes 40-49 (1-7 core, 10-19 deployments, 30-39 nodes). */
    public static final int CODE = 40;

    public EvalReap {
      evalIds = List.copyOf(evalIds);
    }

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
  /**
   * Fires of periodic jobs, each checked and recorded atomically (one command carries every
   * fire proposed together, so that a thousand jobs firing at the same second are one entry).
   * For each launch: unless {@code forced}, a no-op when {@code slot} is not after the parent's
   * recorded last slot (a slot is handled at most once, whichever leader proposes it); also a
   * no-op when the child job already exists. With a {@code child}, registers it and its
   * {@code eval}; without, records a skip with {@code skipReason}. A forced launch does not move
   * the last slot.
   */
  record PeriodicLaunch(List<Launch> launches, long time) implements Command {
    public static final int CODE = 8;

    public PeriodicLaunch {
      launches = List.copyOf(launches);
    }

    @Override
    public int typeCode() {
      return CODE;
    }

    /** One fire of one periodic job; {@code slot} in unix seconds. */
    public record Launch(String namespace, String parentId, long slot, Job child, Evaluation eval,
        String skipReason, boolean forced) {}
  }

  /**
   * Dispatched children of parameterized jobs, each registered with its {@code eval}; concurrent
   * dispatches share one command. For each: a no-op when the parent already has a child
   * dispatched with the same non-empty {@code idempotencyToken}, when the child exists, or when
   * the parent is gone.
   */
  record JobDispatch(List<Dispatch> dispatches, long time) implements Command {
    public static final int CODE = 9;

    public JobDispatch {
      dispatches = List.copyOf(dispatches);
    }

    @Override
    public int typeCode() {
      return CODE;
    }

    /** One dispatch. */
    public record Dispatch(Job child, Evaluation eval, String idempotencyToken) {}
  }

  // ---- deployments: codes 10 to 19 ----

  /**
   * A scheduler pass that creates or changes a deployment: the plan's placements and stops,
   * the deployment it creates or updates, and the older deployments it cancels, in one entry.
   */
  record DeploymentPlanApply(PlanApply plan, Deployment deployment,
      List<Deployment> deploymentUpdates) implements Command {
    public static final int CODE = 10;

    public DeploymentPlanApply {
      deploymentUpdates = deploymentUpdates == null ? List.of() : List.copyOf(deploymentUpdates);
    }

    @Override
    public int typeCode() {
      return CODE;
    }
  }

  /**
   * The deployment watcher's (or an operator's) change of one deployment: its per-group
   * progress and status, an optional evaluation to create, and an optional job to register
   * (auto-revert). Applied only while the deployment is still active (running or paused), so a
   * replayed or duplicated decision changes nothing; a successful deployment marks its job
   * version stable.
   */
  record DeploymentUpdate(Deployment deployment, Evaluation eval, JobRegister revert, long time)
      implements Command {
    public static final int CODE = 11;

    @Override
    public int typeCode() {
      return CODE;
    }
  }

  /** Promotes the canaries of some groups (or all of them) of an active deployment. */
  record DeploymentPromote(String deploymentId, boolean all, List<String> groups,
      Evaluation eval, long time) implements Command {
    public static final int CODE = 12;

    public DeploymentPromote {
      groups = groups == null ? List.of() : List.copyOf(groups);
    }

    @Override
    public int typeCode() {
      return CODE;
    }
  }

  /**
   * An operator's verdict on allocations of a deployment ({@code health_check = "manual"}):
   * their deployment status becomes healthy or unhealthy at {@code time}. Applied only while
   * the deployment is active, and only to its own allocations.
   */
  record DeploymentAllocHealth(String deploymentId, List<String> healthy, List<String> unhealthy,
      Evaluation eval, long time) implements Command {
    public static final int CODE = 13;

    public DeploymentAllocHealth {
      healthy = healthy == null ? List.of() : List.copyOf(healthy);
      unhealthy = unhealthy == null ? List.of() : List.copyOf(unhealthy);
    }

    @Override
    public int typeCode() {
      return CODE;
    }
  }

  // ---- node lifecycle and server operations: codes 30-39 ----

  /**
   * Sets a node's scheduling eligibility ({@code eligible} / {@code ineligible}); evals for the
   * system jobs a newly eligible node should run.
   */
  record NodeEligibilityUpdate(String nodeId, String eligibility, List<Evaluation> evals,
      long time) implements Command {
    public static final int CODE = 30;

    public NodeEligibilityUpdate {
      evals = evals == null ? List.of() : List.copyOf(evals);
    }

    @Override
    public int typeCode() {
      return CODE;
    }
  }

  /**
   * Starts, updates, cancels ({@code drain} null) or completes ({@code drain} null,
   * {@code complete} true) a node's drain. A draining node is ineligible; a canceled drain may
   * make it eligible again ({@code markEligible}). The leader stamps {@code StartedAt} and
   * {@code ForceDeadline} into the strategy; evals are for the jobs with allocations there.
   */
  record NodeDrainUpdate(String nodeId, DrainStrategy drain, boolean markEligible,
      boolean complete, List<Evaluation> evals, long time) implements Command {
    public static final int CODE = 31;

    public NodeDrainUpdate {
      evals = evals == null ? List.of() : List.copyOf(evals);
    }

    @Override
    public int typeCode() {
      return CODE;
    }
  }

  // ---- GitOps sources: codes 20 to 29 ----

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
