package dev.caravan.reconciler.sync;

import dev.caravan.cluster.structs.Allocation;
import dev.caravan.cluster.structs.Deployment;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.TaskGroup;
import java.util.List;

/**
 * A live job's health, gitops-engine style: a pure judgement from the job, its allocations
 * and its latest deployment. Periodic and parameterized jobs only launch children: Suspended.
 */
final class JobHealth {
  private JobHealth() {}

  /** Null when the job is absent or stopped. */
  static Health of(Job job, List<Allocation> allocs, Deployment latest) {
    if (job == null || job.stop()) {
      return null;
    }
    if (job.isPeriodic() || job.isParameterized()) {
      return Health.Suspended;
    }
    if (latest != null && latest.jobVersion() == job.version()) {
      if (Deployment.STATUS_FAILED.equals(latest.status())) {
        return Health.Degraded;
      }
      if (latest.isActive()) {
        return Health.Progressing;
      }
    }
    boolean batch = Job.TYPE_BATCH.equals(job.type()) || Job.TYPE_SYSBATCH.equals(job.type());
    int wanted = 0;
    for (TaskGroup g : job.taskGroups()) {
      wanted += g.count();
    }
    int good = 0;
    boolean failed = false;
    for (Allocation a : allocs) {
      if (a.isServerTerminal() && !batch) {
        continue;
      }
      String st = a.clientStatus();
      if (Allocation.CLIENT_RUNNING.equals(st)
          || (batch && Allocation.CLIENT_COMPLETE.equals(st))) {
        if (a.jobVersion() == job.version()) {
          good++;
        }
      } else if (!a.isServerTerminal() && (Allocation.CLIENT_FAILED.equals(st)
          || Allocation.CLIENT_LOST.equals(st))) {
        failed = true;
      }
    }
    if (failed) {
      return Health.Degraded;
    }
    if (Job.TYPE_SYSTEM.equals(job.type())) {
      return Health.Healthy;
    }
    return good >= wanted ? Health.Healthy : Health.Progressing;
  }
}
