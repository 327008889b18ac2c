# PMO_SANITIZE=ON: ASan + UBSan on everything, with UB turned into a hard failure.
if(PMO_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
  # Load tests scale their workloads down under the sanitizers' slowdown.
  add_compile_definitions(PMO_SANITIZED=1)
endif()
