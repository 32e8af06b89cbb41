// Referral commissions for social sellers (deck ch. 2, 5: commissions; ch. 6: social sellers):
// a social-seller group with `referral_commission` r > 0 is paid r x the revenue of every sale by
// its brand's manufacturer, through the ledger (the seller's other income, the maker's other
// expense). The decision it changes: the seller's price, since pricing counts the commission in
// its net unit revenue, price x (1 - commission + r) - delivery and role costs
// (models::netUnitRevenue), so a best-responding seller prices lower.
#include <algorithm>
#include <memory>
#include <vector>

#include "mechanisms/mechanism.hpp"

namespace chan::mechanisms {
namespace {

struct ReferralSpec final : MechanismSpec {
  std::vector<double> rate;  // per member group (missing: 0), fraction of revenue

  double rateOf(std::size_t group) const { return group < rate.size() ? rate[group] : 0.0; }

  void groupFields(FieldVisitor& v, const MemberGroupSpec& g, std::size_t group, GroupSlot slot) {
    if (slot != GroupSlot::Economics) return;
    double r = rateOf(group);
    if (v.purpose() == FieldVisitor::Purpose::Write && r <= 0) return;  // written only when earned
    v.number({.name = "referral_commission",
              .doc = "social sellers only: fraction of the seller's revenue its brand's manufacturer pays it",
              .unit = "fraction",
              .min = 0,
              .max = 1},
             r);
    if (v.purpose() != FieldVisitor::Purpose::Read) return;
    rate.resize(std::max(rate.size(), group + 1), 0.0);
    rate[group] = r;
    v.check([&](const Checker& c) {
      if (r > 0 && g.kind != MemberKind::SocialSeller)
        c.fail("referral_commission", "only social sellers earn a referral commission");
    });
  }
};

class Referral final : public Mechanism {
 public:
  Referral(const ReferralSpec& spec, const World& w) : m_rate(w.members.size(), 0.0) {
    for (std::size_t m = 0; m < m_rate.size(); ++m) m_rate[m] = spec.rateOf(idx(w.members.group[m]));
  }

  void start(World& w) override { w.members.saleIncomeRate = m_rate; }  // pricing counts it

  void afterSale(World& w, int outlet, double units) override {
    const auto m = idx(outlet);
    const double referral = units * w.members.price[m] * m_rate[m];
    const int maker = w.brandMaker[idx(w.members.brand[m])];
    if (referral > 0 && maker >= 0) w.payOther(maker, outlet, referral);
  }

  void summarize(const World& w, Summary& s) const override {
    // revenue x rate of each seller that earns one from its brand's manufacturer
    double paid = 0, units = 0;
    for (std::size_t m = 0; m < m_rate.size(); ++m) {
      if (m_rate[m] <= 0 || w.brandMaker[idx(w.members.brand[m])] < 0) continue;
      paid += m_rate[m] * w.flows.revenue[m];
      units += w.flows.unitsSold[m];
    }
    s.emplace_back("referral.paid", paid);    // currency the manufacturers paid
    s.emplace_back("referral.units", units);  // units the sellers earning it sold
  }

 private:
  std::vector<double> m_rate;  // per member: its group's referral commission
};

}  // namespace

MechanismEntry referral() {
  return {
      .name = "referral",
      .doc =
          "Referral commissions for social sellers (deck ch. 2, 5, 6): on every sale of a social seller its "
          "brand's manufacturer pays it `referral_commission` × the sale's revenue, through the ledger (other "
          "income and expense). Its pricing counts the commission in its net unit revenue, price × (1 − "
          "`commission` + `referral_commission`) − delivery and role costs, so a best-responding seller prices "
          "lower. Summary: `referral.paid`, `referral.units`. Scenario: `scenarios/social_referral.yaml`.",
      .makeSpec = [] { return std::make_unique<ReferralSpec>(); },
      .fields = [](MechanismSpec&, FieldVisitor&, const ScenarioSpec&) {},
      .groupFields = [](MechanismSpec& s, FieldVisitor& v, const ScenarioSpec&, const MemberGroupSpec& g,
                        std::size_t group,
                        GroupSlot slot) { static_cast<ReferralSpec&>(s).groupFields(v, g, group, slot); },
      .used =
          [](const MechanismSpec& s) {
            const auto& rates = static_cast<const ReferralSpec&>(s).rate;
            return std::any_of(rates.begin(), rates.end(), [](double r) { return r > 0; });
          },
      .create = [](const MechanismSpec& s, const World& w) -> std::unique_ptr<Mechanism> {
        return std::make_unique<Referral>(static_cast<const ReferralSpec&>(s), w);
      },
  };
}

}  // namespace chan::mechanisms
