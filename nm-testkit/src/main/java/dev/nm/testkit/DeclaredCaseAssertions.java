package dev.nm.testkit;

import static dev.nm.testkit.EnvelopeAssertions.assertFailure;
import static dev.nm.testkit.EnvelopeAssertions.assertSuccess;

import dev.nm.route.DeclaredCase;

/** What a {@link dev.nm.route.ValidCase} or {@link dev.nm.route.InvalidCase} demands of the reply it got. */
final class DeclaredCaseAssertions {
  private DeclaredCaseAssertions() {}

  static void assertHolds(DeclaredCase declared, Reply reply) {
    if (declared instanceof DeclaredCase.Valid valid) {
      assertValid(valid, reply);
    } else if (declared instanceof DeclaredCase.Invalid invalid) {
      assertInvalid(invalid, reply);
    }
  }

  private static void assertValid(DeclaredCase.Valid valid, Reply reply) {
    EnvelopeAssertions.SuccessAssert success = assertSuccess(reply);
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

  private static void assertInvalid(DeclaredCase.Invalid invalid, Reply reply) {
    EnvelopeAssertions.FailureAssert failure = assertFailure(reply, invalid.code());
    if (!invalid.field().isEmpty()) {
      failure.hasField(invalid.field());
    }
  }
}
