// Omnichannel fulfilment, O2O (issue 13, the deck's online-to-offline lever: the stores as the
// online channel's warehouses; Gallino & Moreno 2014, Management Science 60(6), on
// buy-online-pick-up-in-store; Bell, Gallino & Moreno 2014, MIT Sloan Management Review 56(1)):
// the orders of the online outlets in `online` are filled from the stock of the brand's stores in
// `stores`, either only when the online outlet runs out (`ship_from_store: stockouts`) or always
// when a store can (`all`). The decision it changes: where an online order's unit comes from.
//
// Which store: the nearest store of `stores` selling the online outlet's product (with
// `brands[].products`, a listing of another product never fills it) in the ordering
// consumer's choice set (rows list physical outlets nearest first) that has spare stock, i.e.
// stock left once its own walk-in customers' requests of the day are served (the store serves
// them first). A consumer with no such store in reach cannot be served from a store (stores
// deliver and hand over in their own catchment). Sampled mode routes the consumers who picked the
// online outlet, one at a time; expected mode spreads the units to route evenly over the outlet's
// consumers (a mean field: the choice model keeps each consumer's mass only per outlet). Both walk
// the consumers from a start that rotates every tick (tick x the golden ratio), so no consumer is
// always first; the order depends on nothing else, whatever the thread count.
//
// Goods and money: a routed unit moves from the store's stock into the online outlet's at the
// store's book value (moving average cost), which the online outlet pays the store (a sale at
// cost, booked as the store's revenue and cost of goods and as the online outlet's purchase);
// the online outlet then sells it to the consumer at its own price. On top it pays the store
// `commission` x its price per unit and a fee per unit, `ship_fee` for a unit shipped from the
// store or `collect_fee` for one collected there (the online outlet pays, not the brand: the fee
// is part of what the online sale costs, so its pricing and profit see it). A share
// `click_and_collect` of the routed units is collected at the store (mean field: that share of
// every routed unit): those consumers come to the store (store traffic).
//
// Delivery time: a unit from the online outlet's own stock takes its `delivery_days`, one shipped
// from a store `ship_days`, one collected `collect_days`. With `all`, a consumer with a store of
// `stores` in reach is promised the store's delivery, which enters the utility as online delivery
// does (deliveryCost x days): the online outlet's days for that consumer become
//   (1 - c) x ship_days + c x collect_days, and a collector's trip costs c x travel_cost x distance
// to that nearest store (c = click_and_collect). The promise is set once at start (the static part
// of utility); a day on which that store has no spare stock, the order ships from the online
// outlet's own stock and takes its days (the promise is not kept: o2o.delivery_days measures what
// was delivered). With `stockouts` the store is a fallback consumers do not see in advance: their
// utility keeps the online outlet's own days; an online outlet out of stock stays open (in stock,
// for consumers who see stock) while a store of `stores` of its brand has stock.
//
// Only the first round of choices is routed (a substitute's order after a stock-out is served as
// before). The online outlet's shipping_cost applies to every unit it sells, collected ones
// included (handling; a simplification).
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "mechanisms/mechanism.hpp"
#include "sim/core/choice_lanes.hpp"

namespace chan::mechanisms {
namespace {

constexpr double kTiny = 1e-9;                       // units below this count as none (as the engine's)
constexpr double kGoldenRatio = 0.6180339887498949;  // rotating start: the tick's fractional golden step
constexpr double kMaxMoney = 1e12;                   // bound of a fee per unit
constexpr double kMaxDays = 365;                     // bound of a delivery time

/// When stores fill online orders (names: kModes).
enum class Mode { None, Stockouts, All };
const std::vector<std::string> kModes = {"none", "stockouts", "all"};

struct O2oSpec final : MechanismSpec {
  bool present = false;     // the section is given
  std::vector<int> online;  // online outlet groups whose orders stores fill
  std::vector<int> stores;  // physical outlet groups that fill them
  int mode = static_cast<int>(Mode::Stockouts);
  double shipDays = 1;         // days from a store's shelf to the consumer
  double clickAndCollect = 0;  // share of the routed units collected at the store, 0..1
  double collectDays = 0;      // days until a collected order is ready
  double commission = 0;       // share of the online price paid to the store per routed unit, 0..1
  double shipFee = 0;          // currency per unit shipped from a store, paid to the store
  double collectFee = 0;       // currency per unit collected at a store, paid to the store

  Mode shipMode() const { return static_cast<Mode>(mode); }

