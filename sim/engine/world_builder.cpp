#include "sim/engine/world_builder.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <stdexcept>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "models/placement.hpp"
#include "sim/core/spatial_grid.hpp"
#include "sim/core/territory_area.hpp"

namespace chan {
namespace {

/// Operating defaults per member kind: the deck's "cost, fees, service level, delivery, reach".
struct KindDefaults {
  double fixedCost, holdingCost, shippingCost, commission, serviceLevel, deliveryDays, reach;
};

KindDefaults kindDefaults(MemberKind kind) {
  switch (kind) {
    case MemberKind::Manufacturer: return {0, 0, 0, 0, 0, 0, 0};
    case MemberKind::Distributor: return {50, 0.01, 0, 0, 0, 0, 0};
    case MemberKind::OfflineStore: return {20, 0.02, 0, 0, 0.5, 0, 1};
    case MemberKind::SpecialtyStore: return {40, 0.03, 0, 0, 0.8, 0, 1};
    case MemberKind::EStore: return {30, 0.01, 1.0, 0, 0.6, 2, 1};
    case MemberKind::Marketplace: return {0, 0.01, 1.0, 0.12, 0.4, 3, 1};
    case MemberKind::SocialSeller: return {0, 0.01, 1.0, 0.05, 0.3, 4, 0.3};
    case MemberKind::Logistics: return {0, 0, 0, 0, 0, 0, 0};
  }
  return {};
}

double orDefault(double value, double fallback) { return value >= 0 ? value : fallback; }

/// Set-up work is split into fixed blocks of this many agents; every agent's result is a pure
/// function of its own random stream, so blocks may run on any thread in any order.
constexpr std::size_t kSetupBlock = 8192;
/// Groups of at least this many sites placed by draws are numbered in map order (MapOrder).
/// A smaller group's per-outlet tables fit in a core's cache whatever the order, and it keeps
/// the draw order that data written by earlier versions refers to (the shipped sales history
/// of scenarios/calibration/ names its 24 stores by number).
constexpr std::size_t kMapOrderSites = 4096;
/// Stores found for the choice sets kept between set-up's two passes (4 bytes each) at most.
constexpr std::size_t kMaxKeptStores = 64u << 20;

/// Runs body(begin, end) over [0, count) in kSetupBlock pieces in parallel.
template <class Body>
void parallelBlocks(std::size_t count, const Body& body) {
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, count, kSetupBlock),
                    [&](const tbb::blocked_range<std::size_t>& r) { body(r.begin(), r.end()); });
}

/// Map order: agents placed by draws are numbered cell by cell (row-major square cells of
/// about `perCell` agents each over the map; a stable counting sort, so a cell keeps its agents
/// in draw order) within each of their index ranges. Why: neighbours on the map are then
/// neighbours in memory. Consecutive consumers share their nearest stores, and neighbouring
/// stores share cache lines of the per-outlet tables, so the per-consumer passes of a tick
/// (choice, reach, substitution, source of volume) and set-up's nearest-store queries read
/// each store's entries from cache instead of memory; numbered in draw order, the consumers and
/// stores of a national network (10M among 1M stores) stand in random cities.
class MapOrder {
 public:
  MapOrder(const ScenarioSpec& spec, std::size_t agents, double perCell) {
    constexpr double kMostCells = 1 << 22;
    const double cells = std::clamp(static_cast<double>(agents) / perCell, 1.0, kMostCells);
    m_side = std::sqrt(spec.width * spec.height / cells);
    m_cols = static_cast<std::size_t>(std::max(1.0, std::ceil(spec.width / m_side)));
    m_rows = static_cast<std::size_t>(std::max(1.0, std::ceil(spec.height / m_side)));
  }
  std::uint32_t cellOf(const models::Point& p) const {
    const auto col = std::min(m_cols - 1, static_cast<std::size_t>(std::max(0.0, p.x / m_side)));
    const auto row = std::min(m_rows - 1, static_cast<std::size_t>(std::max(0.0, p.y / m_side)));
    return static_cast<std::uint32_t>(row * m_cols + col);
  }
  /// order[i]: the agent (by draw) who takes index i; each range [previous end, rangeEnd[r])
  /// keeps its agents
  std::vector<std::uint32_t> order(const std::vector<std::uint32_t>& cell, const std::vector<std::size_t>& rangeEnd) const {
    std::vector<std::uint32_t> order(cell.size()), start(m_rows * m_cols + 1);
    for (std::size_t r = 0, begin = 0; r < rangeEnd.size(); begin = rangeEnd[r++]) {
      std::fill(start.begin(), start.end(), 0);
      for (std::size_t k = begin; k < rangeEnd[r]; ++k) ++start[cell[k] + 1];
      std::partial_sum(start.begin(), start.end(), start.begin());
      for (std::size_t k = begin; k < rangeEnd[r]; ++k) order[begin + start[cell[k]]++] = static_cast<std::uint32_t>(k);
    }
    return order;
  }

