#pragma once
// World: the mutable state of one run. Members (few) and consumers (many) are kept as
// structures of arrays indexed by id; the supply network is a Boost.Graph whose vertex ids
// are member ids and whose edges carry the contract terms.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "sim/core/choice_lanes.hpp"
#include "sim/core/ledger.hpp"
#include "sim/core/raw_vector.hpp"
#include "sim/core/spec.hpp"

namespace chan {

/// An id (member, outlet, group, brand: int) as an index into the arrays that hold them.
inline std::size_t idx(int i) { return static_cast<std::size_t>(i); }

/// True when `price` is below a reference price (MAP, MSRP) > 0 by more than rounding: the one
/// test of a MAP violation or an undercut, wherever it is counted.
inline bool undercuts(double price, double reference) {
  constexpr double kRounding = 1e-12;  // relative: prices equal to the reference up to this are compliant
  return reference > 0 && price < reference * (1 - kRounding);
}

/// Terms of a supply contract, carried by the edge supplier -> buyer.
struct SupplyTerms {
  double discount = 0;       // fraction off the supplier's list price
  int leadTime = 0;          // ticks from order to arrival
  double minOrder = 0;       // units
  double fixedFee = 0;       // currency per tick, buyer to supplier
  double emergencyCost = 0;  // currency per unit, set when a risk response reassigned the buyer
};

using SupplyGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS,
                                          boost::no_property, SupplyTerms>;

/// Members: manufacturers, distributors of any tier, outlets. Index = graph vertex id.
struct Members {
  // static attributes
  std::vector<MemberKind> kind;
  std::vector<int> group;       // index into ScenarioSpec::groups
  std::vector<int> brand;       // index into ScenarioSpec::brands
  std::vector<int> product;     // index into World::products: the one product this member (listing) trades
  std::vector<int> site;        // member id of the first listing at its place: a member of a group that
                                // carries k products is k listings, one per product, at one site
  std::vector<int> tier;        // 0 = manufacturer, +1 per supply step
  std::vector<int> territory;   // region the member sits in (-1: none)
  std::vector<double> x, y;     // km
  std::vector<int> supplier;    // member id of the supplier, -1 for manufacturers
  std::vector<int> owner;       // member id whose owner sets this member's price, -1 for none
  std::vector<int> carrier;     // logistics provider carrying the member's inbound goods, -1: in-house
  std::vector<int> outletIndex; // index among outlets, -1 for non-outlets
  std::vector<std::uint8_t> authorised;  // 1: in the brand's network (contract, policed); 0: an
                                         // unauthorised reseller, set at start by mechanisms/gray_market
  // operating parameters resolved from group and kind defaults
  std::vector<double> fixedCost, holdingCost, shippingCost, commission;
  std::vector<double> serviceLevel, deliveryDays, reach, valuationFactor;
  std::vector<double> capacity;      // units it can sell to consumers per tick (infinity: no limit)
  std::vector<double> openingStock;  // units on hand at tick 0 (the group's initial_stock or its row's)
  // dynamic state
  std::vector<double> price;       // current list (selling) price, currency per unit
  std::vector<double> stock;       // units on hand
  std::vector<double> stockValue;  // book value of the units on hand (moving average cost)
  std::vector<double> onOrder;     // units ordered and not yet arrived
  std::vector<double> forecastSum; // sum of the demand history in the forecast window
  std::vector<double> history;     // ring buffers [member * historyStride + recorded % window]
  std::vector<int> recorded;       // days of demand recorded so far
  std::vector<int> window;         // forecast window of each member, ticks
  std::size_t historyStride = 1;   // longest window
  // smoothed forecasts (sized only when a group forecasts by exponential or holt_winters)
  std::vector<double> level, trend;  // smoothed level and trend of daily demand
  std::vector<double> seasonal;      // [member * seasonStride + day of season]: first the raw days, then the factors
  std::size_t seasonStride = 0;      // longest holt_winters season
  // channel control (models/channel_control)
  std::vector<std::uint8_t> active;      // 0: terminated, bankrupt or a reserve not yet recruited
  std::vector<double> priceFactor;       // multiplies the price its rule sets
  std::vector<int> breachedUntil;        // its point-of-sale data is withheld while tick < this
  std::vector<std::uint8_t> disrupted;   // 1: a scheduled disruption stops it shipping today (mechanisms/risk)
  std::vector<double> roleCost;          // currency per unit sold for service / value-added roles
  std::vector<double> saleIncomeRate;    // fraction of its consumer revenue others pay it per sale (a
                                         // referral commission), set by mechanisms; pricing counts it
  std::vector<int> strikes;              // detected violations so far (enforcement ladder step)
  std::vector<int> suspendedUntil;       // supply suspended while tick < this
  std::vector<double> depositPosted;     // security deposit this member has with its manufacturer
  std::vector<double> depositHeld;       // deposits a manufacturer holds
  std::vector<int> violationDays, detections;  // what an opportunistic outlet has learnt
  std::vector<int> formerSupplier;             // supplier before a partner review promoted it (-1: not promoted)

