# Links the third-party libraries statically into pmo's programs when
# their archives are there (libzmq3-dev and the -dev packages it depends on
# ship them; only libc and libm stay shared, libzmq's GSSAPI calls are answered
# by common/static/no_gssapi.c instead of seven Kerberos libraries, its
# OpenPGM and NORM calls by common/static/no_pgm.c and no_norm.c instead of
# libpgm, libnorm and libprotokit).
# Why: a process that loads libzmq.so and the twenty shared
# libraries behind it spends ~5 ms more starting on a 2-core VM (a program
# that only links -lzmq starts in 9.8 ms instead of 3.6 ms), which is most
# of a one-shot `pmo-agent time` (target: 10 ms end to end) and of every
# pmoctl command.  The price: a security update of one of them needs a
# rebuild.  -DPMO_STATIC_LIBS=OFF keeps them shared; sanitizer builds do.
option(PMO_STATIC_LIBS "Link libzmq, libstdc++, protobuf-c, json-c, sodium, lmdb statically" ON)

if(PMO_STATIC_LIBS AND NOT PMO_SANITIZE)
  set(_pmo_archives)
  foreach(lib zmq protobuf-c json-c sodium lmdb bsd md inih)
    string(MAKE_C_IDENTIFIER "PMO_A_${lib}" var)
    find_library(${var} NAMES lib${lib}.a)
    list(APPEND _pmo_archives ${var})
  endforeach()
  find_path(PMO_GSSAPI_INCLUDE gssapi/gssapi.h)
  find_path(PMO_PGM_INCLUDE pgm/pgm.h PATH_SUFFIXES pgm-5.3 pgm-5.2)
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=libstdc++.a
                  OUTPUT_VARIABLE PMO_A_STDCXX OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(_pmo_found TRUE)
  foreach(var ${_pmo_archives} PMO_GSSAPI_INCLUDE PMO_PGM_INCLUDE)
    if(NOT ${var})
      set(_pmo_found FALSE)
    endif()
  endforeach()
  if(_pmo_found AND EXISTS "${PMO_A_STDCXX}")
    # libzmq.a's GSSAPI references, answered without Kerberos (see the file).
    add_library(pmo_no_gssapi STATIC ${CMAKE_SOURCE_DIR}/common/static/no_gssapi.c)
    target_include_directories(pmo_no_gssapi PRIVATE ${PMO_GSSAPI_INCLUDE})
    # libzmq.a's OpenPGM references, answered without libpgm (see the file).
    add_library(pmo_no_pgm STATIC ${CMAKE_SOURCE_DIR}/common/static/no_pgm.c)
    target_include_directories(pmo_no_pgm PRIVATE ${PMO_PGM_INCLUDE})
    # ... and its NORM references, without libnorm and libprotokit.
    add_library(pmo_no_norm STATIC ${CMAKE_SOURCE_DIR}/common/static/no_norm.c)
    set_target_properties(PkgConfig::SODIUM PROPERTIES INTERFACE_LINK_LIBRARIES "${PMO_A_sodium};pthread")
    set_target_properties(PkgConfig::ZMQ PROPERTIES INTERFACE_LINK_LIBRARIES
      "${PMO_A_zmq};pmo_no_pgm;pmo_no_norm;${PMO_A_STDCXX};PkgConfig::SODIUM;pmo_no_gssapi;${PMO_A_bsd};${PMO_A_md};m;pthread;rt")
    set_target_properties(PkgConfig::PROTOBUFC PROPERTIES INTERFACE_LINK_LIBRARIES "${PMO_A_protobuf_c}")
    set_target_properties(PkgConfig::JSONC PROPERTIES INTERFACE_LINK_LIBRARIES "${PMO_A_json_c}")
    set(LMDB_LIBRARY "${PMO_A_lmdb};pthread")
    # The agent's INI reader (agents/CMakeLists.txt), and libgcc's unwinder
    # that libstdc++ needs: no shared library left but libc.
    set(PMO_A_INIH "${PMO_A_inih}")
    add_link_options(-static-libgcc)
    # Relative relocations packed (DT_RELR, glibc 2.36): the archives' ~9,000
    # pointers (protobuf descriptors, vtables) are a 2 KB table instead of a
    # 218 KB one that every process start reads: 0.13 MB of an idle agent's RSS.
    include(CheckLinkerFlag)
    check_linker_flag(C "-Wl,-z,pack-relative-relocs" PMO_HAVE_RELR)
    if(PMO_HAVE_RELR)
      add_link_options(-Wl,-z,pack-relative-relocs)
    endif()
    set(PMO_STATIC_LINKED TRUE)
    message(STATUS "third-party libraries: linked statically (libzmq: ${PMO_A_zmq})")
  else()
    message(STATUS "third-party libraries: shared (static archives not all found)")
  endif()
endif()
