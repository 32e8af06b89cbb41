#pragma once
// The three consumers of the scenario schema (sim/core/schema.hpp): reading a section through
// the strict Reader, writing it to scenario.resolved.yaml, and documenting it as the README's
// YAML reference tables (`chansim schema --markdown`).
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/core/schema.hpp"
#include "sim/core/spec.hpp"
#include "sim/io/yaml_reader.hpp"

namespace chan::io {

/// Reads declared keys from a Reader (defaults: the values already in the struct); member
/// groups are looked up among `groupNames` (the groups defined so far).
class SchemaReader final : public FieldVisitor {
 public:
  SchemaReader(Reader& reader, const std::vector<std::string>& groupNames) : m_r(reader), m_groups(groupNames) {}
  Purpose purpose() const override { return Purpose::Read; }
  void number(const Key& k, double& value) override;
  void integer(const Key& k, int& value) override;
  void wide(const Key& k, std::uint64_t& value) override;
  void numbers(const Key& k, std::vector<double>& values) override;
  void named(const Key& k, int& index, const std::vector<std::string>& names, std::string_view what) override;
  void namedList(const Key& k, std::vector<int>& indices, const std::vector<std::string>& names,
                 std::string_view what) override;
  void file(const Key& k, const std::string& path) override;
  void boolean(const Key& k, bool& value) override;
  void text(const Key& k, std::string& value) override;
  void choice(const Key& k, int& value, const std::vector<std::string>& names) override;
  void choices(const Key& k, std::vector<int>& values, const std::vector<std::string>& names) override;
  void groupRef(const Key& k, int& group) override;
  void list(const Key& k, ListAccess& items) override;
  void section(const Key& k, bool& present, const std::function<void(FieldVisitor&)>& fields,
               const std::function<void(const Checker&)>& check) override;
  void check(const std::function<void(const Checker&)>& check) override;

 private:
  Reader& m_r;
  const std::vector<std::string>& m_groups;
};

/// Writes declared keys into a YAML mapping (groups by name); an empty list writes nothing.
class SchemaWriter final : public FieldVisitor {
 public:
  /// Files (`file` keys) are written relative to `base` where they lie below it.
  SchemaWriter(YAML::Node node, const ScenarioSpec& spec, std::filesystem::path base = {})
      : m_n(std::move(node)), m_spec(spec), m_base(std::move(base)) {}
  Purpose purpose() const override { return Purpose::Write; }
  void number(const Key& k, double& value) override;
  void integer(const Key& k, int& value) override;
  void wide(const Key& k, std::uint64_t& value) override;
  void numbers(const Key& k, std::vector<double>& values) override;
  void named(const Key& k, int& index, const std::vector<std::string>& names, std::string_view what) override;
  void namedList(const Key& k, std::vector<int>& indices, const std::vector<std::string>& names,
                 std::string_view what) override;
  void file(const Key& k, const std::string& path) override;
  void boolean(const Key& k, bool& value) override;
  void text(const Key& k, std::string& value) override;
  void choice(const Key& k, int& value, const std::vector<std::string>& names) override;
  void choices(const Key& k, std::vector<int>& values, const std::vector<std::string>& names) override;
  void groupRef(const Key& k, int& group) override;
  void list(const Key& k, ListAccess& items) override;
  void section(const Key& k, bool& present, const std::function<void(FieldVisitor&)>& fields,
               const std::function<void(const Checker&)>& check) override;
  void check(const std::function<void(const Checker&)>& /*check*/) override {}

 private:
  YAML::Node m_n;
  const ScenarioSpec& m_spec;
  std::filesystem::path m_base;
};

/// Markdown rows `| key | type | default | range and unit | meaning |` of declared keys (list
/// items as `list[].key`), defaults read from the struct visited.
class SchemaDocs final : public FieldVisitor {
 public:
  explicit SchemaDocs(std::string prefix = "") : m_prefix(std::move(prefix)) {}
  Purpose purpose() const override { return Purpose::Document; }
  void number(const Key& k, double& value) override;
  void integer(const Key& k, int& value) override;
  void wide(const Key& k, std::uint64_t& value) override;
  void numbers(const Key& k, std::vector<double>& values) override;
  void named(const Key& k, int& index, const std::vector<std::string>& names, std::string_view what) override;
  void namedList(const Key& k, std::vector<int>& indices, const std::vector<std::string>& names,
                 std::string_view what) override;
  void file(const Key& k, const std::string& path) override;
  void boolean(const Key& k, bool& value) override;
  void text(const Key& k, std::string& value) override;
  void choice(const Key& k, int& value, const std::vector<std::string>& names) override;
  void choices(const Key& k, std::vector<int>& values, const std::vector<std::string>& names) override;
  void groupRef(const Key& k, int& group) override;
  void list(const Key& k, ListAccess& items) override;
  void section(const Key& k, bool& present, const std::function<void(FieldVisitor&)>& fields,
               const std::function<void(const Checker&)>& check) override;
  void check(const std::function<void(const Checker&)>& /*check*/) override {}
  const std::string& rows() const { return m_rows; }
  /// Adds the rows another visit documented (e.g. keys under another prefix).
  void append(const SchemaDocs& other) { m_rows += other.m_rows; }

 private:
  void row(const Key& k, const std::string& type, const std::string& fallback, const std::string& range);
  std::string m_prefix;
  std::string m_rows;
};

/// The sections of the YAML reference, in README order: `top` (the top-level keys), `brands`,
/// `territories`, `members`, `consumers` (the core keys, sim/core/spec_schema.cpp) and
/// `mechanisms` (every registered mechanism's keys, mechanisms/).
const std::vector<std::string>& referenceSections();

/// One section of the YAML reference as Markdown (a table; the mechanisms: one table each).
std::string referenceMarkdown(std::string_view section);

/// The keys whose values are text whatever they look like ("2024"): names, choices, references
/// and files, anywhere in the schema.
const std::set<std::string>& textKeyNames();

}  // namespace chan::io
