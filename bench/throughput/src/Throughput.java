import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Pipelined small-request throughput of native-messaging hosts, side by side.
 *
 * <p>Each run starts a host as a browser does (argv[1] the caller's origin, the working directory the host's
 * own), sends one request and waits for its reply (start-up is not throughput), then sends {@code --requests}
 * requests keeping {@code --window} of them in flight, and times first send to last reply. Every reply must
 * be a success for a request sent and unanswered until then. One thread does it all: each reply lets the
 * next request go, and requests are flushed only before a read that may block, so the driver costs about
 * one read and one write per batch of replies that the host delivers at once.
 *
 * <p>Runs alternate between the hosts, round after round. {@code --warmup N} first makes N unmeasured rounds:
 * this driver is a JVM too, and its first rounds, its own code not yet compiled, held every host back (the C
 * echo's first round ran at a quarter of its later speed). The table gives each host's median requests per
 * second, the peak resident memory (VmHWM) of its process at the end of its runs, and how each of our hosts
 * compares with it.
 *
 * <pre>
 * java -cp target/classes Throughput --requests 50000 --window 64 --warmup 2 --rounds 5 --route hello \
 *     --origin chrome-extension://abcdefghijklmnopabcdefghijklmnop/ --logs target/logs \
 *     --ours 'nm-host relay' bin/nm-host \
 *     --ours 'nm-host standalone' bin/nm-host --env NM_HOST_MODE=standalone \
 *     --peer 'C echo' target/echo_host
 * </pre>
 */
public final class Throughput {
  private static final String ID_KEY = "\"request_id\"";
  private static final String SUCCESS_KEY = "\"success\"";

  private Throughput() {}

  /** A host to measure: what to start, with which extra environment; ours get a ratio column. */
  record Host(String label, Path executable, Map<String, String> env, boolean ours) {}

  /** One timed run: requests per second, and the host's peak resident set in KiB (-1 if unknown). */
  record Run(double requestsPerSecond, long peakRssKib) {}

  public static void main(String[] args) throws Exception {
    int requests = 50_000;
    int window = 64;
    int rounds = 5;
    int warmup = 0;
    String route = "hello";
    String origin = null;
    Path logs = Path.of("target", "logs");
    List<Host> hosts = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--requests" -> requests = Integer.parseInt(args[++i]);
        case "--window" -> window = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--route" -> route = args[++i];
        case "--origin" -> origin = args[++i];
        case "--logs" -> logs = Path.of(args[++i]);
        case "--ours", "--peer" -> {
          boolean ours = args[i].equals("--ours");
          hosts.add(new Host(args[++i], Path.of(args[++i]).toAbsolutePath(), new LinkedHashMap<>(), ours));
        }
        case "--env" -> {
          String[] assignment = args[++i].split("=", 2);
          hosts.get(hosts.size() - 1).env().put(assignment[0], assignment[1]);
        }
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; see the Javadoc of Throughput");
      }
    }
    if (origin == null || hosts.isEmpty()) {
      throw new IllegalArgumentException("give --origin and at least one --ours or --peer host");
    }
    Files.createDirectories(logs);

    for (int round = 1; round <= warmup; round++) {
      for (int h = 0; h < hosts.size(); h++) {
        Host host = hosts.get((h + round) % hosts.size());
        Run run = measure(host, origin, route, requests, window, logs.resolve(host.label().replace(' ', '-') + "-warmup-" + round + ".stderr"));
        System.err.printf(Locale.ROOT, "warm-up %d  %-20s %10.0f req/s (not counted)%n", round, host.label(), run.requestsPerSecond());
      }
    }
    Map<Host, List<Run>> runs = new LinkedHashMap<>();
    for (int round = 1; round <= rounds; round++) {
      for (int h = 0; h < hosts.size(); h++) {
        // A balanced Latin square (Williams): with an even number of hosts, each runs first once and right after each
        // other host once every hosts.size() rounds. (Rotating one cycle kept each host after the same one.)
        Host host = hosts.get(balancedOrder(hosts.size(), round - 1, h));
        Path log = logs.resolve(host.label().replace(' ', '-') + "-" + round + ".stderr");
        Run run = measure(host, origin, route, requests, window, log);
        runs.computeIfAbsent(host, k -> new ArrayList<>()).add(run);
        System.err.printf(Locale.ROOT, "round %d  %-20s %10.0f req/s  peak RSS %s%n",
            round, host.label(), run.requestsPerSecond(), mib(run.peakRssKib()));
      }
    }
    printTable(hosts, runs, requests, window, rounds, route);
  }

  private static Run measure(Host host, String origin, String route, int requests, int window, Path log) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(host.executable().toString(), origin)
        .directory(host.executable().getParent().toFile())
        .redirectError(log.toFile());
    builder.environment().putAll(host.env());
    Process process = builder.start();
    try (OutputStream toHost = new BufferedOutputStream(process.getOutputStream(), 1 << 16)) {
      Replies replies = new Replies(process.getInputStream(), host.label());
      toHost.write(frame("warm-up", route));
      toHost.flush();
      expectSuccess(replies.next(), host);

      List<byte[]> frames = new ArrayList<>(requests);
      for (int i = 0; i < requests; i++) {
        frames.add(frame(Integer.toString(i), route));
      }
      BitSet answered = new BitSet(requests);
      long start = System.nanoTime();
      int sent = 0;
      while (sent < Math.min(window, requests)) {
        toHost.write(frames.get(sent++));
      }
      for (int received = 0; received < requests; received++) {
        if (!replies.hasFrame()) {
          toHost.flush();
        }
        String reply = replies.next();
        expectSuccess(reply, host);
        expectUnanswered(reply, host, requests, answered);
        if (sent < requests) {
          toHost.write(frames.get(sent++));
        }
      }
      long elapsed = System.nanoTime() - start;
      return new Run(requests / (elapsed / 1e9), peakRssKib(process.toHandle()));
    } finally {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroy();
        throw new IOException(host.label() + " did not exit within 10 s of its stdin closing; see " + log);
      }
    }
  }

  /**
   * The host's replies, read in large blocks; knows whether a whole frame is already buffered, so that the
   * requests written meanwhile are flushed only before a read that may block.
   */
  private static final class Replies {
    private final InputStream in;
    private final String label;
    private byte[] buffer = new byte[1 << 16];
    private int start;
    private int end;

    Replies(InputStream in, String label) {
      this.in = in;
      this.label = label;
    }

    boolean hasFrame() {
      return end - start >= 4 && end - start - 4 >= length();
    }

    String next() throws IOException {
      while (!hasFrame()) {
        fill();
      }
      int length = length();
      String body = new String(buffer, start + 4, length, StandardCharsets.UTF_8);
      start += 4 + length;
      return body;
    }

    private int length() {
      return ByteBuffer.wrap(buffer, start, 4).order(ByteOrder.nativeOrder()).getInt();
    }

    private void fill() throws IOException {
      System.arraycopy(buffer, start, buffer, 0, end - start);
      end -= start;
      start = 0;
      if (end >= 4 && 4 + length() > buffer.length) {
        buffer = Arrays.copyOf(buffer, 4 + length());
      }
      int read = in.read(buffer, end, buffer.length - end);
      if (read < 0) {
        throw new IOException(label + " closed its stdout; see its stderr log");
      }
      end += read;
    }
  }

  private static byte[] frame(String requestId, String route) {
    byte[] body = ("{\"request_id\":\"" + requestId + "\",\"route\":\"" + route + "\",\"payload\":{}}")
        .getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + body.length).order(ByteOrder.nativeOrder()).putInt(body.length).put(body).array();
  }

  private static void expectSuccess(String reply, Host host) throws IOException {
    if (!valueAfter(reply, SUCCESS_KEY).startsWith("true")) {
      throw new IOException(host.label() + " answered with a failure: " + reply);
    }
  }

  /** Checks that a reply is for a request id below {@code requests} not answered before, and records it. */
  private static void expectUnanswered(String reply, Host host, int requests, BitSet answered) throws IOException {
    String id = valueAfter(reply, ID_KEY);
    int number = id.startsWith("\"") ? parseId(id) : -1;
    if (number < 0 || number >= requests || answered.get(number)) {
      throw new IOException(host.label() + " answered a request it was not sent or answered twice: " + reply);
    }
    answered.set(number);
  }

  /** The text of a reply after {@code key} and its colon. */
  private static String valueAfter(String reply, String key) {
    int at = reply.indexOf(key);
    if (at < 0) {
      return "";
    }
    at += key.length();
    while (at < reply.length() && (reply.charAt(at) == ' ' || reply.charAt(at) == ':')) {
      at++;
    }
    return reply.substring(at);
  }

  private static int parseId(String quoted) {
    int end = quoted.indexOf('"', 1);
    try {
      return Integer.parseInt(quoted.substring(1, end));
    } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
      return -1;
    }
  }

  /**
   * VmHWM of the host's own process: the JVM, when the launcher runs it as a child (while it records its
   * class-data archive) rather than exec'ing it.
   */
  private static long peakRssKib(ProcessHandle launched) {
    ProcessHandle host = isJava(launched)
        ? launched
        : launched.children().filter(Throughput::isJava).findFirst().orElse(launched);
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(host.pid()), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }

  private static boolean isJava(ProcessHandle process) {
    Optional<String> command = process.info().command();
    return command.isPresent() && Path.of(command.get()).getFileName().toString().equals("java");
  }

  private static void printTable(
      List<Host> hosts, Map<Host, List<Run>> runs, int requests, int window, int rounds, String route) {
    List<Host> ours = hosts.stream().filter(Host::ours).toList();
    Map<Host, Double> medians = new LinkedHashMap<>();
    hosts.forEach(h -> medians.put(h, median(runs.get(h).stream().mapToDouble(Run::requestsPerSecond).toArray())));

    System.out.printf(Locale.ROOT, "%d requests per run (route \"%s\" for ours, the same frames for the peers), "
        + "window %d, %d runs per host (req/s)%n%n", requests, route, window, rounds);
    StringBuilder head = new StringBuilder("| host | median req/s | runs | peak RSS (MiB) |");
    StringBuilder rule = new StringBuilder("|---|---:|---|---:|");
    for (Host our : ours) {
      head.append(' ').append(our.label()).append(" ÷ host |");
      rule.append("---:|");
    }
    System.out.println(head);
    System.out.println(rule);
    for (Host host : hosts) {
      List<Run> list = runs.get(host);
      StringBuilder row = new StringBuilder("| ").append(host.label()).append(" | ")
          .append(String.format(Locale.ROOT, "%.0f", medians.get(host))).append(" | ");
      List<String> each = list.stream().map(r -> String.format(Locale.ROOT, "%.0f", r.requestsPerSecond())).toList();
      row.append(String.join(", ", each));
      row.append(" | ").append(mib(list.stream().mapToLong(Run::peakRssKib).max().orElse(-1))).append(" |");
      for (Host our : ours) {
        row.append(' ').append(ratio(medians.get(our) / medians.get(host))).append(" |");
      }
      System.out.println(row);
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /** Two decimals, or four below 0.1 so that a small ratio does not round to nothing. */
  private static String ratio(double value) {
    return String.format(Locale.ROOT, value < 0.1 ? "%.4f" : "%.2f", value);
  }

  private static String mib(long kib) {
    return kib < 0 ? "?" : String.format(Locale.ROOT, "%.1f", kib / 1024.0);
  }

  /** The host at {@code position} in round {@code round} of a Williams design: 0, 1, n-1, 2, n-2, ... shifted by the round. */
  static int balancedOrder(int hosts, int round, int position) {
    int first = position == 0 ? 0 : position % 2 == 1 ? (position + 1) / 2 : hosts - position / 2;
    return (first + round) % hosts;
  }
}
