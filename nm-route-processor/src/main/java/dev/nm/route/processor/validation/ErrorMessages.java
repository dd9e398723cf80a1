package dev.nm.route.processor.validation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;

/**
 * Every message the processor prints. Each starts with a stable bracketed tag, names what is wrong and says
 * how to fix it. The processor and its tests build messages only through this class.
 */
public final class ErrorMessages {
  private ErrorMessages() {}

  public static String noDoc(String route) {
    return "[NmRouteNoDoc] Route '" + route + "' has no description. Set @NativeRoute(description = \"...\")"
        + " or write a Javadoc comment on the class; hosts show it in their route listing.";
  }

  /**
   * A component holds records whose constraints validation never reaches: Bean Validation cascades into a
   * record only through {@code @Valid}. {@code example} shows where it goes, e.g. {@code List<@Valid Item>}.
   */
  public static String noCascade(String route, String owner, String component, String record, String example) {
    return "[NmRouteNoCascade] Route '" + route + "': component '" + component + "' of " + owner + " holds " + record
        + " records, whose constraints the host never checks: validation enters a record only through @Valid."
        + " Write " + example + ", or @Valid on the component.";
  }

  public static String noValidation(String route, String requestType) {
    return "[NmRouteNoValidation] Route '" + route + "' accepts any " + requestType + ": no Jakarta constraint"
        + " applies to it. Add a constraint such as @NotNull/@Size to a component of " + requestType
        + ", or implement RequestValidator<" + requestType + ">.";
  }

  /**
   * The request or reply type is not a record. {@code role} is "request" or "reply"; {@code kind} says what it is
   * instead: "a class", "an interface", "an enum"; {@code ownType} whether the author can turn it into a record
   * (not a JDK or library type).
   */
  public static String notRecord(String route, String role, String type, String kind, boolean ownType) {
    String fix =
        ownType
            ? "Make " + type + " a record, its fields its components with their annotations: public record " + type
                + "(...) {}."
            : "Declare a record to use in its place, e.g. public record " + (role.equals("request") ? "Request" : "Reply")
                + "(...) {}.";
    return "[NmRouteNotRecord] Route '" + route + "': its " + role + " type " + type + " is " + kind + ", not a"
        + " record. Request and reply types are records: their components are the wire properties, their"
        + " constraints the validation and the schema. " + fix + " A record without components has no properties.";
  }

  public static String noTests(String route, int validCases, int invalidCases) {
    return "[NmRouteNoTests] Route '" + route + "' declares " + validCases + " @ValidCase and " + invalidCases
        + " @InvalidCase; it needs at least one of each. Add a request it must answer (@ValidCase) and one it"
        + " must refuse (@InvalidCase).";
  }

  public static String requestNotObject(String caseName, String problem) {
    return "[NmRouteBadCase] Case '" + caseName + "': request must be the JSON text of an object, but " + problem
        + ". Write it as \"{\\\"field\\\": value}\".";
  }

  public static String pathNotPointer(String caseName, String path) {
    String fix =
        path.startsWith("/")
            ? "Inside a segment, write '~' as ~0 and '/' as ~1."
            : "Use \"\" for the whole value, or segments each starting with '/', e.g. \"/" + path + "\".";
    return "[NmRouteBadCase] Case '" + caseName + "': @Expect path \"" + path + "\" is not a JSON Pointer. " + fix;
  }

  public static String equalToNotJson(String caseName, String equalTo) {
    return "[NmRouteBadCase] Case '" + caseName + "': @Expect equalTo \"" + equalTo + "\" is not valid JSON."
        + " Write the JSON text of the value; quote strings: \"\\\"stop\\\"\".";
  }

  public static String matchesNotRegex(String caseName, String matches, String problem) {
    return "[NmRouteBadCase] Case '" + caseName + "': @Expect matches \"" + matches + "\" is not a regular"
        + " expression (" + problem + "). Fix the pattern, or use equalTo for an exact value.";
  }

  public static String missingField(String caseName) {
    return "[NmRouteBadCase] Case '" + caseName + "': a VALIDATION_ERROR case must name the field the host"
        + " reports. Set field to the wire name of the invalid property, e.g. field = \"max_tokens\".";
  }

  public static String unknownField(String caseName, String field, String requestType, String properties) {
    return "[NmRouteBadCase] Case '" + caseName + "': field \"" + field + "\" names no property of "
        + requestType + ". Use a wire name (snake_case): one of " + properties + "; or \"payload\" where the host"
        + " refuses the request as a whole (its record's constructor throws, a class-level constraint fails).";
  }

