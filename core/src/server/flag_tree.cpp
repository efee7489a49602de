#include "server/flag_tree.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

#include "server/flag_set.hpp"

namespace concur {
namespace {

void write_file(const std::filesystem::path& path, const char* data, std::size_t size) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) out.write(data, static_cast<std::streamsize>(size));
  if (out) out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(errno));
}

}  // namespace

void export_flag_tree(const std::filesystem::path& dir, std::uint64_t seed) {
  const FlagSet flags(seed);
  const std::filesystem::path root = dir / "flags";
  for (const FlagFile& f : flags.files()) {
    const std::filesystem::path path = root / f.path;
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) throw std::runtime_error("cannot create " + path.parent_path().string() + ": " + ec.message());
    write_file(path, reinterpret_cast<const char*>(f.bytes.data()), f.bytes.size());
  }
  write_file(root / "manifest.json", flags.manifest_json().data(), flags.manifest_json().size());
}

}  // namespace concur
