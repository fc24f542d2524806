package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/** A {@code template} block rendered into the task directory or its environment. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Template(
    @JsonProperty("SourcePath") String sourcePath,
    @JsonProperty("DestPath") String destPath,
    @JsonProperty("EmbeddedTmpl") String embeddedTmpl,
    @JsonProperty("ChangeMode") String changeMode,
    @JsonProperty("ChangeSignal") String changeSignal,
    @JsonProperty("Splay") Duration splay,
    @JsonProperty("Perms") String perms,
    @JsonProperty("LeftDelim") String leftDelim,
    @JsonProperty("RightDelim") String rightDelim,
    @JsonProperty("Envvars") boolean envvars) {
}
