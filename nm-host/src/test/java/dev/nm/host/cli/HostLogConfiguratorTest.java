package dev.nm.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostLogConfiguratorTest {
  @TempDir Path logs;
  private final LoggerContext context = new LoggerContext();

  @BeforeEach
  void mdc() {
    context.setMDCAdapter(new LogbackMDCAdapter()); // what logback's SLF4J provider gives the context it starts
  }

  @AfterEach
  void clearProperties() {
    System.clearProperty(HostLogConfigurator.CONFIGURATION_PROPERTY);
    System.clearProperty(HostLogConfigurator.LOG_DIR_PROPERTY);
    context.stop();
  }

  @Test
  void stepsAsideInAProcessThatDidNotChooseIt() {
    assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY, configure());
    assertFalse(root().iteratorForAppenders().hasNext());
  }

  @Test
  void commandsLogToStderrOnly() {
    System.setProperty(HostLogConfigurator.CONFIGURATION_PROPERTY, "console");

    assertEquals(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, configure());
    ConsoleAppender<?> stderr = (ConsoleAppender<?>) root().iteratorForAppenders().next();
    assertEquals("System.err", stderr.getTarget());
    assertTrue(stderr.isStarted());
    assertEquals(Level.INFO, root().getLevel(), "NM_HOST_LOG_LEVEL is unset in tests");
  }

  /** Relays append to host.log for years: one over the daemon log's limit is kept as host.log.1 and begun anew. */
  @Test
  void aHostLogOverTheLimitIsKeptAsDotOneAndBegunAnew() throws Exception {
    System.setProperty(HostLogConfigurator.CONFIGURATION_PROPERTY, "host");
    System.setProperty(HostLogConfigurator.LOG_DIR_PROPERTY, logs.toString());
    byte[] old = new byte[(int) DaemonLauncher.LOG_LIMIT_BYTES + 1];
    java.nio.file.Files.write(logs.resolve("host.log"), old);

    configure();
    context.getLogger("dev.nm.example").warn("after the rotation");

    assertEquals(old.length, java.nio.file.Files.size(logs.resolve("host.log.1")));
    assertTrue(java.nio.file.Files.readString(logs.resolve("host.log")).contains("after the rotation"));
    assertTrue(java.nio.file.Files.size(logs.resolve("host.log")) < 1000);
  }

  @Test
  void aHostAlsoLogsToHostLogWithItsProcessId() throws Exception {
    System.setProperty(HostLogConfigurator.CONFIGURATION_PROPERTY, "host");
    System.setProperty(HostLogConfigurator.LOG_DIR_PROPERTY, logs.toString());

    configure();
    context.getLogger("dev.nm.example").info("served a port");

    String line = Files.readString(logs.resolve("host.log"));
    assertTrue(
        line.matches("\\d{4}-\\d\\d-\\d\\dT[^ ]+ \\[[^]]+\\] pid=" + ProcessHandle.current().pid()
            + " INFO  dev.nm.example - served a port\\R"),
        line);
  }

  private ExecutionStatus configure() {
    HostLogConfigurator configurator = new HostLogConfigurator();
    configurator.setContext(context);
    return configurator.configure(context);
  }

  private Logger root() {
    return context.getLogger(Logger.ROOT_LOGGER_NAME);
  }
}
