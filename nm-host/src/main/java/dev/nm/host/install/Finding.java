package dev.nm.host.install;

import java.util.Objects;

/**
 * One result of {@link Doctor}: what was checked, what was found and, for a problem, the command that fixes it.
 *
 * @param subject what was checked: a browser id, {@code daemon}, {@code models}
 * @param fix the exact command to run, or null when there is nothing to fix
 */
public record Finding(Severity severity, String subject, String message, String fix) {
  /** How much a finding matters; any {@link #PROBLEM} makes {@code nm-host doctor} exit non-zero. */
  public enum Severity {
    OK,
    NOTE,
    PROBLEM
  }

  public Finding {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(message, "message");
  }

  static Finding ok(String subject, String message) {
    return new Finding(Severity.OK, subject, message, null);
  }

  static Finding note(String subject, String message, String fix) {
    return new Finding(Severity.NOTE, subject, message, fix);
  }

  static Finding problem(String subject, String message, String fix) {
    return new Finding(Severity.PROBLEM, subject, message, fix);
  }
}
