/**
 * JUnit 5 support for route authors and host authors.
 *
 * <ul>
 *   <li>{@link dev.nm.testkit.NmRouteCases}: runs every declared {@code @ValidCase} and {@code @InvalidCase}
 *       against a real server, one dynamic test per case.
 *   <li>{@link dev.nm.testkit.NmHostTest}: an {@link dev.nm.testkit.NmClient} parameter on a fresh connection
 *       to an in-memory host serving the class path's routes.
 *   <li>{@link dev.nm.testkit.NmClient}: a browser's side of the protocol, over an in-memory connection
 *       ({@link dev.nm.testkit.NmClient#connect}), any frame reader and writer, or a host process.
 *   <li>{@link dev.nm.testkit.HostProcess}: a host process started exactly as Chrome or Firefox starts it.
 *   <li>{@link dev.nm.testkit.FramedPipe}: an in-memory framed duplex with the browser's frame limits.
 *   <li>{@link dev.nm.testkit.EnvelopeAssertions}: fluent assertions on a {@link dev.nm.testkit.Reply} that print
 *       the whole reply when they fail.
 * </ul>
 */
package dev.nm.testkit;
