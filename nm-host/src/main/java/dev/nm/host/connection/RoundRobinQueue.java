package dev.nm.host.connection;

import java.util.AbstractQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The work queue of a request pool: tasks wait in one line per caller, and the pool takes the callers' oldest
 * tasks in turn, so that an extension with sixty chats queued delays another's chat by one chat, not sixty. A
 * task names its caller by being a {@link CallerTask}; other tasks share one line.
 */
public final class RoundRobinQueue extends AbstractQueue<Runnable> implements BlockingQueue<Runnable> {
  /** A task on behalf of {@code caller} (an origin). */
  public record CallerTask(String caller, Runnable task) implements Runnable {
    @Override
    public void run() {
      task.run();
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  /** Each caller's waiting tasks, oldest first; a caller is here only while it has some. */
  private final HashMap<String, ArrayDeque<Runnable>> lines = new HashMap<>();
  /** The callers with waiting tasks in turn order: the next task is the first's, who then goes last. */
  private final ArrayDeque<String> turns = new ArrayDeque<>();
  /** A line emptied, kept for the next caller: most of the time one caller's line fills and empties in turn. */
  private ArrayDeque<Runnable> spare;
  private int size;

  /** A pool of {@code threads} threads that takes its callers' waiting tasks in turn. */
  public static ThreadPoolExecutor pool(int threads, ThreadFactory threadFactory) {
    return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new RoundRobinQueue(), threadFactory);
  }

  @Override
  public boolean offer(Runnable task) {
    Objects.requireNonNull(task, "task");
    String caller = task instanceof CallerTask callerTask ? callerTask.caller() : "";
    lock.lock();
    try {
      ArrayDeque<Runnable> line = lines.get(caller);
      if (line == null) {
        line = spare != null ? spare : new ArrayDeque<>();
        spare = null;
        lines.put(caller, line);
        turns.addLast(caller);
      }
      line.add(task);
      size++;
      notEmpty.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void put(Runnable task) {
    offer(task);
  }

  @Override
  public boolean offer(Runnable task, long timeout, TimeUnit unit) {
    return offer(task);
  }

  @Override
  public Runnable poll() {
    lock.lock();
    try {
      return size == 0 ? null : next();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Runnable take() throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (size == 0) {
        notEmpty.await();
      }
      return next();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Runnable poll(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lockInterruptibly();
    try {
      while (size == 0) {
        if (nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      return next();
    } finally {
      lock.unlock();
    }
  }

  /** The oldest task of the caller whose turn it is, who then goes last. Holds the lock; size > 0. */
  private Runnable next() {
    String caller = turns.pollFirst();
    ArrayDeque<Runnable> line = lines.get(caller);
    Runnable task = line.poll();
    if (line.isEmpty()) {
      lines.remove(caller);
      spare = line;
    } else {
      turns.addLast(caller);
    }
    size--;
    return task;
  }

  @Override
  public Runnable peek() {
    lock.lock();
    try {
      return size == 0 ? null : lines.get(turns.peekFirst()).peek();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int size() {
    lock.lock();
    try {
      return size;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int remainingCapacity() {
    return Integer.MAX_VALUE;
  }

  /** Removes {@code task} if it waits (the pool's {@code remove}, on shutdown); true if it did. */
  @Override
  public boolean remove(Object task) {
    lock.lock();
    try {
      for (Iterator<Map.Entry<String, ArrayDeque<Runnable>>> it = lines.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, ArrayDeque<Runnable>> line = it.next();
        if (line.getValue().remove(task)) {
          if (line.getValue().isEmpty()) {
            it.remove();
            turns.remove(line.getKey());
          }
          size--;
          return true;
        }
      }
      return false;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int drainTo(Collection<? super Runnable> sink) {
    return drainTo(sink, Integer.MAX_VALUE);
  }

  @Override
  public int drainTo(Collection<? super Runnable> sink, int maxElements) {
    lock.lock();
    try {
      int drained = 0;
      while (size > 0 && drained < maxElements) {
        sink.add(next());
        drained++;
      }
      return drained;
    } finally {
      lock.unlock();
    }
  }

  /** A snapshot, in the order the tasks would be taken; removing through it is not supported. */
  @Override
  public Iterator<Runnable> iterator() {
    lock.lock();
    try {
      List<Runnable> inTurn = new ArrayList<>(size);
      List<ArrayDeque<Runnable>> copies = new ArrayList<>();
      turns.forEach(caller -> copies.add(new ArrayDeque<>(lines.get(caller))));
      while (inTurn.size() < size) {
        for (ArrayDeque<Runnable> line : copies) {
          if (!line.isEmpty()) {
            inTurn.add(line.poll());
          }
        }
      }
      return List.copyOf(inTurn).iterator();
    } finally {
      lock.unlock();
    }
  }
}
