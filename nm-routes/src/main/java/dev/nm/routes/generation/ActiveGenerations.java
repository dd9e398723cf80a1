package dev.nm.routes.generation;

import dev.nm.host.connection.CallRegistry;
import dev.nm.route.Cancellation;
import dev.nm.route.RouteContext;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The generations running now, so that a caller can stop its own: by request id, by session, or all of them.
 * A request id names a call on one connection (each port numbers its own), so stopping by request id reaches
 * the caller's own connection only; by session or all, the generations on every connection of the caller's
 * origin. A call still queued for a worker when its stop arrives starts stopped: by request id, the call the id
 * names then; by session or all, a call read before the stop (a queued call has not yet told its session, so the
 * stop is kept, by when it was made, for the calls that start after it). Thread-safe.
 */
public final class ActiveGenerations {
  private final Map<Key, Generation> running = new ConcurrentHashMap<>();
  /** Calls asked to stop by request id while still queued, by their cancellation (one a call): each starts stopped. */
  private final Set<Queued> stopBeforeStart = ConcurrentHashMap.newKeySet();
  private final Map<String, LastStop> lastStops = new ConcurrentHashMap<>();
  /** When each origin last stopped all of its generations, as {@link System#nanoTime()}. */
  private final Map<String, Long> allStopped = new ConcurrentHashMap<>();
  /**
   * When each session was last stopped, by origin: each origin's latest {@value #SESSION_STOPS_KEPT} sessions stopped
   * (one origin's stops never push out another's).
   */
  private final Map<String, SessionStops> sessionsStopped = new ConcurrentHashMap<>();

  static final int SESSION_STOPS_KEPT = 1024;

  /** Registers the call's generation until the returned handle is closed. */
  public Generation start(RouteContext call, String sessionId, String model) {
    Key key = Key.of(call, call.requestId());
    Generation generation = new Generation(key, call.origin(), sessionId, model, Instant.now());
    running.put(key, generation);
    // After the put: a stop that finds no generation adds the call, then looks again (see stop). The calls it
    // reached that ended without starting go too: each holds its request.
    if (stopBeforeStart.removeIf(queued -> queued.call() == call.cancellation())
        || stoppedSinceItsRequest(key, call.origin(), sessionId)) {
      generation.stopRequested.set(true);
    }
    stopBeforeStart.removeIf(Queued::isAnswered);
    return generation;
  }

  /**
   * Asks the caller's matching generations to stop: the one with {@code requestId} on the caller's connection if
   * given (one still queued there starts stopped), else those of {@code sessionId} if given, else all of the
   * caller's.
   *
   * @return the request ids asked to stop, sorted
   */
  public List<String> stop(RouteContext caller, String requestId, String sessionId) {
    List<String> stopped;
    if (requestId != null) {
      stopped = stop(caller, requestId);
    } else {
      // Kept before the running ones are looked at: a generation that starts meanwhile finds it (see start).
      long now = System.nanoTime();
      if (sessionId == null) {
        allStopped.put(caller.origin(), now);
      } else {
        sessionsStopped.computeIfAbsent(caller.origin(), origin -> new SessionStops()).stopped(sessionId, now);
      }
      List<Generation> matching =
          mine(caller.origin()).stream().filter(g -> sessionId == null || sessionId.equals(g.sessionId)).toList();
      matching.forEach(g -> g.stopRequested.set(true));
      stopped = matching.stream().map(g -> g.key.requestId).sorted().toList();
    }
    lastStops.put(caller.origin(), new LastStop(Instant.now(), requestId, sessionId, stopped));
    return stopped;
  }

  /** Whether a stop by session or of all reached the call after it was read, while it waited for a worker. */
  private boolean stoppedSinceItsRequest(Key key, String origin, String sessionId) {
    OptionalLong read = key.calls().map(calls -> calls.receivedNanosOf(key.requestId())).orElse(OptionalLong.empty());
    if (read.isEmpty()) {
      return false;
    }
    Long all = allStopped.get(origin);
    SessionStops stops = sessionId == null ? null : sessionsStopped.get(origin);
    Long session = stops == null ? null : stops.lastStop(sessionId);
    return (all != null && all - read.getAsLong() > 0) || (session != null && session - read.getAsLong() > 0);
  }

  /** The latest {@link #stop} an origin asked for since the host started; empty if none. */
  public Optional<LastStop> lastStop(String origin) {
    return Optional.ofNullable(lastStops.get(origin));
  }

