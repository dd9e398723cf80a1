package dev.nm.host.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A daemon process as recorded in the run directory: its pid and its start time, which together still name it
 * once the pid may have been reused (a daemon killed with SIGKILL leaves its records behind).
 *
 * @param startMillis when the process started, in epoch milliseconds; 0 where the platform does not say
 * @param startTicks when the process started, in clock ticks since boot, as Linux's {@code /proc/PID/stat} gives
 *     it; 0 elsewhere, and in the records of versions that wrote none. Where both records have it, it decides:
 *     the JDK's epoch start times move with the wall clock (each JVM adds the boot time, which a clock step, as
 *     NTP makes after a laptop resumes, moves), and a live daemon would be taken for gone
 */
record DaemonRecord(long pid, long startMillis, long startTicks) {
  static DaemonRecord ofThisProcess() {
    ProcessHandle self = ProcessHandle.current();
    return new DaemonRecord(self.pid(), startMillis(self), startTicks(self.pid()));
  }

  /** The record written by {@link #line()}, if {@code text} is one (or one of a version without ticks). */
  static Optional<DaemonRecord> parse(String text) {
    String[] fields = text.trim().split(" ");
    if (fields.length != 2 && fields.length != 3) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new DaemonRecord(
              Long.parseLong(fields[0]), Long.parseLong(fields[1]), fields.length == 3 ? Long.parseLong(fields[2]) : 0));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  String line() {
    return pid + " " + startMillis + " " + startTicks + "\n";
  }

  /** The process this record names, if it still runs: same pid and, where known, the same start time. */
  Optional<ProcessHandle> process() {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(this::startedWhenRecorded);
  }

  private boolean startedWhenRecorded(ProcessHandle process) {
    long ticks = startTicks == 0 ? 0 : startTicks(process.pid());
    if (ticks != 0) {
      return ticks == startTicks;
    }
    long millis = startMillis(process);
    return startMillis == 0 || millis == 0 || millis == startMillis;
  }

  private static long startMillis(ProcessHandle process) {
    return process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
  }

  /** Field 22 of {@code /proc/PID/stat}, after the command name, which may hold spaces and parentheses; 0 if none. */
  static long startTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[19]); // fields from the state, the 3rd: starttime is the 22nd
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
