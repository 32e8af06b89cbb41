// Each test makes one kind of mistake in a tiny document and checks the whole message:
// file, 1-based line and column, dotted key path, and the problem.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "sim/io/yaml_reader.hpp"

using chan::io::applyOverride;
using chan::io::closestMatch;
using chan::io::InputError;
using chan::io::Reader;

namespace {

Reader root(const char* yaml) { return Reader(YAML::Load(yaml), "s.yaml", ""); }

// A fresh directory under /tmp, removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char name[] = "/tmp/chan_yaml_reader_XXXXXX";
    REQUIRE(mkdtemp(name) != nullptr);
    path = name;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& file, const std::string& text) const {
    std::ofstream(path / file) << text;
    return (path / file).string();
  }
};

}  // namespace

TEST_CASE("a number given as text names the file, line, column and key") {
  Reader r = root("seed: 1\nmarkup: ten\n");
  REQUIRE_THROWS_WITH(r.number("markup", 0, 10), "s.yaml:2:9: markup: expected a number, got \"ten\"");
}

TEST_CASE("numbers reject NaN and infinity") {
  Reader r = root("a: .nan\nb: nan\nc: inf\nd: .inf\n");
  REQUIRE_THROWS_WITH(r.number("a", 0, 1), "s.yaml:1:4: a: expected a number, got \".nan\"");
  REQUIRE_THROWS_WITH(r.number("b", 0, 1), "s.yaml:2:4: b: expected a number, got \"nan\"");
  REQUIRE_THROWS_WITH(r.number("c", 0, 1), "s.yaml:3:4: c: expected a number, got \"inf\"");
  REQUIRE_THROWS_WITH(r.number("d", 0, 1), "s.yaml:4:4: d: expected a number, got \".inf\"");
}

TEST_CASE("a number outside its bounds prints the bounds compactly") {
  Reader r = root("rate: 1.5\nshare: -0.25\n");
  REQUIRE_THROWS_WITH(r.number("rate", 0, 1), "s.yaml:1:7: rate: must be between 0 and 1, got 1.5");
  REQUIRE_THROWS_WITH(r.number("share", 0.5, 2.5), "s.yaml:2:8: share: must be between 0.5 and 2.5, got -0.25");
  REQUIRE(r.number("rate", 0, 2) == 1.5);
}

TEST_CASE("integers reject fractions and accept whole numbers in any notation") {
  Reader r = root("agents: 2.5\nticks: 1e3\nname: ten\nbig: 99999999999999999999\n");
  REQUIRE_THROWS_WITH(r.integer("agents", 0, 100), "s.yaml:1:9: agents: expected an integer, got 2.5");
  REQUIRE(r.integer("ticks", 0, chan::io::kMaxCount) == 1000);
  REQUIRE_THROWS_WITH(r.integer("name", 0, 100), "s.yaml:3:7: name: expected an integer, got \"ten\"");
  REQUIRE_THROWS_WITH(r.integer("ticks", 1, 100), "s.yaml:2:8: ticks: must be between 1 and 100, got 1e3");
  REQUIRE_THROWS_WITH(r.integer("big", 0, chan::io::kMaxCount),
                      "s.yaml:4:6: big: must be between 0 and 50000000, got 99999999999999999999");
}

TEST_CASE("booleans are true or false only") {
  Reader r = root("verbose: yes\nquiet: false\n");
  REQUIRE_THROWS_WITH(r.boolean("verbose", false), "s.yaml:1:10: verbose: expected true or false, got \"yes\"");
  REQUIRE(r.boolean("quiet", true) == false);
  REQUIRE(r.boolean("absent", true) == true);
}

TEST_CASE("a mapping or list of the wrong shape says what it got") {
  Reader r = root("pricing: 3\nmembers: abc\nname: [1, 2]\nempty:\n");
  REQUIRE_THROWS_WITH(r.map("pricing"), "s.yaml:1:10: pricing: expected a mapping, got 3");
  REQUIRE_THROWS_WITH(r.list("members"), "s.yaml:2:10: members: expected a list, got \"abc\"");
  REQUIRE_THROWS_WITH(r.text("name"), "s.yaml:3:7: name: expected text, got a list");
  REQUIRE_THROWS_WITH(r.number("empty", 0, 1), "s.yaml:4:1: empty: expected a number, got an empty value");
}

