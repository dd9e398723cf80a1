package dev.nm.route.processor.validation;

import dev.nm.route.processor.model.RouteModel;
import java.util.List;

/** One rule about one route. Returns what is wrong; reports nothing itself. */
interface RouteRule {
  List<Finding> check(RouteModel route);
}
