#include "sim/io/yaml_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include <yaml-cpp/eventhandler.h>

namespace chan::io {
namespace {

// Records the mark of each document's root node from the parser's events, building nothing.
class DocumentCounter : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> roots;

  void OnDocumentStart(const YAML::Mark&) override { m_atRoot = true; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
    node(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnMapEnd() override {}

 private:
  void node(const YAML::Mark& mark) {
    if (m_atRoot) roots.push_back(mark), m_atRoot = false;
  }
  bool m_atRoot = false;
};

// documents counted in a stream before giving up (only "one" is valid; see loadYamlText)
constexpr std::size_t kMaxDocuments = 100;

// Every message is one line, even when a key or value spans several (block scalars).
InputError error(const std::string& message) {
  std::string out;
  for (char c : message) out += c == '\n' ? std::string("\\n") : std::string(1, c);
  return InputError(out);
}

std::string location(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null()) return file;  // a node made by applyOverride has no place in the file
  return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

[[noreturn]] void raise(const std::string& where, const std::string& path, const std::string& problem) {
  throw error(where + ": " + (path.empty() ? "" : path + ": ") + problem);
}

// "%.15g" prints 0.5 as "0.5" and 50000000 as "50000000" (not "0.500000" or "5e+07").
std::string compact(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}


// A finite decimal number ("+" allowed). from_chars would also accept "inf" and "nan",
// which must not slip into a scenario, hence the isfinite check.
std::optional<double> parseNumber(std::string_view text, bool* tooLarge = nullptr) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || end != text.data() + text.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range && tooLarge) *tooLarge = true;
  if (ec != std::errc() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// What the user wrote, for "got ...": numbers bare, other text quoted and shortened.
std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      if (parseNumber(s)) return s;
      return "\"" + (s.size() > 40 ? s.substr(0, 37) + "..." : s) + "\"";
    }
    default: return "an empty value";
  }
}

// The key and value nodes of `key`. A scan rather than operator[] because messages about
// unknown keys need the key node's own mark, and a non-const operator[] would insert.
std::optional<std::pair<YAML::Node, YAML::Node>> findPair(const YAML::Node& map, std::string_view key) {
  for (const auto& kv : map)
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return std::make_pair(kv.first, kv.second);
  return std::nullopt;
}

double toNumber(const YAML::Node& v, const std::string& at, const std::string& path, double min, double max) {
  bool tooLarge = false;
  auto x = v.IsScalar() ? parseNumber(v.Scalar(), &tooLarge) : std::nullopt;
  if (!x && !tooLarge) raise(at, path, "expected a number, got " + describe(v));
  if (tooLarge || *x < min || *x > max)
    raise(at, path, "must be between " + compact(min) + " and " + compact(max) + ", got " + v.Scalar());
  return *x;
}

std::int64_t toInteger(const YAML::Node& v, const std::string& at, const std::string& path, std::int64_t min,
                       std::int64_t max) {
  const std::string range = "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got ";
  std::string_view s = v.IsScalar() ? std::string_view(v.Scalar()) : std::string_view();
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  std::int64_t i = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
  if (!s.empty() && end == s.data() + s.size()) {
    if (ec == std::errc() && i >= min && i <= max) return i;
    raise(at, path, range + v.Scalar());  // in range of int64 or not, it is outside [min, max]
  }
  // Counts are often written "1e6"; accept any number with no fractional part.
  bool tooLarge = false;
  auto d = v.IsScalar() ? parseNumber(v.Scalar(), &tooLarge) : std::nullopt;
  if (d && std::trunc(*d) != *d) raise(at, path, "expected an integer, got " + v.Scalar());
  if (!d && !tooLarge) raise(at, path, "expected an integer, got " + describe(v));
  // The 2^63 guard keeps the cast defined; min/max as doubles may round up to it.
  if (tooLarge || *d < static_cast<double>(min) || *d > static_cast<double>(max) || *d >= 0x1p63)
    raise(at, path, range + v.Scalar());
  return static_cast<std::int64_t>(*d);
}

std::string toText(const YAML::Node& v, const std::string& at, const std::string& path) {
  if (!v.IsScalar()) raise(at, path, "expected text, got " + describe(v));
  return v.Scalar();
}

std::string checkChoice(std::string value, const std::vector<std::string>& choices, const std::string& at,
                        const std::string& path) {
  if (std::find(choices.begin(), choices.end(), value) != choices.end()) return value;
  std::string near = closestMatch(value, choices);
  raise(at, path, "unknown value '" + value + "' " +
                      (near.empty() ? "(expected one of: " + joined(choices) + ")" : "(did you mean '" + near + "'?)"));
}

