#include "sim/validation/cases.hpp"

namespace chan::validation {

const std::vector<CaseInfo>& allCases() {
  static const std::vector<CaseInfo> cases = {
      {"double_marginalization", "Spengler (1950), J. Political Economy 58(4)", doubleMarginalization},
      {"dual_channel", "Chiang, Chhajed & Hess (2003), Management Science 49(1)", dualChannel},
      {"bullwhip", "Chen, Drezner, Ryan & Simchi-Levi (2000), Management Science 46(3)", bullwhip},
      {"logit_bertrand", "Anderson, de Palma & Thisse (1992), Discrete Choice Theory of Product Differentiation",
       logitBertrand},
      {"competing_resellers", "Cournot (1838); Tirole (1988) ch. 5; Singh & Vives (1984)", competingResellers},
      {"spatial_coverage", "Salop (1979), Bell J. Economics 10(1); Hotelling (1929), Economic J. 39", spatialCoverage},
      {"diversion", "gray-market arbitrage, after Ahmadi & Yang (2000), Marketing Science 19(3)", diversion},
      {"inventory", "Arrow, Harris & Marschak (1951); Zipkin (2000); Cachon (2003)", inventoryContracts},
      {"service_effort", "Spengler (1950) with retail service; Telser (1960), J. Law & Economics 3", serviceEffort},
  };
  return cases;
}

}  // namespace chan::validation
