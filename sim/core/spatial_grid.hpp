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
    layOut(std::max(1e-9, std::sqrt(width * height / cells)), width, height);
    // clustered points (stores around cities) crowd a few cells: a query then scans hundreds
    // of points. The mean number of points sharing a point's cell, sum n_c^2 / sum n_c, says
    // how crowded; cells shrink until it is about perCell, at most to 4 cells per point.
    double crowd = 0;
    for (std::size_t c = 0; c + 1 < m_start.size(); ++c)
      crowd += static_cast<double>(m_start[c + 1] - m_start[c]) * (m_start[c + 1] - m_start[c]);
    crowd /= std::max<double>(1.0, static_cast<double>(x.size()));
    const double most = 4.0 * static_cast<double>(x.size()) / std::max(1.0, static_cast<double>(m_cols) * m_rows);
    const double shrink = std::min(std::sqrt(crowd / perCell), std::sqrt(most));
    if (shrink > 2) layOut(m_cell / shrink, width, height);
    for (std::size_t c = 1; c < m_start.size(); ++c) m_start[c] += m_start[c - 1];
    m_items.resize(x.size());
    std::vector<int> fill(m_start.begin(), m_start.end() - 1);
    for (std::size_t i = 0; i < x.size(); ++i) m_items[static_cast<std::size_t>(fill[cellOf(x[i], y[i])]++)] = static_cast<int>(i);
    // coordinates in cell order, beside m_items: a query reads a cell's points from one
    // stretch of memory instead of one cache miss per point in x and in y (choice sets of 10M
    // consumers among 1M stores spent a quarter of their set-up there)
    m_cellX.resize(x.size());
    m_cellY.resize(x.size());
    for (std::size_t j = 0; j < m_items.size(); ++j) {
      m_cellX[j] = x[static_cast<std::size_t>(m_items[j])];
      m_cellY[j] = y[static_cast<std::size_t>(m_items[j])];
    }
  }

  /// Up to k nearest points within `radius` (0: any distance), nearest first; ties by index.
  /// Appends (distance, index) pairs to out (cleared first).
  void nearest(double px, double py, int k, double radius, std::vector<std::pair<double, int>>& out) const {
    out.clear();
    if (k <= 0 || m_x.empty()) return;
    const auto kk = static_cast<std::size_t>(k);
    const int cx = std::clamp(static_cast<int>(px / m_cell), 0, m_cols - 1);
    const int cy = std::clamp(static_cast<int>(py / m_cell), 0, m_rows - 1);
    const int maxRing = std::max(m_cols, m_rows);
    // out is a max-heap of the k best (distance, index) pairs seen so far
    auto visit = [&](int gx, int gy) {
      if (gx < 0 || gy < 0 || gx >= m_cols || gy >= m_rows) return;
      const auto c = static_cast<std::size_t>(gy * m_cols + gx);
      for (int j = m_start[c]; j < m_start[c + 1]; ++j) {
        const auto js = static_cast<std::size_t>(j);
        const int i = m_items[js];
        const double dx = m_cellX[js] - px, dy = m_cellY[js] - py;
        // skip hypot for points certainly farther than the k-th best (hypot and sqrt agree to a few ulp)
        if (out.size() == kk && std::sqrt(dx * dx + dy * dy) * (1 - 1e-12) > out.front().first) continue;
        const double d = std::hypot(dx, dy);
        if (radius > 0 && d > radius) continue;
        const std::pair<double, int> p(d, i);
        if (out.size() < kk) {
          out.push_back(p);
          std::push_heap(out.begin(), out.end());
        } else if (p < out.front()) {
          std::pop_heap(out.begin(), out.end());
          out.back() = p;
          std::push_heap(out.begin(), out.end());
        }
      }
    };
    for (int ring = 0; ring <= maxRing; ++ring) {
      if (ring == 0) {
        visit(cx, cy);
      } else {  // the border of the square: top and bottom rows, then the columns between
        for (int gx = cx - ring; gx <= cx + ring; ++gx) visit(gx, cy - ring);
        for (int gx = cx - ring; gx <= cx + ring; ++gx) visit(gx, cy + ring);
        for (int gy = cy - ring + 1; gy <= cy + ring - 1; ++gy) {
          visit(cx - ring, gy);
          visit(cx + ring, gy);
        }
      }
      // every point outside the searched square is farther than ring * cell
      const double safe = ring * m_cell;
      if (out.size() == kk && out.front().first <= safe) break;
      if (radius > 0 && safe >= radius) break;
    }
    std::sort_heap(out.begin(), out.end());
  }

 private:
  /// Cells of side `cell` km over the map, with the count of points of each cell in
  /// m_start[cell + 1] (not yet summed).
  void layOut(double cell, double width, double height) {
    m_cell = cell;
    m_cols = std::max(1, static_cast<int>(std::ceil(width / m_cell)));
    m_rows = std::max(1, static_cast<int>(std::ceil(height / m_cell)));
    m_start.assign(static_cast<std::size_t>(m_cols) * static_cast<std::size_t>(m_rows) + 1, 0);
    for (std::size_t i = 0; i < m_x.size(); ++i) ++m_start[cellOf(m_x[i], m_y[i]) + 1];
  }
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
  std::vector<double> m_cellX, m_cellY;  // km: m_x, m_y of m_items[j]
};

}  // namespace chan
