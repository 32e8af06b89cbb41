// Calendar demand (issue 13; deck ch. 5: Chinese online channels live by their calendar): the
// `calendar` section maps tick t to the date start + (t - 1) days and multiplies each segment's
// purchase probability on that day by
//   weekday[day of week] x month[month] x (1 + trend)^(days since start / 365) x prod_e event_e,
// where event e (its segments only) contributes 1 + uplift on its `days` event days, 1 - pre_dip
// on the `pre_days` before them (shoppers wait for the festival) and 1 - post_dip on the
// `post_days` after them (the hangover: pantries and carts are full). The product p x factor is
// capped at 1 (a consumer shops at most once a tick). On event days an event may also multiply
// the choice weight of outlets of some kinds (`channels`: festivals lift online more; logit
// segments, as an outlet's exp(utility / mu) scaled by 1 + uplift) and the segments' price
// sensitivity (`price_sensitivity`: shoppers hunt bargains on the day).
// Multiplicative seasonal indices (Hyndman & Athanasopoulos 2021, Forecasting: Principles and
// Practice, ch. 3.2 and 8.3); the pre-event dip and post-event hangover of promotions are the
// pull-forward and stock-piling effects of Van Heerde, Leeflang & Wittink (2000, J. Marketing
// Research 37(3)) and of shopping festivals (e.g. Double 11, 618).
//
// The mechanism publishes today's factors in World::calendar at the policy-review stage (before
// pricing, so the demand that pricing probes is today's); the choice model reads them
// (models/consumer_choice: SegmentTable, computeFactors). Without a `calendar` section the
// world's factors stay empty and nothing changes, outputs included (no column, no summary key).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "mechanisms/mechanism.hpp"
#include "sim/core/names.hpp"

namespace chan::mechanisms {
namespace {

constexpr double kMaxFactor = 1e3;  // bound of a profile entry or uplift: beyond any calendar
constexpr int kMaxWindow = 180;     // days an event, its dip or its hangover may last

/// A date as the YAML writes it: "YYYY-MM-DD", or "MM-DD" (every year, recurring).
struct Date {
  int year = 0;  // 0: every year
  unsigned month = 0, day = 0;
};

/// Parses `text` into `d`; false when it is not a real date of one of the two forms.
bool parseDate(const std::string& text, bool recurringAllowed, Date& d) {
  int y = 0;
  unsigned m = 0, dd = 0;
  char tail = 0;
  if (text.size() == 10 && std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &y, &m, &dd, &tail) == 3) {
    if (text[4] != '-' || text[7] != '-' || y < 1900 || y > 2500) return false;
  } else if (recurringAllowed && text.size() == 5 && std::sscanf(text.c_str(), "%2u-%2u%c", &m, &dd, &tail) == 2) {
    if (text[2] != '-') return false;
    y = 0;
  } else {
    return false;
  }
  // a recurring 02-29 is a real date (of leap years)
  const std::chrono::year_month_day ymd{std::chrono::year{y == 0 ? 2000 : y}, std::chrono::month{m},
                                        std::chrono::day{dd}};
  if (!ymd.ok()) return false;
  d = {y, m, dd};
  return true;
}

/// Days since 1970-01-01 of a real date.
long dayNumber(int year, unsigned month, unsigned day) {
  return std::chrono::sys_days{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day}}
      .time_since_epoch()
      .count();
}

inline const std::vector<std::string> kWeekdayKeys = {"monday", "tuesday",  "wednesday", "thursday",
                                                      "friday", "saturday", "sunday"};
inline const std::vector<std::string> kMonthKeys = {"january",   "february", "march",    "april",
                                                    "may",       "june",     "july",     "august",
                                                    "september", "october",  "november", "december"};

/// One event's extra weight on the outlets of a kind.
struct ChannelUplift {
  int kind = static_cast<int>(MemberKind::Marketplace);
  double uplift = 0;

  void fields(FieldVisitor& v) {
    v.choice({.name = "kind",
              .doc = "outlet kind (offline_store, specialty_store, e_store, marketplace, social_seller)",
              .required = true},
             kind, names::kMemberKinds);
    v.number({.name = "uplift",
              .doc = "on event days the kind's outlets' choice weights are multiplied by 1 + uplift",
              .unit = "fraction",
              .min = 0,
              .max = kMaxFactor,
              .required = true},
             uplift);
  }
};

