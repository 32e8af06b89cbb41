// Showrooming and webrooming (issue 12; deck ch. 3: the channel's service providers and its free
// riders; Telser 1960, Wu, Ray, Geng & Whinston 2004): a share `share` (phi) of online shoppers
// first visit a nearby physical outlet of the brand, whose pre-sale service (advice, display,
// trial) lifts their utility for the online offer as well, while the store gets no sale; a share
// `webrooming` (psi) of store shoppers research the brand's online outlets first, whose service
// (reviews, configurators) lifts their utility for the store.
//
// Mean field: the choice model's utilities are per (segment, outlet), so the lift is the expected
// one, the same for every consumer who can reach the outlet. An online outlet o takes
//   phi x spillover x sum_j share_j(o) x service_j
// where share_j(o) is the fraction of the consumers reaching o whose nearest store of o's brand
// (in their choice set) is j; a store j likewise takes psi x webrooming_spillover x the mean
// service of the brand's online outlets its consumers reach. They are published in
// World::spillover at start and read by models::computeFactors from the current service levels,
// so a store choosing its effort (service_effort) sees that a part of its service now sells the
// online rival's units: the free-riding that starves service as phi rises. The mean field spreads
// one store's service over all the online outlet's consumers (1/N of it each); a store weighing
// its own effort reckons with its own customers, whose showroomers carry phi x spillover of it
// (World::spillover.focus/carried): in a network of alike stores the two agree.
//
// Traffic and conversion per channel (deck ch. 3 asks for them): a store's traffic is its buyers
// plus the showroomers who visited it (phi x the online units bought by consumers with a store of
// the brand nearby), an online outlet's its buyers plus the webroomers (psi x the store units
// bought by consumers who can reach an online outlet of the brand); conversion = units sold /
// traffic. Browsers who buy nowhere are not counted (the choice model does not track them).
#include <algorithm>
#include <memory>
#include <vector>

#include "mechanisms/mechanism.hpp"

namespace chan::mechanisms {
namespace {

struct ShowroomingSpec final : MechanismSpec {
  bool present = false;            // the section is given
  double share = 0;                // phi: share of online shoppers who visit a store first, 0..1
  double spillover = 1;            // of the store's service, the part they carry online, 0..1
  double webrooming = 0;           // psi: share of store shoppers who research online first, 0..1
  double webroomingSpillover = 1;  // of the online outlets' service, the part they carry to the store, 0..1

