package dev.nm.route.processor;

import static com.google.common.truth.Truth.assertThat;

import dev.nm.route.processor.generation.ServicesFile;
import org.junit.jupiter.api.Test;

class ServicesFileTest {
  @Test
  void keepsProvidersAlreadyListedAndAddsTheTableOnceSorted() {
    String existing = "# generated\ncom.zeta.Routes\n\ncom.acme.NmRouteTable  # ours\n";

    assertThat(ServicesFile.merge(existing, "com.acme.NmRouteTable"))
        .isEqualTo("com.acme.NmRouteTable\ncom.zeta.Routes\n");
    assertThat(ServicesFile.merge("", "com.acme.NmRouteTable")).isEqualTo("com.acme.NmRouteTable\n");
  }
}
