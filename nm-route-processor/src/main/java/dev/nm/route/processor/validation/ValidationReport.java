package dev.nm.route.processor.validation;

import java.util.List;
import javax.annotation.processing.ProcessingEnvironment;

/**
 * What the rules found about one route. A route is generated only if its report {@link #isClean()}.
 *
 * @param findings its problems, in rule order
 */
public record ValidationReport(List<Finding> findings) {

  public ValidationReport {
    findings = List.copyOf(findings);
  }

  public boolean isClean() {
    return findings.isEmpty();
  }

  public void printTo(ProcessingEnvironment env) {
    findings.forEach(finding -> finding.printTo(env));
  }
}
