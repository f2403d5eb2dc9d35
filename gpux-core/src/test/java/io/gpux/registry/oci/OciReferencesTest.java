package io.gpux.registry.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.ref.ModelRef;
import io.gpux.registry.Registries;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OciReferencesTest {
  private final io.gpux.ref.ModelRefParser parser = Registries.installedParser();
  private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

  @Test
  void aTagReferenceNamesHostAndRepository() {
    ModelRef r = parser.parse("oci://Registry.Example.com:5000/team/sub/model:v1.2");
    assertEquals("oci", r.registry());
    assertEquals("registry.example.com:5000/team/sub/model", r.name());
    assertEquals("v1.2", r.tag());
    assertNull(r.version());
  }

  @Test
  void noTagMeansLatestAndADigestIsTheVersion() {
    assertEquals("latest", parser.parse("oci://ghcr.io/acme/clf").tag());
    ModelRef d = parser.parse("oci://ghcr.io/acme/clf@" + DIGEST);
    assertEquals(DIGEST, d.version());
    assertNull(d.tag());
    assertEquals("[::1]:5000/m/x", parser.parse("oci://[::1]:5000/m/x:t").name());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "oci://ghcr.io",
        "oci://ghcr.io/",
        "oci://ghcr.io/Acme/clf:v1",
        "oci://ghcr.io/acme/../clf",
        "oci://ghcr.io/acme//clf",
        "oci://ghcr.io/acme/clf:-bad",
        "oci://ghcr.io/acme/clf@sha256:abc",
        "oci://ghcr.io/acme/clf@md5:" + "00000000000000000000000000000000",
        "oci://gh_cr.io/acme/clf",
        "oci://ghcr.io/acme/clf:v1:v2"
      })
  void malformedReferencesAreRefusedWithTheFormInTheHint(String text) {
    GpuxException e = assertThrows(GpuxException.class, () -> parser.parse(text));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertTrue(e.problem().startsWith("invalid OCI reference"), e.problem());
    assertTrue(e.hint().contains("oci://HOST[:PORT]/REPO[:TAG]"), e.hint());
  }

  @Test
  void loopbackAndListedHostsArePlainHttp() {
    OciHosts hosts = new OciHosts(Set.of("registry.lan:5000", "10.0.0.7"));
    assertEquals("http://127.0.0.1:5000", hosts.base("127.0.0.1:5000").toString());
    assertEquals("http://localhost", hosts.base("localhost").toString());
    assertEquals("http://[::1]:80", hosts.base("[::1]:80").toString());
    assertEquals("http://registry.lan:5000", hosts.base("registry.lan:5000").toString());
    assertEquals("https://registry.lan:5001", hosts.base("registry.lan:5001").toString());
    assertEquals("http://10.0.0.7:443", hosts.base("10.0.0.7:443").toString());
    assertEquals("https://ghcr.io", hosts.base("ghcr.io").toString());
    assertEquals("https://registry-1.docker.io", hosts.base("docker.io").toString());
  }

  @Test
  void challengesAreReadInAnyOrderWithOrWithoutQuotes() {
    Challenge c =
        Challenge.parse(
            "Bearer service=\"registry.docker.io\", realm=\"https://auth.docker.io/token\","
                + "scope=\"repository:x:pull repository:x:push\"");
    assertTrue(c.bearer());
    assertEquals("https://auth.docker.io/token", c.param("realm"));
    assertEquals("repository:x:pull repository:x:push", c.param("scope"));
    assertEquals("gpux-test", Challenge.parse("Basic realm=gpux-test").param("realm"));
  }
}
