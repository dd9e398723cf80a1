package dev.nm.host.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RelayHostTest {
  @Test
  void ownPidIsTheProcessId() {
    assertEquals(ProcessHandle.current().pid(), RelayHost.ownPid());
  }
}
