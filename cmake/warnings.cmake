# chan::warnings: the project's warning flags and optional sanitizers, as one INTERFACE target
add_library(chan_warnings INTERFACE)
target_compile_options(chan_warnings INTERFACE -Wall -Wextra -Wpedantic)
if(CHAN_SANITIZE)
  target_compile_options(chan_warnings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                 -fno-sanitize-recover=undefined)
  target_link_options(chan_warnings INTERFACE -fsanitize=address,undefined)
endif()
if(CHAN_BUILD_FUZZ)
  # the sanitizers of the preset fuzz (clang) on every project file; libFuzzer's coverage only
  # where chan_fuzz_coverage puts it
  target_compile_options(chan_warnings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                 -fno-sanitize-recover=undefined)
  target_link_options(chan_warnings INTERFACE -fsanitize=address,undefined)
endif()
add_library(chan::warnings ALIAS chan_warnings)

# chan_fuzz_coverage(TARGET... [SOURCES file...]): libFuzzer's coverage instrumentation
# (-fsanitize=fuzzer-no-link; the fuzz programs link -fsanitize=fuzzer, tests/fuzz) on the code
# that reads input: the targets' and the listed files' own sources. The simulation's libraries
# stay without it: its per-comparison callbacks made the sanitized unit tests, which share
# this build, 2.9x slower (511 against 178 s, one program at a time), and the fuzzers' oracles
# only run 3-tick scenarios. Libraries from Debian (yaml-cpp, TBB) are never instrumented.
function(chan_fuzz_coverage)
  if(NOT CHAN_BUILD_FUZZ)
    return()
  endif()
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "" "SOURCES")
  foreach(target IN LISTS arg_UNPARSED_ARGUMENTS)
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endforeach()
  if(arg_SOURCES)
    set_source_files_properties(${arg_SOURCES} PROPERTIES COMPILE_OPTIONS -fsanitize=fuzzer-no-link)
  endif()
endfunction()
