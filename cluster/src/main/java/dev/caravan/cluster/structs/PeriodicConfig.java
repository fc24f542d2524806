package dev.caravan.cluster.structs;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The {@code periodic} block: a cron schedule that launches child jobs. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PeriodicConfig(
    @JsonProperty("Enabled") boolean enabled,
    @JsonProperty("Spec") String spec,
    @JsonProperty("Specs") List<String> specs,
    @JsonProperty("SpecType") String specType,
    @JsonProperty("ProhibitOverlap") boolean prohibitOverlap,
    @JsonProperty("TimeZone") String timeZone) {

  public PeriodicConfig {
    specs = Structs.copy(specs);
    specType = specType == null ? "cron" : specType;
    timeZone = timeZone == null || timeZone.isEmpty() ? "UTC" : timeZone;
  }

  /** Every cron expression of this schedule: {@code Specs}, or {@code Spec} alone. */
  public List<String> allSpecs() {
    if (!specs.isEmpty()) {
      return specs;
    }
    return spec == null || spec.isEmpty() ? List.of() : List.of(spec);
  }
}
