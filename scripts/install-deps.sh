#!/bin/sh
# Install the Debian/Ubuntu packages custos needs to build, test and
# benchmark, but only those that are missing.  Safe to run repeatedly.
set -eu

BUILD="cmake make gcc pkg-config libsodium-dev libmicrohttpd-dev libjansson-dev
libsqlite3-dev libhyperscan-dev liboath-dev libqrencode-dev libzxcvbn-dev
libgnutls28-dev"
TEST="curl oathtool sqlite3 openssl ripgrep python3 clang libclang-rt-14-dev"
BENCH="wrk"

want="$BUILD"
case "${1:-build}" in
build) ;;
run) want="$BUILD curl oathtool python3" ;;
test) want="$BUILD $TEST" ;;
all) want="$BUILD $TEST $BENCH" ;;
*) echo "usage: $0 [build|run|test|all]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
