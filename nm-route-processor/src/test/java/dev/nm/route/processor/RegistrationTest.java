package dev.nm.route.processor;

import static com.google.common.truth.Truth.assertThat;

import java.net.URL;
import java.util.Collections;
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
  void gradleDoesNotTreatTheProcessorAsIncremental() throws Exception {
    String declarations = "META-INF/gradle/incremental.annotation.processors";
    String processorJar = NativeRouteProcessor.class.getProtectionDomain().getCodeSource().getLocation().toString();
    assertThat(Collections.list(getClass().getClassLoader().getResources(declarations)).stream()
            .map(URL::toString)
            .filter(url -> url.contains(processorJar))
            .toList())
        .isEmpty();
  }

  @Test
  void supportsTheRouteTableOption() {
    assertThat(new NativeRouteProcessor().getSupportedOptions()).containsExactly("nm.routeTable");
    assertThat(new NativeRouteProcessor().getSupportedAnnotationTypes()).containsExactly("dev.nm.route.NativeRoute");
  }
}