// A copy without parse positions: an override value parsed from "--set" text carries marks
// into that text, which messages would misreport as lines of the scenario file.
YAML::Node withoutMarks(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Scalar: return YAML::Node(n.Scalar());
    case YAML::NodeType::Sequence: {
      YAML::Node out(YAML::NodeType::Sequence);
      for (const auto& e : n) out.push_back(withoutMarks(e));
      return out;
    }
    case YAML::NodeType::Map: {
      YAML::Node out(YAML::NodeType::Map);
      for (const auto& kv : n) out.force_insert(withoutMarks(kv.first), withoutMarks(kv.second));
      return out;
    }
    default: return YAML::Node(YAML::NodeType::Null);
  }
}

// The value of a required key; a missing one is reported at the mapping that lacks it.
YAML::Node required(const Reader& r, YAML::Node value, std::string_view key) {
  if (!value.IsDefined()) r.fail("missing required key '" + std::string(key) + "'");
  return value;
}

}  // namespace

Reader::Reader(YAML::Node node, std::string file, std::string path)
    : m_node(std::move(node)), m_file(std::move(file)), m_path(std::move(path)) {
  if (!m_node.IsMap()) fail("expected a mapping, got " + describe(m_node));
  // yaml-cpp keeps both pairs of a repeated key and reads only the first: report it instead.
  std::set<std::string, std::less<>> seen;
  for (const auto& kv : m_node)
    if (kv.first.IsScalar() && !seen.insert(kv.first.Scalar()).second)
      raise(where(kv.first), keyPath(kv.first.Scalar()), "duplicate key '" + kv.first.Scalar() + "'");
}

bool Reader::has(std::string_view key) const { return findPair(m_node, key).has_value(); }

YAML::Node Reader::valueOf(std::string_view key) const {
  m_known.emplace(key);  // asked for, so finish() accepts it even when the caller used a fallback
  auto pair = findPair(m_node, key);
  return pair ? pair->second : YAML::Node(YAML::NodeType::Undefined);
}

std::string Reader::keyPath(std::string_view key) const {
  return m_path.empty() ? std::string(key) : m_path + "." + std::string(key);
}

std::string Reader::where(const YAML::Node& at) const {
  // An empty value ("key:") takes the position of whatever follows it; point at its key.
  if (at.IsNull())
    for (const auto& kv : m_node)
      if (kv.second.is(at)) return location(m_file, kv.first.Mark());
  return location(m_file, at.Mark());
}

void Reader::fail(const std::string& problem) const { raise(where(m_node), m_path, problem); }

void Reader::fail(std::string_view key, const std::string& problem) const {
  auto pair = findPair(m_node, key);
  raise(where(pair ? pair->second : m_node), keyPath(key), problem);
}

double Reader::number(std::string_view key, double min, double max) {
  YAML::Node v = required(*this, valueOf(key), key);
  return toNumber(v, where(v), keyPath(key), min, max);
}

double Reader::number(std::string_view key, double fallback, double min, double max) {
  YAML::Node v = valueOf(key);
  return v.IsDefined() ? toNumber(v, where(v), keyPath(key), min, max) : fallback;
}

std::int64_t Reader::integer(std::string_view key, std::int64_t min, std::int64_t max) {
  YAML::Node v = required(*this, valueOf(key), key);
  return toInteger(v, where(v), keyPath(key), min, max);
}

std::int64_t Reader::integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max) {
  YAML::Node v = valueOf(key);
  return v.IsDefined() ? toInteger(v, where(v), keyPath(key), min, max) : fallback;
}

bool Reader::boolean(std::string_view key, bool fallback) {
  YAML::Node v = valueOf(key);
  if (!v.IsDefined()) return fallback;
  // Only YAML 1.2's spellings: "yes", "on" and "y" are more often typos than intent.
  const std::string s = v.IsScalar() ? v.Scalar() : "";
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  raise(where(v), keyPath(key), "expected true or false, got " + describe(v));
}

std::string Reader::text(std::string_view key) {
  YAML::Node v = required(*this, valueOf(key), key);
  return toText(v, where(v), keyPath(key));
}

std::string Reader::text(std::string_view key, std::string fallback) {
  YAML::Node v = valueOf(key);
  return v.IsDefined() ? toText(v, where(v), keyPath(key)) : fallback;
}

std::string Reader::choice(std::string_view key, const std::vector<std::string>& choices) {
  YAML::Node v = required(*this, valueOf(key), key);
  return checkChoice(toText(v, where(v), keyPath(key)), choices, where(v), keyPath(key));
}

std::string Reader::choice(std::string_view key, std::string fallback, const std::vector<std::string>& choices) {
  YAML::Node v = valueOf(key);
  if (!v.IsDefined()) return fallback;
  return checkChoice(toText(v, where(v), keyPath(key)), choices, where(v), keyPath(key));
}

