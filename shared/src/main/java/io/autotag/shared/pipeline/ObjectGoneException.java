package io.autotag.shared.pipeline;

/**
 * The object (or this version of it) no longer exists, or was overwritten since the event: there is
 * nothing left to tag. Not an error worth retrying.
 */
public final class ObjectGoneException extends Exception {

  public ObjectGoneException(String message) {
    super(message);
  }
}
