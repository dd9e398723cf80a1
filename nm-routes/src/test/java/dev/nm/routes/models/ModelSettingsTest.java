package dev.nm.routes.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelSettingsTest {
  @Test
  void variablesOverrideTheDefaultsAndZeroIdleMeansNever() {
    ModelSettings settings =
        ModelSettings.fromEnvironment(
            Map.of("NM_AI_PARALLEL", "2", "NM_AI_CONTEXT_PER_SLOT", " 512 ", "NM_AI_THREADS", "3", "NM_AI_IDLE_UNLOAD_SECONDS", "0"));
    assertEquals(new ModelSettings(2, 512, 3, Duration.ZERO), settings);
    assertEquals(4, ModelSettings.fromEnvironment(Map.of("NM_AI_PARALLEL", " ")).parallelSlots());
  }

  @Test
  void aValueOutOfRangeNamesItsVariableAndItsLeast() {
    assertEquals(
        "NM_AI_PARALLEL must be a whole number of at least 1, was '0'",
        assertThrows(IllegalArgumentException.class, () -> ModelSettings.fromEnvironment(Map.of("NM_AI_PARALLEL", "0"))).getMessage());
    assertEquals(
        "NM_AI_CONTEXT_PER_SLOT must be a whole number of at least 16, was '8'",
        assertThrows(IllegalArgumentException.class, () -> ModelSettings.fromEnvironment(Map.of("NM_AI_CONTEXT_PER_SLOT", "8"))).getMessage());
    assertEquals(
        "NM_AI_THREADS must be a whole number of at least 1, was 'two'",
        assertThrows(IllegalArgumentException.class, () -> ModelSettings.fromEnvironment(Map.of("NM_AI_THREADS", "two"))).getMessage());
    assertEquals(
        "threads must be at least 1, was 0",
        assertThrows(IllegalArgumentException.class, () -> new ModelSettings(1, 16, 0, Duration.ZERO)).getMessage());
  }
}
