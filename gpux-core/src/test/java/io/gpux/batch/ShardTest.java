package io.gpux.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShardTest {
  private static List<String> keys(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("hf:acme/model-" + i);
    }
    return out;
  }

  @Test
  void shardsAreDisjointAndTogetherTakeEveryKey() {
    List<String> keys = keys(1000);
    for (int n : new int[] {1, 2, 3, 7, 16}) {
      Set<String> union = new HashSet<>();
      int total = 0;
      for (int i = 0; i < n; i++) {
        Shard s = Shard.parse(i + "/" + n);
        List<String> mine = keys.stream().filter(s::owns).toList();
        total += mine.size();
        union.addAll(mine);
        // Spread: no shard of 1000 keys is empty or more than twice its share.
        assertTrue(mine.size() > 0 && mine.size() < 2 * 1000 / n + 1, s + ": " + mine.size());
      }
      assertEquals(1000, total, "each key in exactly one of " + n + " shards");
      assertEquals(Set.copyOf(keys), union);
    }
  }

  @Test
  void ownershipIsFixedByTheKeyAlone() {
    // The same on every machine and JVM: sha256 of the key, not String.hashCode.
    Shard s = new Shard(1, 4);
    assertEquals(s.owns("hf:acme/model-1"), new Shard(1, 4).owns("hf:acme/model-1"));
    // What a job script in another language computes, e.g. Python:
    // int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") % 2 == 0
    List<Boolean> pinned = keys(8).stream().map(new Shard(0, 2)::owns).toList();
    assertEquals(List.of(true, false, true, true, true, true, false, false), pinned);
  }

  @Test
  void badShardsAreRefusedWithTheFix() {
    for (String bad : new String[] {"4/4", "0/0", "-1/3", "1", "a/b", "1/2/3", ""}) {
      GpuxException e = assertThrows(GpuxException.class, () -> Shard.parse(bad), bad);
      assertEquals(ErrorCategory.INVALID_INPUT, e.category(), bad);
      assertTrue(e.hint() != null && e.hint().contains("--shard"), e.hint());
    }
    assertEquals(
        "shard 4/4 does not exist: shards are numbered 0 to 3",
        assertThrows(GpuxException.class, () -> Shard.parse("4/4")).problem());
    assertEquals("2/5", Shard.parse(" 2/5 ").toString());
    assertTrue(Shard.ALL.owns("anything"));
  }
}
