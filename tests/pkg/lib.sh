# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# tests/pkg/lib.sh - sourced by tests/pkg/host and tests/pkg/run-suite:
# KTAP reporting and a throw-away root (an overlay with a tmpfs upper over
# the read-only or precious /) to install packages into.

pass=0 fail=0 skip=0 n=0

ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n $1"; }
notok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n $1"; }
skipped() { n=$((n + 1)); skip=$((skip + 1)); echo "ok $n $1 # SKIP $2"; }

# t NAME COMMAND...: one test case; on failure the command's output (and
# its trace) is shown as diagnostics
t() {
	local name=$1 log_ t0=$SECONDS
	shift
	if log_=$( (set -x; "$@") 2>&1); then
		ok "$name"
	else
		echo "$log_" | tail -n 40 | sed 's/^/# /'
		notok "$name"
	fi
	echo "# $name: $((SECONDS - t0)) s"
}

totals() {
	echo "1..$n"
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
	[ "$fail" = 0 ]
}

# make_root BASE: a writable copy-on-write view of / at BASE/root (R),
# changes kept in a tmpfs at BASE: the real / is never written.  Needs its
# own mount namespace (unshare -m) or a VM whose mounts vanish with it.
make_root() {
	local base=$1
	mkdir -p "$base"
	mount -t tmpfs -o mode=0755 tmpfs "$base" || return 1
	mkdir "$base/upper" "$base/work" "$base/root"
	grep -qw overlay /proc/filesystems || modprobe overlay || return 1
	mount -t overlay overlay \
		-o "lowerdir=/,upperdir=$base/upper,workdir=$base/work" "$base/root" || return 1
	R=$base/root
	mount -t proc proc "$R/proc"
	mount --rbind /sys "$R/sys"
	mount --rbind /dev "$R/dev"
	# the VM's /dev is a bare devtmpfs: bash's <(...), which dkms uses,
	# needs /dev/fd (udev's static links elsewhere)
	[ -e "$R/dev/fd" ] || ln -s /proc/self/fd "$R/dev/fd"
	# private /run and /tmp: the real system's udev, dbus... are not ours
	mount -t tmpfs -o mode=0755 tmpfs "$R/run"
	mkdir -p "$R/run/lock"
	mount -t tmpfs -o mode=1777 tmpfs "$R/tmp"
	if [ -n "${TEL_TOP:-}" ] && [ -d "$TEL_TOP" ]; then
		# the checkout may live where the root has no such folder (on
		# /tmp, a tmpfs just mounted over it): make the mount point
		mkdir -p "$R$TEL_TOP" &&
		mount --bind "$TEL_TOP" "$R$TEL_TOP"	# coherent with the host
	fi
}

# in_root COMMAND...: run COMMAND as root in R, with a clean environment
in_root() {
	chroot "$R" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive \
		TEL_EMU_CTL="${TEL_EMU_CTL:-}" "$@"
}

# the packages tests/pkg/host built, in install order
PKG_NAMES=(libtel1 libtel-dev telctl tel-dkms)

pkg_files() { # DIR: the .deb of each of PKG_NAMES in DIR
	local p f
	for p in "${PKG_NAMES[@]}"; do
		f=$(ls "$1/${p}_"*.deb 2>/dev/null | head -n 1)
		[ -n "$f" ] || { echo "no $1/${p}_*.deb" >&2; return 1; }
		echo "$f"
	done
}

# files_gone LIST: none of the files (not directories) named in LIST
# exists in R any more
files_gone() {
	{ set +x; } 2>/dev/null		# one line per file otherwise
	local f left=0
	while read -r f; do
		[ -n "$f" ] || continue
		if { [ -e "$R$f" ] || [ -L "$R$f" ]; } && [ ! -d "$R$f" ]; then
			echo "left after purge: $f"
			left=1
		fi
	done <"$1"
	[ $left = 0 ]
}

# upper_clean BASE: what is left in the overlay's upper layer (every file
# the installs and the purge wrote) is only the system's own bookkeeping:
# dpkg's database and logs, caches, depmod's and ldconfig's indexes, the
# user and group files (the tel group is kept, as Debian keeps system
# groups) and their lock, DKMS's module signing key (made by its first
# build, kept for every later module, as on any machine).  Anything else (a file of a package, a whiteout: a file of the
# system removed) is reported.
upper_clean() {
	local left
	left=$(cd "$1/upper" && find . ! -type d | sed 's|^\.||' | grep -vE \
		'^/(var/lib/dpkg/|var/log/|var/cache/|var/lib/man-db/|etc/ld\.so\.cache$|(usr/)?lib/modules/[^/]+/modules\.[a-z.]+$|etc/(group|gshadow|passwd|shadow|subuid|subgid)-?$|etc/\.pwd\.lock$|var/lib/dkms/mok\.(key|pub)$|etc/dkms/no-autoinstall$|root/)')
	[ -z "$left" ] || { echo "left in the root after purge:"; echo "$left"; return 1; }
}