  std::size_t size() const { return kind.size(); }
};

/// Consumers in structure-of-arrays form; each consumer's choice set is a CSR row.
struct Consumers {
  std::vector<float> x, y;
  std::vector<std::uint8_t> segment;
  std::vector<double> valuation;
  std::vector<int> region;
  // choice set: physical outlets nearest first, then online outlets the consumer can reach
  std::vector<std::uint32_t> rowStart;  // size count + 1
  RawVector<std::int32_t> choiceOutlet;     // outlet index
  // static utility of each option: logit segments keep exp(u / mu - rowMax) in choiceWeight and
  // its log in choiceLogWeight; exact-choice segments (noise 0) keep weight 1 and u itself
  RawVector<double> choiceWeight;     // exp(static utility / mu - rowMax): (0, 1]
  RawVector<double> choiceLogWeight;  // static utility / mu - rowMax: exact where the exp underflows
  std::vector<double> logOutside;       // log weight of no purchase (-inf: no outside option)
  std::vector<double> cellHalfWidth;    // per segment: half the valuation cell a consumer stands for
  std::vector<std::int32_t> pick;       // this tick: outlet chosen, -1 none
  std::size_t longestRow = 1;           // longest choice set (sizes scratch buffers)
  ChoiceLanes lanes;                    // the choice sets again, laid out for the sampled-mode kernel

