package dev.nm.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class DaemonRecordTest {
  private final DaemonRecord self = DaemonRecord.ofThisProcess();

  @Test
  void aRecordNamesItsProcessAndReadsBackAsWritten() {
    assertEquals(Optional.of(ProcessHandle.current().pid()), self.process().map(ProcessHandle::pid));
    assertEquals(Optional.of(self), DaemonRecord.parse(self.line()));
  }

  /** A wall clock stepped since the record was written moves the JDK's start time, not the ticks since boot. */
  @Test
  void ticksSinceBootStillNameTheProcessAfterTheClockWasStepped() {
    assumeTrue(self.startTicks() != 0, "no /proc here");
    DaemonRecord stepped = new DaemonRecord(self.pid(), self.startMillis() + 90_000, self.startTicks());
    assertTrue(stepped.process().isPresent(), "the clock moved, the daemon did not");
    DaemonRecord other = new DaemonRecord(self.pid(), self.startMillis(), self.startTicks() + 1);
    assertTrue(other.process().isEmpty(), "another process that took the pid");
  }

  /** A record of a version that wrote no ticks is compared by its start time. */
  @Test
  void aRecordWithoutTicksIsComparedByItsStartTime() {
    DaemonRecord older = DaemonRecord.parse(self.pid() + " " + self.startMillis() + "\n").orElseThrow();
    assertEquals(0, older.startTicks());
    assertTrue(older.process().isPresent());
    assertTrue(DaemonRecord.parse(self.pid() + " " + (self.startMillis() + 1)).orElseThrow().process().isEmpty());
    assertEquals(Optional.empty(), DaemonRecord.parse("1 2 3 4"));
  }
}