 private:
  double m_side = 1;
  std::size_t m_cols = 1, m_rows = 1;
};

/// Every brand's products, brand by brand: a `products` entry with the brand's values where it
/// gives none, or the brand itself when it lists none. Returns each brand's first product.
std::vector<int> addProducts(const ScenarioSpec& spec, World& w) {
  std::vector<int> first;
  const std::size_t segments = spec.consumers.segments.size();
  for (std::size_t b = 0; b < spec.brands.size(); ++b) {
    const BrandSpec& brand = spec.brands[b];
    first.push_back(static_cast<int>(w.products.size()));
    if (brand.products.empty()) {
      w.products.push_back({static_cast<int>(b), brand.name, brand.unitCost, brand.suggestedRetail, brand.minAdvertised,
                            brand.capacity, std::vector<double>(segments, 0.0), false});
      continue;
    }
    for (const ProductSpec& p : brand.products) {
      Product& q = w.products.emplace_back();
      q.brand = static_cast<int>(b);
      q.name = p.name;
      q.unitCost = p.unitCost >= 0 ? p.unitCost : brand.unitCost;
      q.suggestedRetail = p.suggestedRetail >= 0 ? p.suggestedRetail : brand.suggestedRetail;
      q.minAdvertised = p.minAdvertised >= 0 ? p.minAdvertised : brand.minAdvertised;
      q.capacity = p.capacity >= 0 ? p.capacity : brand.capacity;
      q.appeal.assign(segments, p.segments.empty() ? p.appeal : 0.0);
      for (int s : p.segments) q.appeal[static_cast<std::size_t>(s)] = p.appeal;
      q.listed = true;
    }
  }
  return first;
}

/// The products group `gs` carries (World::products indices): its assortment, or every product
/// of its brand.
std::vector<int> carried(const ScenarioSpec& spec, const MemberGroupSpec& gs, int firstOfBrand) {
  std::vector<int> out;
  const auto& brandProducts = spec.brands[static_cast<std::size_t>(gs.brand)].products;
  if (gs.kind == MemberKind::Logistics) return {firstOfBrand};  // carries goods, trades none
  if (gs.assortment.empty())
    for (std::size_t p = 0; p < std::max<std::size_t>(1, brandProducts.size()); ++p) out.push_back(firstOfBrand + static_cast<int>(p));
  for (int p : gs.assortment) out.push_back(firstOfBrand + p);
  return out;
}

