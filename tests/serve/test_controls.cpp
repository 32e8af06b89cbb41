// The explorer's form controls state the loader's own bounds: a value just outside a control's
// range is rejected by the loader with "PATH: must be between MIN and MAX", and MIN and MAX are
// exactly the control's; the value each control shows loads back unchanged.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>

#include "sim/io/scenario_loader.hpp"
#include "sim/serve/controls.hpp"

using nlohmann::json;

namespace {

std::string scenario(const std::string& name) {
  // a path, not chained string additions: GCC 12 warns (-Warray-bounds, a known false positive)
  // on `std::string(...) + "..." + name + "..."` in this function once inlined
  return (std::filesystem::path(CHAN_SOURCE_DIR) / "scenarios" / (name + ".yaml")).string();
}

/// The loader's message for `path=value`, or "" when it loads.
std::string loadError(const std::string& file, const std::string& assignment) {
  try {
    chan::io::loadScenario(file, {assignment});
    return "";
  } catch (const chan::io::InputError& e) {
    return e.what();
  }
}

std::string text(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

void checkControls(const std::string& name) {
  const std::string file = scenario(name);
  const json controls = chan::serve::controlsOf(chan::io::loadScenario(file));
  int bounded = 0;
  for (const json& section : controls["sections"])
    for (const json& c : section["controls"]) {
      const std::string path = c["path"];
      INFO(name << ": " << path);
      const std::string type = c["type"];
      const std::string shown = c["value"].is_string() ? c["value"].get<std::string>() : c["value"].dump();
      CHECK(loadError(file, path + "=" + shown).empty());
      if (type != "number" && type != "integer") continue;
      const double step = type == "integer" ? 1 : 1e-3;
      for (const char* side : {"min", "max"}) {
        if (c[side].is_null()) continue;
        const double bound = c[side];
        const double outside = side == std::string("min") ? bound - std::max(step, std::abs(bound) * 1e-9)
                                                          : bound + std::max(step, std::abs(bound) * 1e-9);
        const std::string message = loadError(file, path + "=" + (type == "integer" ? text(std::round(outside)) : text(outside)));
        INFO(message);
        REQUIRE(message.find(" " + path + ": must be between") != std::string::npos);
        // "...: must be between MIN and MAX, got V"
        std::istringstream range(message.substr(message.find(": must be between ") + 18));
        double low = 0, high = 0;
        std::string andWord;
        REQUIRE(range >> low >> andWord >> high);
        CHECK(andWord == "and");
        CHECK(low == Approx(c["min"].get<double>()).epsilon(1e-15));
        if (!c["max"].is_null()) CHECK(high == Approx(c["max"].get<double>()).epsilon(1e-15));
        ++bounded;
      }
    }
  CHECK(bounded > 0);
}

}  // namespace

TEST_CASE("the form's bounds are the loader's, for core keys and mechanism sections", "[serve]") {
  checkControls("flagship");         // brands, markups, counts, monitoring and enforcement offered
  checkControls("store_promotion");  // a mechanism section: promotions[0].discount etc. from the schema
  checkControls("partner_review");
  checkControls("map_enforcement");  // monitoring and enforcement given
}

TEST_CASE("the form lists the scenario's outlet groups and its mechanism sections", "[serve]") {
  const json flagship = chan::serve::controlsOf(chan::io::loadScenario(scenario("flagship")));
  std::vector<std::string> outlets;
  for (const json& g : flagship["outlet_groups"]) outlets.push_back(g["name"]);
  // flagship.yaml: the stores, the brand's e-store and the marketplace seller sell to consumers
  CHECK(outlets == std::vector<std::string>{"stores", "brand_estore", "marketplace_seller"});
  const json promotion = chan::serve::controlsOf(chan::io::loadScenario(scenario("store_promotion")));
  bool discount = false;
  for (const json& section : promotion["sections"])
    for (const json& c : section["controls"])
      if (c["path"] == "promotions[0].discount") discount = c["unit"] == "fraction" && c["max"] == 0.99;
  CHECK(discount);
}

TEST_CASE("monitoring and enforcement can be switched on from the form, and show a scenario's own values", "[serve]") {
  auto valueOf = [](const json& controls, const std::string& path) {
    for (const json& section : controls["sections"])
      for (const json& c : section["controls"])
        if (c["path"] == path) return c["value"];
    return json();
  };
  // flagship.yaml has neither section: offered, switched off, at the schema's defaults
  const json flagship = chan::serve::controlsOf(chan::io::loadScenario(scenario("flagship")));
  CHECK(valueOf(flagship, "monitoring.enabled") == false);
  CHECK(valueOf(flagship, "enforcement.enabled") == false);
  CHECK(valueOf(flagship, "enforcement.fine") == 200.0);
  // map_enforcement.yaml gives both: online_detection 0.6, fine 60, deposit 500
  const json map = chan::serve::controlsOf(chan::io::loadScenario(scenario("map_enforcement")));
  CHECK(valueOf(map, "monitoring.enabled") == true);
  CHECK(valueOf(map, "monitoring.online_detection") == 0.6);
  CHECK(valueOf(map, "enforcement.fine") == 60.0);
  CHECK(valueOf(map, "enforcement.deposit") == 500.0);
}