  private List<String> stop(RouteContext caller, String requestId) {
    Key key = Key.of(caller, requestId);
    Generation generation = running.get(key);
    if (generation != null) {
      generation.stopRequested.set(true);
      return List.of(requestId);
    }
    stopBeforeStart.removeIf(Queued::isAnswered);
    Optional<Queued> queued =
        key.calls().flatMap(calls -> calls.cancellationOf(requestId)).map(call -> new Queued(key, call));
    if (queued.isPresent() && !requestId.equals(caller.requestId())) {
      stopBeforeStart.add(queued.get());
      // It may have started between the look-up above and the add; start() takes the call if it ran after it.
      Generation started = running.get(key);
      if (started != null && stopBeforeStart.remove(queued.get())) {
        started.stopRequested.set(true);
      }
      return List.of(requestId);
    }
    return List.of();
  }

  /** The caller's generations running now, oldest first. */
  public List<Generation> mine(String origin) {
    return running.values().stream()
        .filter(g -> g.origin.equals(origin))
        .sorted(Comparator.comparing((Generation g) -> g.startedAt).thenComparing(g -> g.key.requestId))
        .toList();
  }

  /**
   * A call: its connection (the connection's {@link CallRegistry}, which each call sees as its own; the origin
   * where a host provides none) and its request id.
   */
  private record Key(Object connection, String requestId) {
    static Key of(RouteContext call, String requestId) {
      return new Key(call.findService(CallRegistry.class).map(Object.class::cast).orElse(call.origin()), requestId);
    }

    Optional<CallRegistry> calls() {
      return connection instanceof CallRegistry calls ? Optional.of(calls) : Optional.empty();
    }
  }

  /** One origin's sessions stopped, by when, the latest stopped last; at most {@value #SESSION_STOPS_KEPT}. */
  private static final class SessionStops {
    private final LinkedHashMap<String, Long> bySession = new LinkedHashMap<>();

    synchronized void stopped(String sessionId, long nanos) {
      bySession.remove(sessionId); // stopped again: now the latest
      bySession.put(sessionId, nanos);
      if (bySession.size() > SESSION_STOPS_KEPT) {
        bySession.remove(bySession.keySet().iterator().next());
      }
    }

    synchronized Long lastStop(String sessionId) {
      return bySession.get(sessionId);
    }
  }

  /** A call still queued when it was asked to stop: its key and its cancellation, which no later call shares. */
  private record Queued(Key key, Cancellation call) {
    /** Answered without starting (cancelled, refused): a later call may reuse its id. */
    boolean isAnswered() {
      return key.calls().flatMap(calls -> calls.cancellationOf(key.requestId())).orElse(null) != call;
    }
  }

  /**
   * A {@code stop_generation} call.
   *
   * @param at when it was made
   * @param requestId the request id it named, or null
   * @param sessionId the session it named, or null (neither: all of the caller's)
   * @param stopped the request ids it asked to stop
   */
  public record LastStop(Instant at, String requestId, String sessionId, List<String> stopped) {}

  /** One running generation; close it when the generation ends. */
  public final class Generation implements AutoCloseable {
    private final Key key;
    private final String origin;
    private final String sessionId;
    private final String model;
    private final Instant startedAt;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final AtomicInteger pieces = new AtomicInteger();
    private final AtomicInteger tokens = new AtomicInteger();

    private Generation(Key key, String origin, String sessionId, String model, Instant startedAt) {
      this.key = key;
      this.origin = Objects.requireNonNull(origin, "origin");
      this.sessionId = sessionId;
      this.model = model;
      this.startedAt = startedAt;
    }

    public String requestId() {
      return key.requestId;
    }

    /** The session the request named, or null. */
    public String sessionId() {
      return sessionId;
    }

    public String model() {
      return model;
    }

    public Instant startedAt() {
      return startedAt;
    }

    public boolean stopRequested() {
      return stopRequested.get();
    }

    /** Pieces of text generated so far. */
    public int pieces() {
      return pieces.get();
    }

    /** Tokens generated so far, as the backend counts them (a piece for a token where it gives no count). */
    public int tokens() {
      return tokens.get();
    }

    void countPiece(int pieceTokens) {
      pieces.incrementAndGet();
      tokens.addAndGet(pieceTokens);
    }

    @Override
    public void close() {
      running.remove(key, this);
    }
  }
}
