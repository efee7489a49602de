// Plugin loader: opens strategy plugins with Boost.DLL, checks their ABI before calling them, finds plugin folders.
#include "host/plugin_loader.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string_view>
#include <system_error>
#include <utility>

#include <boost/dll/shared_library.hpp>

#include "concur/plugin.hpp"
#include "concur/stdlib.hpp"
#include "concur/version.hpp"
#include "host/host_services.hpp"
#include "util/sha256_hex.hpp"

#ifndef CONCUR_PLUGIN_INSTALL_SUBDIR
#define CONCUR_PLUGIN_INSTALL_SUBDIR "lib/concur/plugins"
#endif

namespace concur {
namespace {

namespace fs = std::filesystem;

// The C ABI of CONCUR_PLUGIN; every function is noexcept on the plugin side.
using AbiVersionFn = std::uint32_t() noexcept;
using StdlibFn = const char*() noexcept;
using CreateFn = Strategy*(const Host* host, char* error, std::size_t capacity) noexcept;

// Errors are printed one per line, so text coming from dlerror() or from a
// plugin must not break a line.
std::string one_line(std::string_view text) {
  std::string out(text);
  std::replace_if(out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

[[noreturn]] void fail(const fs::path& file, std::string_view reason) {
  throw PluginError(file.string() + ": " + one_line(reason));
}

// dlerror() of the failed dlopen, without its leading "PATH: " (our message
// already starts with the path). dlerror() is per thread, and Boost.DLL does
// not call into libdl between its failing dlopen() and returning the error code.
std::string dlopen_error(const fs::path& file, const std::error_code& ec) {
  const char* text = ::dlerror();
  if (text == nullptr) return ec.message();
  std::string_view message(text);
  // Boost.DLL opens a bare file name as "./name" so dlopen does not search system folders.
  const std::string opened = file.has_parent_path() ? file.string() : "./" + file.string();
  for (const std::string& prefix : {opened + ": ", file.string() + ": "}) {
    if (message.starts_with(prefix)) {
      message.remove_prefix(prefix.size());
      break;
    }
  }
  return one_line(message);
}

// What a strategy or option name may be made of.
constexpr std::string_view name_characters = "abcdefghijklmnopqrstuvwxyz0123456789_-";

// The options a strategy declares are suite keys, each once; a default its own
// declaration refuses would fail every run that leaves the option out.
void check_options(const fs::path& file, const Strategy& strategy) {
  std::set<std::string_view> names;
  for (const Option& o : strategy.options()) {
    if (o.name().empty() || o.name().find_first_not_of(name_characters) != std::string::npos) {
      fail(file, "option name '" + o.name() + "' is not usable; expected lowercase letters, digits, '_' or '-'");
    }
    if (!names.insert(o.name()).second) fail(file, "option '" + o.name() + "' is declared twice");
    if (std::string problem = o.check(o.default_value()); !problem.empty()) {
      fail(file, "option '" + o.name() + "' default: " + problem);
    }
  }
}

bool has_elf_magic(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::array<char, 4> magic{};
  return in.read(magic.data(), magic.size()) && std::string_view(magic.data(), magic.size()) == "\x7f" "ELF";
}

std::shared_ptr<boost::dll::shared_library> open_library(const fs::path& file) {
  std::error_code ec;
  // rtld_now: an unresolved symbol fails here, with a message, rather than as a
  // crash in the middle of a benchmark. rtld_local: plugins cannot see each
  // other's symbols, so two plugins may use the same internal names.
  auto lib = std::make_shared<boost::dll::shared_library>(
      file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, ec);
  if (!ec && lib->is_loaded()) return lib;

  const std::string detail = dlopen_error(file, ec);
  std::error_code exists_ec;
  if (!fs::exists(file, exists_ec)) fail(file, "no such file");
  if (!has_elf_magic(file)) fail(file, "not a shared library (" + detail + ")");
  fail(file, "cannot be loaded (" + detail + ")");
}

}  // namespace

LoadedPlugin load_plugin(const fs::path& file, bool will_run) {
  std::shared_ptr<boost::dll::shared_library> lib = open_library(file);

  // The ABI version comes first: a plugin built against another SDK may lay
  // out Strategy differently, so nothing else of it may be called.
  if (!lib->has(CONCUR_ABI_SYMBOL)) {
    fail(file, "no '" CONCUR_ABI_SYMBOL "' symbol; not a concur plugin");
  }
  const std::uint32_t abi = lib->get<AbiVersionFn>(CONCUR_ABI_SYMBOL)();
  if (abi != abi_version) {
    fail(file, "ABI version " + std::to_string(abi) + ", this concur expects " + std::to_string(abi_version) +
                   "; rebuild the plugin against this SDK");
  }
  // Then the standard library: the SDK passes std::string, std::map and
  // std::function, which another library or a debug mode lays out differently.
  if (!lib->has(CONCUR_STDLIB_SYMBOL)) {
    fail(file, "no '" CONCUR_STDLIB_SYMBOL "' symbol; not a concur plugin");
  }
  const char* theirs = lib->get<StdlibFn>(CONCUR_STDLIB_SYMBOL)();
  const std::string_view ours = detail::stdlib_configuration();
  const std::string_view their_text = theirs ? std::string_view(theirs, ::strnlen(theirs, 512)) : "nothing";
  if (their_text != ours) {
    fail(file, "built for " + std::string(their_text) + ", but this concur uses " + std::string(ours) +
                   "; rebuild the plugin with the same standard library settings as concur");
  }
  if (!lib->has(CONCUR_CREATE_SYMBOL)) {
    fail(file, "no '" CONCUR_CREATE_SYMBOL "' symbol; not a concur plugin");
  }

  std::array<char, 512> message{};
  // The C ABI hands over a raw owning pointer; it is wrapped on the next line.
  // The deleter holds the library, so the code of the strategy (its vtable,
  // its destructor) stays mapped while any copy of the shared_ptr lives.
  Strategy* raw = lib->get<CreateFn>(CONCUR_CREATE_SYMBOL)(&host_services(will_run), message.data(), message.size());
  std::shared_ptr<Strategy> strategy(raw, [lib](Strategy* s) noexcept { delete s; });
  message.back() = '\0';  // a plugin that ignored the capacity cannot make us read past the end

  if (!strategy) {
    if (message.front() == '\0') fail(file, "plugin factory failed: returned no strategy and no message");
    fail(file, std::string("plugin factory failed: ") + message.data());
  }
  if (strategy->name().empty()) fail(file, "strategy has an empty name");
  // Names are written in suites and in --strategy a,b lists, and name cases.
  const std::string_view name = strategy->name();
  if (name == "all" || name.find_first_not_of(name_characters) != std::string_view::npos) {
    fail(file, "strategy name '" + std::string(name) +
                   "' is not usable; expected lowercase letters, digits, '_' or '-', and not 'all'");
  }
  check_options(file, *strategy);

  LoadedPlugin plugin;
  plugin.path = file;
  plugin.abi = abi;
  plugin.availability = strategy->availability();
  plugin.strategy = std::move(strategy);
  return plugin;
}

std::vector<fs::path> plugin_search_path(const std::vector<fs::path>& extra) {
  std::vector<fs::path> candidates(extra.begin(), extra.end());

  if (const char* env = std::getenv("CONCUR_PLUGIN_PATH")) {
    std::string_view rest(env);
    while (!rest.empty()) {
      const std::size_t colon = rest.find(':');
      const std::string_view entry = rest.substr(0, colon);
      if (!entry.empty()) candidates.emplace_back(entry);  // "a::b" has an empty entry: ignored
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }

  // The executable's own plugin folders: build/<preset>/plugins next to
  // build/<preset>/concur, and <prefix>/lib/.../concur/plugins next to <prefix>/bin/concur.
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path exe_dir = exe.parent_path();
    candidates.push_back(exe_dir / "plugins");
    candidates.push_back(exe_dir / ".." / CONCUR_PLUGIN_INSTALL_SUBDIR);
  }

  std::vector<fs::path> folders;
  for (const fs::path& candidate : candidates) {
    std::error_code canonical_ec;
    fs::path folder = fs::canonical(candidate, canonical_ec);
    if (canonical_ec || !fs::is_directory(folder, canonical_ec)) continue;
    if (std::find(folders.begin(), folders.end(), folder) == folders.end()) folders.push_back(std::move(folder));
  }
  return folders;
}

PluginSet load_plugins(const std::vector<fs::path>& folders, bool will_run) {
  PluginSet set;
  std::set<fs::path> seen_files;  // canonical: a file reachable twice is loaded once
  std::map<std::string, std::size_t, std::less<>> folder_of;  // strategy name -> index in `folders`

  // The last folder (concur's own plugins) loads first: a built-in plugin
  // that forks a server at creation (fork) then does so before any plugin
  // from another folder has run code that could start a thread. A plugin
  // from a folder searched earlier still replaces a built-in of the same name.
  for (std::size_t f = folders.size(); f-- > 0;) {
    const fs::path& folder = folders[f];
    std::error_code ec;
    std::vector<fs::path> files;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code type_ec;
      if (it->path().extension() == ".so" && it->is_regular_file(type_ec)) files.push_back(it->path());
    }
    if (ec) {
      set.errors.push_back(folder.string() + ": cannot list plugin folder: " + one_line(ec.message()));
      continue;
    }
    std::sort(files.begin(), files.end(),
              [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });

    for (const fs::path& file : files) {
      std::error_code canonical_ec;
      const fs::path canonical = fs::canonical(file, canonical_ec);
      if (!canonical_ec && !seen_files.insert(canonical).second) continue;
      try {
        LoadedPlugin plugin = load_plugin(file, will_run);
        const std::string name(plugin.strategy->name());
        auto same_name = std::find_if(set.plugins.begin(), set.plugins.end(),
                                      [&](const LoadedPlugin& p) { return p.strategy->name() == name; });
        if (same_name == set.plugins.end()) {
          folder_of[name] = f;
          set.plugins.push_back(std::move(plugin));
        } else if (folder_of[name] == f) {  // two files of one folder: the first by name wins
          set.errors.push_back(file.string() + ": strategy '" + name + "' is already loaded from " +
                               same_name->path.string() + "; ignored");
        } else {
          set.errors.push_back(same_name->path.string() + ": strategy '" + name + "' is replaced by " +
                               file.string() + ", from a folder searched first; ignored");
          folder_of[name] = f;
          *same_name = std::move(plugin);
        }
      } catch (const PluginError& e) {
        set.errors.emplace_back(e.what());
      } catch (const std::exception& e) {
        set.errors.push_back(file.string() + ": " + one_line(e.what()));
      }
    }
  }

  std::sort(set.plugins.begin(), set.plugins.end(), [](const LoadedPlugin& a, const LoadedPlugin& b) {
    return a.strategy->name() < b.strategy->name();
  });
  return set;
}

const LoadedPlugin* PluginSet::find(const std::string& name) const {
  auto it = std::find_if(plugins.begin(), plugins.end(),
                         [&](const LoadedPlugin& p) { return p.strategy->name() == name; });
  return it == plugins.end() ? nullptr : &*it;
}

std::vector<std::string> PluginSet::names() const {
  std::vector<std::string> out;
  out.reserve(plugins.size());
  for (const LoadedPlugin& p : plugins) out.emplace_back(p.strategy->name());
  return out;
}

std::vector<PluginInfo> describe_plugins(const PluginSet& plugins) {
  std::vector<PluginInfo> infos;
  for (const LoadedPlugin& p : plugins.plugins) {
    std::ifstream in(p.path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    infos.push_back({std::string(p.strategy->name()), std::string(p.strategy->version()), p.abi, p.path.string(),
                     sha256_hex_oneshot({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}),
                     p.availability.available, p.availability.reason});
  }
  return infos;
}

}  // namespace concur
