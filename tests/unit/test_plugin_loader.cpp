// Plugin loader: the real plugins load, every kind of bad file gets its own one-line error, search path order.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "concur/stdlib.hpp"
#include "concur/version.hpp"
#include "fake_batch.hpp"
#include "host/plugin_loader.hpp"

namespace concur_test {
namespace {

namespace fs = std::filesystem;

const fs::path good_dir = CONCUR_TEST_PLUGIN_DIR;
const fs::path bad_dir = CONCUR_TEST_BAD_PLUGIN_DIR;

// A fresh folder, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "concur-loader-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  fs::path copy_in(const fs::path& file) const {
    fs::copy_file(file, path_ / file.filename());
    return path_ / file.filename();
  }

 private:
  fs::path path_;
};

// Sets (or unsets) an environment variable for one test and restores it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      ::unsetenv(name_.c_str());
    }
  }

 private:
  std::string name_;
  std::optional<std::string> old_;
};

// Whether the dynamic linker still has `file` mapped (RTLD_NOLOAD never loads it).
bool is_mapped(const fs::path& file) {
  void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (handle == nullptr) return false;
  ::dlclose(handle);
  return true;
}

// The PluginError message for `file`, or "" if it loaded.
std::string load_error(const fs::path& file) {
  try {
    concur::load_plugin(file);
  } catch (const concur::PluginError& e) {
    return e.what();
  }
  return "";
}

