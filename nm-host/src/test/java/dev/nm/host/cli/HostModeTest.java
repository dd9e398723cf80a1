package dev.nm.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HostModeTest {
  @Test
  void pipesGoToTheDaemonUnlessTheRelayIsAskedToKeepThem() {
    assertTrue(HostMode.offersPipes(null));
    assertTrue(HostMode.offersPipes(" daemon "));
    assertFalse(HostMode.offersPipes("relay"));
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> HostMode.offersPipes("browser"));
    assertEquals("NM_HOST_PIPES=browser is not supported; use daemon or relay", refused.getMessage());
  }
}