/// Adds each group's members: per instance (a site: one place, one territory) one member per
/// product it carries, consecutive ids, the first being the site.
void addMembers(const ScenarioSpec& spec, const std::vector<models::Point>& cities, World& w,
                std::vector<std::vector<int>>& groupMembers) {
  Members& mb = w.members;
  const std::vector<int> firstProduct = addProducts(spec, w);
  for (std::size_t g = 0; g < spec.groups.size(); ++g) {
    const MemberGroupSpec& gs = spec.groups[g];
    const KindDefaults def = kindDefaults(gs.kind);
    const std::vector<int> products = carried(spec, gs, firstProduct[static_cast<std::size_t>(gs.brand)]);
    // logistics providers carry goods but hold none: they belong to no tier of the supply chain
    const int tier = gs.kind == MemberKind::Logistics ? -1
                     : gs.supplierGroup < 0
                         ? 0
                         : mb.tier[static_cast<std::size_t>(groupMembers[static_cast<std::size_t>(gs.supplierGroup)][0])] + 1;
    // instance k's site id in draw order (each instance lists every product it carries)
    const auto firstSite = static_cast<std::uint64_t>(mb.size()), perSite = static_cast<std::uint64_t>(products.size());
    auto placeStream = [&](std::size_t draw) {
      return Stream(spec.mapSeed, models::kMapRun, 0, StreamPurpose::Setup, 0x100000000ULL + firstSite + draw * perSite);
    };
    // a large group placed by draws takes its places in map order (MapOrder, about 4 sites a
    // cell), the active sites and the reserve each keep their index ranges
    const auto instances = static_cast<std::size_t>(gs.count + gs.reserve);
    std::vector<std::uint32_t> drawOf;
    if (!gs.table && gs.territories.empty() && !isOnline(gs.kind) && instances >= kMapOrderSites) {
      const MapOrder grid(spec, instances, 4);
      std::vector<std::uint32_t> cell(instances);
      parallelBlocks(instances, [&](std::size_t begin, std::size_t end) {
        for (std::size_t k = begin; k < end; ++k) {
          Stream rng = placeStream(k);
          cell[k] = grid.cellOf(models::placePoint(spec, cities, gs.placement, spec.consumers.urbanShare, rng));
        }
      });
      drawOf = grid.order(cell, {static_cast<std::size_t>(gs.count), instances});
    }
    for (int k = 0; k < gs.count + gs.reserve; ++k) {
      const int site = static_cast<int>(mb.size());
      Stream rng = placeStream(drawOf.empty() ? static_cast<std::size_t>(k) : drawOf[static_cast<std::size_t>(k)]);
      int territory = gs.territories.empty() ? -1 : gs.territories[static_cast<std::size_t>(k) % gs.territories.size()];
      const ImportedMember* row = gs.table ? &gs.table->rows[static_cast<std::size_t>(k)] : nullptr;
      models::Point p;
      if (row) {  // an imported member sits where its row says, in the territory it names or covering it
        p = {row->x, row->y};
        territory = row->territory >= 0 ? row->territory : territoryAt(spec, p.x, p.y);
      } else if (territory >= 0) {  // members holding a territory sit in its middle
        const GeoPoint c = territoryCentre(spec.territories[static_cast<std::size_t>(territory)]);
        p = {c.x(), c.y()};
      } else if (!isOnline(gs.kind)) {
        p = models::placePoint(spec, cities, gs.placement, spec.consumers.urbanShare, rng);
        territory = territoryAt(spec, p.x, p.y);
      } else {
        p = {spec.width / 2, spec.height / 2};
      }
      for (int product : products) {
        groupMembers[g].push_back(static_cast<int>(mb.size()));
        mb.site.push_back(site);
        mb.product.push_back(product);
        mb.kind.push_back(gs.kind);
        mb.group.push_back(static_cast<int>(g));
        mb.brand.push_back(gs.brand);
        mb.tier.push_back(tier);
        mb.territory.push_back(territory);
        mb.x.push_back(p.x);
        mb.y.push_back(p.y);
        mb.fixedCost.push_back(orDefault(gs.fixedCost, def.fixedCost));
        mb.holdingCost.push_back(orDefault(gs.holdingCost, def.holdingCost));
        mb.shippingCost.push_back(orDefault(gs.shippingCost, def.shippingCost));
        mb.commission.push_back(orDefault(gs.commission, def.commission));
        mb.serviceLevel.push_back(orDefault(gs.serviceLevel, def.serviceLevel));
        mb.deliveryDays.push_back(orDefault(gs.deliveryDays, def.deliveryDays));
        mb.reach.push_back(orDefault(gs.reach, def.reach));
        mb.valuationFactor.push_back(gs.valuationFactor);
        mb.window.push_back(std::max(1, gs.replenish.forecastWindow));
        mb.active.push_back(k < gs.count);
        mb.priceFactor.push_back(gs.priceFactors.empty() ? 1.0 : gs.priceFactors[static_cast<std::size_t>(k) % gs.priceFactors.size()]);
        mb.roleCost.push_back(gs.roleCostPerUnit);
        mb.capacity.push_back(std::numeric_limits<double>::infinity());
        mb.openingStock.push_back(gs.replenish.initialStock);
        if (row) {  // the row's overrides
          if (row->priceFactor >= 0) mb.priceFactor.back() = row->priceFactor;
          if (row->serviceLevel >= 0) mb.serviceLevel.back() = row->serviceLevel;
          if (row->capacity >= 0) mb.capacity.back() = row->capacity;
          if (row->openingStock >= 0) mb.openingStock.back() = row->openingStock;
        }
        mb.saleIncomeRate.push_back(0.0);  // (mechanisms set it at set-up)
        mb.serviceLevel.back() = std::min(1.0, mb.serviceLevel.back() + gs.serviceLift);
        mb.valuationFactor.back() *= 1.0 + gs.valueLift;
      }
    }
  }
}

