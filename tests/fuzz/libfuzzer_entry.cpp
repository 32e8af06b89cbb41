// libFuzzer's entry point for one target; CHAN_FUZZ_TARGET names the chan::fuzz function
// (tests/fuzz/CMakeLists.txt builds one program per target from this file).
#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  chan::fuzz::CHAN_FUZZ_TARGET(data, size);
  return 0;
}