  void fields(FieldVisitor& v, const ScenarioSpec& scenario) {
    std::vector<std::string> groupNames;
    for (const MemberGroupSpec& g : scenario.groups) groupNames.push_back(g.name);
    v.section(
        {.name = "o2o",
         .doc = "omnichannel fulfilment: online orders filled from the nearest store of the brand with stock "
                "(ship-from-store, click-and-collect)"},
        present,
        [this, groupNames](FieldVisitor& s) {
          s.namedList({.name = "online", .doc = "online outlet groups whose orders the stores fill", .required = true},
                      online, groupNames, "group");
          s.namedList(
              {.name = "stores", .doc = "physical outlet groups that fill them (the same brand's)", .required = true},
              stores, groupNames, "group");
          s.choice({.name = "ship_from_store",
                    .doc = "none: measure only; stockouts: orders the online outlet cannot fill; all: every order a "
                           "store can fill"},
                   mode, kModes);
          s.number({.name = "ship_days",
                    .doc = "delivery time of a unit shipped from a store",
                    .unit = "days",
                    .min = 0,
                    .max = kMaxDays},
                   shipDays);
          s.number({.name = "click_and_collect",
                    .doc = "share of the store-filled units collected at the store",
                    .unit = "fraction",
                    .min = 0,
                    .max = 1},
                   clickAndCollect);
          s.number({.name = "collect_days",
                    .doc = "time until a collected order is ready",
                    .unit = "days",
                    .min = 0,
                    .max = kMaxDays},
                   collectDays);
          s.number({.name = "commission",
                    .doc = "paid by the online outlet to the store: share of its price per unit",
                    .unit = "fraction",
                    .min = 0,
                    .max = 1},
                   commission);
          s.number({.name = "ship_fee",
                    .doc = "paid by the online outlet to the store per unit shipped from it",
                    .unit = "currency per unit",
                    .min = 0,
                    .max = kMaxMoney},
                   shipFee);
          s.number({.name = "collect_fee",
                    .doc = "paid by the online outlet to the store per unit collected there",
                    .unit = "currency per unit",
                    .min = 0,
                    .max = kMaxMoney},
                   collectFee);
        },
        [this, &scenario](const Checker& c) {
          if (online.empty()) c.fail("online", "names no group");
          if (stores.empty()) c.fail("stores", "names no group");
          for (int g : online)
            if (!isOnline(scenario.groups[idx(g)].kind))
              c.fail("online", "group '" + scenario.groups[idx(g)].name + "' is not an online outlet group");
          for (int g : stores) {
            const MemberKind k = scenario.groups[idx(g)].kind;
            if (!isOutlet(k) || isOnline(k))
              c.fail("stores", "group '" + scenario.groups[idx(g)].name + "' is not a physical outlet group");
          }
          for (int g : online) {
            const bool served = std::any_of(stores.begin(), stores.end(), [&](int k) {
              return scenario.groups[idx(k)].brand == scenario.groups[idx(g)].brand;
            });
            if (!served) c.fail("stores", "no group of the brand of '" + scenario.groups[idx(g)].name + "'");
          }
        });
  }
};

class O2o final : public Mechanism {
 public:
  O2o(const O2oSpec& spec, const World& w) : m_spec(spec) {
    const std::size_t n = w.outlets.size();
    m_online.assign(n, 0);
    m_store.assign(n, 0);
    m_product.assign(n, 0);
    for (std::size_t o = 0; o < n; ++o) {
      const auto m = idx(w.outlets[o]);
      const int g = w.members.group[m];
      m_product[o] = w.members.product[m];
      m_online[o] = std::find(spec.online.begin(), spec.online.end(), g) != spec.online.end();
      m_store[o] = std::find(spec.stores.begin(), spec.stores.end(), g) != spec.stores.end();
    }
    m_requestedBefore.assign(n, 0.0);
    m_routed.assign(n, 0.0);
  }

  void start(World& w) override {
    if (m_spec.shipMode() != Mode::All) return;
    promiseStoreDelivery(w);
  }

  void stockElsewhere(const World& w, const std::vector<double>& remaining,
                      std::vector<std::uint8_t>& inStock) const override {
    if (m_spec.shipMode() == Mode::None) return;
    const double smallestSale = w.spec->consumers.expected ? kTiny : w.spec->consumers.weight - kTiny;
    for (std::size_t o = 0; o < m_online.size(); ++o) {
      if (!m_online[o] || inStock[o] || !w.members.active[idx(w.outlets[o])]) continue;
      for (std::size_t k = 0; k < m_store.size() && !inStock[o]; ++k)
        inStock[o] = storeOf(w, o, k) && remaining[k] >= smallestSale;
    }
  }

