// Exit and entry of channel partners (issue 12; deck ch. 4: partners leave a channel that does
// not pay, and new ones join one that does): a member group with `exit_entry` reviews its
// members every `review_period` ticks. A member that made a loss in `exit_after` periods in a
// row leaves the channel (models::terminate: its stock is written off, its deposit returned, its
// buyers move to the nearest active member of its group); when the group's margin over the
// period (profit / revenue of its active members) has been at least `entry_margin` for
// `entry_after` periods in a row, one member of its `reserve` that was never active joins.
// Consumers then choose among the outlets that are left (coverage shows the consequences).
#include <algorithm>
#include <memory>
#include <vector>

#include "mechanisms/mechanism.hpp"
#include "models/channel_control.hpp"

namespace chan::mechanisms {
namespace {

/// One group's `exit_entry` section.
struct ExitEntry {
  bool enabled = false;     // the section is given
  int reviewPeriod = 30;    // ticks between reviews
  int exitAfter = 2;        // loss-making periods in a row before a member leaves (0: never)
  double entryMargin = 0.2; // the group's margin that draws an entrant ...
  int entryAfter = 0;       // ... once it has lasted this many periods in a row (0: no entry)
};

struct ExitEntrySpec final : MechanismSpec {
  std::vector<ExitEntry> groups;  // per member group (missing or not enabled: members stay)

  const ExitEntry* of(std::size_t group) const {
    return group < groups.size() && groups[group].enabled ? &groups[group] : nullptr;
  }

  void groupFields(FieldVisitor& v, std::size_t group, GroupSlot slot) {
    if (slot != GroupSlot::Economics) return;
    groups.resize(std::max(groups.size(), group + 1));
    ExitEntry& e = groups[group];
    v.section(
        {.name = "exit_entry", .doc = "members leave after a run of losses; reserves join while the group's margin is high"},
        e.enabled,
        [&e](FieldVisitor& s) {
          s.integer({.name = "review_period", .doc = "ticks between reviews of profit", .unit = "ticks", .min = 1,
                     .max = 1e7},
                    e.reviewPeriod);
          s.integer({.name = "exit_after", .doc = "loss-making periods in a row after which a member leaves (0: never)",
                     .unit = "periods", .min = 0, .max = 1e6},
                    e.exitAfter);
          s.number({.name = "entry_margin", .doc = "the group's profit / revenue over a period that draws an entrant",
                    .unit = "fraction", .min = -1e6, .max = 1},
                   e.entryMargin);
          s.integer({.name = "entry_after",
                     .doc = "periods in a row at entry_margin or above before a reserve member joins (0: no entry)",
                     .unit = "periods", .min = 0, .max = 1e6},
                    e.entryAfter);
        },
        [](const Checker&) {});
    // (the group's `reserve` is read after this slot: the check looks for the key itself)
    v.check([&e](const Checker& c) {
      if (e.enabled && e.entryAfter > 0 && !c.has("reserve"))
        c.fail("exit_entry", "entry_after needs a reserve to draw entrants from (members[].reserve)");
    });
  }
};

class ExitEntryMechanism final : public Mechanism {
 public:
  ExitEntryMechanism(const ExitEntrySpec& spec, const World& w)
      : m_of(w.spec->groups.size(), nullptr), m_profitMark(w.members.size(), 0.0),
        m_revenueMark(w.members.size(), 0.0), m_lossStreak(w.members.size(), 0), m_marginStreak(w.spec->groups.size(), 0) {
    for (std::size_t g = 0; g < m_of.size(); ++g) m_of[g] = spec.of(g);
  }

  void review(World& w) override {
    for (std::size_t g = 0; g < m_of.size(); ++g) {
      const ExitEntry* e = m_of[g];
      if (e && w.tick % e->reviewPeriod == 0) reviewGroup(w, g, *e);
    }
  }

  void beginMeasurement() override { m_exits = m_entries = 0; }

  void summarize(const World&, Summary& s) const override {
    s.emplace_back("exit_entry.exits", m_exits);      // members that left after a run of losses
    s.emplace_back("exit_entry.entries", m_entries);  // reserve members drawn in by the group's margin
  }

