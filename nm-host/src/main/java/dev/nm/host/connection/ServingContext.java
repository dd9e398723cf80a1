package dev.nm.host.connection;

import dev.nm.host.RouteCatalog;
import dev.nm.host.middleware.Middleware;
import dev.nm.route.Services;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * What every connection of one server shares.
 *
 * @param chain the middleware chain ending in the dispatcher
 * @param services the services routes reach through their context
 * @param lightPool runs LIGHT and STANDARD routes (and unknown names); UNLIMITED routes run on the
 *     connection's reader thread
 * @param heavyPool runs HEAVY routes, so that they never hold up cheap ones
 * @param maxInFlight requests a connection may have running; later ones wait their turn
 * @param inFlightCalls calls running on all connections
 * @param onClosed told once when a connection ends
 * @param writeStall how long a peer may read nothing while frames wait for it before its connection is closed
 */
public record ServingContext(
    RouteCatalog catalog,
    Middleware.Next chain,
    Services services,
    ExecutorService lightPool,
    ExecutorService heavyPool,
    int maxInFlight,
    AtomicInteger inFlightCalls,
    Consumer<ServerConnection> onClosed,
    Duration writeStall) {}
