package dev.nm.host.cli;

import dev.nm.host.HostPaths;
import dev.nm.host.HostStatus;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Host mode without a daemon: the whole reference host in this process, for one browser port. */
final class StandaloneHost {
  private static final Logger LOG = LoggerFactory.getLogger(StandaloneHost.class);
  /** One read call takes in a whole burst of small requests. */
  private static final int STDIN_BUFFER_BYTES = 64 * 1024;

  private StandaloneHost() {}

  static int serve(String origin, InputStream in, OutputStream out, HostPaths paths) {
    try (ReferenceHost host = ReferenceHost.start(paths, HostStatus.Mode.STANDALONE)) {
      host.server().serve(new BufferedInputStream(in, STDIN_BUFFER_BYTES), out, origin);
      return 0;
    } catch (Exception e) {
      LOG.error("standalone host failed", e);
      return 1;
    }
  }
}
