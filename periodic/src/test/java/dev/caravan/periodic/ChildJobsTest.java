package dev.caravan.periodic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.caravan.cluster.structs.Job;
import dev.caravan.cluster.structs.ParameterizedJobConfig;
import dev.caravan.cluster.structs.PeriodicConfig;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChildJobsTest {

    @Test
    void aPeriodicChildIsTheParentWithoutPeriodicNamedAfterItsSlot() {
        Job parent = Job.builder().id("backup").type(Job.TYPE_SYSBATCH).version(4).createIndex(9)
                .status(Job.STATUS_RUNNING).meta(Map.of("team", "ops"))
                .periodic(new PeriodicConfig(true, "@daily", null, "cron", true, "UTC")).build();

        Job child = ChildJobs.periodicChild(parent, new LaunchSlot(Instant.ofEpochSecond(1_800_000_000L)));

        assertEquals("backup/periodic-1800000000", child.id());
        assertEquals("backup/periodic-1800000000", child.name());
        assertEquals("backup", child.parentId());
        assertEquals(Job.TYPE_SYSBATCH, child.type());
        assertNull(child.periodic());
        assertEquals(0, child.version());
        assertEquals(0, child.createIndex());
        assertNull(child.status());
        assertEquals(Map.of("team", "ops"), child.meta());
    }

    @Test
    void aDispatchedChildMergesMetaAndCarriesThePayload() {
        Job parent = Job.builder().id("render").type(Job.TYPE_BATCH)
                .meta(Map.of("team", "media", "format", "png"))
                .parameterizedJob(new ParameterizedJobConfig("optional", List.of(), List.of("format")))
                .build();

        Job child = ChildJobs.dispatchChild(parent, 1_800_000_000L, "0a1b2c3d", new byte[] {'h', 'i'},
                Map.of("format", "jpg"));

        assertEquals("render/dispatch-1800000000-0a1b2c3d", child.id());
        assertEquals("render", child.parentId());
        assertTrue(child.dispatched());
        assertFalse(child.isParameterized());
        assertEquals(Map.of("team", "media", "format", "jpg"), child.meta());
        assertEquals("hi", new String(Base64.getDecoder().decode(child.payload())));
    }
}
