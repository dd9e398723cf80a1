package dev.nm.route.processor;

import static com.google.common.truth.Truth.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;
import javax.annotation.processing.Processor;
import org.junit.jupiter.api.Test;

class RegistrationTest {
  @Test
  void javacFindsTheProcessorThroughServiceLoader() {
    assertThat(ServiceLoader.load(Processor.class).stream().map(provider -> provider.type().getName()).toList())
        .contains(NativeRouteProcessor.class.getName());
  }

  @Test
  void gradleTreatsTheProcessorAsAggregating() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/META-INF/gradle/incremental.annotation.processors")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo(NativeRouteProcessor.class.getName() + ",aggregating\n");
    }
  }

  @Test
  void supportsTheRouteTableOption() {
    assertThat(new NativeRouteProcessor().getSupportedOptions()).containsExactly("nm.routeTable");
    assertThat(new NativeRouteProcessor().getSupportedAnnotationTypes()).containsExactly("dev.nm.route.NativeRoute");
  }
}
