#!/usr/bin/env bash
# Mutation check of the ring buffers' memory orderings against the loom models (tests/loom.rs).
#
# Copies the workspace (without target/ and .git/) to target/mutants/crate, then for every
# `Ordering::Acquire` / `Release` / `AcqRel` and every `fence(..)` in the ring's two ends
# (src/ring/producer.rs, src/ring/consumer.rs: the one protocol both the typed and the byte ring
# run on) and in src/snapshot.rs (found by grep, comments skipped) applies exactly one mutation to the copy,
#   Acquire|Release -> Relaxed, AcqRel -> Acquire and -> Release,
#   fence(X) -> removed, and -> the opposite fence (Release <-> Acquire, AcqRel -> either),
# plus two hand-picked ones (caching `skip`'s Relaxed load; the snapshot's claim moved after its
# fence), and runs the loom models on it: "killed" if some model fails, "survived" if all pass.
# Prints a Markdown table; exits non-zero if any mutation survived (unless allowlisted below),
# timed out or did not build, or if the unmutated models fail. The checkout itself is never
# touched; builds are incremental in target/mutants; logs go to target/mutants/logs.
#
#   scripts/mutate-orderings.sh            (about 10 min on 2 cores; one mutation at a time)
#   scripts/mutate-orderings.sh --list     only list the mutations
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/target/mutants
WORK=$OUT/crate
FILES=(src/ring/producer.rs src/ring/consumer.rs src/snapshot.rs)

# Survivors accepted on purpose: "file|trimmed original line|mutation" -> one-line reason.
declare -A ALLOW=(
)

export RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=$OUT/target
# Use the preemption bound the project documents, if it documents one.
bound=$(grep -ohE 'LOOM_MAX_PREEMPTIONS=[0-9]+' "$ROOT/README.md" "$ROOT/tests/loom.rs" \
    "$ROOT/scripts/test.sh" | head -n1)
[[ -n $bound ]] && export "${bound?}"

# A fresh copy of the working tree, and a pristine copy of the files that get mutated.
rm -rf "$WORK" "$OUT/logs" "$OUT/pristine" && mkdir -p "$WORK" "$OUT/logs"
tar -C "$ROOT" --exclude=./target --exclude=./.git -cf - . | tar -C "$WORK" -xmf - || exit 1  # -m: new mtimes, so cargo rebuilds
for f in "${FILES[@]}"; do mkdir -p "$OUT/pristine/$(dirname "$f")" && cp "$WORK/$f" "$OUT/pristine/$f"; done

# Runs the models on the copy as it is now; prints killed | survived | timeout | build error.
run_models() {
    local log=$1
    (cd "$WORK" && timeout -k 30 600 cargo test --release -p ringscope --test loom --no-run) \
        >"$log" 2>&1 || { echo "build error"; return; }
    (cd "$WORK" && timeout -k 30 600 cargo test --release -p ringscope --test loom) >>"$log" 2>&1
    case $? in
        0) echo survived ;;
        124 | 137) echo timeout ;;
        *) echo killed ;;
    esac
}

