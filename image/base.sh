#!/usr/bin/env bash
# The image's base, from Debian's packages only (no Docker Hub here): a minimal Debian 12
# (debootstrap --variant=minbase) with the distribution's OpenJDK 17 JRE, trimmed, and the user
# the server runs as. Writes an OCI archive to $1.
#
# bin/image caches the result under ~/.cache/gpux-ci keyed by this file's SHA-256: this file is
# the recipe, so any change to it (suite, packages, trimming) builds a new base. It takes about
# 3 minutes on a fresh machine (debootstrap downloads ~110 MB), a few seconds when cached.
#
# Runs as root (debootstrap and the file ownership need it); needs debootstrap and buildah.
set -euo pipefail
out="$1"

suite=bookworm
mirror="${GPUX_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# The JRE and nothing else: no curl, no shell tools beyond minbase's (the health check uses
# bash's /dev/tcp). ca-certificates: pulls from registries over HTTPS.
packages=openjdk-17-jre-headless,ca-certificates
# The server's user and group; not root, a fixed number so volumes can be prepared for it.
uid=10001

work="$(mktemp -d "${TMPDIR:-/tmp}/gpux-image-base.XXXXXX")"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"

debootstrap --variant=minbase --include="$packages" "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 ||
  { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }

# Security updates too: debootstrap reads one suite only.
cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror $suite main
deb $mirror $suite-updates main
deb ${GPUX_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security} $suite-security main
SOURCES
mount -t proc proc "$rootfs/proc" # the JRE's postinst runs java, which needs /proc
trap 'umount "$rootfs/proc" 2>/dev/null || true; mountpoint -q "$rootfs/proc" || rm -rf "$work"' EXIT
chroot "$rootfs" sh -c 'apt-get -qq update && DEBIAN_FRONTEND=noninteractive apt-get -qq -y upgrade' \
  >"$work/upgrade.log" 2>&1 || { tail -n 30 "$work/upgrade.log" >&2; exit 1; }
umount "$rootfs/proc"

# What a server never reads: package caches and lists, docs, man pages, translations (~190 MB).
rm -rf "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
  "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* \
  "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* "$rootfs"/var/log/*.log \
  "$rootfs"/var/log/apt/* "$rootfs"/var/cache/debconf/*-old "$rootfs"/var/lib/dpkg/*-old \
  "$rootfs"/tmp/*

# The build machine's name and resolver: the container runtime provides its own.
: >"$rootfs/etc/hostname" && chmod 0644 "$rootfs/etc/hostname"
: >"$rootfs/etc/resolv.conf" && chmod 0644 "$rootfs/etc/resolv.conf"

useradd --root "$rootfs" --uid "$uid" --user-group --no-create-home \
  --home-dir /var/lib/gpux --shell /usr/sbin/nologin gpux
# GPUX_HOME (the store, the index) and the models' mount point, owned by the server's user so a
# named volume mounted there starts writable by it.
install -d -o "$uid" -g "$uid" -m 0750 "$rootfs/var/lib/gpux"
install -d -o "$uid" -g "$uid" -m 0755 "$rootfs/models"

mkdir -p "$work/context"
tar --numeric-owner --sort=name -C "$rootfs" -cf "$work/context/rootfs.tar" .
printf 'FROM scratch\nADD rootfs.tar /\n' >"$work/context/Containerfile"

buildah=(buildah --root "$work/storage" --runroot "$work/run" --storage-driver vfs)
"${buildah[@]}" bud --quiet --isolation chroot --format docker -t gpux-base "$work/context" >/dev/null
mkdir -p "$(dirname "$out")"
"${buildah[@]}" push --quiet gpux-base "oci-archive:$out.tmp"
mv "$out.tmp" "$out"
