// The downloads workload: one HTTP GET per flag image, each answer classified as ok, not found or error, and checked against what the server publishes.
#include <fstream>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "server/stats_client.hpp"
#include "util/outcome_text.hpp"
#include "util/sha256_hex.hpp"
#include "util/units.hpp"
#include "workloads/factories.hpp"
#include "workloads/flag_codes.hpp"
#include "workloads/flag_manifest.hpp"

namespace concur {
namespace {

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return text;
}

class DownloadsWorkload final : public Workload {
 public:
  explicit DownloadsWorkload(const Params& params)
      : base_(params.text("server")),
        timeout_(params.integer("timeout")),
        max_bytes_(static_cast<std::uint64_t>(params.integer("max_bytes"))),
        save_(params.text("save")) {
    if (!is_url(base_)) {
      throw std::invalid_argument("downloads: server '" + base_ +
                                  "' is an embedded profile, started by concur run; here a URL is expected");
    }
    while (!base_.empty() && base_.back() == '/') base_.pop_back();
    const std::vector<std::string> codes =
        expand_codes(params.words("codes"), static_cast<std::size_t>(params.integer("limit")));
    for (std::int64_t r = 0; r < params.integer("repeat"); ++r) codes_.insert(codes_.end(), codes.begin(), codes.end());
  }

  static bool is_url(const std::string& text) { return text.rfind("http://", 0) == 0 || text.rfind("https://", 0) == 0; }

  std::size_t size() const override { return codes_.size(); }
  std::string label(std::size_t index) const override { return "flag(" + codes_.at(index) + ")"; }
  std::string start_message(std::size_t index) const override { return "GET " + url(index); }

  Task run(std::size_t index, Io& io) const override {
    const std::string& code = codes_.at(index);
    const HttpResponse response = co_await io.http_get(url(index), timeout_, max_bytes_);
    Outcome outcome;
    if (!response.error.empty()) {
      outcome = Outcome::error(response.error);
    } else if (response.status == 404) {
      outcome.status = Status::not_found;
      outcome.message = "HTTP 404";
    } else if (response.status != 200) {
      outcome = Outcome::error("HTTP " + std::to_string(response.status));
    } else {
      const auto* data = reinterpret_cast<const std::uint8_t*>(response.body.data());
      outcome.bytes = response.body.size();
      outcome.digest = sha256_hex_oneshot({data, response.body.size()});
      outcome.value = response.first_byte.count();
      if (!save_.empty()) {
        // Writing is CPU and page-cache work: an event loop runs it off its thread.
        co_await io.compute([&] { save(code, response.body); });
      }
    }
    co_return outcome;
  }

  std::string verify(std::size_t index, const Outcome& outcome) const override {
    if (index >= codes_.size()) return "no task " + std::to_string(index);
    const FlagManifest& published = manifest();
    if (!manifest_error_.empty() && outcome.status != Status::error) return "cannot be checked: " + manifest_error_;
    const std::optional<FlagManifest::File> file = published.find(codes_[index]);
    switch (outcome.status) {
      case Status::ok:
        if (!published.available()) return outcome.bytes > 0 ? std::string() : "an empty body";
        if (!file) return "200 for a flag the server does not publish";
        if (outcome.bytes != file->size) {
          return "got " + std::to_string(outcome.bytes) + " bytes, the server publishes " + std::to_string(file->size);
        }
        if (outcome.digest != file->sha256) return "SHA-256 " + outcome.digest + ", the server publishes " + file->sha256;
        return {};
      case Status::not_found:
        if (file) return "404 for a flag the server publishes";
        return {};
      case Status::error:
        return outcome.message.empty() ? "an error without a reason" : std::string();
    }
    return "an outcome of unknown status";
  }

  std::string result_text(std::size_t, const Outcome& outcome) const override {
    if (outcome.status != Status::ok) return describe_outcome(outcome);
    return format_size(outcome.bytes) + ", first byte after " + format_duration(std::chrono::nanoseconds(outcome.value));
  }

  std::uint64_t bytes() const override { return 0; }

  // A server that counts what it answers (concur's own, at /stats) must have
  // counted exactly the client's tally for the batch: a snapshot before, one after.
  std::any begin_batch() const override {
    std::call_once(stats_once_, [this] {
      try {
        fetch_stats(base_);
        counts_ = true;
      } catch (const std::exception&) {  // a server that keeps no count: nothing to compare
      }
    });
    if (!counts_) return {};
    try {
      return fetch_stats(base_);
    } catch (const std::exception&) {
      return {};  // verify_batch then has nothing to compare
    }
  }

  std::string verify_batch(const std::any& begun, const Tally& tally) const override {
    const auto* before = std::any_cast<ServerStats>(&begun);
    if (!before) return {};
    ServerStats after;
    try {
      after = fetch_stats(base_);
    } catch (const std::exception& e) {
      return std::string("the server's count could not be read after the batch: ") + e.what();
    }
    const std::uint64_t ok = after.ok - before->ok, not_found = after.not_found - before->not_found,
                        error = after.error - before->error;
    // libcurl sends a request again, once, when a kept-alive connection
    // closes before any reply; the server then counts a failed request the
    // client never saw. Answers (files and 404s) must match exactly.
    if (ok == tally.ok && not_found == tally.not_found && error >= tally.error) return {};
    return "the server answered " + std::to_string(ok) + " ok, " + std::to_string(not_found) + " not found and " +
           std::to_string(error) + " with a failing fault; the client counted " + std::to_string(tally.ok) + ", " +
           std::to_string(tally.not_found) + " and " + std::to_string(tally.error);
  }

 private:
  std::string url(std::size_t index) const {
    const std::string cc = lower(codes_.at(index));
    return base_ + "/" + cc + "/" + cc + ".gif";
  }

  void save(const std::string& code, const std::string& body) const {
    const std::string path = save_ + "/" + lower(code) + ".gif";
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(body.data(), static_cast<std::streamsize>(body.size()));
    if (!out.flush()) throw std::runtime_error("cannot write " + path);
  }

  // Fetched once, when the first outcome is verified: only concur verifies,
  // so processes that merely run the tasks never ask for it.
  const FlagManifest& manifest() const {
    std::call_once(manifest_once_, [this] {
      try {
        manifest_ = fetch_flag_manifest(base_);
      } catch (const std::exception& e) {
        manifest_error_ = e.what();
      }
    });
    return manifest_;
  }

  std::string base_;
  std::chrono::nanoseconds timeout_;
  std::uint64_t max_bytes_;
  std::string save_;
  std::vector<std::string> codes_;  // one per task: the selection, `repeat` times over
  mutable std::once_flag manifest_once_;
  mutable FlagManifest manifest_;
  mutable std::string manifest_error_;  // why the manifest could not be fetched
  mutable std::once_flag stats_once_;
  mutable bool counts_ = false;  // the server answers /stats
};

}  // namespace

std::unique_ptr<Workload> make_downloads_workload(const Params& params, std::uint64_t, InputStore&) {
  return std::make_unique<DownloadsWorkload>(params);
}

}  // namespace concur
