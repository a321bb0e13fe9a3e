package io.autotag.shared.pipeline;

import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.tagging.ObjectTag;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The object storage calls the pipeline makes: read and write an object's tag set, read its first
 * bytes or all of them, sign a URL a provider can read it from. {@link S3Objects} makes them
 * against S3; tests use an in-memory store. Every call names the version when the reference has
 * one, and reads report what they actually read ({@link Content#read()}), so the tags record the
 * content that was classified even when an unversioned object was overwritten after its event.
 */
public interface ObjectStore {

  /** The object's current tag set. */
  List<ObjectTag> tags(ObjectRef ref) throws ObjectGoneException;

  /** Replaces the object's tag set. */
  void writeTags(ObjectRef ref, List<ObjectTag> tags) throws ObjectGoneException;

  /**
   * Only the first bytes of the object, enough to recognise its format; the content never carries
   * the bytes.
   */
  Content head(ObjectRef ref) throws ObjectGoneException;

  /**
   * Reads the object if its magic bytes say it is an image and it is at most {@code maxBytes} long,
   * stopping early otherwise (after the first bytes when they are not an image, after {@code
   * maxBytes + 1} when it is bigger), so neither case downloads the whole object.
   */
  Content read(ObjectRef ref, long maxBytes) throws ObjectGoneException;

  /**
   * A URL that reads this object version for {@code validity}, signed locally (no call). It is a
   * credential while it lives: only ever hand it to the configured provider, never log it.
   */
  URI presignedUrl(ObjectRef ref, Duration validity);
}
