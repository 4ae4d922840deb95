#!/bin/sh
# Installs the course's two third-party header packages, or says how to get them.
# Called by `make` (target `deps`) when a header is missing; the arguments are the missing paths.
set -u
[ $# -eq 0 ] && exit 0
echo "make deps: missing $*"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "make deps: installing doctest-dev and libstb-dev with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    if apt-get install -y -qq doctest-dev libstb-dev >/dev/null 2>&1 ||
       { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq doctest-dev libstb-dev >/dev/null; }; then
        missing=""
        for h in "$@"; do [ -f "$h" ] || missing="$missing $h"; done
        [ -z "$missing" ] && { echo "make deps: done"; exit 0; }
        echo "make deps: installed, but still missing:$missing (check DOCTEST_INC / STB_INC)"
        exit 1
    fi
    echo "make deps: apt-get could not install doctest-dev libstb-dev"
fi
cat >&2 <<'MSG'
make deps: the course needs two header-only libraries from your package manager:
  Debian/Ubuntu:  sudo apt-get install doctest-dev libstb-dev
  Homebrew:       brew install doctest   (stb has no formula: MacPorts' stb, or a copy of the
                  stb repository in a folder named stb; see the README's "On macOS")
  vcpkg:          vcpkg install doctest stb
Headers elsewhere? Point make at the folders that hold doctest/doctest.h and stb/stb_image_write.h:
  make DOCTEST_INC=/path/to/include STB_INC=/path/to/include
MSG
exit 1