  void routeOrders(World& w, const std::vector<double>& demand, std::vector<double>& remaining) override {
    std::fill(m_routed.begin(), m_routed.end(), 0.0);
    if (m_spec.shipMode() == Mode::None) return;
    // a store's spare stock: what is left once its own customers' requests are served
    std::vector<double> spare(remaining.size(), 0.0);
    for (std::size_t k = 0; k < spare.size(); ++k)
      if (m_store[k] && w.members.active[idx(w.outlets[k])]) spare[k] = std::max(0.0, remaining[k] - demand[k]);
    const bool expected = w.spec->consumers.expected;
    const double weight = w.spec->consumers.weight;
    for (std::size_t o = 0; o < m_online.size(); ++o) {
      if (!m_online[o] || demand[o] <= kTiny || !w.members.active[idx(w.outlets[o])]) continue;
      const std::vector<int>& consumers = w.outletConsumers[o];
      if (consumers.empty()) continue;
      const auto count = consumers.size();
      const std::size_t first = static_cast<std::size_t>(
          std::floor(std::fmod(static_cast<double>(w.tick) * kGoldenRatio, 1.0) * static_cast<double>(count)));
      if (expected) {
        // units to route, spread evenly over the outlet's consumers
        const double toRoute = m_spec.shipMode() == Mode::All ? demand[o] : std::max(0.0, demand[o] - remaining[o]);
        if (toRoute <= kTiny) continue;
        const double each = toRoute / static_cast<double>(count);
        for (std::size_t step = 0; step < count; ++step) {
          const auto i = idx(consumers[(first + step) % count]);
          double left = each;
          forEachStore(w, o, i, [&](std::size_t k) {
            const double take = std::min(left, spare[k]);
            if (take > 0) route(w, o, k, take, spare, remaining), left -= take;
            return left > kTiny;
          });
        }
      } else {
        // the consumers who picked it; with `stockouts`, only as many as its own stock cannot serve
        const auto& pick = w.consumers.pick;
        double needed = 0;
        for (int i : consumers) needed += pick[idx(i)] == static_cast<std::int32_t>(o);
        if (m_spec.shipMode() == Mode::Stockouts) needed -= std::floor((remaining[o] + kTiny) / weight);
        for (std::size_t step = 0; step < count && needed > 0; ++step) {
          const auto i = idx(consumers[(first + step) % count]);
          if (pick[i] != static_cast<std::int32_t>(o)) continue;
          forEachStore(w, o, i, [&](std::size_t k) {
            if (spare[k] < weight - kTiny) return true;
            route(w, o, k, weight, spare, remaining);
            needed -= 1;
            return false;
          });
        }
      }
    }
  }

  void afterDemand(World& w, const std::vector<double>& served, const std::vector<double>&) override {
    Day& d = m_today;
    const double c = m_spec.clickAndCollect;
    for (std::size_t o = 0; o < served.size(); ++o) {
      const auto m = idx(w.outlets[o]);
      if (m_online[o]) {
        const double own = std::max(0.0, served[o] - m_routed[o]);
        d.onlineUnits += served[o];
        d.requested += w.flows.unitsRequested[m] - m_requestedBefore[o];
        m_requestedBefore[o] = w.flows.unitsRequested[m];
        d.fromStores += m_routed[o];
        d.collected += c * m_routed[o];
        d.unitDays +=
            own * w.members.deliveryDays[m] + m_routed[o] * ((1 - c) * m_spec.shipDays + c * m_spec.collectDays);
      } else if (m_store[o]) {
        d.storeUnits += served[o];
      }
    }
  }

  void endTick(const World&) override {
    m_perTick.push_back(m_today);
    m_run.add(m_today);
    m_today = {};
  }

  void beginMeasurement() override { m_run = {}; }

  void timeseriesColumns(std::vector<std::string>& columns) const override {
    for (const char* c : {"o2o_units_from_stores", "o2o_fill_rate_online", "o2o_delivery_days", "o2o_store_traffic"})
      columns.push_back(c);
  }
  void tickValues(std::size_t tick, std::vector<double>& values) const override {
    const Day& d = m_perTick[tick];
    values.push_back(d.fromStores);
    values.push_back(d.fillRate());
    values.push_back(d.deliveryDays());
    values.push_back(d.storeUnits + d.collected);
  }

