# Warning flags in one place; every target of ours gets them through pmo_warnings.
add_library(pmo_warnings INTERFACE)
target_compile_options(pmo_warnings INTERFACE
  -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes
  -Wno-unused-parameter -Wvla)
target_compile_definitions(pmo_warnings INTERFACE _GNU_SOURCE)
if(PMO_WERROR)
  target_compile_options(pmo_warnings INTERFACE -Werror)
endif()
