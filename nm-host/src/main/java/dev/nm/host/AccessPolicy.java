package dev.nm.host;

/**
 * Who may call the host and with which scopes: the live view of the server's {@link HostConfig}, registered
 * as a service so routes can tell a caller what it holds.
 */
public interface AccessPolicy {
  /** Whether {@code origin} may call the host at all. */
  boolean allows(String origin);

  /** Whether {@code origin} holds {@code scope}; every allowed origin holds the empty scope. */
  boolean grants(String origin, String scope);
}
