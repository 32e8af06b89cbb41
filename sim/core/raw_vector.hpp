#pragma once
// A std::vector whose resize leaves new elements of trivial types uninitialised, for large
// arrays that a parallel pass writes in full right after sizing them (the choice sets and their
// lanes). std::vector::assign/resize zero-fills serially first: at a million consumers that
// was a serial pass over tens of MB and most of set-up's page faults, which the parallel pass
// now takes on every thread instead.
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace chan {

template <class T>
struct DefaultInitAllocator : std::allocator<T> {
  using std::allocator<T>::allocator;
  template <class U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  /// Value-less construction default-initialises: nothing is written for trivial types.
  template <class U>
  void construct(U* p) noexcept(noexcept(::new (static_cast<void*>(p)) U)) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

/// resize() leaves the new elements uninitialised (trivial T); every other use is std::vector's.
template <class T>
using RawVector = std::vector<T, DefaultInitAllocator<T>>;

}  // namespace chan