  public static String unknownRequestProperty(String caseName, String property, String requestType, String properties) {
    return "[NmRouteBadCase] Case '" + caseName + "': request property \"" + property + "\" is not a property of "
        + requestType + ", so the host would refuse it. Use wire names (snake_case): " + properties + ".";
  }

  /**
   * An invalid case's request sends {@code property}, which the request record lacks but which is its wire name
   * {@code wireName} spelt another way: the host refuses it as unknown, and the case tests no rule of the route.
   */
  public static String misspeltRequestProperty(String caseName, String property, String wireName, String requestType) {
    return "[NmRouteBadCase] Case '" + caseName + "': request property \"" + property + "\" is not a property of "
        + requestType + "; did you mean '" + wireName + "'? The host refuses an unknown property before it binds or"
        + " validates the request, so the case would pass without breaking any rule of " + requestType + "."
        + " Send \"" + wireName + "\", the wire name (snake_case), and name it in field.";
  }

  public static String missingRequiredProperties(String caseName, String requestType, String properties) {
    return "[NmRouteBadCase] Case '" + caseName + "': request leaves out " + properties + " (absent or null), which "
        + requestType + " requires (a primitive, or @NotNull, @NotBlank or @NotEmpty; or @JsonProperty(required = true),"
        + " which takes null but not absence), so the host would refuse it."
        + " Send them with values the route accepts, or make the case an @InvalidCase.";
  }

  /**
   * A valid case's request property holds a JSON value its component cannot take. {@code actual} and
   * {@code expected} describe JSON values: "a string", "an integer".
   */
  public static String wrongJsonType(String caseName, String property, String actual, String component, String expected) {
    return "[NmRouteBadCase] Case '" + caseName + "': request property \"" + property + "\" is " + actual + ", but "
        + component + " takes " + expected + ", and the host converts no JSON value into another, so it would refuse"
        + " it. Write " + expected + ", or make the case an @InvalidCase.";
  }

  public static String unknownReplyProperty(String caseName, String path, String property, String replyType, String properties) {
    return "[NmRouteBadCase] Case '" + caseName + "': @Expect path \"" + path + "\" starts at \"" + property + "\", which is not"
        + " a property of " + replyType + ", so the reply's data has no such value. Use wire names (snake_case): "
        + properties + ".";
  }

  public static String onlyUnknownPropertyCases(String route) {
    return "[NmRouteNoTests] Route '" + route + "': every @InvalidCase sends a property the request record does not"
        + " have, which the host refuses for any route. Add one that breaks a rule of this route's request, such as"
        + " a missing required field or a value out of range.";
  }

  public static String crashExpected(String caseName) {
    return "[NmRouteBadCase] invalid case '" + caseName + "' expects INTERNAL_ERROR, the host's answer to a handler"
        + " that failed unexpectedly: any bug would pass it. Expect the code the route answers on purpose, such as"
        + " VALIDATION_ERROR or NOT_FOUND.";
  }

  public static String eventsWithoutStreaming(String caseName, String route) {
    return "[NmRouteBadCase] Case '" + caseName + "' expects events, but route '" + route + "' is not streaming."
        + " Set @NativeRoute(streaming = true), or remove minEvents.";
  }

  public static String duplicateName(String route, String otherClass) {
    return "[NmRouteDuplicateName] Route name '" + route + "' is also declared by " + otherClass
        + ". Route names must be unique in a host; rename one of them.";
  }

  public static String badName(String route) {
    String suggestion =
        route.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase().replaceAll("[^a-z0-9_]", "_").replaceFirst("^[^a-z]+", "");
    return "[NmRouteBadName] Route name '" + route + "' is not lowercase snake_case ([a-z][a-z0-9_]*)."
        + " Rename it" + (suggestion.isEmpty() ? "" : ", e.g. to '" + suggestion + "'") + ".";
  }

  public static String reservedName(String route) {
    return "[NmRouteReservedName] Route name '" + route + "' is reserved for the host's built-in route."
        + " Choose another name.";
  }

  public static String badScope(String route, String member, String scope) {
    return "[NmRouteBadScope] Route '" + route + "': " + member + " '" + scope + "' is not a scope name: lowercase"
        + " snake_case words joined by dots ([a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*), such as 'models.manage'. Rename it.";
  }

  public static String repeatedScope(String route, String scope) {
    return "[NmRouteBadScope] Route '" + route + "': scope '" + scope + "' is declared twice among scope and"
        + " optionScopes; an origin holding the route's scope would hold the option's too. Remove the repetition, or"
        + " give the option a scope of its own.";
  }

  public static String unbindable(String route, String reason) {
    return "[NmRouteUnbindable] Route '" + route + "': Jackson cannot bind " + reason + ".";
  }

