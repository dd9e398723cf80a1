import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cold start of a native-messaging host as a browser pays it for every sendNativeMessage call: spawn the
 * process, send one hello request, read the reply, close stdin, wait for the exit. Also the host's resident
 * set size while it waits for the next request. Runs each command RUNS times and prints the median and the
 * 90th percentile (nearest rank). The commands take turns, one launch at a time, so that a change in the
 * machine's load during the run weighs on every row alike.
 *
 * <pre>java bench/host/ColdStart.java RUNS LABEL 'COMMAND ...' [LABEL 'COMMAND ...']...</pre>
 *
 * Commands are split on spaces; {@code NAME=VALUE} words before the program set its environment.
 */
public final class ColdStart {
  private static final byte[] HELLO =
      "{\"request_id\":\"1\",\"route\":\"hello\",\"payload\":{}}".getBytes(StandardCharsets.UTF_8);

  public static void main(String[] args) throws Exception {
    int runs = Integer.parseInt(args[0]);
    List<String> labels = new ArrayList<>();
    List<ProcessBuilder> hosts = new ArrayList<>();
    for (int i = 1; i + 1 < args.length; i += 2) {
      labels.add(args[i]);
      hosts.add(processBuilder(args[i + 1]));
    }
    for (ProcessBuilder host : hosts) {
      launch(host); // the first launch may start a daemon or record an archive: not counted
    }
    double[][] reply = new double[hosts.size()][runs];
    double[][] exit = new double[hosts.size()][runs];
    double[][] rssKib = new double[hosts.size()][runs];
    for (int run = 0; run < runs; run++) {
      for (int h = 0; h < hosts.size(); h++) {
        Launch launch = launch(hosts.get(h));
        reply[h][run] = launch.replyMillis();
        exit[h][run] = launch.exitMillis();
        rssKib[h][run] = launch.rssKib();
      }
    }
    System.out.printf("%-34s %9s %9s %9s %9s %9s%n", "host", "reply p50", "reply p90", "exit p50", "exit p90", "RSS p50");
    for (int h = 0; h < hosts.size(); h++) {
      System.out.printf("%-34s %6.1f ms %6.1f ms %6.1f ms %6.1f ms %6.1f MiB%n", labels.get(h),
          percentile(reply[h], 50), percentile(reply[h], 90), percentile(exit[h], 50), percentile(exit[h], 90),
          percentile(rssKib[h], 50) / 1024);
    }
  }

  private static ProcessBuilder processBuilder(String command) {
    List<String> words = new ArrayList<>(Arrays.asList(command.trim().split("\\s+")));
    ProcessBuilder builder = new ProcessBuilder().redirectError(ProcessBuilder.Redirect.DISCARD);
    while (words.get(0).matches("[A-Z_]+=.*")) {
      String[] pair = words.remove(0).split("=", 2);
      builder.environment().put(pair[0], pair[1]);
    }
    return builder.command(words);
  }

  /** One launch: spawn to reply, spawn to exit, and the resident set after the reply. */
  private record Launch(double replyMillis, double exitMillis, double rssKib) {}

  private static Launch launch(ProcessBuilder builder) throws Exception {
    long start = System.nanoTime();
    Process process = builder.start();
    double replyMillis;
    double rssKib;
    try (OutputStream stdin = process.getOutputStream()) {
      writeFrame(stdin, HELLO);
      readFrame(new DataInputStream(process.getInputStream()));
      replyMillis = (System.nanoTime() - start) / 1e6;
      rssKib = rssKib(process.pid());
    }
    process.waitFor();
    return new Launch(replyMillis, (System.nanoTime() - start) / 1e6, rssKib);
  }

  private static void writeFrame(OutputStream out, byte[] body) throws IOException {
    out.write(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(body.length).array());
    out.write(body);
    out.flush();
  }

  private static byte[] readFrame(DataInputStream in) throws IOException {
    byte[] header = new byte[4];
    in.readFully(header);
    byte[] body = new byte[ByteBuffer.wrap(header).order(ByteOrder.nativeOrder()).getInt()];
    in.readFully(body);
    return body;
  }

  /**
   * VmRSS of the process: for a launcher script, of the JVM it became ({@code exec}); NaN when it has already
   * exited, as the echo host does right after replying.
   */
  private static double rssKib(long pid) {
    List<String> status;
    try {
      status = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
    } catch (IOException e) { // gone between the reply and the read
      return Double.NaN;
    }
    for (String line : status) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return Double.NaN;
  }

  private static double percentile(double[] values, int p) {
    double[] sorted = Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(sorted);
    int n = sorted.length;
    if (p == 50 && n % 2 == 0) { // the median of an even count: the mean of the two middle values
      return (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
    return sorted[(int) Math.ceil(p / 100.0 * n) - 1];
  }
}