// "PATH: reason", on one line.
void expect_load_error(const fs::path& file, const std::string& reason) {
  const std::string message = load_error(file);
  SCOPED_TRACE(message);
  EXPECT_EQ(message.rfind(file.string() + ": ", 0), 0u) << "does not start with the path";
  EXPECT_NE(message.find(reason), std::string::npos) << "no '" << reason << "'";
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

std::vector<fs::path> bad_plugin_files() {
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(bad_dir)) {
    if (entry.path().extension() == ".so") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(PluginLoader, LoadsTheRealPlugins) {
  for (const char* name : {"sequential", "threads"}) {
    const fs::path file = good_dir / (std::string(name) + ".so");
    const concur::LoadedPlugin plugin = concur::load_plugin(file);
    EXPECT_EQ(plugin.path, file);
    EXPECT_EQ(plugin.abi, concur::abi_version);
    ASSERT_TRUE(plugin.strategy);
    EXPECT_EQ(plugin.strategy->name(), name);
    EXPECT_FALSE(plugin.strategy->version().empty());
    EXPECT_TRUE(plugin.availability.available) << plugin.availability.reason;
  }
}

TEST(PluginLoader, TextFileIsNotASharedLibrary) {
  expect_load_error(bad_dir / "notalib.so", "not a shared library (");
  // The dlerror() detail is there, without repeating the path.
  const std::string message = load_error(bad_dir / "notalib.so");
  EXPECT_EQ(message.find((bad_dir / "notalib.so").string(), 1), std::string::npos) << message;
  EXPECT_GT(message.size(), (bad_dir / "notalib.so").string().size() + sizeof(": not a shared library ()"));
}

TEST(PluginLoader, MissingFile) { expect_load_error(bad_dir / "nothing-here.so", "no such file"); }

TEST(PluginLoader, LibraryWithoutConcurSymbols) {
  expect_load_error(bad_dir / "nofactory.so", "no 'concur_plugin_abi_version' symbol; not a concur plugin");
}

// oldabi.so's factory aborts: reaching this test's end proves it was never called.
TEST(PluginLoader, OtherAbiVersionIsRefusedBeforeTheFactoryRuns) {
  expect_load_error(bad_dir / "oldabi.so", "ABI version 999, this concur expects " +
                                               std::to_string(concur::abi_version) +
                                               "; rebuild the plugin against this SDK");
}

TEST(PluginLoader, AbiSymbolWithoutFactory) {
  expect_load_error(bad_dir / "nocreate.so", "no 'concur_plugin_create' symbol");
}

TEST(PluginLoader, ThrowingFactoryBecomesAMessage) {
  expect_load_error(bad_dir / "throws.so", "plugin factory failed: config file missing");
}

TEST(PluginLoader, FactoryReturningNothingWithoutMessage) {
  expect_load_error(bad_dir / "nullfactory.so", "plugin factory failed: returned no strategy and no message");
}

TEST(PluginLoader, StrategyWithEmptyName) {
  expect_load_error(bad_dir / "emptyname.so", "strategy has an empty name");
}

// A suite leaving the option out would hand the strategy a value it refuses.
TEST(PluginLoader, AnOptionDefaultItsOwnDeclarationRefuses) {
  expect_load_error(bad_dir / "baddefault.so", "option 'depth' default: expected an integer from 1 to 8, got \"0\"");
}

// RTLD_NOW: a missing symbol is found at load time, not in the middle of a run.
TEST(PluginLoader, UnresolvedSymbolFailsAtLoad) {
  expect_load_error(bad_dir / "unresolved.so", "cannot be loaded (");
  expect_load_error(bad_dir / "unresolved.so", "concur_test_symbol_nobody_defines");
}

TEST(PluginLoader, FailedLoadsDoNotKeepTheLibraryMapped) {
  for (const char* name : {"nofactory.so", "oldabi.so", "throws.so", "emptyname.so"}) {
    const fs::path file = bad_dir / name;
    EXPECT_FALSE(load_error(file).empty());
    EXPECT_FALSE(is_mapped(file)) << file;
  }
}

TEST(PluginLoader, LoadPluginsKeepsTheGoodAndReportsEachBadFileOnce) {
  TempDir dir;
  dir.copy_in(good_dir / "threads.so");
  dir.copy_in(good_dir / "sequential.so");
  const std::vector<fs::path> bad = bad_plugin_files();
  ASSERT_GE(bad.size(), 8u);
  for (const fs::path& file : bad) dir.copy_in(file);
  // Not plugins: another extension, a folder named like one, a plugin one level down.
  std::ofstream(dir.path() / "README.txt") << "not a plugin\n";
  fs::create_directory(dir.path() / "folder.so");
  fs::create_directory(dir.path() / "nested");
  fs::copy_file(good_dir / "sequential.so", dir.path() / "nested" / "other.so");

  const concur::PluginSet set = concur::load_plugins({dir.path()});

  EXPECT_EQ(set.names(), (std::vector<std::string>{"sequential", "threads"}));
  ASSERT_EQ(set.errors.size(), bad.size());
  // Files are visited in filename order, so errors come in that order too.
  for (std::size_t i = 0; i < bad.size(); ++i) {
    const std::string prefix = (dir.path() / bad[i].filename()).string() + ": ";
    EXPECT_EQ(set.errors[i].rfind(prefix, 0), 0u) << set.errors[i];
    EXPECT_EQ(set.errors[i].find('\n'), std::string::npos) << set.errors[i];
  }
  ASSERT_NE(set.find("threads"), nullptr);
  EXPECT_EQ(set.find("threads")->path, dir.path() / "threads.so");
  EXPECT_EQ(set.find("tbb"), nullptr);
}

TEST(PluginLoader, DuplicateNameKeepsTheFirstAndNamesBothFiles) {
  TempDir first;
  TempDir second;
  const fs::path kept = first.copy_in(good_dir / "threads.so");
  const fs::path dropped = second.copy_in(good_dir / "threads.so");

  const concur::PluginSet set = concur::load_plugins({first.path(), second.path()});

  ASSERT_EQ(set.plugins.size(), 1u);
  EXPECT_EQ(set.plugins[0].path, kept);
  ASSERT_EQ(set.errors.size(), 1u);
  EXPECT_EQ(set.errors[0].rfind(dropped.string() + ": ", 0), 0u) << set.errors[0];
  EXPECT_NE(set.errors[0].find(kept.string()), std::string::npos) << set.errors[0];
  EXPECT_NE(set.errors[0].find("'threads'"), std::string::npos) << set.errors[0];
}

// The folders load last to first (concur's own plugins before any other, see
// load_plugins), and still the first folder's plugin is the one kept.
TEST(PluginLoader, TwoFilesOfOneFolderWithOneNameKeepTheFirstByFileName) {
  TempDir dir;
  const fs::path kept = dir.path() / "a-threads.so";
  const fs::path dropped = dir.path() / "b-threads.so";
  fs::copy_file(good_dir / "threads.so", kept);
  fs::copy_file(good_dir / "threads.so", dropped);
  const concur::PluginSet set = concur::load_plugins({dir.path()});
  ASSERT_EQ(set.plugins.size(), 1u);
  EXPECT_EQ(set.plugins[0].path, kept);
  ASSERT_EQ(set.errors.size(), 1u);
  EXPECT_EQ(set.errors[0], dropped.string() + ": strategy 'threads' is already loaded from " + kept.string() + "; ignored");
}

// A plugin built in libstdc++'s debug mode lays out std::map and std::vector
// otherwise: refused, naming both configurations, before anything is called.
TEST(PluginLoader, ADebugModePluginIsRefusedNamingBothConfigurations) {
  const fs::path file = bad_dir / "debugmode" / "waves.so";
  const std::string message = load_error(file);
  const std::string ours = concur::detail::stdlib_configuration();
  EXPECT_EQ(ours.find("_GLIBCXX_DEBUG"), std::string::npos) << ours;
  EXPECT_EQ(message.rfind(file.string() + ": built for libstdc++, debug mode (_GLIBCXX_DEBUG) [sizes: ", 0), 0u) << message;
  EXPECT_TRUE(message.ends_with("], but this concur uses " + ours +
                                "; rebuild the plugin with the same standard library settings as concur"))
      << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

TEST(PluginLoader, TheSameFolderTwiceLoadsEachFileOnce) {
  TempDir dir;
  dir.copy_in(good_dir / "sequential.so");
  const concur::PluginSet set = concur::load_plugins({dir.path(), dir.path() / "." });
  EXPECT_EQ(set.names(), (std::vector<std::string>{"sequential"}));
  EXPECT_TRUE(set.errors.empty()) << set.errors.front();
}

TEST(PluginLoader, UnreadableFolderIsAnErrorLine) {
  const concur::PluginSet set = concur::load_plugins({bad_dir / "notalib.so"});
  EXPECT_TRUE(set.plugins.empty());
  ASSERT_EQ(set.errors.size(), 1u);
  EXPECT_EQ(set.errors[0].rfind((bad_dir / "notalib.so").string() + ": ", 0), 0u) << set.errors[0];
}

// Pitfall 1: the strategy keeps its library mapped, whatever happens to the
// LoadedPlugin or PluginSet it came in, and the library goes with the last
// owner. The real plugins cannot show it: libstdc++'s STB_GNU_UNIQUE symbols
// make glibc keep them mapped for good, so unloadable.so is used, from a
// private copy that no other test's handle keeps mapped.
TEST(PluginLoader, StrategyKeepsItsLibraryMappedAfterItsPluginSetIsGone) {
  TempDir dir;
  const fs::path copy = dir.copy_in(bad_dir / "unloadable" / "unloadable.so");
  std::shared_ptr<concur::Strategy> strategy;
  {
    concur::PluginSet set = concur::load_plugins({dir.path()});
    ASSERT_TRUE(set.errors.empty()) << set.errors.front();
    ASSERT_NE(set.find("unloadable"), nullptr);
    strategy = set.find("unloadable")->strategy;
  }
  EXPECT_TRUE(is_mapped(copy));
  EXPECT_EQ(strategy->name(), "unloadable");
  FakeBatch batch(FakeBatch::sleeping(3, 0ms));
  const concur::RunReport report = strategy->run(batch, concur::RunOptions{});
  EXPECT_TRUE(report.ok) << report.error;
  EXPECT_TRUE(batch.every_task_exactly_once());

  strategy.reset();  // the last owner: the library goes with it
  EXPECT_FALSE(is_mapped(copy));
}

// The same with a real plugin and a LoadedPlugin, running threads on it.
TEST(PluginLoader, ThreadsStrategyOutlivesItsLoadedPlugin) {
  TempDir dir;
  const fs::path copy = dir.copy_in(good_dir / "threads.so");
  std::shared_ptr<concur::Strategy> strategy = concur::load_plugin(copy).strategy;
  EXPECT_TRUE(is_mapped(copy));
  FakeBatch batch(FakeBatch::sleeping(4, 1ms));
  concur::RunOptions options;
  options.workers = 2;
  const concur::RunReport report = concur_test::run_cycle(*strategy, batch, options);
  EXPECT_TRUE(report.ok) << report.error;
  EXPECT_TRUE(batch.every_task_exactly_once());
}

TEST(PluginLoader, SearchPathIsExtraThenEnvironmentThenExecutableFolders) {
  TempDir a;
  TempDir b;
  TempDir c;
  const std::string env = b.path().string() + "::" + (c.path() / "missing").string() + ":" + c.path().string() +
                          ":" + a.path().string() + ":";
  const ScopedEnv scoped("CONCUR_PLUGIN_PATH", env.c_str());

  const std::vector<fs::path> path = concur::plugin_search_path({a.path(), a.path() / "missing", b.path() / "."});

  // Missing folders and empty entries are skipped, repeats (same canonical folder) dropped.
  ASSERT_GE(path.size(), 3u);
  EXPECT_EQ(path[0], fs::canonical(a.path()));
  EXPECT_EQ(path[1], fs::canonical(b.path()));
  EXPECT_EQ(path[2], fs::canonical(c.path()));
  for (std::size_t i = 3; i < path.size(); ++i) {
    EXPECT_TRUE(fs::is_directory(path[i])) << path[i];
    for (std::size_t j = 0; j < i; ++j) EXPECT_NE(path[i], path[j]);
  }
}

// Only the executable's own folders remain: <exe dir>/plugins (a build tree)
// and <exe dir>/../lib/.../concur/plugins (an install tree), where they exist.
TEST(PluginLoader, SearchPathWithoutEnvironmentHasOnlyTheExecutableFolders) {
  const ScopedEnv scoped("CONCUR_PLUGIN_PATH", nullptr);
  const fs::path exe_dir = fs::read_symlink("/proc/self/exe").parent_path();
  std::vector<fs::path> expected;
  if (fs::is_directory(exe_dir / "plugins")) expected.push_back(fs::canonical(exe_dir / "plugins"));
  EXPECT_EQ(concur::plugin_search_path({}), expected);
}

}  // namespace
}  // namespace concur_test
