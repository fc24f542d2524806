package dev.caravan.cluster.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.caravan.cluster.structs.GitSourceSpec;
import dev.caravan.cluster.structs.SourceSyncRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceSyncHistoryTest {

  @Test
  void keepsTheLastHundredPassesPerSourceNewestFirst() {
    StateImage s = StateImage.EMPTY;
    for (int i = 1; i <= 105; i++) {
      s = StateMachineCore.apply(s, i, new Command.SourceSync(record("app", "c" + i)));
    }
    s = StateMachineCore.apply(s, 106, new Command.SourceSync(record("other", "x")));

    List<SourceSyncRecord> app = s.sourceSyncs("app");
    assertEquals(SourceSyncRecord.KEPT, app.size());
    assertEquals("c105", app.get(0).commit());
    assertEquals(105, app.get(0).index());
    assertEquals("c6", app.get(99).commit());
    assertEquals(1, s.sourceSyncs("other").size());
    assertEquals(List.of(), s.sourceSyncs("none"));
  }

  @Test
  void codecAndSnapshotKeepTheRecordWithItsJobVersions() throws Exception {
    Command c = new Command.SourceSync(record("app", "abc"));

    Command decoded = CommandCodec.decode(CommandCodec.encode(c));
    StateImage s = StateMachineCore.apply(StateImage.EMPTY, 7, decoded);
    StateImage restored = StateImage.fromJson(s.toJson());

    assertEquals(20, decoded.typeCode());
    assertEquals(c, decoded);
    assertEquals(s.sourceSyncs("app"), restored.sourceSyncs("app"));
    assertEquals(3, restored.sourceSyncs("app").get(0).jobs().get(0).version());
  }

  @Test
  void runTimeSourcesAreAddedReplacedAndRemovedAndSurviveASnapshot() throws Exception {
    StateImage s = StateMachineCore.apply(StateImage.EMPTY, 1, new Command.SourceUpsert(spec("b", "u1")));
    s = StateMachineCore.apply(s, 2, new Command.SourceUpsert(spec("a", "u2")));
    s = StateMachineCore.apply(s, 3, CommandCodec.decode(CommandCodec.encode(
        new Command.SourceUpsert(spec("b", "u3")))));

    StateImage restored = StateImage.fromJson(s.toJson());
    StateImage removed = StateMachineCore.apply(restored, 4,
        CommandCodec.decode(CommandCodec.encode(new Command.SourceDelete("a"))));

    assertEquals(List.of("a", "b"), restored.gitSources().stream().map(GitSourceSpec::name).toList());
    assertEquals("u3", restored.gitSources().get(1).url());
    assertEquals(3, restored.gitSources().get(1).modifyIndex());
    assertEquals("t0ken", restored.gitSources().get(1).token());
    assertEquals(List.of("b"), removed.gitSources().stream().map(GitSourceSpec::name).toList());
  }

  private static GitSourceSpec spec(String name, String url) {
    return new GitSourceSpec(name, url, "main", List.of("jobs/**/*.hcl"), null, 60_000_000_000L,
        false, 0.3, true, false, null, "t0ken", null, null, null, null, 0);
  }

  private static SourceSyncRecord record(String source, String commit) {
    return new SourceSyncRecord(source, commit, "Ann", "change web", 1_700_000_000_000L,
        List.of(new SourceSyncRecord.JobChange("web", "default", "jobs/web.hcl", "Update", 3)),
        SourceSyncRecord.OUTCOME_SUCCEEDED, null, 1_700_000_001_000_000_000L, 5_000_000L, 0);
  }
}
