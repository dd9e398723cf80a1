/**
 * The relay: the small process a browser starts for each native-messaging port, which hands the port to a resident
 * {@link dev.nm.host.NativeMessagingServer}. {@link dev.nm.host.relay.NativeMessagingRelay} is its API, for an
 * application's own host executable; the reference host's {@code nm-host} is built on it too.
 *
 * <ul>
 *   <li>{@code BrowserLaunch} reads the browser's arguments.
 *   <li>{@code RelayHost} serves the port: it hands the pipes over through files ({@code PipeHandoff}), else in the
 *       socket's handshake, else passes frames both ways, tracking the requests in flight
 *       ({@code InFlightRequests}) so that each is answered if the server dies.
 *   <li>{@code ServerConnector} connects to the server's socket, starting the server with a
 *       {@link dev.nm.host.relay.ServerLauncher} when none answers; {@code FirstSocket} shortens the JDK's set-up of
 *       the first socket.
 * </ul>
 */
package dev.nm.host.relay;
