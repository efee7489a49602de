#include "workloads/flag_manifest.hpp"

#include <memory>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "util/blocking_io.hpp"

namespace concur {

std::optional<FlagManifest::File> FlagManifest::find(const std::string& code) const {
  const auto it = files_.find(code);
  if (it == files_.end()) return std::nullopt;
  return it->second;
}

FlagManifest parse_flag_manifest(const std::string& json_text) {
  std::map<std::string, FlagManifest::File> files;
  try {
    const nlohmann::json doc = nlohmann::json::parse(json_text);
    const nlohmann::json& listed = doc.at("files");
    // items() of an array would list "0", "1", ... as if they were paths.
    if (!listed.is_object()) throw std::runtime_error("not a flag manifest: \"files\" is not an object");
    // Keys are paths below the manifest's folder: "cn/cn.gif".
    for (const auto& [path, entry] : listed.items()) {
      const nlohmann::json& size = entry.at("size");
      // get<std::uint64_t>() would wrap a negative size, truncate a
      // fractional one, and convert one beyond 2^64 with undefined behaviour.
      if (!size.is_number_unsigned()) {
        throw std::runtime_error("not a flag manifest: the size of " +
                                 nlohmann::json(path).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
                                 " is not a byte count");
      }
      std::string code = path.substr(0, path.find('/'));
      for (char& c : code) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
      files[code] = {size.get<std::uint64_t>(), entry.at("sha256").get<std::string>()};
    }
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("not a flag manifest: ") + e.what());
  }
  return FlagManifest(std::move(files));
}

FlagManifest fetch_flag_manifest(const std::string& base_url) {
  const std::string url = base_url + "/manifest.json";
  const std::unique_ptr<Io> io = make_blocking_io();
  Io::HttpGet get;
  get.url = url;
  get.timeout = std::chrono::seconds(10);
  get.max_bytes = 1 << 20;
  io->begin(get);
  if (get.failure) std::rethrow_exception(get.failure);
  const HttpResponse& r = get.response;
  if (!r.error.empty()) throw std::runtime_error(url + ": " + r.error);
  if (r.status == 404) return {};
  if (r.status != 200) throw std::runtime_error(url + ": HTTP " + std::to_string(r.status));
  try {
    return parse_flag_manifest(r.body);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(url + ": " + e.what());
  }
}

}  // namespace concur
