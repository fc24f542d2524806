package dev.caravan.reconciler.jobspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.caravan.cluster.structs.ApiJobReader;
import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.JobDefaults;
import dev.caravan.cluster.structs.NomadJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The job API's reader over the Nomad corpus: every file that parses, sent as the JSON
 * {@code caravan job run} posts, reads back as the same job. Defaults fill only what is unset,
 * so no explicit value of a real job is lost or refused. Skipped when the corpus is absent.
 */
class ApiJobCorpusTest {

  @Test
  void everyParsedCorpusJobReadsBackFromItsApiJsonUnchanged() throws Exception {
    Path root = NomadCorpusConformanceTest.corpus();
    assumeTrue(Files.isDirectory(root), "no corpus at " + root);
    List<String> failures = new ArrayList<>();
    int read = 0;
    for (Path file : NomadCorpusConformanceTest.jobFiles(root)) {
      if (NomadCorpusConformanceTest.REJECTED.contains(file.getFileName().toString())) {
        continue;
      }
      Job job = NomadCorpusConformanceTest.parse(file).job();
      if (job == null) {
        continue;
      }
      String name = root.relativize(file).toString();
      try {
        Job back = ApiJobReader.read(NomadJson.mapper().readTree(JobJson.toApiJson(job))
            .get("Job"));
        if (!job.equals(JobDefaults.apply(back))) {
          failures.add(name + ": reads back as another job");
        }
        read++;
      } catch (ApiJobReader.InvalidJobException e) {
        failures.add(name + ": " + e.getMessage());
      }
    }

    System.out.printf("nomad corpus through the job API's reader: %d jobs%n", read);

    assertEquals(List.of(), failures);
    assertTrue(read > 0);
  }
}
