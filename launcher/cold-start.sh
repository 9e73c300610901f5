#!/usr/bin/env bash
# Cold start of the launcher, old against new, measured side by side on this machine: the wall time
# of `java -jar mailer.jar send --to you@example.com --subject Hi --text x` to the development inbox
# (no SMTP_HOST), runs of the two jars interleaved (old, new, old, new, ...), medians and their ratio.
# Each jar runs in a folder of its own; its first run (bundles installed, class-data archive written)
# is reported apart and not counted.
#
#   launcher/cold-start.sh                         # main (built from `git archive main`) against launcher/target/mailer.jar
#   BASE_REF=v1 RUNS=20 JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java launcher/cold-start.sh
#   OLD_JAR=/tmp/old/mailer.jar launcher/cold-start.sh   # an old jar built before
#
# Also: MAILER_TIMELINE=1 java -jar launcher/target/mailer.jar send ... prints where a run's time goes.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASE_REF=${BASE_REF:-main}
RUNS=${RUNS:-10}
JAVA=${JAVA:-java}
NEW_JAR=${NEW_JAR:-$ROOT/launcher/target/mailer.jar}
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/cold-start.XXXXXX")}

if [ ! -f "$NEW_JAR" ]; then
    echo "no $NEW_JAR: build it first (mvn -B -ntp -q -DskipTests package -pl launcher -am)" >&2
    exit 2
fi
if [ -z "${OLD_JAR:-}" ]; then
    echo "building the launcher of $BASE_REF in $WORK/base ..." >&2
    mkdir -p "$WORK/base"
    git -C "$ROOT" archive "$BASE_REF" | tar -x -C "$WORK/base"
    (cd "$WORK/base" && mvn -B -ntp -q -DskipTests package -pl launcher -am >&2)
    OLD_JAR=$WORK/base/launcher/target/mailer.jar
fi
mkdir -p "$WORK/old" "$WORK/new"

# one send in folder $1 with jar $2; prints its wall time in ms
send() {
    local start end
    start=$(date +%s%N)
    if ! (cd "$1" && env -u SMTP_HOST -u MAILER_PROFILE -u MAILER_CONFIG_DIR -u MAILER_DATA_DIR -u MAILER_SECRETS_DIR \
            "$JAVA" -jar "$2" send --to you@example.com --subject Hi --text x >"$1/last.out" 2>&1); then
        echo "the send with $2 failed:" >&2
        cat "$1/last.out" >&2
        exit 1
    fi
    end=$(date +%s%N)
    echo $(((end - start) / 1000000))
}

median() {
    sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)) }'
}

old_first=$(send "$WORK/old" "$OLD_JAR")
new_first=$(send "$WORK/new" "$NEW_JAR")
old=()
new=()
for _ in $(seq "$RUNS"); do
    old+=("$(send "$WORK/old" "$OLD_JAR")")
    new+=("$(send "$WORK/new" "$NEW_JAR")")
done
old_median=$(printf '%s\n' "${old[@]}" | median)
new_median=$(printf '%s\n' "${new[@]}" | median)

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $("$JAVA" -version 2>&1 | head -1)"
echo "old: $OLD_JAR"
echo "new: $NEW_JAR"
echo "first run (bundles installed, archive written): old ${old_first} ms, new ${new_first} ms"
echo "old runs (ms): ${old[*]}"
echo "new runs (ms): ${new[*]}"
echo "median of $RUNS interleaved runs: old ${old_median} ms, new ${new_median} ms, new/old $(awk -v n="$new_median" -v o="$old_median" 'BEGIN { printf "%.2f", n / o }')"