std::vector<double> Reader::numbers(std::string_view key, double min, double max, bool optional) {
  YAML::Node v = valueOf(key);
  if (optional && !v.IsDefined()) return {};
  v = required(*this, v, key);
  if (!v.IsSequence()) raise(where(v), keyPath(key), "expected a list, got " + describe(v));
  std::vector<double> out;
  for (std::size_t i = 0; i < v.size(); ++i)
    out.push_back(toNumber(v[i], where(v[i]), keyPath(key) + "[" + std::to_string(i) + "]", min, max));
  return out;
}

std::vector<std::string> Reader::texts(std::string_view key) {
  YAML::Node v = valueOf(key);
  if (!v.IsDefined()) return {};
  if (!v.IsSequence()) raise(where(v), keyPath(key), "expected a list, got " + describe(v));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i)
    out.push_back(toText(v[i], where(v[i]), keyPath(key) + "[" + std::to_string(i) + "]"));
  return out;
}

std::vector<std::string> Reader::choices(std::string_view key, const std::vector<std::string>& choices) {
  YAML::Node v = valueOf(key);
  if (!v.IsDefined()) return {};
  if (!v.IsSequence()) raise(where(v), keyPath(key), "expected a list, got " + describe(v));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string item = keyPath(key) + "[" + std::to_string(i) + "]";
    out.push_back(checkChoice(toText(v[i], where(v[i]), item), choices, where(v[i]), item));
  }
  return out;
}

Reader Reader::map(std::string_view key) {
  YAML::Node v = required(*this, valueOf(key), key);
  return Reader(v, m_file, keyPath(key));
}

std::optional<Reader> Reader::optionalMap(std::string_view key) {
  YAML::Node v = valueOf(key);
  if (!v.IsDefined()) return std::nullopt;
  return Reader(v, m_file, keyPath(key));
}

std::vector<Reader> Reader::list(std::string_view key) {
  YAML::Node v = valueOf(key);
  if (!v.IsDefined()) return {};
  if (!v.IsSequence()) raise(where(v), keyPath(key), "expected a list, got " + describe(v));
  std::vector<Reader> out;
  for (std::size_t i = 0; i < v.size(); ++i)
    out.emplace_back(v[i], m_file, keyPath(key) + "[" + std::to_string(i) + "]");
  return out;
}

void Reader::finish() const {
  for (const auto& kv : m_node) {
    const YAML::Node& key = kv.first;
    if (!key.IsScalar()) raise(where(key), m_path, "expected a plain key, got " + describe(key));
    if (m_known.count(key.Scalar())) continue;
    const std::vector<std::string> known(m_known.begin(), m_known.end());
    const std::string near = closestMatch(key.Scalar(), known);
    const std::string hint = !near.empty()   ? " (did you mean '" + near + "'?)"
                             : known.empty() ? " (no keys are expected here)"
                                             : " (known keys: " + joined(known) + ")";
    raise(where(key), keyPath(key.Scalar()), "unknown key '" + key.Scalar() + "'" + hint);
  }
}

YAML::Node loadYamlFile(const std::string& file) {
  std::error_code ec;  // a directory opens as an empty stream; say what it is instead
  std::ifstream in(file, std::ios::binary);
  if (!in || std::filesystem::is_directory(file, ec)) throw error(file + ": cannot open file");
  std::ostringstream text;
  text << in.rdbuf();
  return loadYamlText(text.str(), file);
}

YAML::Node loadYamlText(const std::string& text, const std::string& file) {
  // Count the documents (up to kMaxDocuments) before building the first one: yaml-cpp 0.7's
  // LoadAll never returns on some malformed streams, e.g. one starting with ',' (it produces
  // empty documents without consuming the token, jbeder/yaml-cpp#1040, fixed upstream by #1319
  // after 0.8), growing memory until killed. Found by tests/fuzz.
  DocumentCounter counter;
  YAML::Node first;
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    while (counter.roots.size() < kMaxDocuments && parser.HandleNextDocument(counter)) {
    }
    first = YAML::Load(text);  // the first document only
  } catch (const YAML::ParserException& e) {
    throw error(location(file, e.mark) + ": YAML syntax error: " + e.msg);
  }
  if (counter.roots.empty() || first.IsNull()) throw error(file + ": empty document");
  if (counter.roots.size() > 1)
    throw error(location(file, counter.roots[1]) + ": expected one YAML document, found " +
                (counter.roots.size() < kMaxDocuments ? std::to_string(counter.roots.size())
                                                      : "more than " + std::to_string(kMaxDocuments - 1)));
  if (!first.IsMap())
    throw error(location(file, first.Mark()) + ": expected a mapping at the top level, got " + describe(first));
  return first;
}