/// The listing of `product` at the site of member `site` (the site itself when it carries no
/// such product: a supplier of another brand).
int listingAt(const Members& mb, int site, int product) {
  for (auto m = static_cast<std::size_t>(site); m < mb.size() && mb.site[m] == site; ++m)
    if (mb.product[m] == product) return static_cast<int>(m);
  return site;
}

/// The sites (first listings) among `members`, in order.
std::vector<int> sitesOf(const Members& mb, const std::vector<int>& members) {
  std::vector<int> out;
  for (int m : members)
    if (mb.site[static_cast<std::size_t>(m)] == m) out.push_back(m);
  return out;
}

/// The supplier of member m among `candidates`, by the group's rule.
int chooseSupplier(const World& w, int m, int index, SupplierRule rule, const std::vector<int>& candidates) {
  const Members& mb = w.members;
  const auto mi = static_cast<std::size_t>(m);
  if (rule == SupplierRule::RoundRobin) return candidates[static_cast<std::size_t>(index) % candidates.size()];
  auto distance = [&](int c) { return std::hypot(mb.x[static_cast<std::size_t>(c)] - mb.x[mi], mb.y[static_cast<std::size_t>(c)] - mb.y[mi]); };
  int best = -1;
  for (int c : candidates) {
    const bool sameTerritory = mb.territory[static_cast<std::size_t>(c)] == mb.territory[mi] && mb.territory[mi] >= 0;
    const bool bestSame = best >= 0 && mb.territory[static_cast<std::size_t>(best)] == mb.territory[mi] && mb.territory[mi] >= 0;
    if (best < 0) { best = c; continue; }
    if (rule == SupplierRule::Territory && sameTerritory != bestSame) {
      if (sameTerritory) best = c;
      continue;
    }
    if (distance(c) < distance(best)) best = c;
  }
  return best;
}

void connectSuppliers(const ScenarioSpec& spec, World& w, const std::vector<std::vector<int>>& groupMembers) {
  Members& mb = w.members;
  mb.supplier.assign(mb.size(), -1);
  mb.owner.assign(mb.size(), -1);
  mb.carrier.assign(mb.size(), -1);
  mb.authorised.assign(mb.size(), 1);  // the gray market mechanism marks its resellers at start
  w.owned.assign(mb.size(), {});
  for (std::size_t g = 0; g < spec.groups.size(); ++g) {
    if (spec.groups[g].ownerGroup < 0) continue;
    // (the owner group has one site: its listing of the same product prices each listing)
    const int ownerSite = groupMembers[static_cast<std::size_t>(spec.groups[g].ownerGroup)][0];
    for (int m : groupMembers[g]) {
      const int owner = listingAt(mb, ownerSite, mb.product[static_cast<std::size_t>(m)]);
      mb.owner[static_cast<std::size_t>(m)] = owner;
      w.owned[static_cast<std::size_t>(owner)].push_back(m);
    }
  }
  w.graph = SupplyGraph(mb.size());
  for (std::size_t g = 0; g < spec.groups.size(); ++g) {
    const MemberGroupSpec& gs = spec.groups[g];
    if (gs.supplierGroup < 0) continue;
    // sites choose sites; each listing then buys its product from the chosen site
    const std::vector<int> candidates = sitesOf(mb, groupMembers[static_cast<std::size_t>(gs.supplierGroup)]);
    const std::vector<int> sites = sitesOf(mb, groupMembers[g]);
    // each site's supplier depends on positions only: chosen in parallel, edges added in
    // member order. The nearest of many candidates comes from a grid: the same pick as the
    // scan (smallest hypot distance, ties to the earlier candidate), without a million x
    // hundreds of distances
    std::vector<int> chosen(sites.size());
    std::vector<double> cx, cy;
    for (int cand : candidates)
      cx.push_back(mb.x[static_cast<std::size_t>(cand)]), cy.push_back(mb.y[static_cast<std::size_t>(cand)]);
    const bool gridded = gs.supplierRule == SupplierRule::Nearest && candidates.size() > 32;
    const SpatialGrid grid(cx, cy, spec.width, spec.height, 2.0);
    parallelBlocks(chosen.size(), [&](std::size_t begin, std::size_t end) {
      std::vector<std::pair<double, int>> near;
      for (std::size_t k = begin; k < end; ++k) {
        const auto m = static_cast<std::size_t>(sites[k]);
        const ImportedMember* row = gs.table ? &gs.table->rows[k] : nullptr;
        if (row && row->supplier >= 0) {  // the supplier its row names
          chosen[k] = candidates[static_cast<std::size_t>(row->supplier)];
        } else if (gridded) {
          grid.nearest(mb.x[m], mb.y[m], 1, 0, near);
          chosen[k] = candidates[static_cast<std::size_t>(near.front().second)];
        } else {
          chosen[k] = chooseSupplier(w, static_cast<int>(m), static_cast<int>(k), gs.supplierRule, candidates);
        }
      }
    });
    std::size_t k = 0;  // the site's index among the group's sites
    for (const int m : groupMembers[g]) {
      if (mb.site[static_cast<std::size_t>(m)] != sites[k]) ++k;
      const int s = listingAt(mb, chosen[k], mb.product[static_cast<std::size_t>(m)]);
      mb.supplier[static_cast<std::size_t>(m)] = s;
      // the group's logistics provider group: its members carry for the buyers' sites in turn
      if (gs.logisticsGroup >= 0) {
        const auto& carriers = groupMembers[static_cast<std::size_t>(gs.logisticsGroup)];
        mb.carrier[static_cast<std::size_t>(m)] = carriers[k % carriers.size()];
      }
      boost::add_edge(static_cast<std::size_t>(s), static_cast<std::size_t>(m),
                      SupplyTerms{gs.discount, gs.leadTime, gs.minOrder, gs.fixedFee}, w.graph);
    }
  }
}