  /** The reason part of {@link #unbindable}: where the type occurs, what is wrong, the fix. */
  public static String unbindableReason(String where, String reason) {
    return where + ": " + reason;
  }

  public static String notHandler(String routeClass) {
    return "[NmRouteNotHandler] " + routeClass + " is a @NativeRoute but does not implement RouteHandler<Q, R>."
        + " Implement RouteHandler<YourRequest, YourResponse>.";
  }

  public static String handlerNotConcrete(String routeClass, String typeArguments) {
    return "[NmRouteNotHandler] " + routeClass + " implements RouteHandler<" + typeArguments + ">; the request"
        + " and response must be concrete classes or records. Name them, e.g. RouteHandler<EchoRequest, EchoReply>.";
  }

  public static String handlerShape(String routeClass, String problem, String fix) {
    return "[NmRouteNotHandler] " + routeClass + " " + problem + "; hosts create one instance of it. " + fix + ".";
  }

  public static String noConstructor(String routeClass) {
    return "[NmRouteNoConstructor] " + routeClass + " has no public no-argument constructor; hosts create it"
        + " with one. Add a public constructor without parameters and reach services through RouteContext.";
  }

  public static String constructorThrows(String routeClass, String exceptions) {
    return "[NmRouteNoConstructor] " + routeClass + "'s public no-argument constructor throws " + exceptions
        + ", a checked exception; hosts create it through a Supplier, which cannot. Catch it in the constructor,"
        + " or do the work on first use.";
  }

  public static String unresolved(String routeClass) {
    return "[NmRouteUnresolved] " + routeClass + " refers to a type that could not be resolved. Check above for"
        + " compilation errors; otherwise make sure the type is on the class path.";
  }

  public static String lateRound(String routeClass) {
    return "[NmRouteLateRound] " + routeClass + " was generated in a later processing round than the route table,"
        + " so it cannot be served. Declare @NativeRoute classes in hand-written sources.";
  }

  /**
   * A compilation writes {@code table} without routes an earlier build put in it, whose classes still exist and
   * carry {@code @NativeRoute}: it compiles only some of the module's sources.
   */
  public static String routesLeftOut(String table, String routeClasses) {
    return "[NmRoutePartialBuild] Route table " + table + " also served " + routeClasses + ", which this compilation"
        + " does not compile: their classes come from an earlier build, and the table written now would leave"
        + " them out. Compile every @NativeRoute class of the module together: rebuild it in full (mvn clean"
        + " compile, or Rebuild in the IDE). If you deleted such a class, delete its stale class file too; if"
        + " another source set or module writes a table of this name, give one -Anm.routeTable.";
  }

  public static String badTableName(String option, String value) {
    return "[NmRouteBadOption] -A" + option + "=" + value + " is not a qualified Java class name."
        + " Pass a name such as com.example.MyRouteTable.";
  }

  public static String writeFailed(String problem) {
    return "[NmRouteWriteFailed] nm-route-processor could not write its output: " + problem
        + ". Check that the build's output directories are writable, clean them and build again.";
  }

  public static String fatal(String stackTrace) {
    return "[NmRouteFatal] nm-route-processor failed unexpectedly; please report this with the stack trace:\n"
        + stackTrace;
  }

  /** What is wrong with {@code json}, and where, in plain words rather than Jackson's token names. */
  public static String jsonSyntax(String json, JsonProcessingException e) {
    String message = String.valueOf(e.getOriginalMessage());
    if (message.startsWith("Trailing token")) {
      return "more text follows the object's closing '}'";
    }
    long at = e.getLocation() == null ? -1 : e.getLocation().getCharOffset();
    if (message.startsWith("Unrecognized token '")) {
      String word = message.substring("Unrecognized token '".length(), message.indexOf('\'', "Unrecognized token '".length()));
      return "the word '" + word + "' ending at character " + at + "; JSON's words are true, false and null, and"
          + " strings take double quotes";
    }
    if (e instanceof JsonEOFException || at < 0 || at >= json.length()) {
      return "it ends before its last string, array or object is closed";
    }
    String where = " at character " + (at + 1);
    char found = json.charAt((int) at);
    if (found == '\'') {
      return "a single quote" + where + "; JSON quotes names and strings with double quotes";
    }
    if (message.contains("double-quote to start field name")) {
      return (Character.isLetter(found) || found == '_' ? "an unquoted name" : "'" + found + "' where a quoted name belongs")
          + where + "; JSON quotes names with double quotes and allows no comma before '}'";
    }
    return "unexpected '" + found + "'" + where;
  }
}
