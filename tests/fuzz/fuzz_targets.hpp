#pragma once
// The fuzz targets: one function per input format, shared by the libFuzzer programs (preset
// `fuzz`, clang) and the corpus replay test chan_fuzz_tests (every build). Each accepts any
// bytes and returns normally when the input is loaded or rejected with an io::InputError;
// anything else escaping it (another exception, a failed oracle) is a finding, as are the
// crashes, hangs and sanitizer reports that libFuzzer catches.
#include <cstddef>
#include <cstdint>

namespace chan::fuzz {

/// Scenario YAML bytes -> ScenarioSpec (io::loadYamlText + io::parseScenario). An accepted
/// scenario must read back from its resolved YAML to the same resolved YAML, and a small one
/// (checkAccepted) must run a few ticks with conservation checked and finite metrics.
void scenarioInput(const std::uint8_t* data, std::size_t size);

/// `--set` overrides: the first byte picks a shipped scenario, the remaining lines (at most 8)
/// are assignments applied with io::applyOverride before io::parseScenario, as `chansim run --set`.
void overrideInput(const std::uint8_t* data, std::size_t size);

/// Sweep file bytes -> SweepSpec (sweep::parseSweep); a small accepted sweep is expanded into
/// its plan and its first point's overrides applied to scenarios/sweeps/small_channel.yaml.
void sweepInput(const std::uint8_t* data, std::size_t size);

/// Validation case file bytes, read as `chansim validate` reads them; the case then reads its
/// parameters and builds its scenarios with validation::setParseOnly(true) (no engine runs).
void validationInput(const std::uint8_t* data, std::size_t size);

}  // namespace chan::fuzz
