package io.gpux.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.config.GpuxSettings;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The proxy variables with curl's rules. */
class ProxiesTest {
  private static final String[] NAMES = {"http_proxy", "https_proxy"};

  private static Proxies of(String noProxy) {
    return Proxies.of("http://p:3128", "http://user:pa55@sp:8080", noProxy, NAMES);
  }

  @ParameterizedTest
  @CsvSource({
    // no_proxy, URL, expected proxy (empty: direct)
    "'', http://a.example.com/x, p:3128",
    "'', https://a.example.com/x, sp:8080",
    "example.com, https://a.example.com/x, ''",
    "example.com, https://example.com/x, ''",
    "example.com, https://notexample.com/x, sp:8080",
    ".example.com, https://a.b.example.com/x, ''",
    "*, https://anything/x, ''",
    "'10.0.0.1, localhost', http://10.0.0.1:8080/x, ''",
    "'10.0.0.1, localhost', http://localhost/x, ''",
    "'10.0.0.1, localhost', http://127.0.0.1/x, p:3128",
    "example.com:8443, https://example.com:8443/x, ''",
    "example.com:8443, https://example.com/x, sp:8080",
    "'[::1]:80', 'http://[::1]:80/x', ''",
    "'::1', 'http://[::1]/x', ''",
    "EXAMPLE.com, https://Api.Example.COM/x, ''",
  })
  void noProxyFollowsCurl(String noProxy, String url, String expected) {
    Proxies.Via via = of(noProxy).forUri(URI.create(url));
    assertEquals(expected, via == null ? "" : via.toString(), noProxy + " for " + url);
  }

  @Test
  void credentialsBecomeTheProxysBasicHeaderAndAreNeverPrinted() {
    Proxies p = of(null);
    Proxies.Via via = p.forUri(URI.create("https://hub/x"));
    assertEquals("Basic dXNlcjpwYTU1", via.authorization());
    assertFalse(p.toString().contains("pa55") || via.toString().contains("pa55"), p.toString());
    assertNull(p.forUri(URI.create("http://hub/x")).authorization());
  }

  @Test
  void aBareHostPortIsHttpAndAnHttpsProxyIsRefusedNamingTheVariable() {
    assertEquals(
        "proxy:3128",
        Proxies.of("proxy:3128", null, null, NAMES).forUri(URI.create("http://x/")).toString());
    GpuxException e =
        assertThrows(
            GpuxException.class,
            () -> Proxies.of(null, "https://u:secretpw@proxy:443", null, NAMES));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertTrue(e.problem().startsWith("https_proxy is not a usable proxy URL"), e.problem());
    assertFalse((e.problem() + e.hint()).contains("secretpw"), e.problem());
  }

  @Test
  void theLowerCaseVariableWinsAsWithCurl() {
    GpuxSettings s =
        GpuxSettings.fromEnvironment(
            Map.of(
                "http_proxy", "http://lower:1",
                "HTTP_PROXY", "http://upper:1",
                "HTTPS_PROXY", "http://upper:2",
                "NO_PROXY", "a.example",
                "no_proxy", "b.example"),
            Path.of("/tmp"));
    GpuxSettings.ProxyVariables v = s.proxies();
    assertEquals("http://lower:1", v.http());
    assertEquals("http_proxy", v.httpName());
    assertEquals("http://upper:2", v.https());
    assertEquals("HTTPS_PROXY", v.httpsName());
    assertEquals("b.example", v.noProxy());
  }
}
