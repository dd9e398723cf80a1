package dev.nm.host.cli;

import dev.nm.host.HostPaths;
import dev.nm.host.HostStatus;
import java.io.OutputStream;
import java.nio.channels.ReadableByteChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Host mode without a daemon: the whole reference host in this process, for one browser port. */
final class StandaloneHost {
  private static final Logger LOG = LoggerFactory.getLogger(StandaloneHost.class);
  private StandaloneHost() {}

  /** @param in stdin as a channel: read through a buffer, so the replies to a burst leave together */
  static int serve(String origin, ReadableByteChannel in, OutputStream out, HostPaths paths) {
    try (ReferenceHost host = ReferenceHost.start(paths, HostStatus.Mode.STANDALONE)) {
      host.server().serve(in, out, origin);
      return 0;
    } catch (Exception e) {
      LOG.error("standalone host failed", e);
      return 1;
    }
  }
}
