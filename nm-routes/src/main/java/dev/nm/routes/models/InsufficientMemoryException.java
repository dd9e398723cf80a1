package dev.nm.routes.models;

import dev.nm.routes.backend.BackendException;

/** Loading a model would need more memory than the machine has available. */
public final class InsufficientMemoryException extends BackendException {
  private static final long serialVersionUID = 1L;

  InsufficientMemoryException(String id, MemoryEstimate estimate, long availableBytes) {
    super("loading '" + id + "' needs at least " + mib(estimate.totalBytes()) + " MiB (weights "
        + mib(estimate.weightBytes()) + " MiB + KV cache " + mib(estimate.kvCacheBytes()) + " MiB for "
        + estimate.contextSize() + " tokens) but only " + mib(availableBytes)
        + " MiB of memory is available; unload a model, close other programs or lower the context size");
  }

  private static long mib(long bytes) {
    return bytes >> 20;
  }
}
