#include "sim/io/run_output.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "chan/version.hpp"
#include "models/scorecard.hpp"
#include "sim/io/atomic_file.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/io/schema_io.hpp"

namespace chan::io {
namespace {

using Json = nlohmann::ordered_json;

/// The resolved scenario as JSON: text keys stay strings; other scalars become integers
/// (exactly), numbers or booleans when they read as such.
Json yamlToJson(const YAML::Node& n, bool text = false) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      Json j = Json::object();
      for (const auto& kv : n) {
        const std::string key = kv.first.as<std::string>();
        j[key] = yamlToJson(kv.second, textKeyNames().contains(key));
      }
      return j;
    }
    case YAML::NodeType::Sequence: {
      Json j = Json::array();
      for (const auto& v : n) j.push_back(yamlToJson(v, text));
      return j;
    }
    case YAML::NodeType::Scalar: {
      const std::string s = n.Scalar();
      if (text) return s;
      if (s == "true" || s == "false") return s == "true";
      const char* end = s.data() + s.size();
      std::int64_t i = 0;
      if (auto r = std::from_chars(s.data(), end, i); r.ec == std::errc() && r.ptr == end) return i;
      std::uint64_t u = 0;
      if (auto r = std::from_chars(s.data(), end, u); r.ec == std::errc() && r.ptr == end) return u;
      double v = 0;
      if (auto r = std::from_chars(s.data(), end, v); r.ec == std::errc() && r.ptr == end) return v;
      return s;
    }
    default: return nullptr;
  }
}

}  // namespace

std::string formatNumber(double v) {
  if (std::isnan(v)) return "nan";
  if (v == 0) return "0";  // also folds -0
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, end);
}

std::string summaryJson(const Summary& summary) {
  Json j = Json::object();
  for (const auto& [key, value] : summary) {
    Json* at = &j;
    std::size_t start = 0, dot;
    while ((dot = key.find('.', start)) != std::string::npos) {
      at = &(*at)[key.substr(start, dot - start)];
      start = dot + 1;
    }
    (*at)[key.substr(start)] = value;
  }
  return j.dump(2) + "\n";
}

std::string timeseriesCsv(const MetricsRecorder& metrics, const ScenarioSpec& spec) {
  std::ostringstream out;
  const auto columns =
      timeseriesColumns(metrics.records().empty() ? 1 : static_cast<int>(metrics.records().front().obs.ordersByTier.size()),
                        spec, metrics.mechanismColumns());
  for (std::size_t c = 0; c < columns.size(); ++c) out << (c ? "," : "") << columns[c];
  out << "\n";
  for (const TickRecord& r : metrics.records()) {
    const auto values = timeseriesValues(r, spec);
    for (std::size_t c = 0; c < values.size(); ++c) out << (c ? "," : "") << formatNumber(values[c]);
    out << "\n";
  }
  return out.str();
}

std::string counterfactualCsv(const std::vector<TwinDifference>& rows) {
  std::ostringstream out;
  out << "level,name,metric,base,variant,difference\n";
  for (const TwinDifference& r : rows)
    out << r.level << ',' << r.name << ',' << r.metric << ',' << formatNumber(r.base) << ','
        << formatNumber(r.variant) << ',' << formatNumber(r.variant - r.base) << '\n';
  return out.str();
}

std::string sourceOfVolumeCsv(const models::SourceOfVolume& source, const World& w) {
  const ScenarioSpec& spec = *w.spec;
  // units: what the group sold (members.csv); its cells add up to it but for rounding
  std::vector<double> sold(spec.groups.size(), 0.0);
  for (std::size_t m = 0; m < w.members.size(); ++m) sold[static_cast<std::size_t>(w.members.group[m])] += w.flows.unitsSold[m];
  std::vector<int> outletGroups;
  for (std::size_t g = 0; g < spec.groups.size(); ++g)
    if (isOutlet(spec.groups[g].kind)) outletGroups.push_back(static_cast<int>(g));
  std::ostringstream out;
  out << "seller,units";
  for (int g : outletGroups) out << ',' << spec.groups[static_cast<std::size_t>(g)].name;
  out << ",no_purchase\n";
  for (int seller : outletGroups) {
    out << spec.groups[static_cast<std::size_t>(seller)].name << ',' << formatNumber(sold[static_cast<std::size_t>(seller)]);
    for (int g : outletGroups) out << ',' << formatNumber(source.at(seller, g));
    out << ',' << formatNumber(source.at(seller, source.groups)) << '\n';
  }
  return out.str();
}