TEST_CASE("a missing required key is reported at the mapping that lacks it") {
  Reader r = root("seed: 1\npricing:\n  markup: 0.1\n");
  REQUIRE_THROWS_WITH(r.integer("ticks", 1, 10), "s.yaml:1:1: missing required key 'ticks'");
  Reader pricing = r.map("pricing");
  REQUIRE_THROWS_WITH(pricing.text("policy"), "s.yaml:3:3: pricing: missing required key 'policy'");
  REQUIRE(pricing.text("policy", "fixed") == "fixed");
}

TEST_CASE("an unknown key near a known one gets a suggestion") {
  Reader r = root("seed: 1\nsede: 2\n");
  r.integer("seed", 0, 10);
  REQUIRE_THROWS_WITH(r.finish(), "s.yaml:2:1: sede: unknown key 'sede' (did you mean 'seed'?)");
}

TEST_CASE("an unknown key far from all known ones lists them, optional ones included") {
  Reader r = root("seed: 1\nsub:\n  zzz: 2\n");
  r.integer("seed", 0, 10);
  r.number("ticks", 5, 0, 10);  // absent, so the fallback is used; still a known key
  Reader sub = r.map("sub");
  sub.text("name", "x");
  sub.boolean("on", false);
  r.finish();
  REQUIRE_THROWS_WITH(sub.finish(), "s.yaml:3:3: sub.zzz: unknown key 'zzz' (known keys: name, on)");
}

TEST_CASE("optional sub-mappings are known keys and have dotted paths") {
  Reader r = root("seed: 1\nlimits:\n  max: 3\n");
  REQUIRE_FALSE(r.optionalMap("pricing").has_value());
  std::optional<Reader> limits = r.optionalMap("limits");
  REQUIRE(limits.has_value());
  REQUIRE_THROWS_WITH(limits->integer("max", 5, 10), "s.yaml:3:8: limits.max: must be between 5 and 10, got 3");
  REQUIRE_THROWS_WITH(r.finish(), "s.yaml:1:1: seed: unknown key 'seed' (known keys: limits, pricing)");
}

TEST_CASE("a key that is not plain text is reported by finish()") {
  Reader r = root("[a, b]: 1\n");
  REQUIRE_THROWS_WITH(r.finish(), "s.yaml:1:1: expected a plain key, got a list");
}

TEST_CASE("a repeated key is an error rather than silently dropped") {
  REQUIRE_THROWS_WITH(root("seed: 1\nseed: 2\n"), "s.yaml:2:1: seed: duplicate key 'seed'");
}

TEST_CASE("a choice outside the allowed values suggests or lists them") {
  Reader r = root("policy: fixd\nmode: zzz\n");
  const std::vector<std::string> policies{"fixed", "adaptive"};
  REQUIRE_THROWS_WITH(r.choice("policy", policies), "s.yaml:1:9: policy: unknown value 'fixd' (did you mean 'fixed'?)");
  REQUIRE_THROWS_WITH(r.choice("mode", "fixed", policies),
                      "s.yaml:2:7: mode: unknown value 'zzz' (expected one of: fixed, adaptive)");
  REQUIRE(r.choice("absent", "adaptive", policies) == "adaptive");
}

TEST_CASE("a mistake inside a list of mappings names the element index") {
  Reader r = root(
      "members:\n"
      "  - name: a\n"
      "    pricing:\n"
      "      markup: 0.1\n"
      "  - name: b\n"
      "    pricing:\n"
      "      markup: ten\n");
  std::vector<Reader> members = r.list("members");
  REQUIRE(members.size() == 2);
  REQUIRE(members[0].map("pricing").number("markup", 0, 1) == 0.1);
  REQUIRE(members[1].path() == "members[1]");
  REQUIRE_THROWS_WITH(members[1].map("pricing").number("markup", 0, 1),
                      "s.yaml:7:15: members[1].pricing.markup: expected a number, got \"ten\"");
  REQUIRE_THROWS_WITH(root("members:\n  - 3\n").list("members"), "s.yaml:2:5: members[0]: expected a mapping, got 3");
  REQUIRE(root("x: 1\n").list("members").empty());
}

