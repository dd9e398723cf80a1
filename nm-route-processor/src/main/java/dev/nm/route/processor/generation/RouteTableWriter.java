package dev.nm.route.processor.generation;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.WildcardTypeName;
import dev.nm.route.processor.model.ExpectModel;
import dev.nm.route.processor.model.InvalidCaseModel;
import dev.nm.route.processor.model.RouteModel;
import dev.nm.route.processor.model.ValidCaseModel;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Types;

/**
 * Writes the {@code RouteTable} of a compilation: one public final class whose {@code routes()} lists a
 * {@code RouteDescriptor} per route, sorted by name, built without reflection ({@code RouteClass::new}).
 */
public final class RouteTableWriter {
  private static final ClassName ROUTE_TABLE = ClassName.get("dev.nm.route", "RouteTable");
  private static final ClassName ROUTE_DESCRIPTOR = ClassName.get("dev.nm.route", "RouteDescriptor");
  private static final ClassName EXPECTATION = ClassName.get("dev.nm.route", "DeclaredCase", "Expectation");
  private static final ClassName RATE_TIER = ClassName.get("dev.nm.route", "RateTier");
  private static final ClassName ERROR_CODE = ClassName.get("dev.nm.protocol", "ErrorCode");
  private static final TypeName ROUTE_LIST =
      ParameterizedTypeName.get(
          ClassName.get(List.class),
          ParameterizedTypeName.get(ROUTE_DESCRIPTOR, WildcardTypeName.subtypeOf(Object.class), WildcardTypeName.subtypeOf(Object.class)));

  private final Types types;
  private final JsonSchemaGenerator schemas;
  private final Optional<ClassName> generatedAnnotation;
  private final String processorName;

  /**
   * @param generatedAnnotation {@code javax.annotation.processing.Generated} if the compilation can see it
   * @param processorName the qualified name of the processor, for {@code @Generated}
   */
  public RouteTableWriter(
      Types types, JsonSchemaGenerator schemas, Optional<ClassName> generatedAnnotation, String processorName) {
    this.types = types;
    this.schemas = schemas;
    this.generatedAnnotation = generatedAnnotation;
    this.processorName = processorName;
  }

  /** The table class {@code tableName} serving {@code routes}, which must all be clean. */
  public JavaFile write(ClassName tableName, List<RouteModel> routes) {
    List<RouteModel> sorted = routes.stream().sorted(Comparator.comparing(RouteModel::name)).toList();
    TypeSpec.Builder table =
        TypeSpec.classBuilder(tableName)
            .addJavadoc("The routes of this compilation unit, found by hosts through {@link java.util.ServiceLoader}.\n")
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .addSuperinterface(ROUTE_TABLE)
            .addField(
                FieldSpec.builder(ROUTE_LIST, "ROUTES", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .initializer(routeList(sorted))
                    .build())
            .addMethod(
                MethodSpec.constructorBuilder()
                    .addJavadoc("Called by {@link java.util.ServiceLoader}.\n")
                    .addModifiers(Modifier.PUBLIC)
                    .build())
            .addMethod(
                MethodSpec.methodBuilder("routes")
                    .addAnnotation(Override.class)
                    .addModifiers(Modifier.PUBLIC)
                    .returns(ROUTE_LIST)
                    .addStatement("return ROUTES")
                    .build());
    generatedAnnotation.ifPresent(
        generated -> table.addAnnotation(AnnotationSpec.builder(generated).addMember("value", "$S", processorName).build()));
    // Route and record classes may be deprecated; the table refers to them without endorsing them.
    table.addAnnotation(
        AnnotationSpec.builder(SuppressWarnings.class).addMember("value", "{$S, $S}", "deprecation", "removal").build());
    sorted.forEach(route -> table.addOriginatingElement(route.element()));
    return JavaFile.builder(tableName.packageName(), table.build()).skipJavaLangImports(true).build();
  }

  private CodeBlock routeList(List<RouteModel> routes) {
    CodeBlock.Builder list = CodeBlock.builder().add("$T.of(", List.class).indent().indent();
    for (int i = 0; i < routes.size(); i++) {
      list.add(i == 0 ? "\n" : ",\n").add(descriptor(routes.get(i)));
    }
    return list.unindent().unindent().add(")").build();
  }

  private CodeBlock descriptor(RouteModel route) {
    RouteModel.HandlerTypes handlerTypes = route.handlerTypes().orElseThrow();
    ClassName routeClass = ClassName.get(route.element());
    CodeBlock.Builder code =
        CodeBlock.builder()
            .add(
                "$T.builder($S, $T.class, $T.class, $T::new)",
                ROUTE_DESCRIPTOR, route.name(), className(handlerTypes.request()), className(handlerTypes.response()), routeClass)
            .indent().indent()
            .add("\n.handlerType($T.class)", routeClass)
            .add("\n.description($S)", route.description())
            .add("\n.tags($L)", strings(route.tags()))
            .add("\n.streaming($L)", route.streaming())
            .add("\n.scope($S)", route.scope())
            .add("\n.optionScopes($L)", strings(route.optionScopes()))
            .add("\n.rateTier($T.$L)", RATE_TIER, route.rateTier())
            .add("\n.requestSchema($S)", schemas.schemaOf(handlerTypes.request()))
            .add("\n.responseSchema($S)", schemas.schemaOf(handlerTypes.response()));
    for (ValidCaseModel valid : route.validCases()) {
      code.add("\n.validCase($S, $S, $L", valid.name(), valid.request(), valid.minEvents());
      for (ExpectModel expect : valid.expects()) {
        code.add(", new $T($S, $S, $S)", EXPECTATION, expect.path(), expect.equalTo(), expect.matches());
      }
      code.add(")");
    }
    for (InvalidCaseModel invalid : route.invalidCases()) {
      code.add("\n.invalidCase($S, $S, $T.$L, $S)", invalid.name(), invalid.request(), ERROR_CODE, invalid.code(), invalid.field());
    }
    return code.add("\n.build()").unindent().unindent().build();
  }

  private ClassName className(TypeMirror type) {
    return ClassName.get((TypeElement) types.asElement(type));
  }

  private static CodeBlock strings(List<String> values) {
    return values.stream().map(value -> CodeBlock.of("$S", value)).collect(CodeBlock.joining(", "));
  }
}
