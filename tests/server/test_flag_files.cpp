// The flag files: 194 codes, real GIFs of 1..20 KiB, deterministic from the seed, a manifest that matches, the exported tree.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

#include "gif_reader.hpp"
#include "http_client.hpp"
#include "running_server.hpp"
#include "server/country_codes.hpp"
#include "server/flag_image.hpp"
#include "server/flag_set.hpp"
#include "server/flag_tree.hpp"

namespace concur_server_test {
namespace {

using concur::FlagFile;
using concur::FlagSet;

std::string text_of(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

TEST(CountryCodes, The194UpperCaseCodesSortedAndUnique) {
  const std::vector<std::string>& codes = concur::country_codes();
  ASSERT_EQ(codes.size(), 194u);
  EXPECT_TRUE(std::is_sorted(codes.begin(), codes.end()));
  EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), 194u);
  for (const std::string& c : codes) {
    ASSERT_EQ(c.size(), 2u) << c;
    EXPECT_TRUE(std::isupper(static_cast<unsigned char>(c[0])) && std::isupper(static_cast<unsigned char>(c[1]))) << c;
  }
  EXPECT_EQ(codes.front(), "AD");
  EXPECT_EQ(codes.back(), "ZW");
  for (const char* c : {"BR", "CN", "IN", "US", "SS", "VA"}) EXPECT_TRUE(std::binary_search(codes.begin(), codes.end(), c)) << c;
}

TEST(FlagImages, EveryFlagIsARealGifOf1To20KiB) {
  const FlagSet& flags = *flags_42();
  ASSERT_EQ(flags.files().size(), 194u);
  for (const FlagFile& f : flags.files()) {
    SCOPED_TRACE(f.path);
    EXPECT_GE(f.bytes.size(), 1024u);
    EXPECT_LE(f.bytes.size(), 20u * 1024);
    const GifInfo gif = read_gif(f.bytes);
    ASSERT_TRUE(gif.ok) << gif.error;
    EXPECT_EQ(gif.images, 1);
    EXPECT_GT(gif.width, gif.height);  // shaped like a flag
    EXPECT_EQ(gif.colours, 16);
    EXPECT_EQ(text_of(f.bytes).substr(0, 6), "GIF89a");
  }
}

TEST(FlagImages, SizesStayInBoundsForOtherSeeds) {
  for (const std::uint64_t seed : {0ull, 1ull, 7ull, 0xffffffffffffffffull}) {
    const FlagSet flags(seed);
    for (const FlagFile& f : flags.files()) {
      EXPECT_GE(f.bytes.size(), concur::flag_min_bytes) << seed << ' ' << f.path;
      EXPECT_LE(f.bytes.size(), concur::flag_max_bytes) << seed << ' ' << f.path;
    }
  }
}

TEST(FlagImages, SameSeedSameBytesOtherSeedOtherBytes) {
  const FlagSet& a = *flags_42();
  const FlagSet b(42);
  const FlagSet c(43);
  std::set<std::string> distinct;
  for (std::size_t i = 0; i < a.files().size(); ++i) {
    EXPECT_EQ(a.files()[i].bytes, b.files()[i].bytes) << a.files()[i].path;
    EXPECT_NE(a.files()[i].bytes, c.files()[i].bytes) << a.files()[i].path;
    distinct.insert(a.files()[i].sha256);
  }
  EXPECT_EQ(distinct.size(), 194u) << "two countries share a flag";
  EXPECT_EQ(a.manifest_json(), b.manifest_json());
  EXPECT_NE(a.manifest_json(), c.manifest_json());
}

TEST(FlagImages, CodeInEitherCaseBadCodesRefused) {
  EXPECT_EQ(concur::flag_gif("br", 5), concur::flag_gif("BR", 5));
  for (const char* bad : {"", "B", "BRA", "B1", "é"}) {
    EXPECT_THROW(concur::flag_gif(bad, 5), std::invalid_argument) << bad;
  }
  try {
    concur::flag_gif("B1", 5);
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "flag image: country code \"B1\": two letters expected");
  }
}

TEST(FlagSet, FilesAreLowerCasePathsFoundInEitherCase) {
  const FlagSet& flags = *flags_42();
  EXPECT_EQ(flags.files().front().path, "ad/ad.gif");
  EXPECT_EQ(flags.files().front().code, "AD");
  ASSERT_NE(flags.find("us"), nullptr);
  EXPECT_EQ(flags.find("us"), flags.find("US"));
  EXPECT_EQ(flags.find("us")->path, "us/us.gif");
  EXPECT_EQ(flags.find("zz"), nullptr);
  EXPECT_EQ(flags.find("u"), nullptr);
  EXPECT_EQ(flags.find(""), nullptr);
}

TEST(FlagSet, ManifestListsEverySizeAndSha256) {
  const FlagSet& flags = *flags_42();
  const nlohmann::json manifest = nlohmann::json::parse(flags.manifest_json());
  EXPECT_EQ(manifest.at("count"), 194);
  EXPECT_EQ(manifest.at("seed"), 42);
  ASSERT_EQ(manifest.at("files").size(), 194u);
  for (const FlagFile& f : flags.files()) {
    const nlohmann::json& entry = manifest.at("files").at(f.path);
    EXPECT_EQ(entry.at("size"), f.bytes.size()) << f.path;
    // Recomputed here through another OpenSSL call than the server's.
    EXPECT_EQ(entry.at("sha256"), sha256_hex(text_of(f.bytes))) << f.path;
  }
}

class FlagTree : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("concur-flag-tree-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_F(FlagTree, Writes194FilesAndTheManifest) {
  concur::export_flag_tree(dir_, 42);
  const FlagSet& flags = *flags_42();
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_)) files += entry.is_regular_file();
  EXPECT_EQ(files, 195u);
  for (const FlagFile& f : flags.files()) {
    const std::filesystem::path p = dir_ / "flags" / f.path;
    ASSERT_TRUE(std::filesystem::is_regular_file(p)) << p;
    EXPECT_EQ(slurp(p), text_of(f.bytes)) << p;
  }
  EXPECT_EQ(slurp(dir_ / "flags" / "manifest.json"), flags.manifest_json());
  EXPECT_TRUE(std::filesystem::is_regular_file(dir_ / "flags" / "us" / "us.gif"));

  // Again over the same folder: files are replaced, not appended to.
  concur::export_flag_tree(dir_, 43);
  EXPECT_EQ(slurp(dir_ / "flags" / "manifest.json"), FlagSet(43).manifest_json());
}

TEST_F(FlagTree, AnUnwritableFolderIsNamed) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / "flags") << "a file where the folder should be";
  try {
    concur::export_flag_tree(dir_, 42);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find((dir_ / "flags").string()), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace concur_server_test