  void summarize(const World&, Summary& s) const override {
    s.emplace_back("o2o.online_units", m_run.onlineUnits);
    s.emplace_back("o2o.units_from_stores", m_run.fromStores);
    s.emplace_back("o2o.units_collected", m_run.collected);
    s.emplace_back("o2o.fill_rate_online", m_run.fillRate());
    s.emplace_back("o2o.delivery_days", m_run.deliveryDays());
    s.emplace_back("o2o.store_units", m_run.storeUnits);
    s.emplace_back("o2o.store_traffic", m_run.storeUnits + m_run.collected);
    s.emplace_back("o2o.commissions", m_run.commissions);
    s.emplace_back("o2o.fees", m_run.fees);
  }

 private:
  /// The online outlets' sales and the stores' part in them, of a day or of the run.
  struct Day {
    double onlineUnits = 0;            // sold by the online outlets of `online`
    double requested = 0;              // requested of them (both rounds)
    double fromStores = 0;             // of their units, routed from stores
    double collected = 0;              // of those, collected at the store
    double unitDays = 0;               // sum of units x delivery days
    double storeUnits = 0;             // sold by the stores of `stores` to their own customers
    double commissions = 0, fees = 0;  // paid to the stores
    void add(const Day& d) {
      onlineUnits += d.onlineUnits, requested += d.requested, fromStores += d.fromStores, collected += d.collected;
      unitDays += d.unitDays, storeUnits += d.storeUnits, commissions += d.commissions, fees += d.fees;
    }
    double fillRate() const { return requested > 0 ? onlineUnits / requested : 0.0; }
    double deliveryDays() const { return onlineUnits > 0 ? unitDays / onlineUnits : 0.0; }
  };

  /// Outlet k is a store of `stores` that may fill online outlet o's orders (it sells o's product).
  bool storeOf(const World& w, std::size_t o, std::size_t k) const {
    return m_store[k] && m_product[k] == m_product[o] && w.members.active[idx(w.outlets[k])];
  }

  /// Calls `visit(k)` for the stores that may fill o's orders in consumer i's choice set, nearest
  /// first, while it returns true.
  template <class Visit>
  void forEachStore(const World& w, std::size_t o, std::size_t i, const Visit& visit) const {
    const Consumers& c = w.consumers;
    for (std::uint32_t j = c.rowStart[i]; j < c.rowStart[i + 1]; ++j) {
      const auto k = idx(c.choiceOutlet[j]);
      if (storeOf(w, o, k) && !visit(k)) return;
    }
  }

  /// Moves `units` from store k's stock into online outlet o's at the store's book value, which o
  /// pays, and o's commission and fee to the store.
  void route(World& w, std::size_t o, std::size_t k, double units, std::vector<double>& spare,
             std::vector<double>& remaining) {
    Members& mb = w.members;
    const int online = w.outlets[o], store = w.outlets[k];
    const auto on = idx(online), st = idx(store);
    const double value = mb.stock[st] > 0 ? mb.stockValue[st] * std::min(1.0, units / mb.stock[st]) : 0.0;
    mb.stock[st] -= units;
    mb.stockValue[st] -= value;
    mb.stock[on] += units;
    mb.stockValue[on] += value;
    w.ledger.transfer(online, store, value);
    w.flows.unitsRequested[st] += units;
    w.flows.unitsSold[st] += units;
    w.flows.revenue[st] += value;
    w.flows.cogs[st] += value;
    w.flows.unitsBought[on] += units;
    w.flows.purchases[on] += value;
    const double c = m_spec.clickAndCollect;
    const double commission = m_spec.commission * mb.price[on] * units;
    const double fee = units * ((1 - c) * m_spec.shipFee + c * m_spec.collectFee);
    w.payOther(online, store, commission + fee);
    m_today.commissions += commission;
    m_today.fees += fee;
    m_routed[o] += units;
    spare[k] -= units;
    remaining[k] -= units;
    remaining[o] += units;
  }

