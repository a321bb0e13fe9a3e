package io.autotag.shared.secrets;

/** Fetches a secret's current value from where it lives; implementations may call AWS. */
@FunctionalInterface
public interface SecretStore {

  String fetch(SecretReference reference) throws SecretException;
}