/// One named event of the calendar.
struct CalendarEvent {
  std::string name;
  std::string dateText;         // as written
  Date date;                    // parsed
  int days = 1;                 // event days from `date`
  double uplift = 0;            // purchase probability x (1 + uplift) on event days
  int preDays = 0;              // days before the event ...
  double preDip = 0;            // ... with purchase probability x (1 - pre_dip)
  int postDays = 0;             // days after it ...
  double postDip = 0;           // ... with purchase probability x (1 - post_dip)
  double priceSensitivity = 1;  // factor on the segments' price sensitivity on event days
  std::vector<int> segments;    // segment indices (empty: every segment)
  std::vector<ChannelUplift> channels;

  void fields(FieldVisitor& v, const std::vector<std::string>& segmentNames) {
    v.text({.name = "name", .doc = "the event's name (e.g. double_11, 618, spring_festival)", .required = true}, name);
    v.text({.name = "date",
            .doc = "first event day: YYYY-MM-DD (once) or MM-DD (every year; a lunar festival is given once per year "
                   "as separate events)",
            .required = true},
           dateText);
    v.integer({.name = "days", .doc = "event days", .unit = "days", .min = 1, .max = kMaxWindow}, days);
    v.number({.name = "uplift",
              .doc = "purchase probability x (1 + uplift) on event days",
              .unit = "fraction",
              .min = 0,
              .max = kMaxFactor},
             uplift);
    v.integer({.name = "pre_days",
               .doc = "days before the event with the pre-event dip",
               .unit = "days",
               .min = 0,
               .max = kMaxWindow},
              preDays);
    v.number({.name = "pre_dip",
              .doc = "purchase probability x (1 - pre_dip) on the pre-event days (shoppers wait)",
              .unit = "fraction",
              .min = 0,
              .max = 1},
             preDip);
    v.integer({.name = "post_days",
               .doc = "days after the event with the hangover",
               .unit = "days",
               .min = 0,
               .max = kMaxWindow},
              postDays);
    v.number({.name = "post_dip",
              .doc = "purchase probability x (1 - post_dip) on the post-event days (hangover)",
              .unit = "fraction",
              .min = 0,
              .max = 1},
             postDip);
    v.number({.name = "price_sensitivity",
              .doc = "factor on the segments' price_sensitivity on event days",
              .unit = "factor",
              .min = 0.01,
              .max = 100},
             priceSensitivity);
    v.choices({.name = "segments", .doc = "consumer segments the event moves (default: all)"}, segments, segmentNames);
    VectorAccess<ChannelUplift> access(channels,
                                       [](const std::vector<ChannelUplift>& all, std::size_t i, const Checker& c) {
                                         if (!isOutlet(static_cast<MemberKind>(all[i].kind)))
                                           c.fail("kind", "not an outlet kind");
                                         for (std::size_t j = 0; j < i; ++j)
                                           if (all[j].kind == all[i].kind) c.fail("kind", "listed twice");
                                       });
    v.list(
        {.name = "channels", .doc = "extra choice weight of outlet kinds on event days (festivals lift online more)"},
        access);
    v.check([this](const Checker& c) {
      if (!parseDate(dateText, true, date)) c.fail("date", "'" + dateText + "' is not a date YYYY-MM-DD or MM-DD");
      if (date.year == 0 && days + preDays + postDays > 365)
        c.fail("days", "a yearly event's days, pre_days and post_days must fit in a year");
    });
  }
};

/// ListAccess for the events, whose fields need the scenario's segment names.
class EventAccess final : public ListAccess {
 public:
  EventAccess(std::vector<CalendarEvent>& items, const std::vector<std::string>& names)
      : m_items(items), m_names(names) {}
  std::size_t size() const override { return m_items.size(); }
  void resize(std::size_t n) override { m_items.resize(n); }
  void fields(std::size_t i, FieldVisitor& v) override { m_items[i].fields(v, m_names); }
  void check(std::size_t, const Checker&) const override {}  // (each event checks its own keys)

 private:
  std::vector<CalendarEvent>& m_items;
  const std::vector<std::string>& m_names;
};

struct CalendarSpec final : MechanismSpec {
  bool present = false;
  std::string startText = "2026-01-01";
  Date start{2026, 1, 1};
  bool weekdaysGiven = false, monthsGiven = false;
  std::vector<double> weekday = std::vector<double>(7, 1.0);  // Monday first
  std::vector<double> month = std::vector<double>(12, 1.0);   // January first
  double trend = 0;
  std::vector<CalendarEvent> events;
  std::vector<int> forecastGroups;  // member groups with the event-aware forecast