  void fields(FieldVisitor& v) {
    v.section(
        {.name = "showrooming",
         .doc = "free-riding on service: online shoppers who visit a store first, store shoppers who research "
                "online first"},
        present,
        [this](FieldVisitor& s) {
          s.number({.name = "share",
                    .doc = "phi: share of online shoppers who first visit the nearest store selling the same product",
                    .unit = "fraction",
                    .min = 0,
                    .max = 1},
                   share);
          s.number({.name = "spillover",
                    .doc = "part of that store's service level they carry to the online offer",
                    .unit = "fraction",
                    .min = 0,
                    .max = 1},
                   spillover);
          s.number({.name = "webrooming",
                    .doc = "share of store shoppers who first research the online outlets selling the same product",
                    .unit = "fraction",
                    .min = 0,
                    .max = 1},
                   webrooming);
          s.number({.name = "webrooming_spillover",
                    .doc = "part of the online outlets' service level they carry to the store",
                    .unit = "fraction",
                    .min = 0,
                    .max = 1},
                   webroomingSpillover);
        },
        nullptr);
  }
};

/// Builds World::spillover for `spec` and, per outlet index, the share of its consumers who have
/// a counterpart of its product in the other channel (`nearby`): a store selling it for an online
/// outlet, an online outlet selling it for a store. (A brand without a `products` list has one
/// product; a channel-exclusive product has no counterpart: nothing to showroom or webroom.)
ServiceSpillover buildSpillover(const ShowroomingSpec& spec, const World& w, std::vector<double>& nearby) {
  const std::size_t n = w.outlets.size();
  const auto& c = w.consumers;
  auto online = [&](std::size_t o) { return isOnline(w.members.kind[idx(w.outlets[o])]); };
  auto product = [&](std::size_t o) { return w.members.product[idx(w.outlets[o])]; };
  ServiceSpillover sp;
  sp.start.assign(n + 1, 0);
  sp.carried.assign(n, 0.0);
  nearby.assign(n, 0.0);
  std::vector<double> from(n);  // per source outlet: this outlet's weight on it
  for (std::size_t o = 0; o < n; ++o) {
    std::fill(from.begin(), from.end(), 0.0);
    const auto& reaching = w.outletConsumers[o];
    const bool isOnlineOutlet = online(o);
    for (int i : reaching) {
      // the consumer's options of o's product in the other channel (stores: nearest first)
      const std::uint32_t begin = c.rowStart[idx(i)], end = c.rowStart[idx(i) + 1];
      double counterparts = 0;
      for (std::uint32_t j = begin; j < end; ++j) {
        const auto k = idx(c.choiceOutlet[j]);
        if (k == o || online(k) == isOnlineOutlet || product(k) != product(o)) continue;
        counterparts += 1;
        if (isOnlineOutlet) break;  // a showroomer visits the nearest store only
      }
      if (counterparts == 0) continue;
      nearby[o] += 1;
      for (std::uint32_t j = begin; j < end; ++j) {
        const auto k = idx(c.choiceOutlet[j]);
        if (k == o || online(k) == isOnlineOutlet || product(k) != product(o)) continue;
        from[k] += 1 / counterparts;  // a webroomer reads every online outlet of the brand alike
        if (isOnlineOutlet) break;
      }
    }
    const double consumers = static_cast<double>(reaching.size());
    const double carried = isOnlineOutlet ? spec.share * spec.spillover : spec.webrooming * spec.webroomingSpillover;
    if (consumers > 0) nearby[o] /= consumers;
    // what o's own customers carry of o's service to the other channel
    sp.carried[o] = isOnlineOutlet ? spec.webrooming * spec.webroomingSpillover : spec.share * spec.spillover;
    for (std::size_t k = 0; k < n; ++k) {
      if (from[k] <= 0 || carried <= 0) continue;
      sp.from.push_back(static_cast<std::int32_t>(k));
      sp.weight.push_back(carried * from[k] / consumers);
    }
    sp.start[o + 1] = static_cast<std::uint32_t>(sp.from.size());
  }
  return sp;
}

class Showrooming final : public Mechanism {
 public:
  Showrooming(const ShowroomingSpec& spec, const World& w) : m_spec(spec), m_used(spec.present) {
    if (!m_used) return;
    m_online.resize(w.outlets.size());
    for (std::size_t o = 0; o < m_online.size(); ++o) m_online[o] = isOnline(w.members.kind[idx(w.outlets[o])]) ? 1 : 0;
  }

  void start(World& w) override {
    if (!m_used) return;
    w.spillover = buildSpillover(m_spec, w, m_nearby);
    if (w.spillover.from.empty()) w.spillover = {};  // nothing spills: the choice model skips it
  }

  void afterDemand(World&, const std::vector<double>& served, const std::vector<double>&) override {
    if (!m_used) return;
    Day d;
    for (std::size_t o = 0; o < served.size(); ++o) {
      if (m_online[o]) {
        d.onlineSales += served[o];
        d.showroomers += m_spec.share * m_nearby[o] * served[o];
      } else {
        d.storeSales += served[o];
        d.webroomers += m_spec.webrooming * m_nearby[o] * served[o];
      }
    }
    m_today = d;
  }

  void endTick(const World&) override {
    if (!m_used) return;
    m_perTick.push_back(m_today);
    m_run.storeSales += m_today.storeSales, m_run.onlineSales += m_today.onlineSales;
    m_run.showroomers += m_today.showroomers, m_run.webroomers += m_today.webroomers;
    m_today = {};
  }

  void beginMeasurement() override { m_run = {}; }