void writeMembersCsv(std::ostream& out, const World& w) {
  out << "member,group,kind,tier,region,supplier,price,units_sold,units_bought,revenue,cogs,commission,shipping,"
         "holding,fixed,profit,margin_rate,stock,lost_units,stockout_ticks,undercut_ticks,cash,orders,aov,"
         "units_requested,fill_rate,delivery_days,on_time_rate,satisfaction,cost_effectiveness,brand_share,"
         "share_of_brand,discount";
  // a brand listing its products: which product each member (listing) trades, and its site
  const bool listed = std::any_of(w.products.begin(), w.products.end(), [](const Product& p) { return p.listed; });
  out << (listed ? ",product,site\n" : "\n");
  const Members& mb = w.members;
  const MemberFlows& f = w.flows;
  const std::vector<models::Scorecard> cards = models::scorecards(w);
  for (std::size_t m = 0; m < mb.size(); ++m) {
    const auto& group = w.spec->groups[static_cast<std::size_t>(mb.group[m])];
    const std::string region =
        mb.territory[m] >= 0 ? w.spec->territories[static_cast<std::size_t>(mb.territory[m])].name : "";
    out << m << ',' << group.name << ',' << kindName(mb.kind[m]) << ',' << mb.tier[m] << ',' << region << ','
        << mb.supplier[m];
    for (double v : {mb.price[m], f.unitsSold[m], f.unitsBought[m], f.revenue[m], f.cogs[m], f.commission[m],
                     f.shipping[m], f.holding[m], f.fixed[m], f.profit(m),
                     f.revenue[m] > 0 ? f.profit(m) / f.revenue[m] : 0.0, mb.stock[m], f.lostUnits[m],
                     f.stockoutTicks[m], f.undercutTicks[m], w.ledger.balance(static_cast<int>(m))})
      out << ',' << formatNumber(v);
    const models::Scorecard& c = cards[m];
    for (double v : {c.orders, c.aov, c.requested, c.fillRate, c.deliveryDays, c.onTimeRate, c.satisfaction,
                     c.costEffectiveness, c.brandShare, c.shareOfBrand, w.discountOf(static_cast<int>(m))})
      out << ',' << formatNumber(v);
    if (listed) out << ',' << w.productOf(static_cast<int>(m)).name << ',' << mb.site[m];
    out << "\n";
  }
}

std::string membersCsv(const World& w) {
  std::ostringstream out;
  writeMembersCsv(out, w);
  return out.str();
}

std::string eventsCsv(const World& w) {
  std::ostringstream out;
  out << "tick,type,member,group,counterparty,units,severity,detected,action\n";
  for (const Event& e : w.events) {
    const std::string group =
        e.member >= 0 ? w.groupOf(e.member).name : "";
    out << e.tick << ',' << eventTypeName(e.type) << ',' << e.member << ',' << group << ',' << e.counterparty << ','
        << formatNumber(e.units) << ',' << formatNumber(e.severity) << ',' << (e.detected ? 1 : 0) << ',' << e.action
        << "\n";
  }
  return out.str();
}

std::string memberTimeseriesCsv(const MemberPanel& panel, const World& w) {
  std::string out = "tick,member,group,price,stock,on_order,orders_placed,units_requested,sold,lost,cash\n";
  // one member's group name and id, written once per member rather than once per row
  std::vector<std::string> prefix(panel.members());
  for (std::size_t m = 0; m < prefix.size(); ++m) prefix[m] = std::to_string(m) + ',' + w.groupOf(static_cast<int>(m)).name;
  for (std::size_t k = 0; k < panel.ticks().size(); ++k) {
    const std::string tick = std::to_string(panel.ticks()[k]) + ',';
    for (std::size_t m = 0; m < panel.members(); ++m) {
      const MemberPanel::Row& r = panel.at(k, m);
      out += tick + prefix[m];
      for (double v : {r.price, r.stock, r.onOrder, r.ordered, r.requested, r.sold, r.lost, r.cash})
        out += ',' + formatNumber(v);
      out += '\n';
    }
  }
  return out;
}

void writeRunOutputs(const std::filesystem::path& dir, const Engine& engine, const Summary& summary,
                     const RunInfo& info) {
  const World& w = engine.world();
  const YAML::Node resolved = toYaml(*w.spec, dir);  // imported files relative to dir: rerunnable from there
  YAML::Emitter yaml;
  yaml << resolved;
  writeFileAtomic(dir / "scenario.resolved.yaml", std::string(yaml.c_str()) + "\n");
  writeFileAtomic(dir / "timeseries.csv", timeseriesCsv(engine.metrics(), *engine.world().spec));
  writeFileAtomic(dir / "members.csv", [&](std::ostream& out) { writeMembersCsv(out, w); });
  writeFileAtomic(dir / "events.csv", eventsCsv(w));
  writeFileAtomic(dir / "source_of_volume.csv", sourceOfVolumeCsv(engine.metrics().sourceOfVolume(), w));
  writeFileAtomic(dir / "summary.json", summaryJson(summary));
  const MemberPanel* panel = engine.memberPanel();  // optional (outputs.member_timeseries)
  // (a panel left by an earlier run into the same folder would pass for this run's: removed)
  if (panel) writeFileAtomic(dir / "member_timeseries.csv", memberTimeseriesCsv(*panel, w));
  else std::filesystem::remove(dir / "member_timeseries.csv");
  // the manifest comes last: its presence marks a complete run directory
  Json manifest = Json::object();
  manifest["chansim_version"] = kVersion;
  manifest["git_commit"] = kGitCommit;
  manifest["scenario_file"] = info.scenarioFile;
  manifest["overrides"] = info.overrides;
  manifest["seed"] = w.spec->seed;
  manifest["run"] = w.spec->run;
  manifest["ticks"] = w.tick;
  manifest["threads"] = info.threads;
  manifest["wall_seconds"] = info.wallSeconds;
  manifest["peak_rss_mb"] = info.peakRssMb;
  manifest["consumers"] = w.consumers.size();
  manifest["members"] = w.members.size();
  manifest["files"] = {"scenario.resolved.yaml", "timeseries.csv", "members.csv", "events.csv",
                       "source_of_volume.csv", "summary.json"};
  if (!info.counterfactual.empty()) {  // written before this manifest (cli run --counterfactual)
    manifest["counterfactual"] = info.counterfactual;
    manifest["files"].push_back("counterfactual.csv");
  }
  if (panel) manifest["files"].push_back("member_timeseries.csv");
  manifest["scenario"] = yamlToJson(resolved);
  writeFileAtomic(dir / "manifest.json", manifest.dump(2) + "\n");
}

}  // namespace chan::io
