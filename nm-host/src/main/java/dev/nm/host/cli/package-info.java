/**
 * The {@code nm-host} executable: the thin process a browser starts for each native-messaging port, the
 * resident daemon behind it, and the command line for people.
 *
 * <pre>
 * browser ──stdin/stdout pipes──▶ nm-host (relay) ──Unix socket──▶ nm-host daemon run ──▶ routes, models
 *    ▲                       NativeMessagingRelay  handshake offering  Daemon, ReferenceHost,
 *    │                                             the pipes; "released" NativeMessagingServer
 *    └──── frames: the same pipes, read and written by the daemon ◀──────┘
 * </pre>
 *
 * <ul>
 *   <li>{@link dev.nm.host.cli.NmHostMain} recognises a browser launch from its arguments alone
 *       ({@link dev.nm.host.relay.NativeMessagingRelay#browserOrigin}), claims stdout for frames
 *       ({@code StdoutGuard}) and serves the port; any other command line goes to picocli ({@code NmHostCommand}).
 *   <li>Relay mode (the default) is {@link dev.nm.host.relay.NativeMessagingRelay}, the relay that applications
 *       embedding the runtime use too, told to start the daemon when none answers ({@code DaemonStart},
 *       {@code DaemonLauncher}): it offers the daemon its stdin and stdout, and on Linux the daemon serves the port
 *       on those pipes while the relay only waits to be told the port has ended. Where the daemon cannot take them,
 *       or {@code NM_HOST_PIPES=relay}, the relay passes frames verbatim both ways and answers the requests in
 *       flight with {@code BACKEND_ERROR} if the daemon dies.
 *   <li>The daemon ({@code Daemon}) is one per user ({@code DaemonLock}), serves every relay from one
 *       {@code ReferenceHost} (config, host modules, route tables from the class path), puts each saved edit of
 *       {@code config.json} in force ({@code ConfigWatcher}), and exits after
 *       {@code idle_timeout_seconds} without connections or on SIGTERM, removing its socket and pid file. When
 *       its installation changes ({@code InstallationWatcher}) it retires: new ports go to a new daemon.
 *   <li>Standalone mode ({@code NM_HOST_MODE=standalone}, {@code StandaloneHost}) serves the port with a
 *       whole host in the process, sharing nothing.
 * </ul>
 */
package dev.nm.host.cli;
