# Sourced by .ci/run and .ci/fuzz: what their builds share.

# A compiler cache for every checkout on this machine, when ccache is there
# (.ci/bootstrap installs it): paths under the checkout are hashed relative
# to it and the tests' own paths live in tests/test_paths.cpp alone, so a
# fresh clone in another directory is served the objects of the last one.
compiler_cache=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=true CCACHE_SLOPPINESS=pch_defines,time_macros
  compiler_cache=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

# The one sanitizer build: clang with AddressSanitizer and
# UndefinedBehaviorSanitizer, instrumented for libFuzzer. The fuzz targets
# and the tests (.ci/run runs them under the sanitizers) share its objects.
# Without precompiled headers: clang's records the time of the header CMake
# generates in each build directory, so no object built with it is ever
# served to another clone (a warm sanitizer build took 267 s, not seconds).
# Line tables, not full debug information: a sanitizer's report names file
# and line all the same, and clang compiles a little faster.
configure_sanitizer_build() {
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -gline-tables-only -DNDEBUG" \
    -DESCAPE_HARNESS_FUZZ=ON -DESCAPE_HARNESS_BENCH=OFF -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON \
    "${compiler_cache[@]}" >/dev/null
}