void indexMembers(World& w) {
  Members& mb = w.members;
  mb.outletIndex.assign(mb.size(), -1);
  int tiers = 0;
  for (std::size_t m = 0; m < mb.size(); ++m) {
    tiers = std::max(tiers, mb.tier[m] + 1);
    if (isOutlet(mb.kind[m])) {
      mb.outletIndex[m] = static_cast<int>(w.outlets.size());
      w.outlets.push_back(static_cast<int>(m));
    }
  }
  w.byTier.assign(static_cast<std::size_t>(tiers), {});
  for (std::size_t m = 0; m < mb.size(); ++m)
    if (mb.tier[m] >= 0) w.byTier[static_cast<std::size_t>(mb.tier[m])].push_back(static_cast<int>(m));
  // outlets below each member: walk up the supplier chain from every outlet
  w.rebuildSubtrees();
}

void initialiseState(const ScenarioSpec& spec, World& w) {
  Members& mb = w.members;
  const std::size_t n = mb.size();
  mb.strikes.assign(n, 0);
  mb.suspendedUntil.assign(n, 0);
  mb.depositPosted.assign(n, 0.0);
  mb.depositHeld.assign(n, 0.0);
  mb.violationDays.assign(n, 0);
  mb.detections.assign(n, 0);
  mb.formerSupplier.assign(n, -1);
  mb.breachedUntil.assign(n, 0);
  mb.disrupted.assign(n, 0);
  w.brandMaker.assign(spec.brands.size(), -1);
  for (std::size_t m = n; m-- > 0;)
    if (mb.kind[m] == MemberKind::Manufacturer) w.brandMaker[static_cast<std::size_t>(mb.brand[m])] = static_cast<int>(m);
  mb.price.assign(n, 0.0);
  mb.stock.assign(n, 0.0);
  mb.stockValue.assign(n, 0.0);
  mb.onOrder.assign(n, 0.0);
  mb.recorded.assign(n, 0);
  mb.forecastSum.assign(n, 0.0);
  mb.historyStride = static_cast<std::size_t>(*std::max_element(mb.window.begin(), mb.window.end()));
  mb.history.assign(n * mb.historyStride, 0.0);
  // smoothed forecasts' state, only where a group uses one (a national network has a million members)
  bool smoothed = false;
  for (const MemberGroupSpec& g : spec.groups) {
    const ForecastSpec& f = g.replenish.forecast;
    smoothed |= f.method != ForecastMethod::MovingAverage;
    if (f.method == ForecastMethod::HoltWinters) mb.seasonStride = std::max(mb.seasonStride, static_cast<std::size_t>(f.season));
  }
  if (smoothed) {
    mb.level.assign(n, 0.0);
    mb.trend.assign(n, 0.0);
    mb.seasonal.assign(n * mb.seasonStride, 0.0);
  }
  w.flows.resize(n);
  std::vector<double> cash(n);
  for (std::size_t m = 0; m < n; ++m) cash[m] = spec.groups[static_cast<std::size_t>(mb.group[m])].initialCash;
  w.ledger.open(cash);
  w.flows.openingCash = cash;
}

