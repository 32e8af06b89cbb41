#pragma once
// Calibration YAML -> calib::CalibrationSpec, with the scenario loader's strictness
// (unknown keys, wrong types and bad ranges are InputErrors naming file, line and key).
#include <string>
#include <vector>

#include "sim/calibrate/calibration_spec.hpp"

namespace chan::io {

/// Reads a calibration file; file paths inside it are resolved relative to its directory.
calib::CalibrationSpec loadCalibration(const std::string& file);

}  // namespace chan::io
