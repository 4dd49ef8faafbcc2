# Shared by the scripts in bin/: picks a JDK >= 21 and the Maven the build needs.
# Sourced, not run.

LW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LW_MAVEN_VERSION=3.9.12

# The build compiles --release 21 and is tested on Temurin 25; the machine's default java may be older.
lw_select_jdk() {
  local candidate
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    local major
    major=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')
    if [ "${major:-0}" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "error: a JDK 21 or newer is needed; set JAVA_HOME (tested with Temurin 25)" >&2
  return 1
}

# Quarkus 3.33 needs Maven >= 3.9.12. The system mvn fetches that distribution once, by its Maven coordinates.
lw_maven() {
  local home="$HOME/.m2/tools/apache-maven-$LW_MAVEN_VERSION"
  if [ ! -x "$home/bin/mvn" ]; then
    command -v mvn >/dev/null || { echo "error: Maven (mvn) is needed to bootstrap Maven $LW_MAVEN_VERSION" >&2; return 1; }
    echo "Fetching Maven $LW_MAVEN_VERSION into $HOME/.m2/tools (once)..." >&2
    # From $HOME: inside the repo the old mvn would try to read (and may reject) the project's poms.
    (cd "$HOME" && mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:unpack \
      -Dartifact="org.apache.maven:apache-maven:$LW_MAVEN_VERSION:tar.gz:bin" \
      -DoutputDirectory="$HOME/.m2/tools" >&2) || return 1
  fi
  "$home/bin/mvn" "$@"
}

# Installs Debian packages whose file is missing ("package:/path/to/file" each), when running as root with
# apt-get; otherwise says what is missing and goes on (the worker refuses to run models without a sandbox).
lw_install_packages() {
  local missing=() entry
  for entry in "$@"; do
    [ -e "${entry#*:}" ] || missing+=("${entry%%:*}")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "warning: missing Debian packages: ${missing[*]} (install them with apt-get)" >&2
  fi
}
