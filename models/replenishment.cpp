#include "models/replenishment.hpp"

#include <algorithm>

namespace chan::models {

namespace {

/// Exponential smoothing and Holt-Winters: the state update for one day's demand `x`.
void smooth(Members& mb, std::size_t m, const ForecastSpec& f, double x) {
  const int seen = mb.recorded[m];  // days recorded before this one
  if (f.method == ForecastMethod::Exponential) {
    mb.level[m] = seen == 0 ? x : f.alpha * x + (1 - f.alpha) * mb.level[m];
    return;
  }
  double* season = &mb.seasonal[m * mb.seasonStride];
  const int length = f.season;
  if (seen < length) {  // the first season: keep the raw days, then start from them
    season[seen] = x;
    if (seen + 1 < length) return;
    double mean = 0;
    for (int d = 0; d < length; ++d) mean += season[d] / length;
    mb.level[m] = mean;
    mb.trend[m] = 0;
    for (int d = 0; d < length; ++d)
      season[d] = f.multiplicative ? (mean > 0 ? season[d] / mean : 1.0) : season[d] - mean;
    return;
  }
  double& factor = season[seen % length];
  const double level = mb.level[m], trend = mb.trend[m];
  const double deseasoned = f.multiplicative ? (factor > 0 ? x / factor : x) : x - factor;
  const double next = f.alpha * deseasoned + (1 - f.alpha) * (level + trend);
  mb.trend[m] = f.beta * (next - level) + (1 - f.beta) * trend;
  mb.level[m] = next;
  const double observed = f.multiplicative ? (next > 0 ? x / next : factor) : x - next;
  factor = f.gamma * observed + (1 - f.gamma) * factor;
}

/// True when member's group forecasts with the calendar (the `calendar` section's
/// forecast_groups, mechanisms/calendar.cpp).
bool calendarAware(const World& w, int member) {
  const DemandCalendar& c = w.calendar;
  const auto g = static_cast<std::size_t>(w.members.group[static_cast<std::size_t>(member)]);
  return !c.daily.empty() && g < c.forecastGroups.size() && c.forecastGroups[g];
}

/// The calendar's share-weighted factor of `tick` (the last day it covers beyond).
double dayFactor(const World& w, int tick) {
  const std::vector<double>& daily = w.calendar.daily;
  return daily[std::min(daily.size() - 1, static_cast<std::size_t>(std::max(0, tick)))];
}

}  // namespace

void recordDemand(World& w, int member, double units) {
  Members& mb = w.members;
  const auto m = static_cast<std::size_t>(member);
  const ForecastSpec& f = w.groupOf(member).replenish.forecast;
  if (calendarAware(w, member)) {
    // event-aware: the forecaster learns the baseline, demand with today's calendar factor divided
    // out (multiplicative decomposition, Hyndman & Athanasopoulos 2021, ch. 3.2); a day the
    // calendar shuts (factor 0) says nothing about the baseline
    const double factor = dayFactor(w, w.tick);
    if (!(factor > 0)) return;
    units /= factor;
  }
  if (f.method != ForecastMethod::MovingAverage) smooth(mb, m, f, units);
  const auto slotIndex = static_cast<std::size_t>(mb.recorded[m] % mb.window[m]);
  // the value being overwritten leaves the window sum
  double& slot = mb.history[m * mb.historyStride + slotIndex];
  mb.forecastSum[m] += units - slot;
  slot = units;
  ++mb.recorded[m];
}

double forecast(const World& w, int member) {
  const Members& mb = w.members;
  const auto m = static_cast<std::size_t>(member);
  const int seen = mb.recorded[m];
  if (seen == 0) return 0.0;
  const ForecastSpec& f = w.groupOf(member).replenish.forecast;
  switch (f.method) {
    case ForecastMethod::MovingAverage: break;
    case ForecastMethod::Exponential: return mb.level[m];
    case ForecastMethod::HoltWinters: {
      const double* season = &mb.seasonal[m * mb.seasonStride];
      if (seen < f.season) {  // still recording the first season: its mean so far
        double sum = 0;
        for (int d = 0; d < seen; ++d) sum += season[d];
        return sum / seen;
      }
      const double factor = season[seen % f.season];
      const double base = mb.level[m] + mb.trend[m];
      return std::max(0.0, f.multiplicative ? base * factor : base + factor);
    }
  }
  const int filled = std::min(seen, mb.window[m]);
  return mb.forecastSum[m] / filled;
}

namespace {

/// Stock an order-up-to member aims to hold, on hand and on order.
double target(const World& w, int member, int leadTime) {
  const double days = leadTime + w.groupOf(member).replenish.coverDays;
  if (!calendarAware(w, member)) return forecast(w, member) * days;
  // event-aware: the baseline times the calendar's factors of the days the order covers,
  // tomorrow first (the last day counted by the fraction of it covered)
  const auto whole = static_cast<int>(days);
  double sum = 0;
  for (int k = 1; k <= whole; ++k) sum += dayFactor(w, w.tick + k);
  sum += (days - whole) * dayFactor(w, w.tick + whole + 1);
  return forecast(w, member) * sum;
}

/// Adds the targets and inventory positions of the active, authorised members below `member`
/// (its contract buyers, their buyers, ...) to `targets` and `position`. A member's stock above
/// its own target counts only up to the target: it cannot be moved sideways to a sibling short
/// of goods (without the cap, one overstocked buyer starves the others: echelon stock assumes
/// balanced stocks, Clark & Scarf 1960).
void addEchelon(const World& w, int member, double& targets, double& position) {
  for (auto e : boost::make_iterator_range(boost::out_edges(static_cast<std::size_t>(member), w.graph))) {
    const auto b = boost::target(e, w.graph);
    if (!w.members.active[b] || !w.members.authorised[b]) continue;
    const ReplenishSpec& r = w.groupOf(static_cast<int>(b)).replenish;
    const double goal = r.rule == ReplenishRule::OrderUpTo ? target(w, static_cast<int>(b), w.graph[e].leadTime)
                        : r.rule == ReplenishRule::MinMax  ? r.orderUpTo
                                                           : 0.0;
    targets += goal;
    position += std::min(goal, w.members.stock[b] + w.members.onOrder[b]);
    addEchelon(w, static_cast<int>(b), targets, position);
  }
}

}  // namespace

double orderQuantity(const World& w, int member, int leadTime) {
  const auto m = static_cast<std::size_t>(member);
  const ReplenishSpec& r = w.groupOf(static_cast<int>(m)).replenish;
  double position = w.members.stock[m] + w.members.onOrder[m];
  switch (r.rule) {
    case ReplenishRule::None: return 0;
    case ReplenishRule::OrderUpTo: {
      double goal = target(w, member, leadTime);
      // real-time visibility: goods anywhere below are this member's to account for
      if (w.coordination.visibility && !isOutlet(w.members.kind[m])) addEchelon(w, member, goal, position);
      return std::max(0.0, goal - position);
    }
    case ReplenishRule::MinMax: return position <= r.reorderPoint ? r.orderUpTo - position : 0.0;
  }
  return 0;
}

}  // namespace chan::models
