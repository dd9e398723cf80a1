package dev.nm.routes;

import dev.nm.host.HostEnvironment;
import dev.nm.host.HostModule;
import dev.nm.route.Services;
import dev.nm.routes.backend.BundledNativeLibraries;
import dev.nm.routes.backend.llama.LlamaCppBackend;
import dev.nm.routes.backend.process.EngineProcessBackend;
import dev.nm.routes.models.ModelSettings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Contributes the AI services to the reference host: llama.cpp generation over the models in
 * {@code HostPaths.modelsDir()}, each model in an engine process of its own ({@link EngineProcessBackend}),
 * settings in {@code HostPaths.database()}, tuned by the {@code NM_AI_*} variables of {@link ModelSettings}.
 * Found with {@link java.util.ServiceLoader}.
 */
public final class AiModule implements HostModule {
  @Override
  public void configure(HostEnvironment environment, Services.Builder services) {
    BundledNativeLibraries.install(environment.paths().nativeDir());
    Map<String, String> engineProperties = new LinkedHashMap<>(BundledNativeLibraries.properties());
    // nm-host's own logging (HostLogConfigurator) to stderr, which engine processes share with the host.
    engineProperties.put("nm.host.logging", "console");
    EngineProcessBackend engines = new EngineProcessBackend(new LlamaCppBackend(), engineProperties, environment.paths().nativeDir());
    AiServices ai = AiServices.create(environment.paths(), engines, ModelSettings.fromEnvironment(System.getenv()));
    // Closed in reverse: the engines' backend first, so that unloading the models at exit starts no new process.
    environment.closeOnShutdown(ai);
    environment.closeOnShutdown(engines);
    // First: the first chat of a new daemon, sent by the launch that started it, finds the process booting.
    environment.warmUpWith(engines::keepAProcessReady);
    environment.warmUpWith(ai::warmUp);
    ai.addTo(services);
  }
}
