package dev.nm.route.processor;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;

/** Loads the classes a test compilation wrote, so generated code can be run, not only read. */
final class CompiledClasses extends ClassLoader {
  private static final String PREFIX = "/" + StandardLocation.CLASS_OUTPUT.getName() + "/";
  private final Map<String, byte[]> classes = new HashMap<>();

  CompiledClasses(Compilation compilation) {
    super(CompiledClasses.class.getClassLoader());
    for (JavaFileObject file : compilation.generatedFiles()) {
      String name = file.toUri().getPath();
      if (file.getKind() == JavaFileObject.Kind.CLASS && name.startsWith(PREFIX)) {
        String binaryName = name.substring(PREFIX.length(), name.length() - ".class".length()).replace('/', '.');
        try (InputStream in = file.openInputStream()) {
          classes.put(binaryName, in.readAllBytes());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    byte[] bytes = classes.get(name);
    if (bytes == null) {
      throw new ClassNotFoundException(name);
    }
    return defineClass(name, bytes, 0, bytes.length);
  }

  /** A new instance of the compiled class {@code name}, through its public no-argument constructor. */
  <T> T newInstance(String name, Class<T> type) throws ReflectiveOperationException {
    return type.cast(loadClass(name).getConstructor().newInstance());
  }
}
