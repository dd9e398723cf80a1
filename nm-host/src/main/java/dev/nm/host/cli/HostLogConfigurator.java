package dev.nm.host.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.nio.file.Path;

/**
 * The {@code nm-host} executable's logging, built in code once {@link LogSetup} has chosen it: logback finds this
 * class with a {@link java.util.ServiceLoader} before it looks for XML. Logging's start took 90-130 ms of every
 * process that logs (the daemon, a command) with the same configuration as XML, and takes 55-70 ms this way. In
 * any other process, such as an application that embeds nm-host and brings logback, it steps aside and logback
 * configures itself as usual.
 *
 * <ul>
 *   <li>{@code host}: stderr (the browser's log) and {@code logs/host.log}, each line with the process id (a
 *       host.log over 8 MiB is kept as host.log.1 as a host begins to log);
 *   <li>{@code console}: stderr only (a detached daemon's stderr is {@code logs/daemon.log}).
 * </ul>
 *
 * The root level is {@code NM_HOST_LOG_LEVEL}, INFO when unset or not a level.
 */
public final class HostLogConfigurator extends ContextAwareBase implements Configurator {
  /** System property naming the configuration: {@code host} or {@code console}. */
  static final String CONFIGURATION_PROPERTY = "nm.host.logging";
  /** System property: the directory of {@code host.log}. */
  static final String LOG_DIR_PROPERTY = "nm.host.logging.dir";
  static final String LEVEL_ENV = "NM_HOST_LOG_LEVEL";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    String configuration = System.getProperty(CONFIGURATION_PROPERTY);
    if (configuration == null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(System.getenv(LEVEL_ENV), Level.INFO));
    if (configuration.equals("host")) {
      long pid = ProcessHandle.current().pid();
      root.addAppender(stderr(context, "%d{HH:mm:ss.SSS} nm-host[" + pid + "] %-5level %logger{20} - %msg%n"));
      FileAppender<ILoggingEvent> file = new FileAppender<>();
      file.setName("FILE");
      Path hostLog = Path.of(System.getProperty(LOG_DIR_PROPERTY), "host.log");
      // Every host that logs appends to it, each for a moment: kept at its size as the daemon's log is.
      DaemonLauncher.keepIfOver(hostLog, DaemonLauncher.LOG_LIMIT_BYTES);
      file.setFile(hostLog.toString());
      root.addAppender(
          started(context, file, "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} [%thread] pid=" + pid + " %-5level %logger - %msg%n"));
    } else {
      root.addAppender(stderr(context, "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} [%thread] %-5level %logger{20} - %msg%n"));
    }
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static Appender<ILoggingEvent> stderr(LoggerContext context, String pattern) {
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    return started(context, stderr, pattern);
  }

  private static Appender<ILoggingEvent> started(
      LoggerContext context, OutputStreamAppender<ILoggingEvent> appender, String pattern) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(pattern);
    encoder.start();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.start();
    return appender;
  }
}
