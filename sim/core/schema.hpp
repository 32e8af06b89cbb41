#pragma once
// The scenario schema, written once per owner: a spec struct describes its YAML keys (name,
// type, default, range, unit, one-line doc) in one `fields(FieldVisitor&)` function, and every
// consumer of the schema is a visitor: the loader reads through it (sim/io/schema_reader), the
// resolved-YAML writer writes through it, and `chansim schema --markdown` documents it (the
// README's YAML reference). Defaults are the struct's member initialisers (Box2D's
// b2Default*Def: one source for defaults, docs and validation). Knows no YAML.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace chan {

/// Declaration of one YAML key. Bounds are inclusive; `required` keys have no default.
struct Key {
  std::string_view name;
  std::string_view doc;            // one line: what the value means
  std::string_view unit = "";      // e.g. "ticks", "currency per unit", "fraction 0..1"
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool required = false;
  /// The default as the reference writes it, where the value alone would mislead ("kind
  /// default" for a -1 that means "the kind's value"); empty: the value.
  std::string_view fallback = "";
  /// A list of numbers written on one line, `[x0, y0, x1, y1]`.
  bool flow = false;
};

/// The places in a member group's mapping (`members[i]`) where a mechanism declares keys of
/// its own for each group (mechanisms/mechanism.hpp). They are read and written at their place, in registration order, so
/// that a key keeps its position in a group's mapping (scenario.resolved.yaml) and its checks
/// their order among the group's checks (the first error of a file is reported).
enum class GroupSlot : std::uint8_t {
  Territories,  // after `territories`: the rights the group holds there
  Terms,        // in `terms`, after `fixed_fee`: the supply contract with the group's supplier
  Economics,    // after `commission`: what the group earns and pays per sale
  Diversion,    // in `diversion` (given: an outlet sourcing off-contract), after `transport_cost`
};
/// Every slot, in the order they come in a group's mapping.
inline constexpr GroupSlot kGroupSlots[] = {GroupSlot::Territories, GroupSlot::Terms, GroupSlot::Economics,
                                            GroupSlot::Diversion};
/// Where a slot's keys are, as the reference writes them ("members[].terms.").
inline const char* groupSlotPath(GroupSlot slot) {
  return slot == GroupSlot::Terms ? "members[].terms." : slot == GroupSlot::Diversion ? "members[].diversion." : "members[].";
}

/// Raises the one input error of a failed cross-key check, located at `key` of the mapping
/// being checked ("file:line:col: path.key: problem").
class Checker {
 public:
  virtual ~Checker() = default;
  /// The mapping being checked gives `key` (rather than leaving it at its default).
  virtual bool has(std::string_view key) const = 0;
  /// An empty `key` locates the error at the mapping itself (a conflict between its keys).
  [[noreturn]] virtual void fail(std::string_view key, const std::string& problem) const = 0;
};

class FieldVisitor;

/// Type-erased access to a list of structs for FieldVisitor::list.
class ListAccess {
 public:
  virtual ~ListAccess() = default;
  virtual std::size_t size() const = 0;
  virtual void resize(std::size_t n) = 0;
  /// Visits item i's fields, then (when reading) checks it against the items before it.
  virtual void fields(std::size_t i, FieldVisitor& v) = 0;
  virtual void check(std::size_t i, const Checker& c) const = 0;
};

