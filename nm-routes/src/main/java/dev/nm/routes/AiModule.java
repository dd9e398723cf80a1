package dev.nm.routes;

import dev.nm.host.HostEnvironment;
import dev.nm.host.HostModule;
import dev.nm.route.Services;
import dev.nm.routes.backend.BundledNativeLibraries;
import dev.nm.routes.backend.llama.LlamaCppBackend;
import dev.nm.routes.models.ModelSettings;

/**
 * Contributes the AI services to the reference host: llama.cpp generation over the models in
 * {@code HostPaths.modelsDir()}, settings in {@code HostPaths.database()}, tuned by the {@code NM_AI_*}
 * variables of {@link ModelSettings}. Found with {@link java.util.ServiceLoader}.
 */
public final class AiModule implements HostModule {
  @Override
  public void configure(HostEnvironment environment, Services.Builder services) {
    BundledNativeLibraries.install(environment.paths().nativeDir());
    AiServices ai =
        AiServices.create(environment.paths(), new LlamaCppBackend(), ModelSettings.fromEnvironment(System.getenv()));
    environment.closeOnShutdown(ai);
    environment.warmUpWith(ai::warmUp);
    ai.addTo(services);
  }
}
