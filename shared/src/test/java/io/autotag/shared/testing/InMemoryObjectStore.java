package io.autotag.shared.testing;

import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.pipeline.Content;
import io.autotag.shared.pipeline.ObjectGoneException;
import io.autotag.shared.pipeline.ObjectStore;
import io.autotag.shared.tagging.ObjectTag;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link ObjectStore} in memory, for fast pipeline tests: objects by bucket and key (one version
 * each), eTags as S3 makes them for a single-part upload (MD5), counts of each call, and injectable
 * failures for tag reads, tag writes and object reads. Reads follow the store's contract: format
 * from the first bytes, the bytes only for an image within the limit.
 */
public final class InMemoryObjectStore implements ObjectStore {

  private record Stored(byte[] data, String eTag, List<ObjectTag> tags) {}

  private final Map<String, Stored> objects = new ConcurrentHashMap<>();
  private final AtomicInteger heads = new AtomicInteger();
  private final AtomicInteger reads = new AtomicInteger();
  private final AtomicInteger tagWrites = new AtomicInteger();
  private volatile RuntimeException tagWriteFailure;
  private final AtomicInteger tagWriteFailuresLeft = new AtomicInteger();
  private volatile RuntimeException readFailure;
  private volatile RuntimeException tagReadFailure;

  /** Stores an object with these tags; returns its reference as an upload event names it. */
  public ObjectRef put(String bucket, String key, byte[] data, ObjectTag... tags) {
    String eTag = md5(data);
    objects.put(bucket + "/" + key, new Stored(data.clone(), eTag, List.of(tags)));
    return ObjectRef.of(bucket, key, null, eTag, (long) data.length);
  }

  public void delete(String bucket, String key) {
    objects.remove(bucket + "/" + key);
  }

  /** The object's tags as last written. */
  public List<ObjectTag> tagsOf(ObjectRef ref) {
    return stored(ref).tags();
  }

  /** Every later tag write throws {@code failure}. */
  public void failTagWrites(RuntimeException failure) {
    failTagWrites(Integer.MAX_VALUE, failure);
  }

  /** The next {@code times} tag writes throw {@code failure}; {@code null} stops failing. */
  public void failTagWrites(int times, RuntimeException failure) {
    this.tagWriteFailuresLeft.set(failure == null ? 0 : times);
    this.tagWriteFailure = failure;
  }

  /**
   * Every later read of an object (first bytes or whole) throws {@code failure}, or not if null.
   */
  public void failReads(RuntimeException failure) {
    this.readFailure = failure;
  }

  /** Every later read of an object's tags throws {@code failure}, or not if null. */
  public void failTagReads(RuntimeException failure) {
    this.tagReadFailure = failure;
  }

  public int heads() {
    return heads.get();
  }

  public int reads() {
    return reads.get();
  }

  public int tagWrites() {
    return tagWrites.get();
  }

  @Override
  public List<ObjectTag> tags(ObjectRef ref) throws ObjectGoneException {
    Stored stored = present(ref);
    RuntimeException failure = tagReadFailure;
    if (failure != null) {
      throw failure;
    }
    return stored.tags();
  }

  @Override
  public void writeTags(ObjectRef ref, List<ObjectTag> tags) throws ObjectGoneException {
    Stored stored = present(ref);
    RuntimeException failure = tagWriteFailure;
    if (failure != null && tagWriteFailuresLeft.getAndDecrement() > 0) {
      throw failure;
    }
    tagWrites.incrementAndGet();
    objects.put(key(ref), new Stored(stored.data(), stored.eTag(), List.copyOf(tags)));
  }

  @Override
  public Content head(ObjectRef ref) throws ObjectGoneException {
    heads.incrementAndGet();
    Stored stored = present(ref);
    throwIfReadsFail();
    return Content.of(ref.withETag(stored.eTag()), format(stored.data()), null);
  }

  @Override
  public Content read(ObjectRef ref, long maxBytes) throws ObjectGoneException {
    reads.incrementAndGet();
    Stored stored = present(ref);
    throwIfReadsFail();
    ImageFormat format = format(stored.data());
    boolean whole = format != null && stored.data().length <= maxBytes;
    return Content.of(
        ref.withETag(stored.eTag()).withSize(stored.data().length),
        format,
        whole ? stored.data().clone() : null);
  }

  @Override
  public URI presignedUrl(ObjectRef ref, Duration validity) {
    return URI.create(
        "https://"
            + ref.bucket()
            + ".s3.example/"
            + ref.key()
            + "?X-Amz-Expires="
            + validity.toSeconds());
  }

  private void throwIfReadsFail() {
    RuntimeException failure = readFailure;
    if (failure != null) {
      throw failure;
    }
  }

  private static ImageFormat format(byte[] data) {
    return ImageFormat.sniff(data, Math.min(data.length, ImageFormat.SNIFF_BYTES)).orElse(null);
  }

  private Stored present(ObjectRef ref) throws ObjectGoneException {
    Stored stored = objects.get(key(ref));
    if (stored == null) {
      throw new ObjectGoneException("deleted: " + ref);
    }
    return stored;
  }

  private Stored stored(ObjectRef ref) {
    Stored stored = objects.get(key(ref));
    if (stored == null) {
      throw new IllegalArgumentException("no such object: " + ref);
    }
    return stored;
  }

  private static String key(ObjectRef ref) {
    return ref.bucket() + "/" + ref.key();
  }

  private static String md5(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
