package io.autotag.shared.provider.einstein;

import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.provider.http.ProviderHttp;
import io.autotag.shared.secrets.Secret;
import io.autotag.shared.secrets.SecretException;

/**
 * An access token given in configuration. When it comes from a secret store, a 401 re-reads the
 * store once, in case the token was rotated there.
 */
final class FixedToken implements AccessTokens {

  private final Secret token;

  FixedToken(Secret token) {
    this.token = token;
  }

  @Override
  public String current() throws ClassificationException {
    try {
      return token.value();
    } catch (SecretException e) {
      throw ProviderHttp.secretFailure(EinsteinClassifier.NAME, e);
    }
  }

  @Override
  public boolean rejected(String rejected) {
    if (!token.isReference()) {
      return false;
    }
    token.invalidate();
    return true;
  }
}