/// The generated consumers in map order within each segment's index range (MapOrder, about
/// 16 consumers a cell): order[i] is the consumer (by the draws that make it) who takes index i.
std::vector<std::uint32_t> consumerMapOrder(const ScenarioSpec& spec, const std::vector<models::Point>& cities,
                                            const std::vector<std::size_t>& segmentEnd) {
  const ConsumerSpec& cs = spec.consumers;
  const auto n = static_cast<std::size_t>(cs.count);
  const MapOrder grid(spec, n, 16);
  std::vector<std::uint32_t> cell(n);
  parallelBlocks(n, [&](std::size_t begin, std::size_t end) {
    for (std::size_t k = begin; k < end; ++k) {
      Stream place(spec.mapSeed, models::kMapRun, 0, StreamPurpose::Setup, k);
      cell[k] = grid.cellOf(models::placePoint(spec, cities, cs.placement, cs.urbanShare, place));
    }
  });
  return grid.order(cell, segmentEnd);
}

void addConsumers(const ScenarioSpec& spec, const std::vector<models::Point>& cities, World& w) {
  const ConsumerSpec& cs = spec.consumers;
  Consumers& c = w.consumers;
  const auto n = static_cast<std::size_t>(cs.count);
  c.x.resize(n), c.y.resize(n), c.segment.resize(n), c.valuation.resize(n), c.region.resize(n);
  c.logOutside.resize(n);
  c.pick.assign(n, -1);
  // segments take consecutive index ranges in proportion to their shares
  std::vector<std::size_t> segmentEnd;
  double cumulative = 0, totalShare = 0;
  for (const auto& s : cs.segments) totalShare += s.share;
  for (const auto& s : cs.segments) {
    cumulative += s.share / totalShare;
    segmentEnd.push_back(static_cast<std::size_t>(std::llround(cumulative * static_cast<double>(n))));
  }
  segmentEnd.back() = n;
  if (cs.table) segmentEnd = cs.table->segmentEnd;  // imported consumers: the loader's ranges
  // a consumer of a uniform_quantiles segment stands for its quantile cell of valuations (used
  // by exact choice, see models/consumer_choice.hpp); other distributions have point values
  c.cellHalfWidth.clear();
  for (std::size_t s = 0; s < cs.segments.size(); ++s) {
    const Distribution& d = cs.segments[s].valuation;
    const auto members = static_cast<double>(segmentEnd[s] - (s == 0 ? 0 : segmentEnd[s - 1]));
    const bool cells = d.type == Distribution::Type::UniformQuantiles && members > 0;
    c.cellHalfWidth.push_back(cells ? (d.b - d.a) / (2 * members) : 0.0);
  }
  // order[i]: the consumer (by its draws: place and valuation) who takes index i; empty:
  // draw order (imported consumers keep the file's order)
  const std::vector<std::uint32_t> order = cs.table ? std::vector<std::uint32_t>{} : consumerMapOrder(spec, cities, segmentEnd);
  // each consumer from its own stream: in parallel
  parallelBlocks(n, [&](std::size_t begin, std::size_t end) {
    auto seg =
        static_cast<std::size_t>(std::upper_bound(segmentEnd.begin(), segmentEnd.end(), begin) - segmentEnd.begin());
    std::size_t segStart = seg == 0 ? 0 : segmentEnd[seg - 1];
    for (std::size_t i = begin; i < end; ++i) {
      while (i >= segmentEnd[seg]) segStart = segmentEnd[seg++];
      const std::size_t k = order.empty() ? i : order[i];  // the same segment as slot i
      // the place is the map's (map_seed); the valuation is demand (seed, run), drawn from a
      // stream that continues the count where the place's stopped, so that at map_seed = seed
      // and run 0 both are the draws of the one stream used before map_seed existed
      Stream place(spec.mapSeed, models::kMapRun, 0, StreamPurpose::Setup, k);
      const models::Point p = cs.table ? models::Point{cs.table->x[k], cs.table->y[k]}
                                       : models::placePoint(spec, cities, cs.placement, cs.urbanShare, place);
      Stream rng(spec.seed, static_cast<std::uint64_t>(spec.run), 0, StreamPurpose::Setup, k);
      rng.skip(place.draws());
      c.x[i] = static_cast<float>(p.x);
      c.y[i] = static_cast<float>(p.y);
      c.segment[i] = static_cast<std::uint8_t>(seg);
      c.valuation[i] = models::draw(cs.segments[seg].valuation, rng, k - segStart, segmentEnd[seg] - segStart);
      c.region[i] = territoryAt(spec, p.x, p.y);
    }
  });
}

