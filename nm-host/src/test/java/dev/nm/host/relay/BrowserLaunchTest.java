package dev.nm.host.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BrowserLaunchTest {
  private static final String CHROME = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/";

  static Object[][] launches() {
    return new Object[][] {
      {"Chrome on Linux and macOS", new String[] {CHROME}, CHROME},
      {"Chrome on Windows", new String[] {CHROME, "--parent-window=6620"}, CHROME},
      {"Chrome with an argument a later version adds", new String[] {CHROME, "--parent-window=0", "--future-flag"}, CHROME},
      {"Firefox, email-like add-on id", new String[] {"/home/u/.mozilla/native-messaging-hosts/nm_host.json", "nm@example.org"}, "firefox:nm@example.org"},
      {"Firefox, UUID add-on id", new String[] {"/usr/lib/mozilla/native-messaging-hosts/nm_host.json", "{9a2f6e1c-3b4d-4e5f-8a9b-0c1d2e3f4a5b}"}, "firefox:{9a2f6e1c-3b4d-4e5f-8a9b-0c1d2e3f4a5b}"},
      {"Firefox on Windows", new String[] {"C:\\Program Files\\nm\\nm_host.json", "nm@example.org"}, "firefox:nm@example.org"},
      {"Firefox with a trailing argument", new String[] {"/x/nm_host.json", "nm@example.org", "extra"}, "firefox:nm@example.org"},
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("launches")
  void recognisesBrowserLaunches(String name, String[] args, String origin) {
    assertEquals(Optional.of(new BrowserLaunch(origin)), BrowserLaunch.detect(args));
  }

  static Object[][] commandLines() {
    return new Object[][] {
      {"no arguments", new String[] {}},
      {"a command", new String[] {"daemon", "status"}},
      {"explicit host mode", new String[] {"host", "--origin", CHROME}},
      {"help", new String[] {"--help"}},
      {"a json path without an add-on id", new String[] {"/x/nm_host.json"}},
      {"a json path followed by an option", new String[] {"/x/nm_host.json", "--verbose@x"}},
      {"an origin that is not the first argument", new String[] {"host", CHROME}},
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commandLines")
  void leavesCommandLinesToTheParser(String name, String[] args) {
    assertEquals(Optional.empty(), BrowserLaunch.detect(args));
  }
}
