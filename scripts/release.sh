#!/usr/bin/env bash
# Cuts a release users can pin: `uses: org/ephemeral/<name>@vX.Y.Z` (exact) or `@vX` (moves with every
# X.*.* release, the convention of actions/toolkit's docs: https://github.com/actions/toolkit/blob/main/docs/action-versioning.md).
#
#   scripts/release.sh X.Y.Z [--push]
#
# Refuses, changing nothing, unless:
#   * the working tree is clean and HEAD is on main (or EPHEMERAL_RELEASE_BRANCH);
#   * package.json's version is X.Y.Z and CHANGELOG.md has a "## [X.Y.Z]" section;
#   * the generated files are current: `npm run bundle && npm run docs` changes nothing under dist/,
#     action-docs/ or README.md (the same check as CI's check-dist job);
#   * tag vX.Y.Z does not exist yet, and vX does not point at a newer release (X.Y'.Z' > X.Y.Z).
# Then tags HEAD as vX.Y.Z (annotated, with the CHANGELOG section as message) and moves vX to it.
# --push pushes both tags to origin (vX with --force: it moves).
set -euo pipefail
cd "$(dirname "$0")/.."

die() {
	printf 'release: %s\n' "$*" >&2
	exit 1
}

version="${1:-}"
push=""
[ "${2:-}" = "--push" ] && push=1
[[ "$version" =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)$ ]] || die "usage: $0 X.Y.Z [--push]  (got \"$version\")"
major="v${BASH_REMATCH[1]}"
tag="v$version"
branch="${EPHEMERAL_RELEASE_BRANCH:-main}"

[ -z "$(git status --porcelain)" ] || die "the working tree has changes; commit or stash them first"
current="$(git rev-parse --abbrev-ref HEAD)"
[ "$current" = "$branch" ] || die "HEAD is on \"$current\", not \"$branch\"; release from $branch"
pkg="$(node -p 'require("./package.json").version')"
[ "$pkg" = "$version" ] || die "package.json says version $pkg, not $version; bump it in the release commit"
grep -q "^## \[$version\]" CHANGELOG.md || die "CHANGELOG.md has no \"## [$version]\" section"
if git rev-parse -q --verify "refs/tags/$tag" >/dev/null; then die "tag $tag exists already"; fi
if git rev-parse -q --verify "refs/tags/$major" >/dev/null; then
	previous="$(git describe --tags --exact-match "$major^{commit}" --match "$major.*" 2>/dev/null || true)"
	if [ -n "$previous" ] && [ "$(printf '%s\n%s\n' "${previous#v}" "$version" | sort -V | tail -n 1)" != "$version" ]; then
		die "$major points at $previous, which is newer than $version"
	fi
fi

echo "release: rebuilding dist/ and action-docs/ to check they are current"
npm run --silent bundle >/dev/null
npm run --silent docs >/dev/null
stale="$(git status --porcelain -- dist action-docs README.md)"
if [ -n "$stale" ]; then
	printf '%s\n' "$stale" >&2
	git checkout -- dist action-docs README.md 2>/dev/null || true
	git clean -fdq -- dist action-docs 2>/dev/null || true
	die "the generated files are stale: run npm run bundle && npm run docs, commit, and release again"
fi

notes="$(awk -v v="$version" '$0 ~ "^## \\[" v "\\]" { on = 1; next } on && /^## \[/ { exit } on' CHANGELOG.md)"
git tag -a "$tag" -m "ephemeral $tag" -m "$notes"
git tag -f -a "$major" -m "ephemeral $major (→ $tag)" "$tag^{commit}" >/dev/null
echo "release: tagged $(git rev-parse --short HEAD) as $tag and moved $major to it"
if [ -n "$push" ]; then
	git push origin "refs/tags/$tag"
	git push --force origin "refs/tags/$major"
else
	echo "release: push with: git push origin $tag && git push --force origin $major"
fi
