#!/usr/bin/env bash
# scripts/check-layering.sh [TREE]: lists every #include "shoal/<module>/..." in src/, include/, apps/ and
# bench/ that goes against the direction of cmake/layers.txt (the same table the build enforces), as
# file:line: include "..." (edge from -> to), and exits 1 if there is any. A module may include itself and the
# transitive closure of its row (temporary exceptions included); apps/ and bench/ may include any module, but
# only modules that exist. An include of a module not in the table is reported too.
set -euo pipefail
tree=${1:-"$(dirname "$0")/.."}
cd "$tree"
layers=cmake/layers.txt

declare -A uses=()
modules=()
while IFS= read -r line; do
  line=${line%%#*}
  [[ $line =~ ^[[:space:]]*(exception[[:space:]]+)?([a-z/_]+):[[:space:]]*(.*)$ ]] || continue
  m=${BASH_REMATCH[2]}
  [[ -z ${BASH_REMATCH[1]} ]] && modules+=("$m")
  uses[$m]="${uses[$m]:-} ${BASH_REMATCH[3]}"
done <"$layers"

declare -A allowed=()  # "from to" -> 1
for m in "${modules[@]}"; do
  seen=" " todo=("$m")
  while ((${#todo[@]})); do
    x=${todo[0]} todo=("${todo[@]:1}")
    [[ $seen == *" $x "* ]] && continue
    seen+="$x "
    allowed["$m $x"]=1
    # shellcheck disable=SC2206
    todo+=(${uses[$x]:-})
  done
done
is_module() { [[ " ${modules[*]} " == *" $1 "* ]]; }

# The module a path or include target belongs to (the longest module name it starts with), into REPLY.
module_of() {
  local m
  REPLY=""
  for m in "${modules[@]}"; do
    [[ $1 == "$m/"* && ${#m} -gt ${#REPLY} ]] && REPLY=$m
  done
  return 0
}

bad=0
while IFS= read -r hit; do
  file=${hit%%:*} rest=${hit#*:} lineno=${rest%%:*} text=${rest#*:}
  [[ $text =~ \#[[:space:]]*include[[:space:]]*\"shoal/([^\"]+)\" ]] || continue
  target=${BASH_REMATCH[1]}
  module_of "$target"
  to=$REPLY
  case $file in
    src/*) module_of "${file#src/}"; from=$REPLY ;;
    include/shoal/*) module_of "${file#include/shoal/}"; from=$REPLY ;;
    *) from=${file%%/*} ;;  # apps, bench: consumers of every module
  esac
  if [[ -z $to ]]; then
    echo "$file:$lineno: include \"shoal/$target\": no module of $layers holds it"
    bad=1
  elif [[ $from == apps || $from == bench ]]; then
    continue
  elif [[ -z $from ]] || ! is_module "$from"; then
    echo "$file:$lineno: file outside every module of $layers includes \"shoal/$target\""
    bad=1
  elif [[ -z ${allowed["$from $to"]:-} ]]; then
    echo "$file:$lineno: include \"shoal/$target\" goes against the layering ($from -> $to)"
    bad=1
  fi
done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"shoal/' src include apps bench 2>/dev/null || true)

if ((bad)); then
  echo "check-layering: includes against cmake/layers.txt (see docs/architecture.md)" >&2
  exit 1
fi
echo "check-layering: every include follows cmake/layers.txt"
