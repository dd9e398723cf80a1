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
import java.util.Map;

/**
 * Cold start of a native-messaging host as a browser pays it for every sendNativeMessage call: spawn the
 * process, send one hello request, read the reply, close stdin, wait for the exit. Also the host's resident
 * set size while it waits for the next request. Runs each command RUNS times, one at a time, and prints the
 * median and the 90th percentile.
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
    System.out.printf("%-34s %9s %9s %9s %9s %9s%n", "host", "reply p50", "reply p90", "exit p50", "exit p90", "RSS p50");
    for (int i = 1; i + 1 < args.length; i += 2) {
      measure(args[i], args[i + 1], runs);
    }
  }

  private static void measure(String label, String command, int runs) throws Exception {
    List<String> words = new ArrayList<>(Arrays.asList(command.trim().split("\\s+")));
    ProcessBuilder builder = new ProcessBuilder().redirectError(ProcessBuilder.Redirect.DISCARD);
    while (words.get(0).matches("[A-Z_]+=.*")) {
      String[] pair = words.remove(0).split("=", 2);
      builder.environment().put(pair[0], pair[1]);
    }
    builder.command(words);
    measureOnce(builder); // the first run may start a daemon or record an archive: not counted
    double[] reply = new double[runs];
    double[] exit = new double[runs];
    double[] rssKib = new double[runs];
    for (int run = 0; run < runs; run++) {
      long start = System.nanoTime();
      Process process = builder.start();
      try (OutputStream stdin = process.getOutputStream()) {
        writeFrame(stdin, HELLO);
        readFrame(new DataInputStream(process.getInputStream()));
        reply[run] = (System.nanoTime() - start) / 1e6;
        rssKib[run] = rssKib(process.pid());
      }
      process.waitFor();
      exit[run] = (System.nanoTime() - start) / 1e6;
    }
    System.out.printf("%-34s %6.1f ms %6.1f ms %6.1f ms %6.1f ms %6.1f MiB%n", label,
        percentile(reply, 50), percentile(reply, 90), percentile(exit, 50), percentile(exit, 90),
        percentile(rssKib, 50) / 1024);
  }

  private static void measureOnce(ProcessBuilder builder) throws Exception {
    Process process = builder.start();
    try (OutputStream stdin = process.getOutputStream()) {
      writeFrame(stdin, HELLO);
      readFrame(new DataInputStream(process.getInputStream()));
    }
    process.waitFor();
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
    return sorted[(int) Math.ceil(p / 100.0 * sorted.length) - 1];
  }
}