  /// `all`: a consumer with a store of `stores` in reach is promised that store's delivery (or
  /// collection there, a trip): the online outlet's static utility for it changes by
  ///   -deliveryCost x ((1 - c) ship_days + c collect_days - own days) - c x travelCost x distance.
  void promiseStoreDelivery(World& w) const {
    Consumers& c = w.consumers;
    const Members& mb = w.members;
    const double share = m_spec.clickAndCollect;
    const double promised = (1 - share) * m_spec.shipDays + share * m_spec.collectDays;
    for (std::size_t i = 0; i < c.size(); ++i) {
      const SegmentSpec& seg = w.spec->consumers.segments[c.segment[i]];
      const bool exact = seg.noise == 0;  // exact choice keeps the utility itself
      for (std::uint32_t j = c.rowStart[i]; j < c.rowStart[i + 1]; ++j) {
        const auto o = idx(c.choiceOutlet[j]);
        if (!m_online[o]) continue;
        int nearest = -1;
        forEachStore(w, o, i, [&](std::size_t k) { return nearest = static_cast<int>(k), false; });
        if (nearest < 0) continue;
        const auto store = idx(w.outlets[idx(nearest)]);
        const double distance = std::hypot(mb.x[store] - c.x[i], mb.y[store] - c.y[i]);
        const double change =
            -seg.deliveryCost * (promised - mb.deliveryDays[idx(w.outlets[o])]) - share * seg.travelCost * distance;
        c.choiceLogWeight[j] += exact ? change : change / seg.noise;
        if (!exact) c.choiceWeight[j] = std::exp(c.choiceLogWeight[j]);
      }
    }
    // the sampled-mode kernel's copy of the weights
    if (!w.spec->consumers.expected)
      c.lanes = buildChoiceLanes(c.rowStart, c.choiceOutlet, c.choiceWeight, c.logOutside, c.segment, w.outlets.size());
  }

  const O2oSpec& m_spec;
  std::vector<std::uint8_t> m_online, m_store;  // per outlet index: in `online`, in `stores`
  std::vector<int> m_product;                   // per outlet index: the product it sells (its brand's, one per brand without `products`)
  std::vector<double> m_requestedBefore;        // per outlet index: its requests counted so far
  std::vector<double> m_routed;                 // per outlet index: units routed to it today
  std::vector<Day> m_perTick;
  Day m_today, m_run;
};

}  // namespace

MechanismEntry o2o() {
  return {
      .name = "o2o",
      .doc =
          "Omnichannel fulfilment (issue 13; Gallino & Moreno 2014): with section `o2o`, the orders of the online "
          "outlet groups `online` are filled from the stock of the brand's physical outlet groups `stores`: "
          "`ship_from_store: stockouts` routes the orders an online outlet cannot fill from its own stock (it then "
          "stays open while a store has stock), `all` every order a store can fill, `none` only measures. The store "
          "is the nearest one of `stores` in the consumer's choice set with spare stock (after its own customers' "
          "requests); sampled mode routes the consumers who picked the online outlet, expected mode spreads the "
          "units evenly over its consumers; a consumer with no such store in reach is not routed. A routed unit "
          "moves at the store's book value, which the online outlet pays (a sale at cost), plus `commission` × its "
          "price and `ship_fee` (shipped) or `collect_fee` (collected) per unit. A share `click_and_collect` of "
          "routed units is collected at the store (store traffic). Delivery: own stock the outlet's "
          "`delivery_days`, shipped `ship_days`, collected `collect_days`; with `all` a consumer with a store in "
          "reach is promised the store's delivery, which enters utility as online delivery does "
          "(−delivery_cost × ((1 − c) ship_days + c collect_days − own days) − c × travel_cost × distance). Only "
          "the first round of choices is routed. Timeseries: `o2o_units_from_stores`, `o2o_fill_rate_online`, "
          "`o2o_delivery_days`, `o2o_store_traffic`. Summary (only when the section is given): "
          "`o2o.online_units`, `.units_from_stores`, `.units_collected`, `.fill_rate_online` (sold / requested), "
          "`.delivery_days` (unit-weighted), `.store_units`, `.store_traffic` (store units + collected units), "
          "`.commissions`, `.fees`. Scenario: `scenarios/o2o.yaml`.",
      .makeSpec = [] { return std::make_unique<O2oSpec>(); },
      .fields = [](MechanismSpec& s, FieldVisitor& v,
                   const ScenarioSpec& scenario) { static_cast<O2oSpec&>(s).fields(v, scenario); },
      .used = [](const MechanismSpec& s) { return static_cast<const O2oSpec&>(s).present; },
      .create = [](const MechanismSpec& s, const World& w) -> std::unique_ptr<Mechanism> {
        const auto& spec = static_cast<const O2oSpec&>(s);
        if (!spec.present) return std::make_unique<Mechanism>();  // off: no state, no column, no key
        return std::make_unique<O2o>(spec, w);
      },
  };
}

}  // namespace chan::mechanisms
