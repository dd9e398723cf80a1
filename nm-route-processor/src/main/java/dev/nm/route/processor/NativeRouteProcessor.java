package dev.nm.route.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import dev.nm.route.processor.generation.JsonSchemaGenerator;
import dev.nm.route.processor.generation.RouteTableWriter;
import dev.nm.route.processor.generation.ServicesFile;
import dev.nm.route.processor.model.AnnotationNames;
import dev.nm.route.processor.model.RouteModel;
import dev.nm.route.processor.model.RouteModelReader;
import dev.nm.route.processor.validation.DuplicateNameRule;
import dev.nm.route.processor.validation.ErrorMessages;
import dev.nm.route.processor.validation.Finding;
import dev.nm.route.processor.validation.RouteValidator;
import dev.nm.route.processor.validation.ValidationReport;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.annotation.processing.SupportedOptions;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.tools.Diagnostic;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Checks every {@code @NativeRoute} class of a compilation and generates the {@code RouteTable} that serves
 * them.
 *
 * <p>Per round:
 *
 * <ol>
 *   <li>Read each annotated class into a {@code RouteModel}. A class naming a type that does not exist yet
 *       is deferred to the next round; if it is still unresolved when processing ends, it is reported.
 *   <li>Check each model with the route rules, then all routes together for duplicate names, and print
 *       every finding at the element (and annotation member) it concerns.
 *   <li>Once no route is deferred, write the route table for the clean routes, in that same round, never
 *       in the final one. Routes that only appear in a later round are reported.
 *   <li>In the final round, register the table in {@code META-INF/services/dev.nm.route.RouteTable},
 *       keeping any provider already listed there.
 * </ol>
 *
 * <p>Options:
 *
 * <ul>
 *   <li>{@code -Anm.routeTable=com.example.MyRouteTable}: the qualified name of the generated table. By
 *       default it is {@code NmRouteTable} in the package of the route whose name sorts first.
 * </ul>
 *
 * <p>The processor never claims {@code @NativeRoute}, and never lets an exception reach javac: one is
 * reported as {@code [NmRouteFatal]} with its stack trace.
 */
@AutoService(Processor.class)
@SupportedAnnotationTypes(AnnotationNames.NATIVE_ROUTE)
@SupportedOptions(NativeRouteProcessor.ROUTE_TABLE_OPTION)
public final class NativeRouteProcessor extends AbstractProcessor {
  /** The option naming the generated table class. */
  public static final String ROUTE_TABLE_OPTION = "nm.routeTable";

  static final String DEFAULT_TABLE_SIMPLE_NAME = "NmRouteTable";
  private static final String GENERATED = "javax.annotation.processing.Generated";

