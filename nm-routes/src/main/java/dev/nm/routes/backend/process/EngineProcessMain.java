package dev.nm.routes.backend.process;

import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import dev.nm.protocol.Json;
import dev.nm.protocol.ProtocolLimits;
import dev.nm.routes.backend.BackendException;
import dev.nm.routes.backend.GenerationBackend;
import dev.nm.routes.backend.GenerationModel;
import dev.nm.routes.backend.GenerationResult;
import dev.nm.routes.backend.TokenListener;
import dev.nm.routes.backend.process.EngineMessages.Call;
import dev.nm.routes.backend.process.EngineMessages.Op;
import dev.nm.routes.backend.process.EngineMessages.Reply;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * An engine process: one model of one {@link GenerationBackend}, served to the host that started it over this
 * process's stdin and stdout ({@link EngineMessages}). It exits when its stdin ends, which is how the host
 * unloads the model, and how it goes when the host does: the system then frees all the engine's memory.
 *
 * <pre>java -cp CLASSPATH dev.nm.routes.backend.process.EngineProcessMain BACKEND_CLASS</pre>
 *
 * The backend class needs a public constructor without parameters. Generations run on threads of their own,
 * so that the backend serves as many at once as it has slots, a chat's rendering of its template included (a
 * cancel reaches it meanwhile); the other calls are answered in order.
 */
public final class EngineProcessMain {
  // No static state: this class initialises before main() has claimed stdout, and logging or JSON set-up
  // that printed then would land in the replies.
  private final ObjectReader calls = Json.mapper().readerFor(Call.class);
  private final ObjectWriter replies = Json.mapper().writerFor(Reply.class);
  private final GenerationBackend backend;
  private final FrameWriter out;
  /** The generations running, by call id, each with whether the host has cancelled it. */
  private final Map<Long, AtomicBoolean> running = new ConcurrentHashMap<>();
  private final ExecutorService generations;
  private GenerationModel model;

  EngineProcessMain(GenerationBackend backend, FrameWriter out) {
    this.backend = backend;
    this.out = out;
    AtomicInteger threads = new AtomicInteger();
    this.generations = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "nm-engine-generation-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  public static void main(String[] args) {
    // Frames only on stdout: whatever the JVM's libraries print goes to stderr, the host's log.
    FileOutputStream stdout = new FileOutputStream(FileDescriptor.out);
    System.setOut(System.err);
    int status = 0;
    try {
      if (args.length != 1) {
        throw new IllegalArgumentException("usage: EngineProcessMain BACKEND_CLASS");
      }
      GenerationBackend backend =
          Class.forName(args[0]).asSubclass(GenerationBackend.class).getConstructor().newInstance();
      FrameWriter out =
          FrameWriter.of(stdout, ProtocolLimits.MAX_INBOUND_FRAME_BYTES, ByteOrder.nativeOrder());
      FrameReader in =
          FrameReader.of(new FileInputStream(FileDescriptor.in), ProtocolLimits.MAX_INBOUND_FRAME_BYTES, ByteOrder.nativeOrder());
      prepare(backend);
      new EngineProcessMain(backend, out).serve(in);
    } catch (Exception | Error e) {
      LoggerFactory.getLogger(EngineProcessMain.class).error("the engine process failed", e);
      status = 1;
    }
    // An engine's own threads (java-llama.cpp attaches its loop to the JVM and never detaches it) would keep
    // the JVM alive after main returns.
    System.exit(status);
  }

  /**
   * Lets the backend do, before the host's first call, what its load would otherwise do first: a host keeps an
   * engine process ready ahead of its first load, and this is that process's idle time.
   */
  private static void prepare(GenerationBackend backend) {
    try {
      backend.prepare();
    } catch (RuntimeException e) { // the load reports it
      LoggerFactory.getLogger(EngineProcessMain.class).debug("preparing the backend failed", e);
    }
  }

  /** Answers calls until the host closes this process's stdin. */
  void serve(FrameReader in) throws IOException {
    byte[] frame;
    while ((frame = in.nextFrame()) != null) {
      Call call = calls.readValue(frame);
      if (call.op() == Op.GENERATE) {
        AtomicBoolean cancelled = new AtomicBoolean();
        running.put(call.id(), cancelled);
        generations.execute(() -> generate(call, cancelled));
      } else if (call.op() == Op.CANCEL) {
        AtomicBoolean cancelled = running.get(call.target());
        if (cancelled != null) { // else it has ended already
          cancelled.set(true);
        }
      } else {
        send(answer(call));
      }
    }
  }

  private Reply answer(Call call) {
    try {
      if (call.op() == Op.LOAD) {
        if (model != null) {
          throw new IllegalStateException("this engine process has loaded its model already");
        }
        model = backend.load(Path.of(call.file()), call.options());
        return Reply.done(call.id());
      }
      GenerationModel loaded = loaded();
      return switch (call.op()) {
        case TEMPLATE -> Reply.text(call.id(), loaded.applyChatTemplate(call.messages()));
        case TOKENIZE -> Reply.tokens(call.id(), loaded.tokenize(call.text()));
        case COUNT_PROMPT_TOKENS -> Reply.count(call.id(), loaded.countPromptTokens(call.text()));
        default -> throw new IllegalStateException("not a call answered in order: " + call.op());
      };
    } catch (RuntimeException e) {
      return Reply.failure(call.id(), e);
    }
  }

  private void generate(Call call, AtomicBoolean cancelled) {
    long id = call.id();
    Reply reply;
    Error fatal = null;
    try {
      GenerationModel loaded = loaded();
      TokenListener pieces = TokenListener.counting((text, tokens) -> send(Reply.text(id, text, tokens)));
      GenerationResult result =
          call.messages() != null
              ? loaded.generateChat(call.messages(), call.params(), pieces, cancelled::get)
              : loaded.generate(call.text(), call.params(), pieces, cancelled::get);
      reply = Reply.result(id, result);
    } catch (RuntimeException e) {
      reply = Reply.failure(id, e);
    } catch (Error e) {
      reply = Reply.failure(id, new BackendException("the engine failed: " + e));
      fatal = e;
    } finally {
      running.remove(id);
    }
    send(reply);
    if (fatal != null) {
      // The JVM is in no state to serve on; the host loads the model again in a new process.
      LoggerFactory.getLogger(EngineProcessMain.class).error("the engine process stops", fatal);
      System.exit(1);
    }
    EngineMessages.rehearseOnce();
  }

  private GenerationModel loaded() {
    if (model == null) {
      throw new IllegalStateException("this engine process has no model loaded");
    }
    return model;
  }

  private void send(Reply reply) {
    try {
      out.writeFrame(replies.writeValueAsBytes(reply));
    } catch (IOException e) {
      // The host is gone; its end of stdin closes too, and the engine exits.
      throw new UncheckedIOException(e);
    }
  }
}
