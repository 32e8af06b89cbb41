#include "sim/validation/cases.hpp"

namespace chan::validation {

const std::vector<CaseInfo>& allCases() {
  static const std::vector<CaseInfo> cases = {
      {"double_marginalization", "Spengler (1950), J. Political Economy 58(4)", doubleMarginalization},
  };
  return cases;
}

}  // namespace chan::validation
