package dev.nm.testkit;

import static dev.nm.testkit.EnvelopeAssertions.assertFailure;
import static dev.nm.testkit.EnvelopeAssertions.assertSuccess;

import dev.nm.route.DeclaredCase;

/** What a {@link dev.nm.route.ValidCase} or {@link dev.nm.route.InvalidCase} demands of the reply it got. */
final class DeclaredCaseAssertions {
  private DeclaredCaseAssertions() {}

  /**
   * Asserts the reply is what the case declares.
   *
   * @param label starts every failure message, so that it names the route and the case in any test report
   */
  static void assertHolds(DeclaredCase declared, Reply reply, String label) {
    if (declared instanceof DeclaredCase.Valid valid) {
      assertValid(valid, reply, label);
    } else if (declared instanceof DeclaredCase.Invalid invalid) {
      assertInvalid(invalid, reply, label);
    }
  }

  private static void assertValid(DeclaredCase.Valid valid, Reply reply, String label) {
    EnvelopeAssertions.SuccessAssert success = assertSuccess(reply, label);
    for (DeclaredCase.Expectation expect : valid.expectations()) {
      if (!expect.equalTo().isEmpty()) {
        success.hasData(expect.path(), expect.equalTo());
      }
      if (!expect.matches().isEmpty()) {
        success.dataMatches(expect.path(), expect.matches());
      }
      if (expect.equalTo().isEmpty() && expect.matches().isEmpty()) {
        success.hasData(expect.path());
      }
    }
    success.hasAtLeastEvents(valid.minEvents());
  }

  private static void assertInvalid(DeclaredCase.Invalid invalid, Reply reply, String label) {
    EnvelopeAssertions.FailureAssert failure = assertFailure(reply, invalid.code(), label);
    if (!invalid.field().isEmpty()) {
      failure.hasField(invalid.field());
    }
  }
}
