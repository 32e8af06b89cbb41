# chan::warnings: the project's warning flags and optional sanitizers, as one INTERFACE target
add_library(chan_warnings INTERFACE)
target_compile_options(chan_warnings INTERFACE -Wall -Wextra -Wpedantic)
if(CHAN_SANITIZE)
  target_compile_options(chan_warnings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                 -fno-sanitize-recover=undefined)
  target_link_options(chan_warnings INTERFACE -fsanitize=address,undefined)
endif()
if(CHAN_BUILD_FUZZ)
  # libFuzzer's coverage instrumentation on every project file (the fuzz programs link
  # -fsanitize=fuzzer, tests/fuzz); libraries from Debian (yaml-cpp, TBB) stay uninstrumented
  target_compile_options(chan_warnings INTERFACE -fsanitize=fuzzer-no-link,address,undefined
                                                 -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(chan_warnings INTERFACE -fsanitize=address,undefined)
endif()
add_library(chan::warnings ALIAS chan_warnings)
