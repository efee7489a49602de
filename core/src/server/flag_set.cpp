#include "server/flag_set.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "server/country_codes.hpp"
#include "server/flag_image.hpp"
#include "util/sha256_hex.hpp"

namespace concur {
namespace {

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

FlagSet::FlagSet(std::uint64_t seed) : seed_(seed) {
  const std::vector<std::string>& codes = country_codes();
  files_.reserve(codes.size());
  nlohmann::json listed = nlohmann::json::object();
  for (const std::string& code : codes) {
    const std::string cc{lower(code[0]), lower(code[1])};
    FlagFile f{code, cc + "/" + cc + ".gif", flag_gif(code, seed), {}};
    f.sha256 = sha256_hex_oneshot(f.bytes);
    listed[f.path] = {{"size", f.bytes.size()}, {"sha256", f.sha256}};
    files_.push_back(std::move(f));
  }
  manifest_ = nlohmann::json{{"count", files_.size()}, {"seed", seed}, {"files", std::move(listed)}}.dump(1) + "\n";
}

const FlagFile* FlagSet::find(std::string_view code) const noexcept {
  if (code.size() != 2) return nullptr;
  // country_codes() is sorted, and so are files_.
  const char wanted[2] = {static_cast<char>(code[0] >= 'a' && code[0] <= 'z' ? code[0] - 'a' + 'A' : code[0]),
                          static_cast<char>(code[1] >= 'a' && code[1] <= 'z' ? code[1] - 'a' + 'A' : code[1])};
  const std::string_view key(wanted, 2);
  auto it = std::lower_bound(files_.begin(), files_.end(), key,
                             [](const FlagFile& f, std::string_view k) { return f.code < k; });
  return it != files_.end() && it->code == key ? &*it : nullptr;
}

}  // namespace concur
