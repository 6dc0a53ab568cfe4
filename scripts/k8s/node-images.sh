#!/usr/bin/env bash
# Images for the real node, without any registry: built with the local Docker engine from binaries of
# the tools cache, then imported into the node's private containerd together with the project's
# stand-in images (scripts/machine/build-images.sh).
#
#   ephemeral-k8s/pause:catatonit          Debian's static catatonit in pause mode (-P): the sandbox image
#   ephemeral-k8s/coredns:<COREDNS>        the trimmed CoreDNS (vcluster's CoreDNS)
#   ephemeral-k8s/vcluster-syncer:<VC>     the vcluster syncer as /vcluster, ENTRYPOINT vcluster start
#   ephemeral-k8s/vcluster-k8s:<K8S>       vcluster's distro image: cp (busybox) plus the project's own
#                                          kube-apiserver, kube-controller-manager, kube-scheduler and
#                                          kine in /kubernetes/ (its init container copies them)
#   postgres:15 redis:7 node:20-slim busybox:1.35 mariadb:10.11   the stand-ins (or real images)
#
# The ephemeral-k8s/* images carry the label org.ephemeral.k8s-node-image=<version key>: an image with
# the current key is not rebuilt. Import: an image whose Docker image ID was already imported into the
# node's image store (which persists between runs) is skipped. Test manifests use these names with
# imagePullPolicy Never or IfNotPresent; the kubelet's image GC is off, so imports stay.
#
# Usage: scripts/k8s/node-images.sh build         build the ephemeral-k8s/* images
#        CTRD_SOCK=<socket> scripts/k8s/node-images.sh import   build, then import everything
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
k8s_paths

LABEL=org.ephemeral.k8s-node-image
STANDINS=(postgres:15 redis:7 node:20-slim busybox:1.35 mariadb:10.11)
PAUSE_IMAGE=ephemeral-k8s/pause:catatonit
COREDNS_IMAGE="ephemeral-k8s/coredns:${COREDNS_VERSION#v}"
SYNCER_IMAGE="ephemeral-k8s/vcluster-syncer:${VCLUSTER_VERSION#v}"
DISTRO_IMAGE="ephemeral-k8s/vcluster-k8s:$K8S_VERSION"
OUR_IMAGES=("$PAUSE_IMAGE" "$COREDNS_IMAGE" "$SYNCER_IMAGE" "$DISTRO_IMAGE")

docker info >/dev/null 2>&1 || die "no Docker engine answers: the real node's images are built with Docker (scripts/machine/ensure-docker.sh)"

current() { [ "$(docker image inspect --format "{{ index .Config.Labels \"$LABEL\" }}" "$1" 2>/dev/null)" = "$K8S_KEY" ]; }

build() {
	local t work img base=busybox:1.35
	k8s_require_node_bins
	docker image inspect "$base" >/dev/null 2>&1 || die "no $base image (the stand-ins come from scripts/machine/build-images.sh)"
	work="$(mktemp -d "$K8S_DIR/.images.XXXXXX")"
	trap 'rm -rf "$work"' RETURN
	if ! current "$PAUSE_IMAGE"; then
		t=$(now_ms)
		mkdir -p "$work/pause" && cp "$K8S_BIN/catatonit" "$work/pause/catatonit"
		tar -C "$work/pause" -c catatonit | docker import --change "LABEL $LABEL=$K8S_KEY" \
			--change 'ENTRYPOINT ["/catatonit", "-P"]' - "$PAUSE_IMAGE" >/dev/null
		log "built $PAUSE_IMAGE ($(elapsed "$t"))"
	fi
	# build_from <image> <context dir> <Dockerfile lines...>
	build_from() {
		local image="$1" ctx="$2"
		shift 2
		printf '%s\n' "FROM $base" "$@" >"$ctx/Dockerfile"
		docker build -q --label "$LABEL=$K8S_KEY" -t "$image" "$ctx" >"$work/build.log" 2>&1 ||
			{ cat "$work/build.log" >&2; die "docker build of $image failed"; }
	}
	if ! current "$COREDNS_IMAGE"; then
		t=$(now_ms)
		mkdir -p "$work/coredns" && cp "$K8S_BIN/coredns" "$work/coredns/"
		build_from "$COREDNS_IMAGE" "$work/coredns" 'COPY coredns /coredns' 'ENTRYPOINT ["/coredns"]'
		log "built $COREDNS_IMAGE ($(elapsed "$t"))"
	fi
	if ! current "$SYNCER_IMAGE"; then
		t=$(now_ms)
		mkdir -p "$work/syncer" && cp "$K8S_BIN/vcluster-syncer" "$work/syncer/vcluster"
		build_from "$SYNCER_IMAGE" "$work/syncer" 'COPY vcluster /vcluster' 'WORKDIR /' 'ENTRYPOINT ["/vcluster", "start"]'
		log "built $SYNCER_IMAGE ($(elapsed "$t"))"
	fi
	if ! current "$DISTRO_IMAGE"; then
		t=$(now_ms)
		mkdir -p "$work/distro/kubernetes"
		for img in kube-apiserver kube-controller-manager kube-scheduler kine; do cp "$K8S_BIN/$img" "$work/distro/kubernetes/"; done
		build_from "$DISTRO_IMAGE" "$work/distro" 'COPY kubernetes/ /kubernetes/'
		log "built $DISTRO_IMAGE ($(elapsed "$t"))"
	fi
}

import() {
	[ -S "${CTRD_SOCK:-}" ] || die "CTRD_SOCK must name the node's containerd socket"
	local img id stamp dir="$NODE_IMAGE_STORE.imported" t n=0
	mkdir -p "$dir"
	for img in "${STANDINS[@]}"; do
		docker image inspect "$img" >/dev/null 2>&1 || die "no $img image in Docker (run scripts/machine/build-images.sh)"
	done
	t=$(now_ms)
	for img in "${OUR_IMAGES[@]}" "${STANDINS[@]}"; do
		id="$(docker image inspect --format '{{.Id}}' "$img")"
		stamp="$dir/$(printf '%s' "$img" | tr '/:' '__')"
		if [ "$(cat "$stamp" 2>/dev/null)" = "$id" ] &&
			ctr --address "$CTRD_SOCK" -n k8s.io images ls -q 2>/dev/null | grep -qx "docker.io/$([[ "$img" == */* ]] || printf 'library/')$img"; then
			continue
		fi
		docker save "$img" | ctr --address "$CTRD_SOCK" -n k8s.io images import - >/dev/null ||
			die "importing $img into the node's containerd failed"
		printf '%s\n' "$id" >"$stamp"
		n=$((n + 1))
	done
	log "images in the node's containerd: ${#OUR_IMAGES[@]} node/vcluster images and ${#STANDINS[@]} stand-ins ($n imported, $(elapsed "$t"))"
}

case "${1:-}" in
build) build ;;
import) build && import ;;
*) die "usage: $0 build | import" ;;
esac
