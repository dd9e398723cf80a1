package dev.nm.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RelayHostTest {
  @Test
  void ownPidIsTheProcessId() {
    assertEquals(ProcessHandle.current().pid(), RelayHost.ownPid());
  }

  @Test
  void pipesGoToTheDaemonUnlessTheRelayIsAskedToKeepThem() {
    assertTrue(RelayHost.offersPipes(null));
    assertTrue(RelayHost.offersPipes(" daemon "));
    assertFalse(RelayHost.offersPipes("relay"));
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> RelayHost.offersPipes("browser"));
    assertEquals("NM_HOST_PIPES=browser is not supported; use daemon or relay", refused.getMessage());
  }
}