TEST_CASE("lists of scalars check every element") {
  Reader r = root("weights: [1, x]\nnames: [a, [b]]\nok: [0.5, 2]\n");
  REQUIRE_THROWS_WITH(r.numbers("weights", 0, 10), "s.yaml:1:14: weights[1]: expected a number, got \"x\"");
  REQUIRE_THROWS_WITH(r.texts("names"), "s.yaml:2:12: names[1]: expected text, got a list");
  REQUIRE(r.numbers("ok", 0, 10) == std::vector<double>{0.5, 2});
}

TEST_CASE("fail() locates a caller's own check at the value") {
  Reader r = root("min: 5\nmax: 3\n");
  REQUIRE_THROWS_WITH(r.fail("max", "must not be below min"), "s.yaml:2:6: max: must not be below min");
  REQUIRE_THROWS_WITH(r.fail("whole mapping is wrong"), "s.yaml:1:1: whole mapping is wrong");
}

TEST_CASE("an override replaces a value, creates missing keys, and parses YAML") {
  YAML::Node doc = YAML::Load("a:\n  b: 1\nc:\n  b: 1\nm:\n  - x: 1\n  - x: 2\n");
  applyOverride(doc, "a.b=2");
  applyOverride(doc, "a.new=yes please");
  applyOverride(doc, "p.q.r=7");
  applyOverride(doc, "c.list=[1, 2]");
  applyOverride(doc, "m[1].x=9");
  applyOverride(doc, "eq=a=b");
  YAML::Node empty;
  applyOverride(empty, "x=1");
  REQUIRE(empty["x"].as<int>() == 1);
  REQUIRE(doc["a"]["b"].as<int>() == 2);
  REQUIRE(doc["c"]["b"].as<int>() == 1);  // the sibling is untouched
  REQUIRE(doc["a"]["new"].as<std::string>() == "yes please");
  REQUIRE(doc["p"]["q"]["r"].as<int>() == 7);
  REQUIRE(doc["c"]["list"].IsSequence());
  REQUIRE(doc["c"]["list"].size() == 2);
  REQUIRE(doc["m"][0]["x"].as<int>() == 1);
  REQUIRE(doc["m"][1]["x"].as<int>() == 9);
  REQUIRE(doc["eq"].as<std::string>() == "a=b");  // split at the first '='
}

TEST_CASE("an overridden value has no file position, so messages give none") {
  YAML::Node doc = YAML::Load("seed: 1\nmarkup: 0.1\n");
  applyOverride(doc, "markup=ten");
  applyOverride(doc, "sede=3");
  Reader r(doc, "s.yaml", "");
  REQUIRE_THROWS_WITH(r.number("markup", 0, 1), "s.yaml: markup: expected a number, got \"ten\"");
  r.integer("seed", 0, 10);
  REQUIRE_THROWS_WITH(r.finish(), "s.yaml: sede: unknown key 'sede' (did you mean 'seed'?)");
}

TEST_CASE("a bad override names the --set key and what went wrong") {
  YAML::Node doc = YAML::Load("a:\n  b: 1\nm:\n  - x: 1\n  - x: 2\n");
  REQUIRE_THROWS_WITH(applyOverride(doc, "m[5].x=1"),
                      "--set m[5].x: index 5 is past the end of 'm', which has 2 elements");
  REQUIRE_THROWS_WITH(applyOverride(doc, "a.b.c=1"), "--set a.b.c: 'a.b' is 1, not a mapping, so it has no key 'c'");
  REQUIRE_THROWS_WITH(applyOverride(doc, "a[0]=1"), "--set a[0]: 'a' is a mapping, not a list");
  REQUIRE_THROWS_WITH(applyOverride(doc, "a.b"), "--set a.b: expected KEY=VALUE");
  REQUIRE_THROWS_WITH(applyOverride(doc, "=3"), "--set =3: empty key before '='");
  REQUIRE_THROWS_WITH(applyOverride(doc, "a..b=3"), "--set a..b: empty name in key path");
  REQUIRE_THROWS_WITH(applyOverride(doc, "m[x].x=3"), "--set m[x].x: bad list index in key path (write [0], [1], ...)");
  REQUIRE_THROWS_WITH(applyOverride(doc, "a.b=[1, 2"),
                      "--set a.b: cannot parse the value: end of sequence flow not found");
  REQUIRE_THROWS_WITH(applyOverride(doc, "a.new.list[0]=1"),
                      "--set a.new.list[0]: 'a.new' does not exist, and list elements cannot be created");
  REQUIRE(YAML::Dump(doc) == "a:\n  b: 1\nm:\n  - x: 1\n  - x: 2");  // failed overrides changed nothing
}

