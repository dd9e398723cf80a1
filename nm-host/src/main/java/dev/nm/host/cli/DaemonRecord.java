package dev.nm.host.cli;

import java.time.Instant;
import java.util.Optional;

/**
 * A daemon process as recorded in the run directory: its pid and its start time, which together still name it
 * once the pid may have been reused (a daemon killed with SIGKILL leaves its records behind).
 *
 * @param startMillis when the process started, in epoch milliseconds; 0 where the platform does not say
 */
record DaemonRecord(long pid, long startMillis) {
  static DaemonRecord ofThisProcess() {
    ProcessHandle self = ProcessHandle.current();
    return new DaemonRecord(self.pid(), startMillis(self));
  }

  /** The record written by {@link #line()}, if {@code text} is one. */
  static Optional<DaemonRecord> parse(String text) {
    String[] fields = text.trim().split(" ");
    if (fields.length != 2) {
      return Optional.empty();
    }
    try {
      return Optional.of(new DaemonRecord(Long.parseLong(fields[0]), Long.parseLong(fields[1])));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  String line() {
    return pid + " " + startMillis + "\n";
  }

  /** The process this record names, if it still runs: same pid and, where known, the same start time. */
  Optional<ProcessHandle> process() {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> startMillis == 0 || startMillis(p) == 0 || startMillis(p) == startMillis);
  }

  private static long startMillis(ProcessHandle process) {
    return process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
  }
}
