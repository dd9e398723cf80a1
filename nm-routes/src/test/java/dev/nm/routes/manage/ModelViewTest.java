package dev.nm.routes.manage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nm.host.HostPaths;
import dev.nm.routes.models.ModelEntry;
import dev.nm.routes.models.ModelKind;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelViewTest {
  /** A success reaches every allowed extension: a broken file's problem names the home as ~. */
  @Test
  void theProblemOfAModelWritesTheUsersHomeAsTilde() {
    Path file = HostPaths.userHome().resolve(".local/share/nm-host/models/broken.gguf");
    ModelEntry broken = new ModelEntry(
        "broken", ModelKind.GENERATION, file, 4, Optional.empty(), Optional.of(file + " is not a valid GGUF model: too short"));
    assertEquals(
        "~/.local/share/nm-host/models/broken.gguf is not a valid GGUF model: too short",
        ModelView.of(broken, false, false, Optional.empty()).problem());
  }
}
