#include "sim/calibrate/observed.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "sim/io/csv_reader.hpp"

namespace chan::calib {

const char* keyTypeName(KeyType k) {
  switch (k) {
    case KeyType::Total: return "total";
    case KeyType::Member: return "member";
    case KeyType::Group: return "group";
    case KeyType::Kind: return "kind";
    case KeyType::Territory: return "territory";
  }
  return "?";
}

namespace {

constexpr double kHuge = 1e15;

bool has(const ObservedSpec& o, Quantity q) { return std::find(o.match.begin(), o.match.end(), q) != o.match.end(); }

void readSales(const ObservedSpec& o, int source, std::vector<Moment>& out) {
  const io::CsvTable t = io::CsvTable::load(o.file);
  t.requireKnownColumns({"period", "member", "group", "kind", "territory", "units", "revenue", "price", "online_units"});
  t.requireColumn("period");
  KeyType keyType = KeyType::Total;
  std::string keyColumn;
  for (auto [name, type] : {std::pair{"member", KeyType::Member}, std::pair{"group", KeyType::Group},
                            std::pair{"kind", KeyType::Kind}, std::pair{"territory", KeyType::Territory}}) {
    if (!t.hasColumn(name)) continue;
    if (!keyColumn.empty())
      throw io::InputError(o.file + ":1:1: " + name + ": give at most one of member, group, kind, territory");
    keyType = type, keyColumn = name;
  }
  for (Quantity q : o.match) {
    if (q == Quantity::Units || q == Quantity::OnlineShare) t.requireColumn("units");
    if (q == Quantity::Revenue) t.requireColumn("revenue");
    if (q == Quantity::OnlineShare) t.requireColumn("online_units");
    if (q == Quantity::Price && !t.hasColumn("price") && !(t.hasColumn("revenue") && t.hasColumn("units")))
      throw io::InputError(o.file + ":1:1: price: matching price needs a price column, or revenue and units");
  }
  for (std::size_t r = 0; r < t.rows(); ++r) {
    Moment m;
    m.source = source;
    m.where = t.where(r);
    m.keyType = keyType;
    if (!keyColumn.empty()) {
      m.key = t.text(r, keyColumn);
      if (m.key.empty()) t.fail(r, keyColumn, "empty");
      if (keyType == KeyType::Member) t.integer(r, "member", 0, 100'000'000);
    }
    const long long period = t.integer(r, "period", 1, 100'000'000);
    m.firstTick = static_cast<int>((period - 1) * o.periodTicks + 1);
    m.lastTick = static_cast<int>(period * o.periodTicks);
    const double units = t.hasColumn("units") ? t.number(r, "units", 0, kHuge) : 0;
    for (Quantity q : o.match) {
      m.quantity = q;
      switch (q) {
        case Quantity::Units: m.observed = units; break;
        case Quantity::Revenue: m.observed = t.number(r, "revenue", 0, kHuge); break;
        case Quantity::Price:
          if (t.hasColumn("price")) m.observed = t.number(r, "price", 0, kHuge);
          else if (units > 0) m.observed = t.number(r, "revenue", 0, kHuge) / units;
          else continue;  // no sales: no mean price to match
          break;
        case Quantity::OnlineShare: {
          if (!(units > 0)) continue;
          const double online = t.number(r, "online_units", 0, kHuge);
          if (online > units * (1 + 1e-12)) t.fail(r, "online_units", "exceeds units");
          m.observed = online / units;
          break;
        }
      }
      out.push_back(m);
    }
  }
}

bool outletKind(const std::string& kind) {
  return kind == "offline_store" || kind == "specialty_store" || kind == "e_store" || kind == "marketplace" ||
         kind == "social_seller";
}

void readMembers(const ObservedSpec& o, int source, std::vector<Moment>& out) {
  const io::CsvTable t = io::CsvTable::load(o.file);
  for (const char* c : {"member", "kind", "units_sold", "revenue"}) t.requireColumn(c);
  if (has(o, Quantity::OnlineShare))
    throw io::InputError(o.file + ":1:1: match: online_share is not a per-member quantity (use a timeseries or sales file)");
  for (std::size_t r = 0; r < t.rows(); ++r) {
    if (!outletKind(t.text(r, "kind"))) continue;  // suppliers' sales are orders, not consumer demand
    Moment m;
    m.source = source;
    m.where = t.where(r);
    m.keyType = KeyType::Member;
    m.key = std::to_string(t.integer(r, "member", 0, 100'000'000));
    m.firstTick = 1, m.lastTick = 0;
    const double units = t.number(r, "units_sold", 0, kHuge), revenue = t.number(r, "revenue", 0, kHuge);
    for (Quantity q : o.match) {
      m.quantity = q;
      if (q == Quantity::Units) m.observed = units;
      else if (q == Quantity::Revenue) m.observed = revenue;
      else if (units > 0) m.observed = revenue / units;  // mean realised price over the run
      else continue;
      out.push_back(m);
    }
  }
}

void readTimeseries(const ObservedSpec& o, int source, std::vector<Moment>& out) {
  const io::CsvTable t = io::CsvTable::load(o.file);
  for (const char* c : {"tick", "sold_units", "revenue", "online_units"}) t.requireColumn(c);
  struct Sums { double units = 0, revenue = 0, online = 0; };
  std::map<long long, Sums> periods;
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const long long tick = t.integer(r, "tick", 1, 100'000'000);
    Sums& s = periods[(tick - 1) / o.periodTicks];
    s.units += t.number(r, "sold_units", 0, kHuge);
    s.revenue += t.number(r, "revenue", 0, kHuge);
    s.online += t.number(r, "online_units", 0, kHuge);
  }
  for (const auto& [p, s] : periods) {
    Moment m;
    m.source = source;
    m.where = o.file;
    m.firstTick = static_cast<int>(p * o.periodTicks + 1);
    m.lastTick = static_cast<int>((p + 1) * o.periodTicks);
    for (Quantity q : o.match) {
      m.quantity = q;
      if (q == Quantity::Units) m.observed = s.units;
      else if (q == Quantity::Revenue) m.observed = s.revenue;
      else if (!(s.units > 0)) continue;
      else m.observed = q == Quantity::Price ? s.revenue / s.units : s.online / s.units;
      out.push_back(m);
    }
  }
}

}  // namespace

std::vector<Moment> readMoments(const CalibrationSpec& spec) {
  std::vector<Moment> out;
  for (std::size_t i = 0; i < spec.observed.size(); ++i) {
    const ObservedSpec& o = spec.observed[i];
    const std::size_t before = out.size();
    switch (o.format) {
      case ObservedFormat::Sales: readSales(o, static_cast<int>(i), out); break;
      case ObservedFormat::Members: readMembers(o, static_cast<int>(i), out); break;
      case ObservedFormat::Timeseries: readTimeseries(o, static_cast<int>(i), out); break;
    }
    if (out.size() == before) throw io::InputError(o.file + ":1:1: no rows to fit");
  }
  for (Moment& m : out) m.holdout = spec.holdoutFromTick > 0 && m.firstTick >= spec.holdoutFromTick;
  return out;
}

double residualScale(const ObservedSpec& file, const Moment& m) {
  switch (file.scale) {
    case Scale::Sqrt: return std::sqrt(std::max(std::fabs(m.observed), 1.0));
    case Scale::Relative: return std::max(std::fabs(m.observed), 1e-12);
    case Scale::None: return 1.0;
  }
  return 1.0;
}

}  // namespace chan::calib
