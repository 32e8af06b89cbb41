// chansim calibrate CAL.yaml: fits scenario parameters to observed sales (README "Calibration").
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include <tbb/global_control.h>

#include "sim/calibrate/calibrator.hpp"
#include "sim/cli/commands.hpp"
#include "sim/io/calibration_loader.hpp"

namespace chan::cli {

void addCalibrateCommand(CLI::App& app, int& exitCode) {
  struct Options {
    std::string file, out;
    std::vector<std::string> sets;
    int threads = 0;
    bool quiet = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("calibrate", "Fit scenario parameters to observed sales (estimates, fit, holdout)");
  cmd->add_option("calibration", o->file, "Calibration YAML file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--out", o->out, "Output directory (default outputs/calibrate_<calibration file stem>)");
  cmd->add_option("--set", o->sets, "Override a base-scenario value: key.path=value (repeatable)");
  cmd->add_option("--threads", o->threads, "Worker threads (default: all cores)")->check(CLI::Range(1, 1024));
  cmd->add_flag("--quiet", o->quiet, "Print nothing but errors and warnings");
  cmd->callback([o, &exitCode] {
    exitCode = guarded([&] {
      const calib::CalibrationSpec spec = io::loadCalibration(o->file);
      const int threads = o->threads > 0 ? o->threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
      const calib::CalibrationResult r = calib::calibrate(spec, o->sets, o->quiet ? nullptr : &std::cerr);
      if (o->quiet)
        for (const std::string& w : r.warnings) std::cerr << "warning: " << w << "\n";
      const std::filesystem::path out =
          o->out.empty() ? std::filesystem::path("outputs") / ("calibrate_" + std::filesystem::path(o->file).stem().string())
                         : std::filesystem::path(o->out);
      calib::writeCalibrationOutputs(out, spec, r);
      if (!o->quiet) {
        std::printf("parameter                          estimate    std.error   95%% interval\n");
        for (std::size_t k = 0; k < r.names.size(); ++k) {
          const auto i = static_cast<Eigen::Index>(k);
          std::printf("%-32s %10.5g %12.4g   [%.5g, %.5g]%s\n", r.names[k].c_str(), r.estimate[i], r.stdError[i],
                      r.low95[i], r.high95[i], r.atBound[k] ? "  (at bound)" : "");
        }
        std::printf("\n  outputs written to %s/ (calibrated.yaml, estimates.csv, fit.csv, calibration.json)\n",
                    out.string().c_str());
      }
      return kExitOk;
    });
  });
}

}  // namespace chan::cli
