package dev.nm.host;

import java.time.Duration;

/**
 * One served connection: a browser port, a relayed socket, or an in-memory pipe. It reads requests on its
 * own thread until the stream ends or it is closed, and answers each on the server's pools.
 */
public interface Connection extends AutoCloseable {
  /** The caller's origin, fixed for the connection's life. */
  String origin();

  /** Whether the connection still reads requests. */
  boolean isOpen();

  /** Requests of this connection that have not been answered yet. */
  int inFlight();

  /** Blocks until the stream has ended or the connection was closed, and its calls were cancelled. */
  void await() throws InterruptedException;

  /**
   * Like {@link #await()}, for at most {@code timeout}.
   *
   * @return false if the connection is still being served
   */
  boolean await(Duration timeout) throws InterruptedException;

  /** Cancels every call of this connection, stops reading, and closes its transport if it owns one. */
  @Override
  void close();
}
