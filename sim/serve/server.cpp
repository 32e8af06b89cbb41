#include "sim/serve/server.hpp"

#include <csignal>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <pthread.h>
#include <yaml-cpp/yaml.h>

#include "sim/io/atomic_file.hpp"
#include "sim/io/scenario_loader.hpp"
#include "sim/optimize/opt_spec.hpp"
#include "sim/serve/catalogue.hpp"
#include "sim/serve/controls.hpp"
#include "sim/serve/job_queue.hpp"
#include "sim/serve/zip_writer.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace chan::serve {

extern const char* const kExplorerPage;  // explorer.html, embedded at build time

namespace {
namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::size_t kMaxBody = 1 << 20;        // a scenario's YAML is a few KB
constexpr std::size_t kMaxChanges = 200;         // form changes per request
constexpr const char* kCookie = "chansim_token";

/// A request's mistake: HTTP 400 with the message and, when one is to blame, the form field.
struct RequestError : std::runtime_error {
  RequestError(const std::string& message, std::string field_ = "")
      : std::runtime_error(message), field(std::move(field_)) {}
  std::string field;
};

std::string randomToken() {
  std::random_device device;
  std::string token;
  for (int i = 0; i < 6; ++i) {
    char part[9];
    std::snprintf(part, sizeof part, "%08x", device());
    token += part;
  }
  return token;
}

std::string readFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// `relative` inside `base` (no absolute paths, no way out through .. or links), existing.
fs::path inside(const fs::path& base, const std::string& relative) {
  const fs::path p(relative);
  if (relative.empty() || p.is_absolute()) throw RequestError("expected a path inside the folder, got '" + relative + "'");
  std::error_code ec;
  const fs::path full = fs::weakly_canonical(base / p, ec);
  const fs::path root = fs::weakly_canonical(base, ec);
  const auto [rootEnd, fullAt] = std::mismatch(root.begin(), root.end(), full.begin(), full.end());
  if (ec || rootEnd != root.end() || !fs::exists(full)) throw RequestError("no such file: '" + relative + "'");
  return full;
}

class Explorer {
 public:
  explicit Explorer(const ServerOptions& o)
      : m_options(o),
        m_root(fs::is_directory(o.scenarios) ? o.scenarios : o.scenarios.parent_path()),
        m_jobs(o.work / "outputs" / "serve", o.program, o.jobs, o.threadsPerJob) {
    if (m_root.empty()) m_root = ".";
  }

  void routes(httplib::Server& server) {
    server.set_payload_max_length(kMaxBody);
    server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (authorised(req)) return httplib::Server::HandlerResponse::Unhandled;
      res.status = 403;
      res.set_content("Forbidden: open the URL that `chansim serve` printed (it carries the token).\n", "text/plain");
      return httplib::Server::HandlerResponse::Handled;
    });
    server.set_exception_handler([this](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
      json body;
      try {
        std::rethrow_exception(ep);
      } catch (const RequestError& e) {
        res.status = 400;
        body = {{"error", relative(e.what())}, {"field", e.field}};
      } catch (const io::InputError& e) {
        res.status = 400;
        body = {{"error", relative(e.what())}, {"field", ""}};
      } catch (const std::exception& e) {
        res.status = 500;
        body = {{"error", e.what()}, {"field", ""}};
      }
      res.set_content(body.dump(), "application/json");
    });

