#include <cstddef>

#include "mechanisms/mechanism.hpp"

// one definition function per mechanism file, listed by mechanisms/CMakeLists.txt
namespace chan::mechanisms {
#define CHAN_MECHANISM(name) MechanismEntry name();
#include "chan/mechanism_list.inc"
#undef CHAN_MECHANISM
}  // namespace chan::mechanisms

namespace chan {

const std::vector<MechanismEntry>& mechanismRegistry() {
  static const std::vector<MechanismEntry> entries = {
#define CHAN_MECHANISM(name) mechanisms::name(),
#include "chan/mechanism_list.inc"
#undef CHAN_MECHANISM
  };
  return entries;
}

const MechanismSpec& sectionOf(const ScenarioSpec& spec, std::size_t index) {
  if (index < spec.mechanisms.size() && spec.mechanisms[index]) return *spec.mechanisms[index];
  // a spec built in code without the loader: the mechanism's defaults
  static const std::vector<std::unique_ptr<MechanismSpec>> defaults = [] {
    std::vector<std::unique_ptr<MechanismSpec>> d;
    for (const MechanismEntry& e : mechanismRegistry()) d.push_back(e.makeSpec());
    return d;
  }();
  return *defaults[index];
}

}  // namespace chan
