#!/usr/bin/env bash
# Cold start of the launcher, old against new, measured side by side on this machine: the wall time
# of `java -jar mailer.jar send --to you@example.com --subject Hi --text x` to the development inbox
# (no SMTP_HOST), runs of the two jars interleaved (old, new, old, new, ...), medians and their ratio.
# Each jar runs in a folder of its own; its first run (bundles installed, class-data archive written)
# is reported apart and not counted.
#
# Measured in the same runs, the floor: two JVMs started as the new launcher starts them, Felix opened
# with its framework properties, only Declarative Services and ConfigurationAdmin started and stopped
# (dev.mailer.launcher.FrameworkFloor, in the launcher's test classes): what any one-shot command of
# an OSGi mailer built on DS and ConfigAdmin pays before it does anything of its own.
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
mkdir -p "$WORK/old" "$WORK/new" "$WORK/floor"
FLOOR_CLASSES=$ROOT/launcher/target/test-classes
if [ ! -f "$FLOOR_CLASSES/dev/mailer/launcher/FrameworkFloor.class" ]; then
    echo "no FrameworkFloor in $FLOOR_CLASSES: build with -DskipTests (not -Dmaven.test.skip)" >&2
    exit 2
fi
# in a jar: class-data sharing archives no class path with a folder in it
(cd "$FLOOR_CLASSES" && jar cf "$WORK/floor.jar" dev/mailer/launcher/FrameworkFloor.class)

# runs the command after $1 in folder $1, its output into $1/last.out; prints its wall time in ms
timed() {
    local dir=$1 start end
    shift
    start=$(date +%s%N)
    if ! (cd "$dir" && env -u SMTP_HOST -u MAILER_PROFILE -u MAILER_CONFIG_DIR -u MAILER_DATA_DIR -u MAILER_SECRETS_DIR \
            "$@" >"$dir/last.out" 2>&1); then
        echo "failed in $dir: $*" >&2
        cat "$dir/last.out" >&2
        exit 1
    fi
    end=$(date +%s%N)
    echo $(((end - start) / 1000000))
}

# one send in folder $1 with jar $2
send() {
    timed "$1" "$JAVA" -jar "$2" send --to you@example.com --subject Hi --text x
}

# the floor, in folder $WORK/floor
floor() {
    timed "$WORK/floor" "$JAVA" -cp "$NEW_JAR:$WORK/floor.jar" dev.mailer.launcher.FrameworkFloor "$WORK/floor/run"
}

median() {
    sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)) }'
}

old_first=$(send "$WORK/old" "$OLD_JAR")
new_first=$(send "$WORK/new" "$NEW_JAR")
floor >/dev/null
old=()
new=()
flo=()
for _ in $(seq "$RUNS"); do
    old+=("$(send "$WORK/old" "$OLD_JAR")")
    new+=("$(send "$WORK/new" "$NEW_JAR")")
    flo+=("$(floor)")
done
old_median=$(printf '%s\n' "${old[@]}" | median)
new_median=$(printf '%s\n' "${new[@]}" | median)
floor_median=$(printf '%s\n' "${flo[@]}" | median)
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $("$JAVA" -version 2>&1 | head -1)"
echo "old: $OLD_JAR"
echo "new: $NEW_JAR"
echo "first run (bundles installed, archive written): old ${old_first} ms, new ${new_first} ms"
echo "old runs (ms): ${old[*]}"
echo "new runs (ms): ${new[*]}"
echo "floor runs (ms): ${flo[*]}"
echo "median of $RUNS interleaved runs: old ${old_median} ms, new ${new_median} ms, new/old $(ratio "$new_median" "$old_median")"
echo "floor (two JVMs, Felix, DS and ConfigAdmin only): ${floor_median} ms, floor/old $(ratio "$floor_median" "$old_median"), new/floor $(ratio "$new_median" "$floor_median")"