  void timeseriesColumns(std::vector<std::string>& columns) const override {
    if (!m_used) return;
    for (const char* c : {"showroomers", "webroomers", "store_conversion", "online_conversion"}) columns.push_back(c);
  }
  void tickValues(std::size_t tick, std::vector<double>& values) const override {
    if (!m_used) return;
    const Day& d = m_perTick[tick];
    values.push_back(d.showroomers);
    values.push_back(d.webroomers);
    values.push_back(d.storeConversion());
    values.push_back(d.onlineConversion());
  }

  void summarize(const World&, Summary& s) const override {
    if (!m_used) return;  // written only when used: scenarios without it keep their summary
    s.emplace_back("showrooming.showroomers", m_run.showroomers);
    s.emplace_back("showrooming.webroomers", m_run.webroomers);
    s.emplace_back("showrooming.store_units", m_run.storeSales);
    s.emplace_back("showrooming.store_traffic", m_run.storeSales + m_run.showroomers);
    s.emplace_back("showrooming.store_conversion", m_run.storeConversion());
    s.emplace_back("showrooming.online_units", m_run.onlineSales);
    s.emplace_back("showrooming.online_traffic", m_run.onlineSales + m_run.webroomers);
    s.emplace_back("showrooming.online_conversion", m_run.onlineConversion());
  }

 private:
  /// Units sold per channel and the free riders of a day or of the run.
  struct Day {
    double storeSales = 0, onlineSales = 0, showroomers = 0, webroomers = 0;
    // sold / (sold + those who came to look and bought in the other channel); 0 without traffic
    double storeConversion() const {
      return storeSales + showroomers > 0 ? storeSales / (storeSales + showroomers) : 0.0;
    }
    double onlineConversion() const {
      return onlineSales + webroomers > 0 ? onlineSales / (onlineSales + webroomers) : 0.0;
    }
  };
  const ShowroomingSpec& m_spec;
  bool m_used;
  std::vector<std::uint8_t> m_online;  // per outlet index: sells online
  std::vector<double> m_nearby;        // per outlet index: share of its consumers with a counterpart
  std::vector<Day> m_perTick;
  Day m_today, m_run;
};

}  // namespace

MechanismEntry showrooming() {
  return {
      .name = "showrooming",
      .doc =
          "Showrooming and webrooming (deck ch. 3; Telser 1960): with section `showrooming`, a share `share` (φ) "
          "of online shoppers first visit the nearest store selling the same product in their choice set (with "
          "`brands[].products`, a channel-exclusive product has none): `spillover` × that "
          "store's service level lifts their utility for the online offer while the store gets no sale; a share "
          "`webrooming` of store shoppers first research the online outlets selling the product, whose service "
          "(× `webrooming_spillover`) lifts the store's. Mean field: an online outlet's service in utility gains φ "
          "× `spillover` × the mean service level of its consumers' nearest stores selling it (a store's, "
          "likewise), read from the current levels; a store choosing its effort (`service_effort`) reckons that its "
          "own customers' showroomers carry φ × `spillover` of it online, so part of its service sells the "
          "online rival's units and less of it pays as φ rises. Timeseries: `showroomers`, `webroomers`, "
          "`store_conversion`, `online_conversion`. Summary (only when the section is given): "
          "`showrooming.showroomers`, `.webroomers`, `.store_units`, `.store_traffic` (buyers + showroomers), "
          "`.store_conversion`, `.online_units`, `.online_traffic` (buyers + webroomers), `.online_conversion`. "
          "Scenario: `scenarios/map_service.yaml`.",
      .makeSpec = [] { return std::make_unique<ShowroomingSpec>(); },
      .fields = [](MechanismSpec& s, FieldVisitor& v,
                   const ScenarioSpec&) { static_cast<ShowroomingSpec&>(s).fields(v); },
      .used = [](const MechanismSpec& s) { return static_cast<const ShowroomingSpec&>(s).present; },
      .create = [](const MechanismSpec& s, const World& w) -> std::unique_ptr<Mechanism> {
        return std::make_unique<Showrooming>(static_cast<const ShowroomingSpec&>(s), w);
      },
  };
}

}  // namespace chan::mechanisms
