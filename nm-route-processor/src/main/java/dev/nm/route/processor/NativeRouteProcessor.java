package dev.nm.route.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import dev.nm.route.processor.generation.JsonSchemaGenerator;
import dev.nm.route.processor.generation.RouteTableWriter;
import dev.nm.route.processor.generation.ServicesFile;
import dev.nm.route.processor.model.AnnotationNames;
import dev.nm.route.processor.model.AnnotationValues;
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
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
 *       in the final one, and beside it the list of its route classes. Routes that only appear in a later
 *       round are reported, and so are routes the table's earlier list names that still exist and carry
 *       {@code @NativeRoute} but are not compiled now (a partial, incremental compilation).
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
  /** The resource beside a table ({@code NmRouteTable.routes}) naming its route classes, one a line. */
  static final String ROUTE_LISTING_SUFFIX = ".routes";

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
      report.printTo(processingEnv);
      routes.add(model.get());
      if (report.isClean()) {
        cleanRoutes.add(model.get());
      }
    }
    if (deferred.isEmpty() && !settled) {
      settled = true;
      List<Finding> duplicates = new DuplicateNameRule().check(routes);
      duplicates.forEach(finding -> finding.printTo(processingEnv));
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
    writeRouteListing(tableName.get());
  }

  /**
   * Records the route classes of {@code table} next to it, and reports routes an earlier build put in it that
   * this compilation leaves out. A compilation of some sources only, with the earlier classes on the class path
   * (plain javac, an IDE's incremental build), sees only the routes it compiles, and the table it writes would
   * silently drop the others. Those are not merged in: read from class files they have no Javadoc, the
   * description and schema texts of many routes; the build is to compile them all together instead.
   */
  private void writeRouteListing(ClassName table) throws IOException {
    String resource = table.simpleName() + ROUTE_LISTING_SUFFIX;
    Set<String> compiled = new TreeSet<>();
    routes.forEach(route -> compiled.add(route.element().getQualifiedName().toString()));
    List<String> leftOut = new ArrayList<>();
    for (String listed : readRouteListing(table.packageName(), resource)) {
      if (!compiled.contains(listed) && stillARoute(listed)) {
        leftOut.add(listed);
      }
    }
    if (!leftOut.isEmpty()) {
      error(ErrorMessages.routesLeftOut(table.reflectionName(), leftOut.toString()), null);
    }
    // Routes left out stay listed, so that every partial build says so until a full one writes the table.
    Set<String> listing = new TreeSet<>(compiled);
    listing.addAll(leftOut);
    Element[] origins = routes.stream().map(RouteModel::element).toArray(Element[]::new);
    FileObject file =
        processingEnv.getFiler().createResource(StandardLocation.CLASS_OUTPUT, table.packageName(), resource, origins);
    try (Writer writer = new OutputStreamWriter(file.openOutputStream(), StandardCharsets.UTF_8)) {
      for (String name : listing) {
        writer.write(name + "\n");
      }
    }
  }

  /**
   * The route classes an earlier build listed for the table: from the class output, or else from the class path,
   * where the earlier build's output is when a build tool compiles to another directory, and where another
   * source set's table of the same name is.
   */
  private List<String> readRouteListing(String pkg, String resource) {
    for (StandardLocation location : List.of(StandardLocation.CLASS_OUTPUT, StandardLocation.CLASS_PATH)) {
      try {
        String text = processingEnv.getFiler().getResource(location, pkg, resource).getCharContent(true).toString();
        return Arrays.stream(text.split("\n")).map(String::trim).filter(line -> !line.isEmpty()).toList();
      } catch (IOException | IllegalArgumentException notThere) {
        // no listing in this location
      }
    }
    return List.of();
  }

  /** Whether {@code name} is a class that exists (from source or a class file) and still carries {@code @NativeRoute}. */
  private boolean stillARoute(String name) {
    TypeElement type = processingEnv.getElementUtils().getTypeElement(name);
    return type != null && AnnotationValues.find(type, AnnotationNames.NATIVE_ROUTE).isPresent();
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
