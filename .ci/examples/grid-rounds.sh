#!/usr/bin/env bash
# Runs notebook 05's study as rounds of shards until it is complete. Each pass merges every shard's store into the
# merged store with `grid --import … --no-train`: that exits 0 once the study is complete (and writes the results
# files a single run writes, byte for byte), or 3 when the study's current stage still lacks runs; then one round of
# shards trains them (LAUNCH) and the loop merges again. The stages are known only as the study goes (the learning-rate
# search extends while a winner sits at the edge of its ladder), so the loop, not a fixed list of phases, decides.
#
# From the repository's root, on a Slurm cluster that shares this folder between nodes:
#   SHARDS=4 .ci/examples/grid-rounds.sh
# Then copy the merged store to notebooks/runs (or set RUNS=notebooks/runs), and `reproduce` finds every run done.
#
# Settings (environment): SHARDS (4), LAUNCH (how to run one round; default: sbatch --wait with an array of SHARDS
# tasks of grid-shards.slurm), MAX_ROUNDS (10), and those of grid-shards.slurm (PROFILE, SHARD_DIR, RUNS, GRID_ARGS,
# TEXTATTENTION_CLI).
set -uo pipefail
cd "$(dirname "$0")/../.."

profile=${PROFILE:-full}
shards=${SHARDS:-4}
shard_dir=${SHARD_DIR:-shards}
merged=${RUNS:-$shard_dir/merged}
read -r -a cli <<< "${TEXTATTENTION_CLI:-dotnet run -c Release --project lib/TextAttention.Cli --}"
read -r -a extra <<< "${GRID_ARGS:-}"
launch=${LAUNCH:-sbatch --wait --array=1-$shards --export=ALL .ci/examples/grid-shards.slurm}
mkdir -p "$shard_dir"

for ((round = 0; round <= ${MAX_ROUNDS:-10}; round++)); do
  stores=("$shard_dir"/shard-*/)
  import=()
  [[ -d "${stores[0]}" ]] && import=(--import "${stores[@]}")
  "${cli[@]}" grid --profile "$profile" "${extra[@]}" --no-download "${import[@]}" --no-train \
    --runs "$merged" --out "$shard_dir/comparison-$profile.csv"
  status=$?
  if [[ $status -eq 0 ]]; then
    echo "The study is complete: $shard_dir/comparison-$profile.csv and its companions; every run is in $merged."
    exit 0
  elif [[ $status -ne 3 ]]; then
    echo "The merge failed (exit $status)." >&2
    exit "$status"
  fi

  echo "Round $((round + 1)): $launch"
  SHARDS=$shards SHARD_DIR=$shard_dir RUNS=$merged PROFILE=$profile bash -c "$launch" || { echo "Round $((round + 1)) failed." >&2; exit 1; }
done

echo "The study is still not complete after ${MAX_ROUNDS:-10} rounds." >&2
exit 1
