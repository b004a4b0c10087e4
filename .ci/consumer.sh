#!/usr/bin/env bash
# Users' projects outside the build: the library as it would be published (the library modules they need, their
# parent and the BOM, deployed to a file repository under target/), then each project built and tested against it.
# .ci/consumer has annotated tools, records and an API key, and tests them with the test kit fastmcp-testing, in
# memory and over HTTP on port 0; .ci/consumer-spring imports Spring Boot 3's BOM after ours, and checks over HTTP
# with the SDK's client that Jackson 3 gets the annotations it needs all the same.
# Neither step writes over the snapshots that `mvn install` put in the local Maven repository.
#
# Needs: java 17+, mvn. Optional: CONSUMER_OUT_DIR (default target/consumer, wiped at start).
set -euo pipefail
# shellcheck source=.ci/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT_DIR="${CONSUMER_OUT_DIR:-$ROOT/target/consumer}"
REPOSITORY="$OUT_DIR/repository"

section "consumer: checking prerequisites"
need java mvn "$ROOT/.ci/consumer/pom.xml" "$ROOT/.ci/consumer-spring/pom.xml"
rm -rf "$OUT_DIR"
mkdir -p "$OUT_DIR"

# fastmcp-bom has no parent, so it repeats the version of jackson-annotations that Jackson 3 needs.
annotations="$(sed -n 's:.*<jackson-annotations.version>\(.*\)</jackson-annotations.version>.*:\1:p' pom.xml)"
grep -A1 '<artifactId>jackson-annotations</artifactId>' fastmcp-bom/pom.xml | grep -q "<version>$annotations</version>" \
  || die "fastmcp-bom/pom.xml must manage jackson-annotations at $annotations, as pom.xml's jackson-annotations.version says"

section "consumer: publishing fastmcp-bom, fastmcp-core, fastmcp-testing and their parent to ${REPOSITORY#"$ROOT"/}"
mvn -B -q deploy -DskipTests -Dcds.skip -Dmaven.install.skip=true -pl fastmcp-bom,fastmcp-core,fastmcp-testing -am \
  -DaltDeploymentRepository="consumer::file://$REPOSITORY" >"$OUT_DIR/publish.log" 2>&1 \
  || { tail -50 "$OUT_DIR/publish.log" >&2; die "publishing the artifacts failed (log: ${OUT_DIR#"$ROOT"/}/publish.log)"; }
for artifact in fastmcp-parent fastmcp-bom fastmcp-core fastmcp-testing; do
  [[ -d "$REPOSITORY/dev/fastmcp/$artifact" ]] || die "$artifact was not published to ${REPOSITORY#"$ROOT"/}"
done
echo "published: $(cd "$REPOSITORY/dev/fastmcp" && ls | tr '\n' ' ')"

# consumer_test NAME: builds and tests .ci/NAME against the published artifacts (log: $OUT_DIR/NAME.log). The
# snapshots it downloads are kept under their timestamped names only.
consumer_test() {
  local log="$OUT_DIR/$1.log"
  section "consumer: building and testing .ci/$1 against the published artifacts"
  if mvn -B -U -f "$ROOT/.ci/$1/pom.xml" -Dfastmcp.repository="file://$REPOSITORY" \
      -Daether.artifactResolver.snapshotNormalization=false test >"$log" 2>&1; then
    grep -E "Tests run: [0-9]+, Failures" "$log" | tail -1
    echo "$1: PASSED"
  else
    tail -80 "$log" >&2
    echo >&2
    local why=""
    if grep -q "NoClassDefFoundError: com/fasterxml/jackson/annotation" "$log"; then
      why=": Jackson 3 got older jackson-annotations than it needs (see docs/guide.md, Next to Spring Boot 3)"
    fi
    die "the project .ci/$1 failed$why (log: ${log#"$ROOT"/})"
  fi
}

consumer_test consumer
consumer_test consumer-spring