    server.Get("/", [this](const httplib::Request& req, httplib::Response& res) {
      if (req.has_param("token"))  // later requests (API, downloads, report links) carry the cookie
        res.set_header("Set-Cookie", std::string(kCookie) + "=" + m_options.token + "; Path=/; HttpOnly; SameSite=Strict");
      res.set_content(kExplorerPage, "text/html; charset=utf-8");
    });
    server.Get("/api/scenarios", [this](const httplib::Request&, httplib::Response& res) { sendJson(res, catalogue()); });
    server.Get("/api/scenario", [this](const httplib::Request& req, httplib::Response& res) {
      const fs::path file = scenarioFile(req.get_param_value("path"));
      const ScenarioSpec spec = io::loadScenario(file.string());
      sendJson(res, {{"path", req.get_param_value("path")}, {"yaml", readFile(file)}, {"controls", controlsOf(spec)}});
    });
    server.Post("/api/check", [this](const httplib::Request& req, httplib::Response& res) {
      const Prepared p = prepare(body(req));
      sendJson(res, {{"ok", true}, {"name", p.spec.name}});
    });
    server.Post("/api/runs", [this](const httplib::Request& req, httplib::Response& res) {
      sendJson(res, {{"id", submitRun(body(req))}}, 202);
    });
    server.Post("/api/batch", [this](const httplib::Request& req, httplib::Response& res) {
      sendJson(res, {{"id", submitBatch(body(req))}}, 202);
    });
    server.Get("/api/jobs", [this](const httplib::Request&, httplib::Response& res) { sendJson(res, m_jobs.list()); });
    server.Get(R"(/api/jobs/(r\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      sendJson(res, job(req.matches[1]));
    });
    server.Post(R"(/api/jobs/(r\d+)/cancel)", [this](const httplib::Request& req, httplib::Response& res) {
      job(req.matches[1]);
      sendJson(res, {{"cancelled", m_jobs.cancel(req.matches[1])}});
    });
    server.Get(R"(/api/jobs/(r\d+)/scenario\.yaml)", [this](const httplib::Request& req, httplib::Response& res) {
      const std::string id = req.matches[1];
      job(id);
      res.set_header("Content-Disposition", "attachment; filename=\"" + id + ".yaml\"");
      res.set_content(readFile(inside(m_jobs.folderOf(id), "scenario.yaml")), "application/x-yaml");
    });
    server.Get(R"(/api/jobs/(r\d+)/outputs\.zip)", [this](const httplib::Request& req, httplib::Response& res) {
      const std::string id = req.matches[1];
      if (job(id)["state"] != "done") throw RequestError("job " + id + " has not finished");
      res.set_header("Content-Disposition", "attachment; filename=\"" + id + "_outputs.zip\"");
      res.set_content(zipFolder(inside(m_jobs.folderOf(id), "out")), "application/zip");
    });
    // a finished job's files (summary.json, timeseries.csv, report.html, ...)
    server.Get(R"(/jobs/(r\d+)/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
      const std::string id = req.matches[1];
      job(id);
      const fs::path file = inside(m_jobs.folderOf(id) / "out", req.matches[2]);
      if (!fs::is_regular_file(file)) throw RequestError("not a file: " + std::string(req.matches[2]));
      res.set_content(readFile(file), contentType(file));
    });
  }

 private:
  struct Prepared {
    ScenarioSpec spec;
    std::string source;
    std::vector<std::string> changes;
  };

  bool authorised(const httplib::Request& req) const {
    if (req.get_param_value("token") == m_options.token) return true;
    if (req.get_header_value("X-Chansim-Token") == m_options.token) return true;
    const std::string cookies = req.get_header_value("Cookie");
    return cookies.find(std::string(kCookie) + "=" + m_options.token) != std::string::npos;
  }

  /// A loader message with the scenario folder's path left out ("flagship.yaml:12:3: ...").
  std::string relative(std::string message) const {
    const std::string prefix = fs::weakly_canonical(m_root).string() + "/";
    for (std::size_t at; (at = message.find(prefix)) != std::string::npos;) message.erase(at, prefix.size());
    return message;
  }

  static void sendJson(httplib::Response& res, const json& body, int status = 200) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
  }

  static json body(const httplib::Request& req) {
    json b = json::parse(req.body, nullptr, false);
    if (!b.is_object()) throw RequestError("the request body must be a JSON object");
    return b;
  }

  static std::string contentType(const fs::path& file) {
    const std::string ext = file.extension().string();
    if (ext == ".html") return "text/html; charset=utf-8";
    if (ext == ".json") return "application/json";
    if (ext == ".csv") return "text/csv";
    if (ext == ".svg") return "image/svg+xml";
    return "text/plain; charset=utf-8";
  }

  json job(const std::string& id) const {
    json j = m_jobs.find(id);
    if (j.is_null()) throw RequestError("no job " + id);
    return j;
  }

  fs::path scenarioFile(const std::string& name) const {
    if (!fs::is_directory(m_options.scenarios) && name != m_options.scenarios.filename().string())
      throw RequestError("this server explores " + m_options.scenarios.string() + " only");
    return inside(m_root, name);
  }

  json catalogue() const {
    if (fs::is_directory(m_options.scenarios)) return serve::catalogue(m_root);
    return {{"scenarios", {m_options.scenarios.filename().string()}},
            {"sweeps", json::array()},
            {"optimizations", json::array()}};
  }

  /// The scenario of a request, through the strict loader: {scenario, yaml?, changes: {path:
  /// value}, removed_groups: [names]}. The form's changes apply first, then groups are removed
  /// (so member indices in the changes are those of the scenario shown).
  Prepared prepare(const json& request) const {
    Prepared p;
    p.source = request.value("scenario", "");
    const fs::path file = scenarioFile(p.source);
    YAML::Node root;
    try {
      root = request.contains("yaml") ? io::loadYamlText(request.at("yaml").get<std::string>(), file.string())
                                      : io::loadYamlFile(file.string());
    } catch (const io::InputError& e) {
      throw RequestError(e.what(), request.contains("yaml") ? "yaml" : "");
    }
    io::pinMapSeed(root);
    const json changes = request.value("changes", json::object());
    if (!changes.is_object() || changes.size() > kMaxChanges) throw RequestError("changes: expected an object of key: value");
    for (const auto& [path, value] : changes.items()) {
      const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
      p.changes.push_back(path + "=" + text);
    }
    auto blame = [&](const io::InputError& e) {
      // the field whose key path the message names (the longest, so members[1].count beats count)
      std::string field;
      const std::string message = e.what();
      for (const auto& [path, value] : changes.items())
        if (message.find(" " + path + ":") != std::string::npos && path.size() > field.size()) field = path;
      return RequestError(message, field);
    };
    try {
      for (const std::string& c : p.changes) io::applyOverride(root, c);
      for (const json& name : request.value("removed_groups", json::array())) removeGroup(root, name.get<std::string>());
      p.spec = io::parseScenario(root, file.string());
    } catch (const io::InputError& e) {
      throw blame(e);
    }
    return p;
  }

  static void removeGroup(YAML::Node& root, const std::string& name) {
    YAML::Node members = root["members"];
    YAML::Node kept(YAML::NodeType::Sequence);
    bool found = false;
    for (const YAML::Node& g : members) {
      if (g["group"] && g["group"].as<std::string>() == name) found = true;
      else kept.push_back(g);
    }
    if (!found) throw RequestError("no member group '" + name + "' to switch off", "group:" + name);
    root["members"] = kept;
  }

  std::string submitRun(const json& request) {
    const Prepared p = prepare(request);
    const std::string id = m_jobs.reserve();
    const fs::path folder = m_jobs.folderOf(id);
    YAML::Emitter yaml;
    yaml << io::toYaml(p.spec, folder);  // the resolved scenario: what "download YAML" gives
    io::writeFileAtomic(folder / "scenario.yaml", std::string(yaml.c_str()) + "\n");
    Job job;
    job.id = id;
    job.kind = "run";
    job.source = p.source;
    job.changes = p.changes;
    for (const json& name : request.value("removed_groups", json::array()))
      job.changes.push_back("without " + name.get<std::string>());
    job.label = request.value("label", "");
    if (job.label.empty()) {
      job.label = p.source;
      if (request.contains("yaml")) job.label += " (edited YAML)";
      for (const std::string& c : job.changes) job.label += ", " + c;
    }
    job.arguments = {"run", (folder / "scenario.yaml").string(), "--quiet", "--progress"};
    m_jobs.submit(std::move(job));
    return id;
  }

  std::string submitBatch(const json& request) {
    const std::string kind = request.value("kind", "");
    if (kind != "sweep" && kind != "optimize") throw RequestError("kind: expected sweep or optimize", "kind");
    const std::string source = request.value("file", "");
    const fs::path file = inside(m_root, source);
    // the same strict reading the child will do, so that a mistake is a 400 now
    if (kind == "sweep") sweep::loadSweep(file.string());
    else optimize::loadOptSpec(file.string());
    Job job;
    job.id = m_jobs.reserve();
    job.kind = kind;
    job.source = source;
    job.label = kind + " " + source;
    job.arguments = {kind, file.string()};
    const std::string id = job.id;
    m_jobs.submit(std::move(job));
    return id;
  }

  ServerOptions m_options;
  fs::path m_root;
  JobQueue m_jobs;
};

}  // namespace

