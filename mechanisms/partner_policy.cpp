// Closed-loop partner policy (deck ch. 5, evaluation and adjustment of channel members;
// Rosenbloom, Marketing Channels, ch. 11): every `review_period` ticks the manufacturer ranks the
// active resellers of its network (own e-stores excluded) by a KPI of their scorecard over the
// period (models/scorecard), terminates loss-makers in the bottom share and recruits reserves,
// pays the top share a rebate on its purchases, raises (cuts) the discount of the top (bottom)
// share, promotes the top share to buy from the manufacturer and demotes promoted outlets in the
// bottom share. The decisions it changes: who stays in the channel, the contract terms and
// who supplies whom.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mechanisms/mechanism.hpp"
#include "models/channel_control.hpp"
#include "models/scorecard.hpp"
#include "sim/core/names.hpp"

namespace chan::mechanisms {
namespace {

struct PartnerPolicySpec final : MechanismSpec {
  bool enabled = false;                            // the section is given (and not `enabled: false`)
  int reviewPeriod = 30;                           // ticks
  int kpi = static_cast<int>(PartnerKpi::Profit);  // what outlets are ranked by over the period
  double terminateShare = 0.1;                     // loss-making outlets in this bottom share are terminated
  bool recruit = true;                             // replace them from the group's reserve
  double rebateShare = 0.1;                        // top share earns a rebate ...
  double rebateRate = 0.02;                        // ... of its purchases in the period, paid by the manufacturer
  double termShare = 0;                            // top (bottom) share gets its discount raised (cut) (0: terms fixed)
  double termStep = 0.01;                          // change of the discount per review, fraction of the list price
  double minDiscount = 0;                          // adjusted discounts stay within [minDiscount, maxDiscount]
  double maxDiscount = 0.5;
  double retierShare = 0;  // top share buying through a distributor is promoted to buy from the
                           // manufacturer; promoted outlets in the bottom share go back

  void fields(FieldVisitor& v) {
    v.section(
        {.name = "partner_policy", .doc = "closed-loop partner policy (on when the section is given)"}, enabled,
        [this](FieldVisitor& s) {
          // the section's presence switches it on; `enabled: false` keeps it in the file but off
          if (s.purpose() != FieldVisitor::Purpose::Write) {
            enabled = true;
            s.boolean({.name = "enabled", .doc = "false: the section is kept but off"}, enabled);
          }
          s.integer({.name = "review_period", .doc = "ticks between reviews", .unit = "ticks", .min = 1, .max = 1e7},
                    reviewPeriod);
          s.choice({.name = "kpi",
                    .doc = "what the active outlets (own e-stores excluded) are ranked by, over the period "
                           "since the last review (their scorecards)"},
                   kpi, names::kPartnerKpis);
          s.number({.name = "terminate_share",
                    .doc = "loss-making outlets (by profit over the period) in this bottom share are terminated",
                    .unit = "fraction",
                    .min = 0,
                    .max = 1},
                   terminateShare);
          s.boolean({.name = "recruit", .doc = "each is replaced by a never-active member of the group's reserve"},
                    recruit);
          s.number({.name = "rebate_share",
                    .doc = "the top share earns a rebate ...",
                    .unit = "fraction",
                    .min = 0,
                    .max = 1},
                   rebateShare);
          s.number({.name = "rebate_rate",
                    .doc = "... of its purchases in the period, paid by the manufacturer",
                    .unit = "fraction",
                    .min = 0,
                    .max = 1},
                   rebateRate);
          // the top and bottom shares must not overlap
          s.number({.name = "term_share",
                    .doc = "the top share gets its discount raised by term_step, the bottom share cut by it "
                           "(0: terms fixed)",
                    .unit = "fraction",
                    .min = 0,
                    .max = 0.5},
                   termShare);
          s.number({.name = "term_step",
                    .doc = "change of the discount per review",
                    .unit = "fraction of the list price",
                    .min = 0,
                    .max = 1},
                   termStep);
          s.number({.name = "min_discount",
                    .doc = "an adjusted discount stays at least this (one already below is never cut)",
                    .unit = "fraction",
                    .min = 0,
                    .max = 1},
                   minDiscount);
          s.number({.name = "max_discount",
                    .doc = "an adjusted discount stays at most this (one already above is never raised)",
                    .unit = "fraction",
                    .min = 0,
                    .max = 1},
                   maxDiscount);
          s.check([this](const Checker& c) {
            if (minDiscount > maxDiscount) c.fail("min_discount", "must not exceed max_discount");
          });
          s.number({.name = "retier_share",
                    .doc = "the top share of outlets buying through a distributor buy from their brand's "
                           "manufacturer (same terms, tier 1); promoted outlets in the bottom share go back "
                           "(0: no re-tiering)",
                    .unit = "fraction",
                    .min = 0,
                    .max = 0.5},
                   retierShare);
        },
        {});
  }
};

int makerOf(const World& w, int m) { return w.brandMaker[idx(w.members.brand[idx(m)])]; }

void record(World& w, Event::Type type, int member, int counterparty, double severity, const std::string& action) {
  w.events.push_back({w.tick, type, member, counterparty, 0, severity, true, action});
}

class PartnerPolicy final : public Mechanism {
 public:
  PartnerPolicy(const PartnerPolicySpec& spec, const World& w) : m_spec(spec) {
    if (spec.enabled) m_mark.resize(w.members.size());
  }

