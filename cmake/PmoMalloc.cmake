# pmod's allocator: jemalloc (libjemalloc-dev) instead of glibc's malloc.
# Why: pmod allocates and frees a few dozen small blocks per update
# (protobuf-c unpacks, records, events, zmq messages, write-back entries),
# and glibc's malloc was 18 % of its CPU at full ingest.  With jemalloc,
# pmod's CPU for 160,000 updates is 15 % lower (2.23-2.41 -> 1.96-1.98 s)
# and RssAnon stays flat (16-17 -> 17-18 MiB).  Only pmod: the other
# programs allocate little.  Not with the sanitizers or in the fuzz build
# (ASan brings its own allocator); -DPMO_JEMALLOC=OFF keeps glibc's.
option(PMO_JEMALLOC "Link pmod with jemalloc" ON)

set(PMO_MALLOC_LIBS "")
if(PMO_JEMALLOC AND NOT PMO_SANITIZE AND NOT PMO_FUZZ_ENABLED)
  if(PMO_STATIC_LINKED)
    # Static like the others; the PIC archive, since pmod is a PIE.  Its
    # operator new/delete need libstdc++, so that comes after it.
    find_library(PMO_A_jemalloc NAMES libjemalloc_pic.a)
    if(PMO_A_jemalloc)
      set(PMO_MALLOC_LIBS "${PMO_A_jemalloc};${PMO_A_STDCXX};pthread;dl;m")
    endif()
  else()
    pkg_check_modules(JEMALLOC IMPORTED_TARGET jemalloc)
    if(JEMALLOC_FOUND)
      set(PMO_MALLOC_LIBS PkgConfig::JEMALLOC)
    endif()
  endif()
  if(PMO_MALLOC_LIBS)
    message(STATUS "pmod's allocator: jemalloc")
  else()
    message(WARNING "jemalloc not found (libjemalloc-dev): pmod uses glibc's malloc")
  endif()
endif()
