#pragma once
// The validation cases, one function per family (one file each), and the scenario builders
// they share with the tests.
#include <string>
#include <vector>

#include "sim/validation/case.hpp"

namespace chan::validation {

/// Linear demand q = a - b p, unit cost c, from a population of `consumers` agents.
struct ChainParams {
  double a = 100, b = 2, c = 10;
  int consumers = 1000;
  double rpmPrice = 0;  // resale price maintenance: the outlet's fixed price
  double fee = 0;       // two-part tariff: fixed fee per tick to tier 1
};
enum class Coordination { None, ResalePriceMaintenance, TwoPartTariff };

/// A serial chain scenario: maker at cost -> tiers-1 distributors -> one outlet, best responses.
std::string serialChainYaml(const ChainParams& p, int tiers, Coordination coordination);

void doubleMarginalization(io::Reader& parameters, std::vector<Row>& rows);
void dualChannel(io::Reader& parameters, std::vector<Row>& rows);
void bullwhip(io::Reader& parameters, std::vector<Row>& rows);
void competingResellers(io::Reader& parameters, std::vector<Row>& rows);
void logitBertrand(io::Reader& parameters, std::vector<Row>& rows);
void spatialCoverage(io::Reader& parameters, std::vector<Row>& rows);
void diversion(io::Reader& parameters, std::vector<Row>& rows);
void inventoryContracts(io::Reader& parameters, std::vector<Row>& rows);
void serviceEffort(io::Reader& parameters, std::vector<Row>& rows);

}  // namespace chan::validation
