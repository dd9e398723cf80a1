package dev.nm.route.processor;

import static com.google.common.truth.Truth.assertThat;

import java.util.ServiceLoader;
import javax.annotation.processing.Processor;
import org.junit.jupiter.api.Test;

class RegistrationTest {
  @Test
  void javacFindsTheProcessorThroughServiceLoader() {
    assertThat(ServiceLoader.load(Processor.class).stream().map(provider -> provider.type().getName()).toList())
        .contains(NativeRouteProcessor.class.getName());
  }

  /**
   * Not incremental for Gradle: an aggregating processor is handed unchanged routes read from class files, which
   * carry no Javadoc, so a route documented only by its Javadoc would fail [NmRouteNoDoc].
   */
  @Test
  void gradleDoesNotTreatTheProcessorAsIncremental() {
    assertThat(getClass().getResource("/META-INF/gradle/incremental.annotation.processors")).isNull();
  }

  @Test
  void supportsTheRouteTableOption() {
    assertThat(new NativeRouteProcessor().getSupportedOptions()).containsExactly("nm.routeTable");
    assertThat(new NativeRouteProcessor().getSupportedAnnotationTypes()).containsExactly("dev.nm.route.NativeRoute");
  }
}