/// What every schema consumer implements; a struct's fields() calls one method per key.
class FieldVisitor {
 public:
  /// What the visit is for: a struct may declare keys that only apply in some states (written
  /// only when relevant, always read so that the check can name a misplaced one).
  enum class Purpose { Read, Write, Document };
  virtual ~FieldVisitor() = default;
  virtual Purpose purpose() const = 0;
  virtual void number(const Key& k, double& value) = 0;
  virtual void integer(const Key& k, int& value) = 0;
  /// An integer of 0 .. 2^63 - 1 (seeds).
  virtual void wide(const Key& k, std::uint64_t& value) = 0;
  virtual void boolean(const Key& k, bool& value) = 0;
  virtual void text(const Key& k, std::string& value) = 0;
  /// One of `names` (an enum's names in enum order, sim/core/names.hpp); value is the index.
  virtual void choice(const Key& k, int& value, const std::vector<std::string>& names) = 0;
  /// A list of `names` (YAML `[a, b]`), each value an index as for choice(); a missing key
  /// keeps the default list.
  virtual void choices(const Key& k, std::vector<int>& values, const std::vector<std::string>& names) = 0;
  /// A list of numbers, each within the key's bounds; a missing key keeps the default list.
  virtual void numbers(const Key& k, std::vector<double>& values) = 0;
  /// A member group of the scenario, by name in YAML; value is its index (groups above only).
  virtual void groupRef(const Key& k, int& group) = 0;
  /// One of the scenario's named things (`names`: brands, territories, groups above), by name
  /// in YAML; `index` is its position (-1: none). `what` names the kind in errors ("brand").
  virtual void named(const Key& k, int& index, const std::vector<std::string>& names, std::string_view what) = 0;
  /// A list of such names (missing: empty; written only when not empty).
  virtual void namedList(const Key& k, std::vector<int>& indices, const std::vector<std::string>& names,
                         std::string_view what) = 0;
  /// A file that an importer reads (sim/io/import): declared here for the reference and the
  /// resolved scenario (`path`, absolute; empty: not given); the loader reads it through the
  /// importer once the mapping's other keys are read.
  virtual void file(const Key& k, const std::string& path) = 0;
  /// A list of mappings; a missing key is an empty list.
  virtual void list(const Key& k, ListAccess& items) = 0;
  /// An optional mapping: reading sets `present` when the key is given, then visits its keys
  /// and runs `check` on them; writing writes it only when `present`.
  virtual void section(const Key& k, bool& present, const std::function<void(FieldVisitor&)>& fields,
                       const std::function<void(const Checker&)>& check) = 0;
  /// A cross-key check of the mapping being visited (its keys declared so far are read): run
  /// when reading, ignored otherwise.
  virtual void check(const std::function<void(const Checker&)>& check) = 0;
};

/// ListAccess for std::vector<T> whose items describe themselves with T::fields(FieldVisitor&)
/// and check themselves with `check(items, i, checker)` (the items before i are read already).
template <class T>
class VectorAccess final : public ListAccess {
 public:
  using CheckFn = std::function<void(const std::vector<T>&, std::size_t, const Checker&)>;
  VectorAccess(std::vector<T>& items, CheckFn check = {}) : m_items(items), m_check(std::move(check)) {}
  std::size_t size() const override { return m_items.size(); }
  void resize(std::size_t n) override { m_items.resize(n); }
  void fields(std::size_t i, FieldVisitor& v) override { m_items[i].fields(v); }
  void check(std::size_t i, const Checker& c) const override {
    if (m_check) m_check(m_items, i, c);
  }

 private:
  std::vector<T>& m_items;
  CheckFn m_check;
};

/// VectorAccess for items whose keys depend on something read elsewhere: calls
/// items[i].fields(v, context).
template <class T, class Context>
class VectorAccessWith final : public ListAccess {
 public:
  using CheckFn = std::function<void(const std::vector<T>&, std::size_t, const Checker&)>;
  VectorAccessWith(std::vector<T>& items, const Context& context, CheckFn check = {})
      : m_items(items), m_context(context), m_check(std::move(check)) {}
  std::size_t size() const override { return m_items.size(); }
  void resize(std::size_t n) override { m_items.resize(n); }
  void fields(std::size_t i, FieldVisitor& v) override { m_items[i].fields(v, m_context); }
  void check(std::size_t i, const Checker& c) const override {
    if (m_check) m_check(m_items, i, c);
  }

 private:
  std::vector<T>& m_items;
  const Context& m_context;
  CheckFn m_check;
};

}  // namespace chan
