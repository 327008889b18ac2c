# PMO_SANITIZE=ON: ASan + UBSan on everything, with UB turned into a hard failure.
if(PMO_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
