# Sourced by ./mvnw, ./autotag and .ci/run (POSIX sh): makes JAVA_HOME a JDK >= 21.
# autotag targets Java 21, while many machines' default `java` is older (Debian 12: 17). When
# JAVA_HOME already names a JDK >= 21 it is kept; otherwise the first JDK >= 21 found on PATH or
# under /usr/lib/jvm, /usr/java, /opt/java, ~/.sdkman or /Library/Java (macOS) is used. When there
# is none, JAVA_HOME is left as it was and the Maven Enforcer rule in pom.xml says what to install.

autotag_java_major() {
  # The specification version is "17", "21", "25" (or "1.8" for Java 8, which reads as 1).
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

autotag_is_jdk21() {
  [ -n "$1" ] && [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  _autotag_major=$(autotag_java_major "$1")
  [ -n "$_autotag_major" ] && [ "$_autotag_major" -ge 21 ]
}

autotag_find_jdk() {
  # Prints the home of a JDK >= 21, preferring JAVA_HOME, then the javac on PATH, then the newest
  # of the usual install locations; returns 1 when there is none.
  if autotag_is_jdk21 "${JAVA_HOME:-}"; then
    printf '%s\n' "$JAVA_HOME"
    return 0
  fi
  _autotag_javac=$(command -v javac 2>/dev/null || true)
  if [ -n "$_autotag_javac" ]; then
    _autotag_home=$(dirname "$(dirname "$(readlink -f "$_autotag_javac" 2>/dev/null || printf '%s' "$_autotag_javac")")")
    if autotag_is_jdk21 "$_autotag_home"; then
      printf '%s\n' "$_autotag_home"
      return 0
    fi
  fi
  # Newest first: version-sorted in reverse, so temurin-25 comes before temurin-21. ./mvnw runs
  # with globbing off (set -f): turn it on for this listing only.
  case $- in *f*) _autotag_noglob=1 && set +f ;; *) _autotag_noglob= ;; esac
  _autotag_candidates=$(ls -d /usr/lib/jvm/* /usr/java/* /opt/java/* "${HOME:-/nonexistent}"/.sdkman/candidates/java/* \
    /Library/Java/JavaVirtualMachines/*/Contents/Home 2>/dev/null | sort -rV || true)
  [ -z "$_autotag_noglob" ] || set -f
  for _autotag_candidate in $_autotag_candidates; do
    if autotag_is_jdk21 "$_autotag_candidate"; then
      printf '%s\n' "$_autotag_candidate"
      return 0
    fi
  done
  return 1
}

if _autotag_found=$(autotag_find_jdk); then
  JAVA_HOME=$_autotag_found
  export JAVA_HOME
fi