  void fields(FieldVisitor& v, const ScenarioSpec& scenario) {
    std::vector<std::string> segmentNames, groupNames;
    for (const SegmentSpec& s : scenario.consumers.segments) segmentNames.push_back(s.name);
    for (const MemberGroupSpec& g : scenario.groups) groupNames.push_back(g.name);
    v.section(
        {.name = "calendar", .doc = "calendar demand: seasons, weekdays, trend and named events (off when absent)"},
        present,
        [this, &segmentNames, &groupNames](FieldVisitor& s) {
          s.text({.name = "start", .doc = "date of tick 1, YYYY-MM-DD"}, startText);
          s.section(
              {.name = "weekdays", .doc = "factor on purchase probability per day of the week (default 1 each)"},
              weekdaysGiven, [this](FieldVisitor& d) { profile(d, kWeekdayKeys, weekday); }, nullptr);
          s.section(
              {.name = "months", .doc = "seasonal factor on purchase probability per month (default 1 each)"},
              monthsGiven, [this](FieldVisitor& d) { profile(d, kMonthKeys, month); }, nullptr);
          s.number({.name = "trend",
                    .doc = "growth of purchase probability per year, compounded daily",
                    .unit = "fraction per year",
                    .min = -0.99,
                    .max = 100},
                   trend);
          EventAccess access(events, segmentNames);
          s.list({.name = "events", .doc = "named shopping events with uplift, pre-event dip and hangover"}, access);
          s.choices({.name = "forecast_groups",
                     .doc = "member groups whose order-up-to forecast knows the calendar (event-aware: the baseline "
                            "of demand divided by each day's factor, times the factors of the days an order covers)"},
                    forecastGroups, groupNames);
        },
        [this](const Checker& c) {
          if (!parseDate(startText, false, start)) c.fail("start", "'" + startText + "' is not a date YYYY-MM-DD");
        });
  }

 private:
  static void profile(FieldVisitor& v, const std::vector<std::string>& keys, std::vector<double>& values) {
    for (std::size_t k = 0; k < keys.size(); ++k)
      v.number({.name = keys[k],
                .doc = "factor on purchase probability that day",
                .unit = "factor",
                .min = 0,
                .max = kMaxFactor},
               values[k]);
  }
};

/// A calendar's running state: publishes today's factors in World::calendar.
class Calendar final : public Mechanism {
 public:
  Calendar(const CalendarSpec& spec, const World& w)
      : m_spec(spec), m_segments(w.spec->consumers.segments.size()), m_outlets(w.outlets.size()) {
    m_startDay = dayNumber(spec.start.year, spec.start.month, spec.start.day);
    for (std::size_t s = 0; s < m_segments; ++s) m_share.push_back(w.spec->consumers.segments[s].share);
    double total = 0;
    for (double x : m_share) total += x;
    for (double& x : m_share) x = total > 0 ? x / total : 0;
  }

  void start(World& w) override {
    // the event-aware forecasts' daily factors, from set-up to beyond the last tick
    DemandCalendar day;
    for (int t = 0; t <= w.spec->ticks + DemandCalendar::kHorizon; ++t) {
      factorsOf(w, t, day);
      w.calendar.daily.push_back(shareWeighted(day));
    }
    w.calendar.forecastGroups.assign(w.spec->groups.size(), 0);
    for (int g : m_spec.forecastGroups) w.calendar.forecastGroups[idx(g)] = 1;
    factorsOf(w, 0, w.calendar);
  }

  void review(World& w) override { m_eventToday = factorsOf(w, w.tick, w.calendar); }

  void endTick(const World& w) override {
    const double mean = shareWeighted(w.calendar);
    m_factor.push_back(mean);
    m_run.factor += mean, m_run.ticks += 1, m_run.eventDays += m_eventToday ? 1 : 0;
  }

  void beginMeasurement() override { m_run = {}; }

  void timeseriesColumns(std::vector<std::string>& columns) const override { columns.push_back("demand_factor"); }
  void tickValues(std::size_t tick, std::vector<double>& values) const override { values.push_back(m_factor[tick]); }

  void summarize(const World&, Summary& s) const override {
    s.emplace_back("calendar.mean_factor", m_run.ticks > 0 ? m_run.factor / m_run.ticks : 0.0);
    s.emplace_back("calendar.event_days", m_run.eventDays);
  }

 private:
  /// The segments' purchase-probability factors weighted by their shares.
  double shareWeighted(const DemandCalendar& cal) const {
    double mean = 0;
    for (std::size_t s = 0; s < m_segments; ++s) mean += m_share[s] * cal.shop[s];
    return mean;
  }