# Mutants, one per line: file <TAB> line <TAB> description <TAB> sed script.
mutants() {
    local f n text ord k
    for f in "${FILES[@]}"; do
        grep -nE 'Ordering::(Acquire|Release|AcqRel)|fence\(' "$WORK/$f" | grep -vE '^[0-9]+:\s*//' |
        while IFS=: read -r n text; do
            if [[ $text =~ fence\(Ordering::([A-Za-z]+)\) ]]; then
                ord=${BASH_REMATCH[1]}
                printf '%s\t%s\t%s\t%s\n' "$f" "$n" "fence removed" "${n}s/fence(Ordering::$ord);//"
                case $ord in
                    Release) set -- Acquire ;; Acquire) set -- Release ;; AcqRel) set -- Acquire Release ;; *) set -- ;;
                esac
                for to; do printf '%s\t%s\t%s\t%s\n' "$f" "$n" "fence($ord) -> fence($to)" \
                    "${n}s/fence(Ordering::$ord)/fence(Ordering::$to)/"; done
                continue
            fi
            declare -A seen=()   # k-th occurrence of the same ordering on one line
            for ord in $(grep -oE 'Ordering::(Acquire|Release|AcqRel)' <<<"$text"); do
                ord=${ord#Ordering::}; k=$((${seen[$ord]:-0} + 1)); seen[$ord]=$k
                if [[ $ord == AcqRel ]]; then set -- Acquire Release; else set -- Relaxed; fi
                for to; do printf '%s\t%s\t%s\t%s\n' "$f" "$n" "$ord -> $to" \
                    "${n}s/Ordering::$ord/Ordering::$to/$k"; done
            done
            unset seen
        done
    done
    # `skip` caches its Relaxed load of the producer's position (the comment there forbids it).
    f=src/ring/consumer.rs
    n=$(awk '/fn skip\(/ {s=1} s && /write_pos\.load\(Ordering::Relaxed\)/ {print NR; exit}' "$WORK/$f")
    [[ -n $n ]] && printf '%s\t%s\t%s\t%s\n' "$f" "$n" "skip caches its Relaxed load" \
        "${n}s/\$/ self.cached_write_pos.set(write_pos);/"
    # The snapshot writer's claim moved after its Release fence (swap the two lines).
    f=src/snapshot.rs
    n=$(grep -n 'claimed\.store(.*Ordering::Relaxed)' "$WORK/$f" | head -n1 | cut -d: -f1)
    [[ -n $n ]] && sed -n "$((n + 1))p" "$WORK/$f" | grep -q 'fence(Ordering::Release)' &&
        printf '%s\t%s\t%s\t%s\n' "$f" "$n" "claim moved after its fence" "${n}{h;d};$((n + 1))G"
}

[[ ${1:-} == --list ]] && { mutants; exit; }
start=$SECONDS
echo "mutate-orderings: baseline (unmutated) models${bound:+, $bound} ..." >&2
base=$(run_models "$OUT/logs/baseline.log")
if [[ $base != survived ]]; then
    echo "mutate-orderings: the unmutated models do not pass ($base); see $OUT/logs/baseline.log" >&2
    exit 2
fi
echo "mutate-orderings: baseline passes in $((SECONDS - start)) s" >&2

mapfile -t list < <(mutants)
echo "| # | file:line | original line | mutation | result | killed by | how | time |"
echo "|---|---|---|---|---|---|---|---|"
declare -A count=()
bad=0 i=0
for m in "${list[@]}"; do
    IFS=$'\t' read -r f n what script <<<"$m"
    i=$((i + 1)); t0=$SECONDS; log=/dev/null
    orig=$(sed -n "${n}p" "$OUT/pristine/$f" | sed 's/^\s*//; s/\s*$//')
    echo "mutate-orderings: [$i/${#list[@]}] $f:$n $what" >&2
    for g in "${FILES[@]}"; do cp "$OUT/pristine/$g" "$WORK/$g"; done  # new mtime: rebuilds
    sed -i -e "$script" "$WORK/$f"
    if cmp -s "$OUT/pristine/$f" "$WORK/$f"; then result="not applied"; else
        log="$OUT/logs/$i-$(basename "$f" .rs)-$n.log"
        result=$(run_models "$log")
    fi
    by=$(grep -oE '^test \S+ \.\.\. FAILED' "$log" | awk '{print $2}' | paste -sd' ' -)
    # The commonest panic message: a real detection, or e.g. loom's branch limit?
    why=$(grep -A1 ' panicked at ' "$log" | grep -vE ' panicked at |^--$' | sort | uniq -c |
        sort -rn | sed -n '1s/^ *[0-9]* //p')
    [[ $result == killed ]] || by="" why=-
    key="$f|$orig|$what"
    if [[ $result == survived && -n ${ALLOW[$key]:-} ]]; then result="survived (allowed: ${ALLOW[$key]})"
    elif [[ $result != killed ]]; then bad=$((bad + 1)); fi
    kind=${result%% (*}; count[$kind]=$((${count[$kind]:-0} + 1))
    echo "| $i | $f:$n | \`${orig//|/\\|}\` | $what | $result | ${by:--} | ${why//|/\\|} | $((SECONDS - t0)) s |"
done
for g in "${FILES[@]}"; do cp "$OUT/pristine/$g" "$WORK/$g"; done
echo
summary=""
for r in "${!count[@]}"; do summary+="${summary:+, }${count[$r]} $r"; done
echo "**${#list[@]} mutations: $summary** (total $(((SECONDS - start) / 60)) min $(((SECONDS - start) % 60)) s)"
[[ $bad -eq 0 ]]
