#!/usr/bin/env bash
# Builds the base image of the API or the worker as a `docker save` tar that Jib reads (tar://...), with
# no Docker daemon and no registry: Debian packages fetched with `apt-get download` from the machine's own
# Debian mirror and unpacked (not installed: no dpkg database, no shell but where one is needed), plus a
# Java runtime made by jlink from the JDK that runs the build. Run by `bin/mvn package -Pimages -pl docker -am`.
#
#   docker/base/build-base.sh api|worker OUTPUT_DIR
#
# Writes OUTPUT_DIR/<kind>-base.tar. Needs Debian's apt-get and dpkg-deb, GNU tar and JAVA_HOME.
set -euo pipefail
kind=$1
out=$2
case "$kind" in
  # The embedded PostgreSQL (zonky's binaries, unpacked at run time) needs libstdc++6 (ICU) and dash:
  # pg_ctl starts the server through /bin/sh. busybox-static: one static binary whose `wget` is the health
  # check of docker/compose.yaml (the image has no curl).
  api) packages=(libc6 libgcc-s1 zlib1g libstdc++6 dash busybox-static) ;;
  # libstdc++6, libgomp1: PyTorch, ONNX Runtime and XGBoost natives (unpacked from their Maven jars at run
  # time). bubblewrap (+ libcap2, libselinux1, libpcre2-8-0): the job sandbox; util-linux gives only
  # setpriv and prlimit (+ libcap-ng0, libsmartcols1), which the sandbox runs (docs/security.md), and
  # coreutils only `true`, the program of the worker's start-up probe of the sandbox.
  worker) packages=(libc6 libgcc-s1 zlib1g libstdc++6 libgomp1 bubblewrap libcap2 libselinux1 libpcre2-8-0
                    util-linux libcap-ng0 libsmartcols1 coreutils) ;;
  *) echo "usage: $0 api|worker OUTPUT_DIR" >&2; exit 2 ;;
esac
: "${JAVA_HOME:?JAVA_HOME must point at the JDK whose runtime goes into the image}"

work="$out/$kind-base"
rm -rf "$work" && mkdir -p "$work/debs" "$work/image"
rootfs="$work/rootfs"

# apt-get download needs the package lists; a fresh machine may have none yet.
if ! (cd "$work/debs" && apt-get download -q "${packages[@]}" >/dev/null 2>&1); then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
  fi
  (cd "$work/debs" && apt-get download -q "${packages[@]}" >/dev/null)
fi

# A merged /usr as Debian 12 systems have it: /bin, /lib, /lib64 and /sbin are links into /usr. The job
# sandbox binds only /usr (with the same links), so every library must be reachable under it.
mkdir -p "$rootfs"/usr/{bin,lib,lib64,sbin} "$rootfs"/{etc,tmp,opt}
for dir in bin lib lib64 sbin; do ln -s "usr/$dir" "$rootfs/$dir"; done
chmod 1777 "$rootfs/tmp"
for deb in "$work"/debs/*.deb; do
  members=()
  # Only the programs the sandbox needs; the rest of util-linux (su, mount helpers) stays out.
  [[ "$(basename "$deb")" == util-linux_* ]] && members=(./usr/bin/setpriv ./usr/bin/prlimit)
  [[ "$(basename "$deb")" == coreutils_* ]] && members=(./bin/true)
  dpkg-deb --fsys-tarfile "$deb" | tar -x --keep-directory-symlink --no-same-owner -C "$rootfs" \
    --exclude='./usr/share/doc/*' --exclude='./usr/share/man/*' --exclude='./usr/share/locale/*' \
    --exclude='./usr/share/lintian/*' --exclude='./usr/share/bug/*' --exclude='./usr/share/gdb/*' \
    --exclude='./etc/ld.so.conf.d/*' "${members[@]}"
done
# bubblewrap as root needs no setuid bit (the worker runs as root in its container); nothing else may
# have one.
find "$rootfs" -perm /6000 -type f -exec chmod ug-s {} +

# Users: root; nobody (65534, the sandbox's job user); market (1000, who runs the API).
cat >"$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/usr/sbin/nologin
market:x:1000:1000:Learnware Market:/data:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
PASSWD
cat >"$rootfs/etc/group" <<'GROUP'
root:x:0:
market:x:1000:
nogroup:x:65534:
GROUP
printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"

# The Java runtime: only the modules the API and the worker use (java.se covers JDBC, JNDI, HTTP client,
# management; jdk.unsupported: Netty, DJL; jdk.zipfs: zip artifacts; jdk.crypto.ec: TLS to S3).
"$JAVA_HOME/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.zipfs,jdk.crypto.ec,jdk.management,jdk.naming.dns,jdk.localedata,jdk.incubator.vector \
  --include-locales en --strip-debug --no-header-files --no-man-pages --output "$rootfs/opt/java"

# One layer, reproducible: sorted, every file owned by root, timestamps zero. The API's data directory
# belongs to its user, so that the image runs as non-root on a fresh volume.
layer="$work/image/layer.tar"
tar -c -f "$layer" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$rootfs" .
if [ "$kind" = api ]; then
  mkdir -p "$work/data/data" && chmod 700 "$work/data/data"
  tar -r -f "$layer" --mtime=@0 --owner=1000 --group=1000 --numeric-owner -C "$work/data" ./data
else
  mkdir -p "$work/data/cache"
  tar -r -f "$layer" --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/data" ./cache
fi
diff_id=$(sha256sum "$layer" | cut -d' ' -f1)
cat >"$work/image/config.json" <<CONFIG
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"Env":["PATH=/opt/java/bin:/usr/bin:/usr/sbin","JAVA_HOME=/opt/java"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"docker/base/build-base.sh $kind: ${packages[*]} + jlink $("$JAVA_HOME/bin/java" -version 2>&1 | head -1 | tr -d '"')"}]}
CONFIG
printf '[{"Config":"config.json","RepoTags":["learnware-market-%s-base:local"],"Layers":["layer.tar"]}]\n' "$kind" \
  >"$work/image/manifest.json"
tar -c -f "$out/$kind-base.tar" --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$work/image" \
  manifest.json config.json layer.tar
rm -rf "$rootfs" "$work/data" "$work/image"
