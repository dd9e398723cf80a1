package com.example.notes;

import dev.nm.host.HostConfig;
import dev.nm.host.HostPaths;
import dev.nm.host.NativeMessagingServer;
import dev.nm.route.Services;
import java.util.List;

/**
 * The desktop application: it embeds the nm runtime, serves its own routes over its own {@link NotesStore}, and
 * listens in its own home for the relays browsers start ({@link NotesRelay}). A real application would open its
 * window here; this one serves until it is stopped.
 *
 * <p>Which extensions may call comes from the application's settings; here from {@code ACME_NOTES_EXTENSION}
 * ({@code chrome-extension://ID/} or {@code firefox:ADDON_ID}).
 */
public final class NotesApp {
  private NotesApp() {}

  public static void main(String[] args) throws Exception {
    HostPaths paths = AcmeNotes.paths();
    paths.createHome();
    NotesStore notes = new NotesStore();
    HostConfig config = HostConfig.load(paths.configFile());
    String extension = System.getenv("ACME_NOTES_EXTENSION");
    if (extension != null && !extension.isBlank()) {
      config = config.withOrigin(extension, List.of());
    }
    NativeMessagingServer server = NativeMessagingServer.builder()
        .routesFromClassPath(NotesApp.class.getClassLoader())   // this module's generated route table + hello/routes/cancel
        .services(Services.builder().add(NotesStore.class, notes).build())
        .config(config)
        .paths(paths)
        .hostVersion("1.0.0")
        .howToAllow(origin -> "Acme Notes > Settings > Browser extensions")
        .build();
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "acme-notes-shutdown"));
    server.listen(paths);   // the socket, and the hand-off directory the relay finds through run/daemon.pid
    System.err.println("Acme Notes listening on " + paths.socket());
    Thread.currentThread().join();   // a desktop application runs until the user quits it
  }
}