  void review(World& w) override;

 private:
  void adjustDiscount(World& w, int m, double step) const;
  bool retier(World& w, int m, bool promote) const;

  const PartnerPolicySpec& m_spec;
  MemberFlows m_mark;  // the flows at the last review
};

/// Term adjustment: moves member m's discount by `step` (up or down), within the policy's
/// bounds and never against the step's direction.
void PartnerPolicy::adjustDiscount(World& w, int m, double step) const {
  const PartnerPolicySpec& p = m_spec;
  if (!w.members.active[idx(m)] || w.members.supplier[idx(m)] < 0) return;
  SupplyTerms& terms = models::contractTerms(w, m);
  const double old = terms.discount;
  terms.discount = step > 0 ? std::max(old, std::min(old + step, p.maxDiscount))
                            : std::min(old, std::max(old + step, p.minDiscount));
  if (terms.discount != old)
    record(w, Event::Type::TermAdjustment, m, w.members.supplier[idx(m)], terms.discount,
           step > 0 ? "raise_discount" : "cut_discount");
}

/// Re-tiering: an outlet buying through a distributor is promoted to buy from its brand's
/// manufacturer on the same terms; a promoted outlet is demoted back. Returns whether it moved.
bool PartnerPolicy::retier(World& w, int m, bool promote) const {
  Members& mb = w.members;
  const int from = mb.supplier[idx(m)], maker = makerOf(w, m);
  const int to = promote ? maker : mb.formerSupplier[idx(m)];
  if (!mb.active[idx(m)] || from < 0 || to < 0 || to == from || !mb.active[idx(to)]) return false;
  if (promote == (mb.formerSupplier[idx(m)] >= 0)) return false;  // promoted once, demoted only when promoted
  models::moveBuyer(w, m, to, models::contractTerms(w, m));
  mb.formerSupplier[idx(m)] = promote ? from : -1;
  record(w, Event::Type::Retier, m, to, 0, promote ? "promote" : "demote");
  return true;
}

void PartnerPolicy::review(World& w) {
  const PartnerPolicySpec& p = m_spec;
  Members& mb = w.members;
  if (!p.enabled || w.tick % p.reviewPeriod != 0) return;
  // score the period and rank the resellers the brand can replace (active outlets other than
  // its own e-store) by the policy's KPI
  const std::vector<models::Scorecard> cards = models::scorecards(w, &m_mark);
  std::vector<std::pair<double, int>> ranked;
  for (int m : w.outlets)
    if (mb.active[idx(m)] && mb.kind[idx(m)] != MemberKind::EStore && models::authorisedReseller(w, m))
      ranked.emplace_back(models::kpiValue(cards[idx(m)], static_cast<PartnerKpi>(p.kpi)), m);
  std::sort(ranked.begin(), ranked.end());
  auto shareOf = [&](double share) {
    return static_cast<std::size_t>(std::floor(share * static_cast<double>(ranked.size())));
  };
  auto best = [&](std::size_t k) { return ranked[ranked.size() - 1 - k].second; };
  for (std::size_t k = 0; k < shareOf(p.terminateShare); ++k) {
    const int m = ranked[k].second;
    if (cards[idx(m)].profit >= 0) continue;  // only loss-makers leave
    models::terminate(w, m, "partner review");
    if (!p.recruit) continue;
    for (int candidate : w.groupMembers[idx(mb.group[idx(m)])]) {
      if (mb.active[idx(candidate)] || mb.strikes[idx(candidate)] > 0 || w.flows.pricedTicks[idx(candidate)] > 0)
        continue;
      mb.active[idx(candidate)] = 1;  // a reserve never active before joins
      record(w, Event::Type::Recruitment, candidate, m, 0, "recruit");
      break;
    }
  }
  // rebates to the best performers, on what they bought in the period
  for (std::size_t k = 0; k < shareOf(p.rebateShare); ++k) {
    const int m = best(k);
    if (!mb.active[idx(m)] || makerOf(w, m) < 0) continue;
    w.payOther(makerOf(w, m), m, p.rebateRate * (w.flows.purchases[idx(m)] - m_mark.purchases[idx(m)]));
  }
  // terms follow performance: deeper discounts for the best, shallower for the worst
  // (Rosenbloom, Marketing Channels, ch. 11: evaluating and motivating channel members)
  for (std::size_t k = 0; k < shareOf(p.termShare); ++k) {
    adjustDiscount(w, best(k), p.termStep);
    adjustDiscount(w, ranked[k].second, -p.termStep);
  }
  // re-tiering: the best buy from the manufacturer directly, promoted laggards go back
  bool moved = false;
  for (std::size_t k = 0; k < shareOf(p.retierShare); ++k) {
    moved = retier(w, best(k), true) || moved;
    moved = retier(w, ranked[k].second, false) || moved;
  }
  if (moved) w.rebuildSubtrees();
  // members losing money over the period dispute their terms with the supplier
  for (std::size_t m = 0; m < mb.size(); ++m) {
    const double periodProfit = w.flows.profit(m) - m_mark.profit(m);
    if (mb.active[m] && models::authorisedReseller(w, static_cast<int>(m)) && periodProfit < 0)
      record(w, Event::Type::VerticalDispute, static_cast<int>(m), mb.supplier[m], -periodProfit, "");
  }
  m_mark = w.flows;
}

}  // namespace

MechanismEntry partner_policy() {
  return {
      .name = "partner_policy",
      .doc =
          "Closed-loop partner policy (deck ch. 5): every `review_period` ticks the manufacturer ranks the active "
          "resellers of its network (own e-stores excluded) by `kpi` over the period (their "
          "[scorecards](#kpi-scorecards)); in order, on that one ranking: loss-makers in the bottom "
          "`terminate_share` are terminated (and replaced from the group's `reserve` when `recruit`), the top "
          "`rebate_share` earns `rebate_rate` of its purchases in the period, the top (bottom) `term_share` gets "
          "its discount raised (cut) by `term_step` within [`min_discount`, `max_discount`], the top "
          "`retier_share` buying through a distributor is promoted to buy from the manufacturer and promoted "
          "outlets in the bottom share go back. Finally every active reseller of the network that lost money over "
          "the period records a `vertical_dispute` event with its supplier. Events: `termination`, `recruitment`, "
          "`term_adjustment`, `retier`. Summary (with the engine's `partners.*`): `partners.discount_raised`, "
          "`partners.discount_cut`, `partners.promoted`, `partners.demoted`. Scenario: "
          "`scenarios/partner_review.yaml`.",
      .makeSpec = [] { return std::make_unique<PartnerPolicySpec>(); },
      .fields = [](MechanismSpec& s, FieldVisitor& v,
                   const ScenarioSpec&) { static_cast<PartnerPolicySpec&>(s).fields(v); },
      .used = [](const MechanismSpec& s) { return static_cast<const PartnerPolicySpec&>(s).enabled; },
      .create = [](const MechanismSpec& s, const World& w) -> std::unique_ptr<Mechanism> {
        return std::make_unique<PartnerPolicy>(static_cast<const PartnerPolicySpec&>(s), w);
      },
  };
}

}  // namespace chan::mechanisms
