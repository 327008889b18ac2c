# PMO_FUZZ=ON: build the libFuzzer target (tests/fuzz).  Needs clang with
# -fsanitize=fuzzer (Debian: clang and libclang-rt-14-dev, scripts/deps.sh).
# Every target is then compiled with libFuzzer's coverage and ASan + UBSan.
# Use its own build directory:
#   CC=clang cmake -S . -B build-fuzz -DPMO_FUZZ=ON && cmake --build build-fuzz
#   ctest --test-dir build-fuzz -L fuzz
set(PMO_FUZZ_ENABLED OFF)
if(PMO_FUZZ)
  include(CheckCSourceCompiles)
  set(CMAKE_REQUIRED_FLAGS "-fsanitize=fuzzer")
  check_c_source_compiles("
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput (const uint8_t *d, size_t n) { (void) d; (void) n; return 0; }"
    PMO_HAS_LIBFUZZER)
  unset(CMAKE_REQUIRED_FLAGS)
  if(CMAKE_C_COMPILER_ID MATCHES "Clang" AND PMO_HAS_LIBFUZZER)
    add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                        -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address,undefined)
    add_compile_definitions(PMO_SANITIZED=1)
    set(PMO_FUZZ_ENABLED ON)
  else()
    message(WARNING "PMO_FUZZ needs clang with -fsanitize=fuzzer (CC=clang; libclang-rt-14-dev): "
                    "the fuzz target is not built")
  endif()
endif()