  std::size_t size() const { return x.size(); }
};

/// A shipment in transit: owned (and paid for) by the buyer, on its way.
struct Shipment {
  int arrival;   // tick at whose start it joins the buyer's stock
  int buyer;     // member id
  double units;
  double value;  // price paid
};

/// Cumulative flows per member (accrual accounting), written to members.csv. They count from
/// the start of the run, or from the end of the warm-up once its books are closed
/// (Engine::closeWarmupBooks): the opening balances are then those at the end of the warm-up.
struct MemberFlows {
  std::vector<double> unitsSold, revenue, cogs, commission, shipping, holding, fixed;
  std::vector<double> unitsBought, purchases;  // units and money paid for goods (production at cost)
  std::vector<double> openingValue;            // book value of the opening stock (and goods in transit)
  std::vector<double> openingCash;             // cash at the opening (the group's initial_cash)
  std::vector<double> feeIncome, feeExpense;   // fixed fees received from buyers and paid to suppliers
  std::vector<double> otherIncome, otherExpense;  // fines, forfeits, rebates, compensation, monitoring, emergency
  std::vector<double> otherCash;               // net cash of those, and of deposits posted or returned
  std::vector<double> writeOff;                // book value of stock written off
  std::vector<double> divertedIn;              // units bought from a supplier outside the member's territory
  std::vector<double> lostUnits, stockoutTicks, pricedTicks, undercutTicks;
  // KPI scorecards (models/scorecard)
  std::vector<double> orders;          // consumer purchases (outlets: units / consumers.weight) or shipments made
  std::vector<double> unitsRequested;  // units asked of the member (consumer requests, or orders received)
  std::vector<double> unitsOrdered;    // units the member ordered upstream (member_timeseries.csv; not in members.csv)
  std::vector<double> unitsLate;       // units shipped that a logistics delay made late
  std::vector<double> leadUnitDays;    // sum of units shipped x days from order to arrival
  void resize(std::size_t n);
  /// Every per-member vector of `f` (a MemberFlows, const or not), for operations over all of them.
  template <class Flows>
  static auto columns(Flows& f) {
    return std::array{&f.unitsSold,     &f.revenue,       &f.cogs,           &f.commission,   &f.shipping,
                      &f.holding,       &f.fixed,         &f.unitsBought,    &f.purchases,    &f.openingValue,
                      &f.openingCash,   &f.feeIncome,     &f.feeExpense,     &f.otherIncome,  &f.otherExpense,
                      &f.otherCash,     &f.writeOff,      &f.divertedIn,     &f.lostUnits,    &f.stockoutTicks,
                      &f.pricedTicks,   &f.undercutTicks, &f.orders,         &f.unitsRequested, &f.unitsOrdered,
                      &f.unitsLate,     &f.leadUnitDays};
  }
  /// Flows since `earlier` (the same members' flows at an earlier time): each vector minus its
  /// value then. The opening balances (openingValue, openingCash) are subtracted too.
  void subtract(const MemberFlows& earlier);
  double profit(std::size_t m) const {
    return revenue[m] + feeIncome[m] - feeExpense[m] + otherIncome[m] - otherExpense[m] - cogs[m] - writeOff[m] -
           commission[m] - shipping[m] - holding[m] - fixed[m];
  }
  /// Every expense in profit(): what cost-effectiveness divides by.
  double cost(std::size_t m) const {
    return feeExpense[m] + otherExpense[m] + cogs[m] + writeOff[m] + commission[m] + shipping[m] + holding[m] +
           fixed[m];
  }
};

/// A channel-conflict or risk event, one row of events.csv.
struct Event {
  enum class Type : std::uint8_t {
    PriceUndercut, TerritoryDiversion, Cannibalization, VerticalDispute, Default, Disruption, LicenceLapse,
    Termination, Recruitment, GrayMarket, TermAdjustment, Retier, DataBreach
  };
  int tick = 0;
  Type type = Type::PriceUndercut;
  int member = -1;        // the party acting (offender, failing member)
  int counterparty = -1;  // the party affected (-1: none or many)
  double units = 0;       // units involved
  double severity = 0;    // e.g. depth below MAP as a fraction of MAP
  bool detected = false;
  std::string action;     // enforcement or response taken ("" none)
};
const char* eventTypeName(Event::Type t);

/// What monitoring and enforcement (mechanisms/monitoring_enforcement.cpp) make a violation
/// cost, as the behaviours that weigh it read it (opportunistic pricing, sellers to the gray
/// market, risk's licence audits); set by that mechanism at start, 0 when nothing is policed.
struct Policing {
  double traceProbability = 0;  // chance that one off-contract shipment is traced, 0..1
  double fine = 0;              // currency per fine (0 without enforcement)
  double auditProbability = 0;  // chance of a licence audit per member-day, 0..1
  // the whole ladder, as members weigh it (models::ladderCost); empty ladder: no enforcement
  std::vector<int> ladder;     // rungs in order: 0 warning, 1 fine, 2 forfeit_deposit, 3 suspend, 4 terminate
  int suspensionTicks = 0;     // days without supply a suspension costs, ticks
  double terminationDays = 0;  // days of margin a member loses when terminated (its future margin), ticks
};

/// The risk responses (mechanisms/risk.cpp) that the channel control shared by every mechanism
/// applies where a member leaves (models::terminate) and the engine applies after pricing; set by
/// that mechanism at start, all off when the scenario has none.
struct RiskResponse {
  bool reassign = false;     // buyers of a disrupted or departed supplier move to its nearest active peer
  double emergencyCost = 0;  // currency per unit shipped to reassigned buyers
  double priceCap = 0;       // outlets cap their prices at this while any member is disrupted (0: none)
};

/// Information sharing, early-warning bounds and the in-house carriage (the `coordination`
/// section, mechanisms/coordination.cpp), for the engine's replenishment and early warnings, the
/// replenishment model and mechanisms/logistics; set by that mechanism at start.
struct Coordination {
  bool sharedSales = false;     // upstream members forecast from consumer sales, not orders
  bool visibility = false;      // IoT: upstream members see downstream stock and sales in real time
                                // and order on echelon inventory position (implies shared sales)
  double overstockDays = 30;    // early warning: days of supply above this
  double delayProbability = 0;  // in-house carriage: chance a shipment is late, 0..1 ...
  int delayTicks = 0;           // ... by this many ticks
};

/// Today's demand calendar (the `calendar` section, mechanisms/calendar.cpp): set by that
/// mechanism at the policy-review stage of every tick and read by the choice model
/// (models/consumer_choice). Every vector is empty (all factors 1) without a calendar.
struct DemandCalendar {
  std::vector<double> shop;              // per segment: factor on purchase_probability, >= 0 (product capped at 1)
  std::vector<double> priceSensitivity;  // per segment: factor on price_sensitivity, > 0
  std::vector<double> outlet;  // [segment * outlets + o]: factor on outlet o's choice weight, > 0 (logit segments)
  /// Per tick from 0 (set-up) to the last tick + kHorizon: the segments' factors weighted by their
  /// shares, which the event-aware forecast (models/replenishment) divides out of the demand it
  /// records and multiplies into the days it covers (empty: no calendar).
  std::vector<double> daily;
  std::vector<std::uint8_t> forecastGroups;  // per member group: 1 when its order-up-to forecast knows the calendar
  static constexpr int kHorizon = 400;       // days past the last tick that `daily` covers
  std::vector<std::uint8_t> event;           // per segment: 1 on an event day of an event that moves the segment
};

/// Household stock (the `household_stock` section, mechanisms/household_stock.cpp): set by that
/// mechanism after pricing every tick and read by the choice model (models/consumer_choice) and
/// fulfilment (the engine's allocation). Every vector is empty without the section: the choice
/// kernel then does no per-consumer work for it. Household stock is outside the channel: goods
/// leave the channel's books at the sale (Ledger::soldToConsumers).
struct HouseholdStock {
  /// Per consumer: 1 while its household stock covers today's needs (it skips today's purchase
  /// occasion, whatever its shopping draw).
  std::vector<std::uint8_t> stocked;
  /// [segment * outlets + o]: units per purchase (per real buyer) of the segment at outlet o
  /// today, a whole number >= 1 (more than 1 on a deal or an event day); empty on a day
  /// without any basket above one unit (the engine then serves picks as without the section).
  std::vector<double> units;
  /// Per consumer: units per real buyer it asked for today (0: no purchase), then, after
  /// allocation, those it was served (a partial basket when its outlet ran short).
  std::vector<double> basket;
};

/// Service that spills over from outlet to outlet (showrooming and webrooming,
/// mechanisms/showrooming.cpp), as the choice model reads it: outlet o's service in consumer
/// utility is its own service level plus, for k in [start[o], start[o + 1]), weight[k] x the
/// service level of outlet `from[k]` while that outlet is active. Set by that mechanism at start;
/// empty (no spill-over) otherwise.
struct ServiceSpillover {
  std::vector<std::uint32_t> start;  // per outlet index, CSR row bounds (size outlets + 1); empty: none
  std::vector<std::int32_t> from;    // outlet index whose service spills over
  std::vector<double> weight;        // service units carried per unit of the source's service, 0..1
  /// Per outlet index: what its own customers carry of its service to the other channel
  /// (showrooming: share x spillover), which an outlet weighing its own service reckons with:
  /// while `focus` (an outlet index, -1: none) probes its level, its service moves the outlets
  /// it spills over to by carried x (level - focusLevel) on top of their mean-field lift at
  /// focusLevel (its customers are the ones its showroomers come from, not 1/N of them).
  std::vector<double> carried;
  int focus = -1;
  double focusLevel = 0;
};

/// A product as the world trades it: a brand's `products` entry with the brand's values filled
/// in, or the brand itself when it lists none.
struct Product {
  int brand = 0;
  std::string name;
  double unitCost = 0, suggestedRetail = 0, minAdvertised = 0, capacity = 0;
  std::vector<double> appeal;  // utility per consumer segment
  bool listed = false;         // from a `products` list (not the brand's implicit product)
};

struct World {
  const ScenarioSpec* spec = nullptr;
  Policing policing;
  RiskResponse riskResponse;
  Coordination coordination;
  SupplyGraph graph;
  Members members;
  std::vector<int> outlets;            // outlet index -> member id
  std::vector<std::vector<int>> byTier;// member ids per tier, tier 0 first
  std::vector<std::vector<int>> outletConsumers;  // outlet index -> consumer ids that can reach it
  std::vector<std::vector<int>> subtreeOutlets;   // member id -> outlets it supplies directly or through others
  std::vector<std::vector<int>> owned;            // member id -> members whose prices it sets
  std::vector<std::vector<int>> groupMembers;     // group -> member ids (reserves last)
  std::vector<int> brandMaker;                    // brand -> its (first) manufacturer
  std::vector<Product> products;                  // every brand's products, brand by brand
  std::vector<Event> events;
  Consumers consumers;
  std::vector<Shipment> inTransit;
  MemberFlows flows;
  Ledger ledger;
  int tick = 0;
  DemandCalendar calendar;     // today's calendar factors (empty: none)
  ServiceSpillover spillover;  // showrooming and webrooming (mechanisms/showrooming.cpp)
  HouseholdStock pantry;       // household stock and pull-forward (mechanisms/household_stock.cpp)

  /// Pays `amount` (> 0, else nothing) between ledger accounts (members or externals) as other
  /// income and expense of the members involved: fines, rebates, fees, compensation.
  void payOther(int payer, int payee, double amount);
  int tierCount() const { return static_cast<int>(byTier.size()); }
  /// Recomputes subtreeOutlets from the members' suppliers and authorisation (after set-up, a
  /// reassignment, or a mechanism marking unauthorised resellers).
  void rebuildSubtrees();
  /// Discount on member m's supply contract (0 without a supplier).
  double discountOf(int member) const;
  /// Terms on which `supplier` sells to `buyer`: their contract, or for a buyer sourcing
  /// off-contract (diversion, gray market) its group's usual terms.
  SupplyTerms termsFor(int supplier, int buyer) const;
  /// The product member m trades (its cost, MSRP and MAP).
  const Product& productOf(int member) const {
    return products[static_cast<std::size_t>(members.product[static_cast<std::size_t>(member)])];
  }
  /// The scenario group member m belongs to.
  const MemberGroupSpec& groupOf(int member) const {
    return spec->groups[static_cast<std::size_t>(members.group[static_cast<std::size_t>(member)])];
  }
};

}  // namespace chan
