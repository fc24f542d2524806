package dev.caravan.bench;

import dev.caravan.cluster.structs.Job;
import dev.caravan.reconciler.jobspec.Jobspec;
import dev.caravan.reconciler.jobspec.JobspecException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Issue 3's figures: parse + default + validate ({@link Jobspec#parse}) of 1,000 different job
 * files of about 60 lines each, on one thread, after warm-up passes over the same files; the
 * total of one pass and the per-file latency percentiles, in wall-clock time and in the
 * thread's CPU time (which a busy shared machine does not inflate). Prints JSON.
 *
 * <p>Usage: {@code taskset -c 0 java -XX:ActiveProcessorCount=1 -cp "$(cat bench/cp.txt)"
 * dev.caravan.bench.JobspecBench [files] [warmup passes] [measured passes]} from the
 * repository root, after {@code ./mvnw -o -q compile -pl bench -am} and writing the class path
 * with {@code ./mvnw -o -q dependency:build-classpath -pl bench -Dmdep.outputFile=cp.txt}
 * (then prepend {@code bench/target/classes}).
 */
public final class JobspecBench {
  public static void main(String[] args) throws Exception {
    int files = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int passes = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    List<String> jobs = new ArrayList<>();
    long lines = 0;
    for (int i = 0; i < files; i++) {
      String hcl = jobFile(i);
      jobs.add(hcl);
      lines += hcl.lines().count();
    }
    for (int w = 0; w < warmup; w++) {
      pass(jobs);
    }
    List<Long> totals = new ArrayList<>();
    List<Long> cpuTotals = new ArrayList<>();
    long[] all = new long[files * passes];
    long[] allCpu = new long[files * passes];
    for (int p = 0; p < passes; p++) {
      long t0 = System.nanoTime();
      long c0 = CPU.getCurrentThreadCpuTime();
      long[][] each = pass(jobs);
      cpuTotals.add((CPU.getCurrentThreadCpuTime() - c0) / 1_000_000);
      totals.add((System.nanoTime() - t0) / 1_000_000);
      System.arraycopy(each[0], 0, all, p * files, files);
      System.arraycopy(each[1], 0, allCpu, p * files, files);
    }
    Arrays.sort(all);
    Arrays.sort(allCpu);
    List<Long> sortedCpu = new ArrayList<>(cpuTotals);
    sortedCpu.sort(null);
    List<Long> sortedTotals = new ArrayList<>(totals);
    sortedTotals.sort(null);
    System.out.printf("{\"benchmark\":\"jobspec-parse-default-validate\",\"files\":%d,"
            + "\"mean_lines_per_file\":%d,\"warmup_passes\":%d,\"passes\":%d,"
            + "\"pass_total_ms\":%s,\"median_pass_ms\":%d,\"p50_us\":%d,\"p99_us\":%d,"
            + "\"max_us\":%d,\"cpu_pass_total_ms\":%s,\"median_cpu_pass_ms\":%d,"
            + "\"cpu_p50_us\":%d,\"cpu_p99_us\":%d,\"cpu_max_us\":%d,\"processors\":%d}%n",
        files, lines / files, warmup, passes, totals, sortedTotals.get(passes / 2),
        all[all.length / 2] / 1_000, all[(int) (all.length * 0.99)] / 1_000,
        all[all.length - 1] / 1_000, cpuTotals, sortedCpu.get(passes / 2),
        allCpu[allCpu.length / 2] / 1_000, allCpu[(int) (allCpu.length * 0.99)] / 1_000,
        allCpu[allCpu.length - 1] / 1_000, Runtime.getRuntime().availableProcessors());
  }

  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  /** Per file: wall-clock nanoseconds, then CPU nanoseconds of this thread. */
  private static long[][] pass(List<String> jobs) throws JobspecException {
    long[] nanos = new long[jobs.size()];
    long[] cpu = new long[jobs.size()];
    for (int i = 0; i < jobs.size(); i++) {
      long c0 = CPU.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      Job job = Jobspec.parse("job-" + i + ".hcl", jobs.get(i));
      nanos[i] = System.nanoTime() - t0;
      cpu[i] = CPU.getCurrentThreadCpuTime() - c0;
      if (job.taskGroups().isEmpty()) {
        throw new IllegalStateException("no groups in job " + i);
      }
    }
    return new long[][] {nanos, cpu};
  }

  /** A realistic service or batch job of about 60 lines; {@code i} varies names and values. */
  static String jobFile(int i) {
    boolean batch = i % 4 == 3;
    return """
        # Generated job %1$d for the jobspec benchmark.
        variable "image_tag" {
          type    = string
          default = "1.%1$d.0"
        }

        job "app-%1$d" {
          datacenters = ["dc%2$d", "dc%3$d"]
          type        = "%4$s"
          priority    = %5$d

          meta {
            team  = "team-%2$d"
            owner = "owner-%1$d@example.com"
          }

          constraint {
            attribute = "${attr.kernel.name}"
            value     = "linux"
          }

          group "web" {
            count = %6$d

            network {
              port "http" {
                to = 8080
              }
            }

            restart {
              attempts = 3
              interval = "30m"
              delay    = "15s"
              mode     = "fail"
            }

            task "server" {
              driver = "docker"

              config {
                image = "registry.example.com/app-%1$d:${var.image_tag}"
                ports = ["http"]
                args  = ["--port", "${NOMAD_PORT_http}", "--worker", "%1$d"]
              }

              env {
                APP_ENV  = "production"
                APP_NODE = "${node.unique.name}"
              }

              resources {
                cpu    = %7$d
                memory = %8$d
              }

              kill_timeout = "%9$ds"

              logs {
                max_files     = 5
                max_file_size = 10
              }
            }
          }
        }
        """.formatted(i, i % 3 + 1, i % 5 + 2, batch ? "batch" : "service", 10 + i % 90,
        1 + i % 5, 100 + (i % 8) * 50, 128 + (i % 6) * 64, 5 + i % 25);
  }

  private JobspecBench() {}
}
