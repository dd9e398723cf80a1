package dev.nm.host.cli;

import ch.qos.logback.core.PropertyDefinerBase;

/**
 * This process's id for the host's logback configuration ({@code <define name="pid" .../>}). Logback asks for
 * it only when logging starts, which a relay that has nothing to report never does: the first
 * {@link ProcessHandle} use costs a browser launch several milliseconds.
 */
public final class ProcessIdDefiner extends PropertyDefinerBase {
  @Override
  public String getPropertyValue() {
    return Long.toString(ProcessHandle.current().pid());
  }
}