  /// Factors of tick `tick` into `cal` (its date: start + tick - 1 days; tick 0, set-up, is the
  /// day before); true when it is an event day of some event.
  bool factorsOf(const World& w, int tick, DemandCalendar& cal) const {
    cal.shop.assign(m_segments, 1.0);
    cal.priceSensitivity.assign(m_segments, 1.0);
    cal.outlet.assign(m_segments * m_outlets, 1.0);
    cal.event.assign(m_segments, 0);
    const long day = m_startDay + tick - 1;
    const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
    const unsigned weekday = std::chrono::weekday{std::chrono::sys_days{std::chrono::days{day}}}.iso_encoding() - 1;
    const unsigned month = static_cast<unsigned>(ymd.month()) - 1;
    const double base = m_spec.weekday[weekday] * m_spec.month[month] *
                        std::pow(1.0 + m_spec.trend, static_cast<double>(day - m_startDay) / 365.0);
    for (double& f : cal.shop) f = base;
    bool eventDay = false;
    const int year = static_cast<int>(ymd.year());
    for (const CalendarEvent& e : m_spec.events) {
      // occurrences that can reach today: the one-off date, or last, this and next year's
      for (int y = e.date.year ? e.date.year : year - 1; y <= (e.date.year ? e.date.year : year + 1); ++y) {
        const std::chrono::year_month_day first{std::chrono::year{y}, std::chrono::month{e.date.month},
                                                std::chrono::day{e.date.day}};
        if (!first.ok()) continue;  // 02-29 of a common year
        const long offset = day - dayNumber(y, e.date.month, e.date.day);
        double factor = 1;
        bool onEvent = false;
        if (offset >= 0 && offset < e.days) factor = 1 + e.uplift, onEvent = true;
        else if (offset < 0 && offset >= -e.preDays) factor = 1 - e.preDip;
        else if (offset >= e.days && offset < e.days + e.postDays) factor = 1 - e.postDip;
        else continue;
        eventDay = eventDay || onEvent;
        for (std::size_t s = 0; s < m_segments; ++s) {
          if (!e.segments.empty() &&
              std::find(e.segments.begin(), e.segments.end(), static_cast<int>(s)) == e.segments.end())
            continue;
          cal.shop[s] *= factor;
          if (!onEvent) continue;
          cal.event[s] = 1;  // (household stock: event-day baskets)
          cal.priceSensitivity[s] *= e.priceSensitivity;
          for (const ChannelUplift& c : e.channels)
            for (std::size_t o = 0; o < m_outlets; ++o)
              if (static_cast<int>(w.members.kind[idx(w.outlets[o])]) == c.kind)
                cal.outlet[s * m_outlets + o] *= 1 + c.uplift;
        }
      }
    }
    return eventDay;
  }

  struct Totals {
    double factor = 0, ticks = 0, eventDays = 0;
  };
  const CalendarSpec& m_spec;
  std::size_t m_segments, m_outlets;
  long m_startDay = 0;
  std::vector<double> m_share;   // per segment: share of consumers (normalised)
  std::vector<double> m_factor;  // per tick: share-weighted purchase-probability factor
  bool m_eventToday = false;     // an event day of any event, for any segment
  Totals m_run;
};

}  // namespace

MechanismEntry calendar() {
  return {
      .name = "calendar",
      .doc =
          "Calendar demand (deck ch. 5; issue 13), section `calendar` (off when absent): tick t is the date "
          "`start` + t − 1 days, and each segment's purchase probability is multiplied by weekday × month × "
          "(1 + `trend`)^(days since start / 365) × the factors of the named `events` that reach that day: "
          "1 + `uplift` on the `days` event days, 1 − `pre_dip` on the `pre_days` before (shoppers wait) and "
          "1 − `post_dip` on the `post_days` after (the hangover); an event lists the `segments` it moves "
          "(default all). The product with `purchase_probability` is capped at 1. On event days an event "
          "multiplies the choice weight of the outlets of each kind in `channels` by 1 + `uplift` (logit "
          "segments; festivals lift online more) and the segments' price sensitivity by `price_sensitivity`. "
          "Dates are YYYY-MM-DD (once) or MM-DD (every year). Timeseries: `demand_factor` (the segments' "
          "factor weighted by share). Summary (only with a calendar): `calendar.mean_factor`, "
          "`calendar.event_days`. Scenario: `scenarios/double_11.yaml`.",
      .makeSpec = [] { return std::make_unique<CalendarSpec>(); },
      .fields = [](MechanismSpec& s, FieldVisitor& v,
                   const ScenarioSpec& scenario) { static_cast<CalendarSpec&>(s).fields(v, scenario); },
      .used = [](const MechanismSpec& s) { return static_cast<const CalendarSpec&>(s).present; },
      .create = [](const MechanismSpec& s, const World& w) -> std::unique_ptr<Mechanism> {
        const auto& spec = static_cast<const CalendarSpec&>(s);
        if (!spec.present) return std::make_unique<Mechanism>();  // off: no state, no column, no key
        return std::make_unique<Calendar>(spec, w);
      },
  };
}

}  // namespace chan::mechanisms
