import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The smallest useful Java native-messaging host: reads one frame and writes it back. The baseline for
 * ColdStart: what any JVM host pays before doing anything. Not shipped.
 */
public final class EchoHost {
  public static void main(String[] args) throws IOException {
    DataInputStream in = new DataInputStream(System.in);
    byte[] header = new byte[4];
    in.readFully(header);
    byte[] body = new byte[ByteBuffer.wrap(header).order(ByteOrder.nativeOrder()).getInt()];
    in.readFully(body);
    OutputStream out = System.out;
    out.write(header);
    out.write(body);
    out.flush();
  }
}