 private:
  void reviewGroup(World& w, std::size_t g, const ExitEntry& e) {
    Members& mb = w.members;
    double profit = 0, revenue = 0;
    std::vector<int> leaving;
    for (int m : w.groupMembers[g]) {
      const auto i = idx(m);
      const double periodProfit = w.flows.profit(i) - m_profitMark[i];
      const double periodRevenue = w.flows.revenue[i] - m_revenueMark[i];
      m_profitMark[i] = w.flows.profit(i), m_revenueMark[i] = w.flows.revenue[i];
      if (!mb.active[i]) continue;
      profit += periodProfit, revenue += periodRevenue;
      m_lossStreak[i] = periodProfit < 0 ? m_lossStreak[i] + 1 : 0;
      if (e.exitAfter > 0 && m_lossStreak[i] >= e.exitAfter) leaving.push_back(m);
    }
    for (int m : leaving) {
      models::terminate(w, m, "exit: losses");
      // its buyers are its customers: they move to the nearest member left (terminate does so
      // itself under the risk response `reassign`)
      if (!w.riskResponse.reassign) models::reassignBuyers(w, m);
      m_exits += 1;
    }
    // entry: a margin that lasts draws one entrant at a time
    m_marginStreak[g] = revenue > 0 && profit / revenue >= e.entryMargin ? m_marginStreak[g] + 1 : 0;
    if (e.entryAfter <= 0 || m_marginStreak[g] < e.entryAfter) return;
    for (int candidate : w.groupMembers[g]) {
      const auto i = idx(candidate);
      if (mb.active[i] || mb.strikes[i] > 0 || w.flows.pricedTicks[i] > 0) continue;  // never active before
      mb.active[i] = 1;
      w.events.push_back({w.tick, Event::Type::Recruitment, candidate, -1, 0, profit / revenue, true, "entry"});
      m_entries += 1;
      m_marginStreak[g] = 0;
      break;
    }
  }

  std::vector<const ExitEntry*> m_of;  // per group: its section (nullptr: members stay)
  std::vector<double> m_profitMark, m_revenueMark;  // per member: profit and revenue at the last review
  std::vector<int> m_lossStreak;       // per member: loss-making periods in a row
  std::vector<int> m_marginStreak;     // per group: periods in a row at entry_margin or above
  double m_exits = 0, m_entries = 0;
};

}  // namespace

MechanismEntry exit_entry() {
  return {
      .name = "exit_entry",
      .doc = "Exit and entry of channel partners (deck ch. 4): every `review_period` ticks a group with `exit_entry` "
             "reviews its members' profit over the period. A member with a loss in `exit_after` periods in a row leaves "
             "(its stock written off, its deposit returned, its buyers moved to the nearest active member of its "
             "group; a `termination` event with action `exit: losses`). When the group's margin (profit / revenue "
             "of its active members over the period) has been at least `entry_margin` for `entry_after` periods in a "
             "row, one never-active member of its `reserve` joins (a `recruitment` event with action `entry`). "
             "Summary: `exit_entry.exits`, `exit_entry.entries`.",
      .makeSpec = [] { return std::make_unique<ExitEntrySpec>(); },
      .fields = [](MechanismSpec&, FieldVisitor&, const ScenarioSpec&) {},
      .groupFields = [](MechanismSpec& s, FieldVisitor& v, const ScenarioSpec&, const MemberGroupSpec&,
                        std::size_t group,
                        GroupSlot slot) { static_cast<ExitEntrySpec&>(s).groupFields(v, group, slot); },
      .used =
          [](const MechanismSpec& s) {
            const auto& groups = static_cast<const ExitEntrySpec&>(s).groups;
            return std::any_of(groups.begin(), groups.end(), [](const ExitEntry& e) { return e.enabled; });
          },
      .create = [](const MechanismSpec& s, const World& w) -> std::unique_ptr<Mechanism> {
        return std::make_unique<ExitEntryMechanism>(static_cast<const ExitEntrySpec&>(s), w);
      },
  };
}

}  // namespace chan::mechanisms
