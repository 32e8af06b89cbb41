#pragma once
// A uniform grid over the map for k-nearest-point queries (choice sets of a million
// consumers among thousands of outlets without an all-pairs scan).
#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace chan {

class SpatialGrid {
 public:
  /// Points (x[i], y[i]) on a width x height map; about `perCell` points per cell.
  SpatialGrid(const std::vector<double>& x, const std::vector<double>& y, double width, double height,
              double perCell = 4.0)
      : m_x(x), m_y(y) {
    const double cells = std::max(1.0, static_cast<double>(x.size()) / perCell);
    m_cell = std::max(1e-9, std::sqrt(width * height / cells));
    m_cols = std::max(1, static_cast<int>(std::ceil(width / m_cell)));
    m_rows = std::max(1, static_cast<int>(std::ceil(height / m_cell)));
    m_start.assign(static_cast<std::size_t>(m_cols * m_rows) + 1, 0);
    for (std::size_t i = 0; i < x.size(); ++i) ++m_start[cellOf(x[i], y[i]) + 1];
    for (std::size_t c = 1; c < m_start.size(); ++c) m_start[c] += m_start[c - 1];
    m_items.resize(x.size());
    std::vector<int> fill(m_start.begin(), m_start.end() - 1);
    for (std::size_t i = 0; i < x.size(); ++i) m_items[static_cast<std::size_t>(fill[cellOf(x[i], y[i])]++)] = static_cast<int>(i);
  }

  /// Up to k nearest points within `radius` (0: any distance), nearest first; ties by index.
  /// Appends (distance, index) pairs to out (cleared first).
  void nearest(double px, double py, int k, double radius, std::vector<std::pair<double, int>>& out) const {
    out.clear();
    if (k <= 0 || m_x.empty()) return;
    const int cx = std::clamp(static_cast<int>(px / m_cell), 0, m_cols - 1);
    const int cy = std::clamp(static_cast<int>(py / m_cell), 0, m_rows - 1);
    const int maxRing = std::max(m_cols, m_rows);
    for (int ring = 0; ring <= maxRing; ++ring) {
      for (int gy = cy - ring; gy <= cy + ring; ++gy) {
        for (int gx = cx - ring; gx <= cx + ring; ++gx) {
          if (std::max(std::abs(gx - cx), std::abs(gy - cy)) != ring) continue;  // ring border only
          if (gx < 0 || gy < 0 || gx >= m_cols || gy >= m_rows) continue;
          const auto c = static_cast<std::size_t>(gy * m_cols + gx);
          for (int j = m_start[c]; j < m_start[c + 1]; ++j) {
            const int i = m_items[static_cast<std::size_t>(j)];
            const double d = std::hypot(m_x[static_cast<std::size_t>(i)] - px, m_y[static_cast<std::size_t>(i)] - py);
            if (radius <= 0 || d <= radius) out.emplace_back(d, i);
          }
        }
      }
      // every point outside the searched square is farther than ring * cell
      std::sort(out.begin(), out.end());
      const double safe = ring * m_cell;
      if (static_cast<int>(out.size()) >= k && out[static_cast<std::size_t>(k - 1)].first <= safe) break;
      if (radius > 0 && safe >= radius) break;
    }
    if (static_cast<int>(out.size()) > k) out.resize(static_cast<std::size_t>(k));
  }

 private:
  std::size_t cellOf(double x, double y) const {
    const int gx = std::clamp(static_cast<int>(x / m_cell), 0, m_cols - 1);
    const int gy = std::clamp(static_cast<int>(y / m_cell), 0, m_rows - 1);
    return static_cast<std::size_t>(gy * m_cols + gx);
  }
  const std::vector<double>& m_x;
  const std::vector<double>& m_y;
  double m_cell = 1;
  int m_cols = 1, m_rows = 1;
  std::vector<int> m_start, m_items;
};

}  // namespace chan