int serve(ServerOptions options) {
  if (options.token.empty()) options.token = randomToken();
  // SIGINT/SIGTERM go to one thread that stops the server: block them before any thread starts
  // (the job queue's children get a clean mask back, job_queue.cpp)
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGINT);
  sigaddset(&stopSignals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);  // a browser closing a connection must not end the server

  httplib::Server server;
  {
    Explorer explorer(options);
    explorer.routes(server);
    const int port = options.port == 0 ? server.bind_to_any_port(options.host)
                                       : (server.bind_to_port(options.host, options.port) ? options.port : -1);
    if (port < 0) {
      std::fprintf(stderr, "error: cannot listen on %s:%d (in use? try --port)\n", options.host.c_str(), options.port);
      return 1;
    }
    std::thread stopper([&server, stopSignals] {
      int signal = 0;
      sigwait(&stopSignals, &signal);
      server.stop();
    });
    std::printf("chansim serve: exploring %s, jobs in %s\n  open http://%s:%d/?token=%s\n  (Ctrl-C stops it)\n",
                options.scenarios.string().c_str(), (options.work / "outputs" / "serve").string().c_str(),
                options.host.c_str(), port, options.token.c_str());
    std::fflush(stdout);
    server.listen_after_bind();
    if (stopper.joinable()) {
      pthread_kill(stopper.native_handle(), SIGTERM);  // listen ended otherwise: release the waiter
      stopper.join();
    }
  }  // the job queue cancels running children and waits for its workers
  return 0;
}

}  // namespace chan::serve
