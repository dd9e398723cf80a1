package dev.nm.route.processor.validation;

import dev.nm.route.processor.model.RouteModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** [NmRouteDuplicateName]: no two routes of a compilation share a name; reported at each of them. */
public final class DuplicateNameRule {
  public List<Finding> check(List<RouteModel> routes) {
    Map<String, List<RouteModel>> byName = new TreeMap<>();
    routes.forEach(route -> byName.computeIfAbsent(route.name(), name -> new ArrayList<>()).add(route));
    List<Finding> findings = new ArrayList<>();
    for (List<RouteModel> sameName : byName.values()) {
      for (RouteModel route : sameName) {
        sameName.stream()
            .filter(other -> other != route)
            .map(other -> other.element().getQualifiedName().toString())
            .forEach(other ->
                findings.add(Finding.at(route.element(), route.annotation(), "name", ErrorMessages.duplicateName(route.name(), other))));
      }
    }
    return findings;
  }
}