void applyOverride(YAML::Node& root, const std::string& assignment) {
  const auto eq = assignment.find('=');
  const std::string keyText = assignment.substr(0, eq);
  const std::string prefix = "--set " + keyText + ": ";
  if (eq == std::string::npos) throw error(prefix + "expected KEY=VALUE");
  if (keyText.empty()) throw error("--set " + assignment + ": empty key before '='");

  // Split "a.b[2].c" into steps: names, and indices written as [n] after a name.
  struct Step {
    std::string name;
    std::optional<std::size_t> index;
  };
  std::vector<Step> steps;
  for (std::size_t i = 0;;) {
    const std::size_t j = std::min(keyText.find_first_of(".[]", i), keyText.size());
    if (j == i) throw error(prefix + "empty name in key path");
    steps.push_back({keyText.substr(i, j - i), std::nullopt});
    for (i = j; i < keyText.size() && keyText[i] == '[';) {
      const std::size_t close = keyText.find(']', i);
      std::size_t n = 0;
      const char* first = keyText.data() + i + 1;
      const char* last = keyText.data() + std::min(close, keyText.size());
      auto [end, errc] = std::from_chars(first, last, n);
      if (close == std::string::npos || first == last || end != last || errc != std::errc())
        throw error(prefix + "bad list index in key path (write [0], [1], ...)");
      steps.push_back({"", n});
      i = close + 1;
    }
    if (i == keyText.size()) break;
    if (keyText[i] != '.') throw error(prefix + "unexpected '" + keyText[i] + "' in key path");
    ++i;
  }

  YAML::Node value;
  try {
    value = withoutMarks(YAML::Load(assignment.substr(eq + 1)));
  } catch (const YAML::ParserException& e) {
    throw error(prefix + "cannot parse the value: " + e.msg);
  }

  // Walk with reset() (rebinding the handle); plain `cur = child` would overwrite cur's node.
  // Assigning to the final slot mutates it in place, so a YAML alias sees the change too.
  // An empty value ("pricing:") is treated as an empty mapping that keys can be added to.
  if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);  // so that cur shares root's node
  YAML::Node cur = root;
  std::string walked;  // the part of the key path already walked, for messages
  auto shown = [&] { return walked.empty() ? std::string("the document") : "'" + walked + "'"; };
  for (std::size_t k = 0; k < steps.size(); ++k) {
    const Step& s = steps[k];
    YAML::Node child;
    if (!s.index) {
      if (!cur.IsMap() && !cur.IsNull())
        throw error(prefix + shown() + " is " + describe(cur) + ", not a mapping, so it has no key '" + s.name + "'");
      walked += (walked.empty() ? "" : ".") + s.name;
      // Only mapping keys are created; refuse before creating any, so a failure changes nothing.
      const bool laterIndex =
          std::any_of(steps.begin() + k, steps.end(), [](const Step& t) { return t.index.has_value(); });
      if (laterIndex && !findPair(cur, s.name))
        throw error(prefix + "'" + walked + "' does not exist, and list elements cannot be created");
      child.reset(cur[s.name]);  // non-const operator[]: adds the key if it is missing
    } else {
      if (!cur.IsSequence()) throw error(prefix + shown() + " is " + describe(cur) + ", not a list");
      if (*s.index >= cur.size())
        throw error(prefix + "index " + std::to_string(*s.index) + " is past the end of " + shown() + ", which has " +
                    std::to_string(cur.size()) + " elements");
      child.reset(cur[*s.index]);
      walked += "[" + std::to_string(*s.index) + "]";
    }
    if (k + 1 == steps.size()) {
      child = value;
    } else {
      if (!child.IsDefined()) child = YAML::Node(YAML::NodeType::Map);  // a created intermediate key
      cur.reset(child);
    }
  }
}

std::string closestMatch(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t bestDistance = std::max<std::size_t>(2, word.size() / 3) + 1;
  std::vector<std::size_t> prev, row;
  for (const std::string& c : candidates) {
    // Levenshtein distance, two rows of the usual table.
    prev.resize(c.size() + 1);
    row.resize(c.size() + 1);
    for (std::size_t j = 0; j <= c.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= word.size(); ++i) {
      row[0] = i;
      for (std::size_t j = 1; j <= c.size(); ++j)
        row[j] = std::min({prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (word[i - 1] == c[j - 1] ? 0 : 1)});
      std::swap(prev, row);
    }
    if (prev[c.size()] < bestDistance) {
      bestDistance = prev[c.size()];
      best = c;
    }
  }
  return best;
}

int indexByName(const Reader& r, std::string_view key, const std::string& name, const std::vector<std::string>& names,
                const char* what) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it != names.end()) return static_cast<int>(it - names.begin());
  const std::string near = closestMatch(name, names);
  r.fail(key, "unknown " + std::string(what) + " '" + name + "'" +
                  (near.empty() ? "" : " (did you mean '" + near + "'?)"));
}

}  // namespace chan::io