/// Choice sets (CSR) and the static part of each option's utility, exponentiated once.
void buildChoiceSets(const ScenarioSpec& spec, World& w) {
  const Members& mb = w.members;
  Consumers& c = w.consumers;
  // sites, by the outlet index of their first listing; a site's listings have the outlet
  // indices that follow it (one per product it carries)
  std::vector<int> physical, online;
  std::vector<std::uint32_t> physicalListings, onlineListings;
  std::vector<double> px, py;
  for (std::size_t o = 0; o < w.outlets.size(); ++o) {
    const auto m = static_cast<std::size_t>(w.outlets[o]);
    if (mb.site[m] != static_cast<int>(m)) {
      ++(isOnline(mb.kind[m]) ? onlineListings : physicalListings).back();
    } else if (isOnline(mb.kind[m])) {
      online.push_back(static_cast<int>(o));
      onlineListings.push_back(1);
    } else {
      physical.push_back(static_cast<int>(o));
      physicalListings.push_back(1);
      px.push_back(mb.x[m]);
      py.push_back(mb.y[m]);
    }
  }
  // whether every store has as many listings: then a row's length without a radius is known
  const bool evenListings = std::adjacent_find(physicalListings.begin(), physicalListings.end(),
                                               std::not_equal_to<>()) == physicalListings.end();
  const std::uint32_t listingsPerStore = physicalListings.empty() ? 1 : physicalListings.front();
  const SpatialGrid grid(px, py, spec.width, spec.height);
  const int nearest = spec.consumers.nearest;
  const double radius = spec.consumers.radius;
  // whether online outlet o (the outlet index of a site) is in consumer i's choice set: reach
  // is drawn once per consumer and site from the set-up stream
  auto reaches = [&](std::size_t i, int o) {
    const double reach = mb.reach[static_cast<std::size_t>(w.outlets[static_cast<std::size_t>(o)])];
    if (reach >= 1) return true;
    Stream rng(spec.seed, static_cast<std::uint64_t>(spec.run), 0, StreamPurpose::Setup,
               (static_cast<std::uint64_t>(o) << 40) ^ i ^ 0x5EED0000000000ULL);
    return rng.uniform() < reach;
  };
  // Two passes over fixed blocks of consumers: the rows' lengths, then the rows written in place
  // into arrays of the exact size (no per-block copies: set-up touches one copy of the choice
  // sets). Without a radius a row holds min(nearest, stores) stores, so the first pass only
  // draws the online reach; with one it finds the stores in range (each row depends on its
  // consumer only).
  const auto kNearest = static_cast<std::size_t>(std::max(nearest, 0));
  const std::size_t storesWithoutRadius = std::min(kNearest, physical.size());
  // with a radius (or stores carrying different numbers of products) the first pass finds the
  // stores; it keeps them (index, nearest first) for the second unless that would take more
  // than kMaxKeptStores entries (it then searches again)
  const bool search = radius > 0 || !evenListings;
  const bool keepStores = search && c.size() * kNearest <= kMaxKeptStores;
  std::vector<std::int32_t> kept(keepStores ? c.size() * kNearest : 0, -1);  // -1: no further store in range
  c.rowStart.assign(c.size() + 1, 0);
  parallelBlocks(c.size(), [&](std::size_t begin, std::size_t end) {
    std::vector<std::pair<double, int>> near;
    for (std::size_t i = begin; i < end; ++i) {
      std::size_t length = storesWithoutRadius * listingsPerStore;
      if (search) {
        grid.nearest(c.x[i], c.y[i], nearest, radius, near);
        length = 0;
        for (std::size_t j = 0; j < near.size(); ++j) {
          length += physicalListings[static_cast<std::size_t>(near[j].second)];
          if (keepStores) kept[i * kNearest + j] = near[j].second;
        }
      }
      for (std::size_t k = 0; k < online.size(); ++k) length += reaches(i, online[k]) ? onlineListings[k] : 0;
      c.rowStart[i + 1] = static_cast<std::uint32_t>(length);
    }
  });
  for (std::size_t i = 0; i < c.size(); ++i) {
    c.longestRow = std::max<std::size_t>(c.longestRow, c.rowStart[i + 1]);
    c.rowStart[i + 1] += c.rowStart[i];
  }
  // every entry is written by the pass below (in parallel: the pages are first touched there)
  c.choiceOutlet.resize(c.rowStart.back());
  c.choiceWeight.resize(c.rowStart.back());
  c.choiceLogWeight.resize(c.rowStart.back());
  parallelBlocks(c.size(), [&](std::size_t begin, std::size_t end) {
    std::vector<std::pair<double, int>> near;
    std::vector<double> utility;
    for (std::size_t i = begin; i < end; ++i) {
      const SegmentSpec& seg = spec.consumers.segments[c.segment[i]];
      const bool exact = seg.noise == 0;  // deterministic choice keeps utilities, not weights
      if (keepStores) {  // the stores the first pass found; the grid's distance, computed again
        near.clear();
        for (std::size_t j = 0; j < kNearest && kept[i * kNearest + j] >= 0; ++j) {
          const int k = kept[i * kNearest + j];
          near.emplace_back(std::hypot(px[static_cast<std::size_t>(k)] - c.x[i], py[static_cast<std::size_t>(k)] - c.y[i]), k);
        }
      } else {
        grid.nearest(c.x[i], c.y[i], nearest, radius, near);
      }
      utility.clear();
      std::uint32_t at = c.rowStart[i];
      auto add = [&](int o, double distance) {
        const auto m = static_cast<std::size_t>(w.outlets[static_cast<std::size_t>(o)]);
        const double u = c.valuation[i] * mb.valuationFactor[m] + (isOnline(mb.kind[m]) ? seg.onlinePreference : 0.0) -
                         seg.travelCost * distance - seg.deliveryCost * mb.deliveryDays[m];
        c.choiceOutlet[at++] = o;
        utility.push_back(exact ? u : u / seg.noise);
      };
      for (const auto& [d, k] : near)
        for (std::uint32_t l = 0; l < physicalListings[static_cast<std::size_t>(k)]; ++l)
          add(physical[static_cast<std::size_t>(k)] + static_cast<int>(l), d);
      for (std::size_t k = 0; k < online.size(); ++k)
        if (reaches(i, online[k]))
          for (std::uint32_t l = 0; l < onlineListings[k]; ++l) add(online[k] + static_cast<int>(l), 0.0);
      if (at != c.rowStart[i + 1]) throw std::logic_error("buildChoiceSets: a row's length changed between passes");
      // scale by the row maximum so weights lie in (0, 1]; the outside option keeps utility 0
      const double top = utility.empty() || exact ? 0.0 : *std::max_element(utility.begin(), utility.end());
      for (std::size_t j = 0; j < utility.size(); ++j) {
        c.choiceWeight[c.rowStart[i] + j] = exact ? 1.0 : std::exp(utility[j] - top);
        c.choiceLogWeight[c.rowStart[i] + j] = utility[j] - top;
      }
      c.logOutside[i] = seg.outsideOption ? -top : -std::numeric_limits<double>::infinity();
    }
  });
  std::vector<std::int32_t>().swap(kept);  // freed before the lanes are built
  // the sampled-mode choice kernel's layout (models/consumer_choice.cpp); expected mode never reads it
  if (!spec.consumers.expected)
    c.lanes = buildChoiceLanes(c.rowStart, c.choiceOutlet, c.choiceWeight, c.logOutside, c.segment, w.outlets.size());
  // consumers of each outlet in consumer order: counted first, so that no list reallocates
  std::vector<std::size_t> reachCount(w.outlets.size(), 0);
  for (std::int32_t o : c.choiceOutlet) ++reachCount[static_cast<std::size_t>(o)];
  w.outletConsumers.assign(w.outlets.size(), {});
  for (std::size_t o = 0; o < w.outlets.size(); ++o) w.outletConsumers[o].reserve(reachCount[o]);
  for (std::size_t i = 0; i < c.size(); ++i)
    for (std::uint32_t j = c.rowStart[i]; j < c.rowStart[i + 1]; ++j)
      w.outletConsumers[static_cast<std::size_t>(c.choiceOutlet[j])].push_back(static_cast<int>(i));
}

}  // namespace

World buildWorld(const ScenarioSpec& spec) {
  World w;
  w.spec = &spec;
  const auto cities = models::makeCities(spec);
  std::vector<std::vector<int>> groupMembers(spec.groups.size());
  addMembers(spec, cities, w, groupMembers);
  w.groupMembers = groupMembers;
  connectSuppliers(spec, w, groupMembers);
  indexMembers(w);
  initialiseState(spec, w);
  addConsumers(spec, cities, w);
  buildChoiceSets(spec, w);
  return w;
}

}  // namespace chan
