package dev.nm.host.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nm.host.connection.RoundRobinQueue.CallerTask;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RoundRobinQueueTest {
  private final RoundRobinQueue queue = new RoundRobinQueue();

  @Test
  void callersTakeTurnsEachInTheOrderItsTasksCame() throws Exception {
    CallerTask a1 = task("a"), a2 = task("a"), a3 = task("a"), b1 = task("b"), c1 = task("c"), b2 = task("b");
    List.of(a1, a2, a3, b1, c1, b2).forEach(queue::offer);

    assertEquals(6, queue.size());
    assertEquals(a1, queue.peek());
    List<Runnable> snapshot = new ArrayList<>();
    queue.iterator().forEachRemaining(snapshot::add);
    assertEquals(List.of(a1, b1, c1, a2, b2, a3), snapshot, "the iterator shows the order they will be taken in");
    assertEquals(a1, queue.take());
    assertEquals(b1, queue.poll());
    assertEquals(c1, queue.poll(1, TimeUnit.SECONDS));
    assertEquals(a2, queue.poll());
    assertEquals(b2, queue.poll());
    assertEquals(a3, queue.poll());
    assertNull(queue.poll());
    assertNull(queue.poll(10, TimeUnit.MILLISECONDS));
  }

  @Test
  void removeAndDrainKeepTheCount() {
    CallerTask a1 = task("a"), a2 = task("a"), b1 = task("b");
    Runnable anonymous = () -> {};
    List.of(a1, a2, b1, anonymous).forEach(queue::offer);

    assertTrue(queue.remove(b1));
    assertFalse(queue.remove(b1));
    assertEquals(3, queue.size());
    List<Runnable> drained = new ArrayList<>();
    assertEquals(2, queue.drainTo(drained, 2));
    assertEquals(List.of(a1, anonymous), drained, "tasks of no caller share one line");
    assertEquals(1, queue.drainTo(drained));
    assertEquals(0, queue.size());
    assertTrue(queue.isEmpty());
  }

  private static CallerTask task(String caller) {
    return new CallerTask(caller, () -> {});
  }
}
