package dev.nm.testkit;

import dev.nm.host.HostConfig;
import dev.nm.host.NativeMessagingServer;
import dev.nm.route.Services;
import java.lang.reflect.InvocationTargetException;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** The behaviour of {@link NmHostTest}: servers in the root store, one connection per test. */
final class NmHostExtension implements ParameterResolver {
  private static final Namespace NAMESPACE = Namespace.create(NmHostExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == NmClient.class;
  }

  @Override
  public NmClient resolveParameter(ParameterContext parameter, ExtensionContext context) {
    NmHostTest settings = settings(context.getRequiredTestClass());
    RunningServer server =
        context.getRoot()
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(settings.services(), NmHostExtension::start, RunningServer.class);
    NmClient client = NmClient.connect(server.server(), settings.origin());
    context.getStore(NAMESPACE).put(client, (ExtensionContext.Store.CloseableResource) client::close);
    return client;
  }

  /** The annotation on the test class, a superclass or, for a {@code @Nested} class, an enclosing class. */
  private static NmHostTest settings(Class<?> testClass) {
    for (Class<?> type = testClass; type != null; type = type.getEnclosingClass()) {
      NmHostTest settings = type.getAnnotation(NmHostTest.class);
      if (settings != null) {
        return settings;
      }
    }
    throw new ExtensionConfigurationException(
        "@NmHostTest reaches " + testClass.getName() + " through an interface, where it cannot be read:"
            + " annotate the test class, a superclass or an enclosing class instead");
  }

  private static RunningServer start(Class<? extends Supplier<Services>> servicesType) {
    Services services = newInstance(servicesType).get();
    return new RunningServer(
        NativeMessagingServer.builder()
            .routesFromClassPath(Thread.currentThread().getContextClassLoader())
            .services(services)
            .config(NmRouteCases.unthrottled(HostConfig.permissive()))
            .build());
  }

  private static <T> T newInstance(Class<T> type) {
    try {
      return type.getConstructor().newInstance();
    } catch (NoSuchMethodException | IllegalAccessException | InstantiationException e) {
      throw new ExtensionConfigurationException(
          "@NmHostTest(services = " + type.getSimpleName() + ".class) needs a public class with a public"
              + " no-argument constructor",
          e);
    } catch (InvocationTargetException e) {
      throw new ExtensionConfigurationException(
          "@NmHostTest(services = " + type.getSimpleName() + ".class): its constructor threw " + e.getCause(),
          e.getCause());
    }
  }

  /** A server the root store closes at the end of the run. */
  private record RunningServer(NativeMessagingServer server) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      server.close();
    }
  }
}
