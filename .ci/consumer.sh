#!/usr/bin/env bash
# A user's project outside the build (.ci/consumer): the library as it would be published (the library modules it
# needs, their parent and the BOM, deployed to a file repository under target/), then the project built and tested
# against it: annotated tools and records, tested over HTTP on port 0 with the SDK's client. Neither step writes over
# the snapshots that `mvn install` put in the local Maven repository.
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
need java mvn "$ROOT/.ci/consumer/pom.xml"
rm -rf "$OUT_DIR"
mkdir -p "$OUT_DIR"

section "consumer: publishing fastmcp-bom, fastmcp-core and their parent to ${REPOSITORY#"$ROOT"/}"
mvn -B -q deploy -DskipTests -Dcds.skip -Dmaven.install.skip=true -pl fastmcp-bom,fastmcp-core -am \
  -DaltDeploymentRepository="consumer::file://$REPOSITORY" >"$OUT_DIR/publish.log" 2>&1 \
  || { tail -50 "$OUT_DIR/publish.log" >&2; die "publishing the artifacts failed (log: ${OUT_DIR#"$ROOT"/}/publish.log)"; }
for artifact in fastmcp-parent fastmcp-bom fastmcp-core; do
  [[ -d "$REPOSITORY/dev/fastmcp/$artifact" ]] || die "$artifact was not published to ${REPOSITORY#"$ROOT"/}"
done
echo "published: $(cd "$REPOSITORY/dev/fastmcp" && ls | tr '\n' ' ')"

section "consumer: building and testing .ci/consumer against the published artifacts"
# The snapshots it downloads are kept under their timestamped names only.
if mvn -B -U -f "$ROOT/.ci/consumer/pom.xml" -Dfastmcp.repository="file://$REPOSITORY" \
    -Daether.artifactResolver.snapshotNormalization=false test >"$OUT_DIR/consumer.log" 2>&1; then
  grep -E "Tests run: [0-9]+, Failures" "$OUT_DIR/consumer.log" | tail -1
  echo "consumer: PASSED"
else
  tail -80 "$OUT_DIR/consumer.log" >&2
  die "the consumer project failed (log: ${OUT_DIR#"$ROOT"/}/consumer.log)"
fi
