#pragma once
// Ledger: every movement of money is a double-entry transfer between accounts, and every
// movement of goods passes through a counter here, so that conservation can be verified.
#include <cstddef>
#include <vector>

namespace chan {

/// Accounts outside the channel; they follow the member accounts in the ledger.
enum class External : int {
  Consumers,   // pays for purchases
  Production,  // receives the unit cost of goods produced
  Platform,    // receives marketplace commissions
  Logistics,   // receives delivery and shipping costs
  Operations,  // receives fixed and holding costs
  Capital,     // provides members' initial cash
  Count
};

class Ledger {
 public:
  /// Opens one account per member plus the externals; initial cash comes from Capital.
  void open(const std::vector<double>& initialCash);

  /// Moves amount (>= 0) from one account to another.
  void transfer(int from, int to, double amount) {
    m_balance[static_cast<std::size_t>(from)] -= amount;
    m_balance[static_cast<std::size_t>(to)] += amount;
    m_volume += amount;
  }
  int account(External e) const { return m_members + static_cast<int>(e); }
  double balance(int account) const { return m_balance[static_cast<std::size_t>(account)]; }
  double balance(External e) const { return balance(account(e)); }
  /// Sum of all balances; zero up to rounding because every transfer is double-entry.
  double total() const;
  /// Sum of all amounts ever transferred (scale for the rounding tolerance).
  double volume() const { return m_volume; }

  // goods counters, units
  double produced = 0;         // made by manufacturers
  double opening = 0;          // opening stock endowed at set-up
  double soldToConsumers = 0;  // left the channel to consumers
  double writtenOff = 0;       // destroyed, lost or expired

 private:
  std::vector<double> m_balance;
  int m_members = 0;
  double m_volume = 0;
};

}  // namespace chan
