#pragma once
// Strict access to a YAML document: every value is read through a Reader that knows the
// file, the line and the dotted key path, so that a mistake produces one message such as
//   scenarios/flagship.yaml:12:5: members[2].pricing.markup: expected a number, got "ten"
// Keys that are present but never read are reported by finish() ("did you mean ...").
#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/core/spec_limits.hpp"

namespace chan::io {

/// The one error type for bad input; what() is "file:line:col: key.path: problem".
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Largest number of elements any list or count in a scenario may have (absurd-size guard).
inline constexpr std::int64_t kMaxCount = limits::kMaxCount;

/// A view of one YAML mapping with the strict getters the loader uses.
class Reader {
 public:
  /// node must be a mapping (else InputError); file and path are used in messages.
  Reader(YAML::Node node, std::string file, std::string path);

  bool has(std::string_view key) const;

  /// Required and optional scalars; numbers are range-checked (inclusive bounds).
  double number(std::string_view key, double min, double max);
  double number(std::string_view key, double fallback, double min, double max);
  std::int64_t integer(std::string_view key, std::int64_t min, std::int64_t max);
  std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max);
  bool boolean(std::string_view key, bool fallback);
  std::string text(std::string_view key);
  std::string text(std::string_view key, std::string fallback);
  /// A string that must be one of choices ("did you mean" on a near miss).
  std::string choice(std::string_view key, const std::vector<std::string>& choices);
  std::string choice(std::string_view key, std::string fallback, const std::vector<std::string>& choices);
  /// A list of numbers; when `optional`, a missing key gives an empty list.
  std::vector<double> numbers(std::string_view key, double min, double max, bool optional = false);
  std::vector<std::string> texts(std::string_view key);  // missing key -> empty list
  /// A list of strings, each one of choices (missing key -> empty list).
  std::vector<std::string> choices(std::string_view key, const std::vector<std::string>& choices);

  /// Sub-mapping (required / optional) and list of mappings.
  Reader map(std::string_view key);
  std::optional<Reader> optionalMap(std::string_view key);
  std::vector<Reader> list(std::string_view key);  // missing key -> empty list

  /// Throws InputError for the first key that was never asked for, with a suggestion.
  void finish() const;

  /// An error located at this mapping, or at one of its keys.
  [[noreturn]] void fail(const std::string& problem) const;
  [[noreturn]] void fail(std::string_view key, const std::string& problem) const;

  const std::string& file() const { return m_file; }
  const std::string& path() const { return m_path; }
  const YAML::Node& node() const { return m_node; }

 private:
  YAML::Node valueOf(std::string_view key) const;  // marks the key as known
  std::string keyPath(std::string_view key) const;
  std::string where(const YAML::Node& at) const;   // "file:line:col"

  YAML::Node m_node;
  std::string m_file;
  std::string m_path;
  mutable std::set<std::string, std::less<>> m_known;
};

/// Loads a YAML file; syntax errors become InputError with file and line.
YAML::Node loadYamlFile(const std::string& file);

/// Parses YAML text as loadYamlFile parses a file's contents (one document, a mapping at the
/// top); `file` names the source in messages. Used by the fuzz targets and generated scenarios.
YAML::Node loadYamlText(const std::string& text, const std::string& file);

/// Applies "a.b[2].c=value" to a document before it is read, creating missing mapping keys
/// only where the parent is a mapping. The value is parsed as YAML (so "[1,2]" is a list).
/// Unknown paths into lists (index out of range) throw InputError naming the override.
void applyOverride(YAML::Node& root, const std::string& assignment);

/// Index of `name` in `names`, else an InputError at `key`: "unknown WHAT 'name'" with a "did
/// you mean" when a near match exists.
int indexByName(const Reader& r, std::string_view key, const std::string& name, const std::vector<std::string>& names,
                const char* what);

/// Levenshtein-closest candidate within distance max(2, len/3), or empty.
std::string closestMatch(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace chan::io
