package io.autotag.shared.secrets;

import java.util.Objects;

/**
 * Where a secret lives: {@code ssm:/path/name} (a Parameter Store parameter, decrypted) or {@code
 * secretsmanager:name-or-arn} (a Secrets Manager secret's string value). Safe to log: it names the
 * secret, it does not hold it.
 */
public record SecretReference(Store store, String name) {

  /** The AWS service that holds the secret. */
  public enum Store {
    SSM("ssm:"),
    SECRETS_MANAGER("secretsmanager:");

    private final String prefix;

    Store(String prefix) {
      this.prefix = prefix;
    }

    public String prefix() {
      return prefix;
    }
  }

  public SecretReference {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a secret reference needs a name");
    }
  }

  /** Whether a configured value is a reference rather than a literal secret. */
  public static boolean isReference(String value) {
    for (Store store : Store.values()) {
      if (value.startsWith(store.prefix())) {
        return true;
      }
    }
    return false;
  }

  /** Parses {@code ssm:...} or {@code secretsmanager:...}. */
  public static SecretReference parse(String value) {
    for (Store store : Store.values()) {
      if (value.startsWith(store.prefix())) {
        return new SecretReference(store, value.substring(store.prefix().length()).trim());
      }
    }
    throw new IllegalArgumentException("not a secret reference");
  }

  @Override
  public String toString() {
    return store.prefix() + name;
  }
}
