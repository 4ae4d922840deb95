#!/bin/sh
# Installs what the course needs from packages, or says how to get it: two header-only libraries
# (doctest, stb), the figures' font (DejaVu Sans) and xmllint (the tests parse the SVG files).
# Called by `make` (target `deps`) when something is missing; the arguments name what is. With
# the one argument `emscripten` or `chromium`, installs that tool of the browser page's; with
# `dataset-fashion-mnist`, the pictures lessons 15 and 16 learn from.
set -u
[ $# -eq 0 ] && exit 0
# The browser page's tools, each its own package, installed alone: `emscripten`, the WebAssembly
# compiler `make web` needs, or `chromium`, the browser `make bench-web` runs the page's code in.
if [ "$1" = emscripten ] || [ "$1" = chromium ] || [ "$1" = dataset-fashion-mnist ] ||
   [ "$1" = pandoc ]; then
    tool=$1
    case "$tool" in
    emscripten) what=em++; present() { command -v em++ >/dev/null 2>&1; } ;;
    chromium) what=chromium; present() { command -v chromium >/dev/null 2>&1; } ;;
    pandoc) what=pandoc; present() { command -v pandoc >/dev/null 2>&1; } ;;
    *) what="the Fashion-MNIST data"
       present() { [ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; } ;;
    esac
    echo "make: missing $what ($tool)"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "make: installing $tool with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        { apt-get install -y -qq "$tool" >/dev/null 2>&1 ||
          { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$tool" >/dev/null; }; } &&
            present && { echo "make: done"; exit 0; }
        echo "make: apt-get could not install $tool"
    fi
    case "$tool" in
    emscripten) echo "make web needs emscripten: sudo apt-get install emscripten (Debian 12 has 3.1.6), or the emsdk" >&2 ;;
    chromium) echo "make bench-web needs Chromium: sudo apt-get install chromium" >&2 ;;
    pandoc) echo "make site needs pandoc: sudo apt-get install pandoc (Debian 12 has 2.17)" >&2 ;;
    *) echo "lessons 15 and 16 need Fashion-MNIST: sudo apt-get install dataset-fashion-mnist (Debian 12 and later), or set DDPM_FASHION_MNIST to a folder holding its four .gz files" >&2 ;;
    esac
    exit 1
fi
packages="doctest-dev libstb-dev fonts-dejavu-core libxml2-utils zlib1g-dev"
echo "make deps: missing $*"
still_missing() {
    missing=""
    for h in "$@"; do
        case "$h" in
        DejaVuSans.ttf) [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$missing $h" ;;
        xmllint) command -v xmllint >/dev/null 2>&1 || missing="$missing $h" ;;
        *) [ -f "$h" ] || missing="$missing $h" ;;
        esac
    done
}
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "make deps: installing $packages with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    if apt-get install -y -qq $packages >/dev/null 2>&1 ||
       { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq $packages >/dev/null; }; then
        still_missing "$@"
        [ -z "$missing" ] && { echo "make deps: done"; exit 0; }
        echo "make deps: installed, but still missing:$missing (check DOCTEST_INC / STB_INC / DDPM_FONT)"
        exit 1
    fi
    echo "make deps: apt-get could not install $packages"
fi
cat >&2 <<'MSG'
make deps: the course needs two header-only libraries, a font and xmllint from your package manager:
  Debian/Ubuntu:  sudo apt-get install doctest-dev libstb-dev fonts-dejavu-core libxml2-utils zlib1g-dev
  Homebrew:       brew install doctest libxml2; the font: brew install --cask font-dejavu
                  (stb has no formula: MacPorts' stb, or a copy of the stb repository in a
                  folder named stb; see the README's "On macOS")
  vcpkg:          vcpkg install doctest stb
Headers elsewhere? Point make at the folders that hold doctest/doctest.h and stb/stb_image_write.h:
  make DOCTEST_INC=/path/to/include STB_INC=/path/to/include
The font elsewhere? DDPM_FONT=/usr/share/fonts/.../DejaVuSans.ttf (it must be inside
/usr/share/fonts or /usr/local/share/fonts: fonts are read only from the system's folders).
MSG
exit 1