TEST_CASE("loadYamlFile reports missing files, syntax errors and empty documents") {
  TempDir dir;
  const std::string missing = (dir.path / "nope.yaml").string();
  REQUIRE_THROWS_WITH(chan::io::loadYamlFile(missing), missing + ": cannot open file");

  const std::string bad = dir.write("bad.yaml", "a: 1\nb: 2\n  c: 3\n");
  REQUIRE_THROWS_WITH(chan::io::loadYamlFile(bad), bad + ":3:4: YAML syntax error: illegal map value");

  const std::string empty = dir.write("empty.yaml", "# nothing here\n");
  REQUIRE_THROWS_WITH(chan::io::loadYamlFile(empty), empty + ": empty document");

  const std::string two = dir.write("two.yaml", "a: 1\n---\nb: 2\n");
  REQUIRE_THROWS_WITH(chan::io::loadYamlFile(two), two + ":3:1: expected one YAML document, found 2");

  const std::string list = dir.write("list.yaml", "- 1\n- 2\n");
  REQUIRE_THROWS_WITH(chan::io::loadYamlFile(list), list + ":1:1: expected a mapping at the top level, got a list");

  const std::string good = dir.write("good.yaml", "seed: 4\n");
  Reader r(chan::io::loadYamlFile(good), good, "");
  REQUIRE(r.integer("seed", 0, 10) == 4);
  r.finish();
}

TEST_CASE("closestMatch allows a distance of max(2, len/3), case-sensitively") {
  const std::vector<std::string> keys{"seed", "ticks", "members", "distribution"};
  REQUIRE(closestMatch("sede", keys) == "seed");
  REQUIRE(closestMatch("membrs", keys) == "members");
  REQUIRE(closestMatch("distribtuoin", keys) == "distribution");  // distance 3 <= 12/3
  REQUIRE(closestMatch("Ticks", keys) == "ticks");                 // one substitution
  REQUIRE(closestMatch("TICKS", keys).empty());
  REQUIRE(closestMatch("zzz", keys).empty());
  REQUIRE(closestMatch("seed", {}).empty());
}

// yaml-cpp 0.7's LoadAll produces empty documents forever on a stream starting with ','
// (jbeder/yaml-cpp#1040); found by tests/fuzz. Each of these calls hung before the fix.
TEST_CASE("streams that make yaml-cpp loop forever are errors rather than hangs") {
  REQUIRE_THROWS_WITH(chan::io::loadYamlText(",", "c.yaml"), "c.yaml: empty document");
  REQUIRE_THROWS_WITH(chan::io::loadYamlText("  ,na\n", "c.yaml"), "c.yaml: empty document");
  REQUIRE_THROWS_WITH(chan::io::loadYamlText("a: 1\n---\n,\n", "c.yaml"),
                      "c.yaml:3:1: expected one YAML document, found more than 99");
  // a well-formed second document is still counted exactly
  REQUIRE_THROWS_WITH(chan::io::loadYamlText("a: 1\n---\nb: 2\n---\nc: 3\n", "c.yaml"),
                      "c.yaml:3:1: expected one YAML document, found 3");
  REQUIRE(chan::io::loadYamlText("a: 1\n", "c.yaml")["a"].as<int>() == 1);
}