  private final Set<String> deferred = new LinkedHashSet<>();
  private final List<RouteModel> routes = new ArrayList<>();
  private final List<RouteModel> cleanRoutes = new ArrayList<>();
  /** Whether every route is known and the table decided; routes seen later cannot join it. */
  private boolean settled;
  private Optional<ClassName> writtenTable = Optional.empty();

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    try {
      if (round.processingOver()) {
        finish();
      } else {
        processRound(round);
      }
    } catch (IOException e) {
      error(ErrorMessages.writeFailed(String.valueOf(e.getMessage())), null);
    } catch (RuntimeException e) {
      StringWriter stack = new StringWriter();
      e.printStackTrace(new PrintWriter(stack));
      error(ErrorMessages.fatal(stack.toString()), null);
    }
    return false;
  }

  private void processRound(RoundEnvironment round) throws IOException {
    List<TypeElement> candidates = new ArrayList<>();
    deferred.stream().map(processingEnv.getElementUtils()::getTypeElement).forEach(candidates::add);
    deferred.clear();
    TypeElement nativeRoute = processingEnv.getElementUtils().getTypeElement(AnnotationNames.NATIVE_ROUTE);
    if (nativeRoute != null) {
      candidates.addAll(ElementFilter.typesIn(round.getElementsAnnotatedWith(nativeRoute)));
    }
    if (candidates.isEmpty()) {
      return;
    }
    RouteModelReader reader = new RouteModelReader(processingEnv.getElementUtils(), processingEnv.getTypeUtils());
    RouteValidator validator = new RouteValidator(processingEnv.getElementUtils(), processingEnv.getTypeUtils());
    for (TypeElement candidate : candidates) {
      if (settled) {
        error(ErrorMessages.lateRound(candidate.getQualifiedName().toString()), candidate);
        continue;
      }
      Optional<RouteModel> model = reader.read(candidate);
      if (model.isEmpty()) {
        deferred.add(candidate.getQualifiedName().toString());
        continue;
      }
      ValidationReport report = validator.validate(model.get());
      report.printTo(processingEnv.getMessager());
      routes.add(model.get());
      if (report.isClean()) {
        cleanRoutes.add(model.get());
      }
    }
    if (deferred.isEmpty() && !settled) {
      settled = true;
      List<Finding> duplicates = new DuplicateNameRule().check(routes);
      duplicates.forEach(finding -> finding.printTo(processingEnv.getMessager()));
      cleanRoutes.removeIf(route -> duplicates.stream().anyMatch(finding -> finding.element().equals(route.element())));
      if (!cleanRoutes.isEmpty()) {
        writeTable();
      }
    }
  }

  private void writeTable() throws IOException {
    Optional<ClassName> tableName = tableName();
    if (tableName.isEmpty()) {
      return;
    }
    RouteTableWriter writer =
        new RouteTableWriter(
            processingEnv.getTypeUtils(),
            new JsonSchemaGenerator(processingEnv.getElementUtils(), processingEnv.getTypeUtils()),
            Optional.ofNullable(processingEnv.getElementUtils().getTypeElement(GENERATED)).map(ClassName::get),
            getClass().getName());
    JavaFile table = writer.write(tableName.get(), cleanRoutes);
    table.writeTo(processingEnv.getFiler());
    writtenTable = tableName;
  }

  private Optional<ClassName> tableName() {
    String option = processingEnv.getOptions().get(ROUTE_TABLE_OPTION);
    if (option == null) {
      RouteModel first = cleanRoutes.stream().min(Comparator.comparing(RouteModel::name)).orElseThrow();
      String pkg = processingEnv.getElementUtils().getPackageOf(first.element()).getQualifiedName().toString();
      return Optional.of(ClassName.get(pkg, DEFAULT_TABLE_SIMPLE_NAME));
    }
    if (!SourceVersion.isName(option)) {
      error(ErrorMessages.badTableName(ROUTE_TABLE_OPTION, option), null);
      return Optional.empty();
    }
    int lastDot = option.lastIndexOf('.');
    return Optional.of(ClassName.get(lastDot < 0 ? "" : option.substring(0, lastDot), option.substring(lastDot + 1)));
  }

  private void finish() throws IOException {
    for (String name : deferred) {
      error(ErrorMessages.unresolved(name), processingEnv.getElementUtils().getTypeElement(name));
    }
    if (writtenTable.isPresent()) {
      writeServicesFile(writtenTable.get().reflectionName());
    }
  }

  private void writeServicesFile(String tableName) throws IOException {
    String existing;
    try {
      existing =
          processingEnv.getFiler()
              .getResource(StandardLocation.CLASS_OUTPUT, "", ServicesFile.PATH)
              .getCharContent(true)
              .toString();
    } catch (IOException noFileYet) {
      existing = "";
    }
    Element[] origins = cleanRoutes.stream().map(RouteModel::element).toArray(Element[]::new);
    FileObject file =
        processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, "", ServicesFile.PATH, origins);
    try (Writer writer = new OutputStreamWriter(file.openOutputStream(), StandardCharsets.UTF_8)) {
      writer.write(ServicesFile.merge(existing, tableName));
    }
  }

  private void error(String message, Element element) {
    processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, message, element);
  }
}
