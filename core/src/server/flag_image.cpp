#include "server/flag_image.hpp"

#include <gif_lib.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "util/xoshiro256.hpp"

namespace concur {
namespace {

constexpr int palette_size = 16;  // 4 bits a pixel
constexpr int stripe_colours = 8;  // stripes take palette 0..7; the emblem's noise all 16

struct ColorMapDeleter {
  void operator()(ColorMapObject* map) const noexcept { GifFreeMapObject(map); }
};
using ColorMapPtr = std::unique_ptr<ColorMapObject, ColorMapDeleter>;

[[noreturn]] void throw_gif(const char* call, int error) {
  const char* reason = GifErrorString(error);
  throw std::runtime_error(std::string("flag image: ") + call + " failed: " + (reason ? reason : "unknown giflib error"));
}

// Owns an encoder; EGifCloseFile both finishes the file and frees the handle,
// so it runs exactly once, by close() or, after a failure, by the destructor.
class GifWriter {
 public:
  explicit GifWriter(std::vector<std::uint8_t>& out) {
    int error = 0;
    gif_ = EGifOpen(&out, &GifWriter::append, &error);
    if (!gif_) throw_gif("EGifOpen", error);
  }
  GifWriter(const GifWriter&) = delete;
  GifWriter& operator=(const GifWriter&) = delete;
  ~GifWriter() {
    if (gif_) EGifCloseFile(gif_, nullptr);
  }

  GifFileType* get() const noexcept { return gif_; }
  void check(int result, const char* call) const {
    if (result != GIF_OK) throw_gif(call, gif_->Error);
  }
  void close() {
    int error = 0;
    const int result = EGifCloseFile(std::exchange(gif_, nullptr), &error);
    if (result != GIF_OK) throw_gif("EGifCloseFile", error);
  }

 private:
  static int append(GifFileType* gif, const GifByteType* bytes, int count) {
    auto& out = *static_cast<std::vector<std::uint8_t>*>(gif->UserData);
    out.insert(out.end(), bytes, bytes + count);
    return count;
  }

  GifFileType* gif_ = nullptr;
};

struct Layout {
  int width = 0;
  int height = 0;
  bool vertical = false;            // stripes side by side rather than stacked
  std::array<int, 4> stripes{};     // palette index of each stripe
  int stripe_count = 3;
  int emblem = 0;                   // side of the square of noise, centred
};

std::vector<std::uint8_t> encode(const Layout& l, const std::array<GifColorType, palette_size>& colours,
                                 std::uint64_t noise_seed) {
  ColorMapPtr map{GifMakeMapObject(palette_size, colours.data())};
  if (!map) throw std::runtime_error("flag image: GifMakeMapObject failed: out of memory");

  std::vector<std::uint8_t> out;
  out.reserve(flag_max_bytes);
  GifWriter gif(out);
  EGifSetGifVersion(gif.get(), true);
  gif.check(EGifPutScreenDesc(gif.get(), l.width, l.height, 8, 0, map.get()), "EGifPutScreenDesc");
  gif.check(EGifPutImageDesc(gif.get(), 0, 0, l.width, l.height, false, nullptr), "EGifPutImageDesc");

  // Noise from its own stream, so an emblem resized to fit the size bounds
  // does not change the palette or the stripes.
  Xoshiro256 noise(noise_seed);
  std::uint64_t bits = 0;
  int bits_left = 0;
  const int left = (l.width - l.emblem) / 2;
  const int top = (l.height - l.emblem) / 2;
  std::vector<GifPixelType> row(static_cast<std::size_t>(l.width));
  for (int y = 0; y < l.height; ++y) {
    for (int x = 0; x < l.width; ++x) {
      const bool in_emblem = x >= left && x < left + l.emblem && y >= top && y < top + l.emblem;
      if (in_emblem) {
        if (bits_left == 0) {
          bits = noise.next();
          bits_left = 64;
        }
        row[static_cast<std::size_t>(x)] = static_cast<GifPixelType>(bits & 15);
        bits >>= 4;
        bits_left -= 4;
      } else {
        const int along = l.vertical ? x * l.stripe_count / l.width : y * l.stripe_count / l.height;
        row[static_cast<std::size_t>(x)] = static_cast<GifPixelType>(l.stripes[static_cast<std::size_t>(along)]);
      }
    }
    gif.check(EGifPutLine(gif.get(), row.data(), l.width), "EGifPutLine");
  }
  gif.close();
  return out;
}

}  // namespace

std::vector<std::uint8_t> flag_gif(std::string_view code, std::uint64_t seed) {
  const auto upper = [](char c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c); };
  if (code.size() != 2 || upper(code[0]) < 'A' || upper(code[0]) > 'Z' || upper(code[1]) < 'A' ||
      upper(code[1]) > 'Z') {
    throw std::invalid_argument("flag image: country code \"" + std::string(code) + "\": two letters expected");
  }
  // Seeded by the code itself, not its place in a list: a flag stays the same
  // whatever other codes exist.
  const std::uint64_t code_number =
      static_cast<std::uint64_t>(static_cast<unsigned char>(upper(code[0]))) << 8 |
      static_cast<unsigned char>(upper(code[1]));
  Xoshiro256 rng(task_seed(seed, "flags", code_number));
  const auto below = [&rng](int n) { return static_cast<int>(rng.next() % static_cast<std::uint64_t>(n)); };

  std::array<GifColorType, palette_size> colours{};
  for (GifColorType& c : colours) {
    const std::uint64_t rgb = rng.next();
    c = GifColorType{static_cast<GifByteType>(rgb), static_cast<GifByteType>(rgb >> 8),
                     static_cast<GifByteType>(rgb >> 16)};
  }
  Layout layout;
  layout.vertical = below(2) == 1;
  layout.stripe_count = 2 + below(3);
  for (int& s : layout.stripes) s = below(stripe_colours);
  // Noise is what costs bytes (stripes compress to almost nothing): about 5
  // bits a pixel once LZW is done with it, so the emblem's area sets the size.
  const double target_bytes = 1536.0 + below(16 * 1024);
  layout.emblem = static_cast<int>(std::sqrt(target_bytes * 1.6));
  // A 3:2 flag around it with a margin of stripes. Every pixel costs encoding
  // time, so the margin stays narrow.
  const int margin = 8 + below(40);
  const std::uint64_t noise_seed = rng.next();

  // The estimate is close, not exact: shrink or grow the emblem until the file
  // lands inside the bounds. Deterministic, and rarely more than one pass.
  for (int attempt = 0; attempt < 32; ++attempt) {
    layout.width = layout.emblem * 3 / 2 + margin;
    layout.height = std::max(layout.width * 2 / 3, layout.emblem + 8);
    std::vector<std::uint8_t> gif = encode(layout, colours, noise_seed);
    if (gif.size() > flag_max_bytes) {
      layout.emblem = layout.emblem * 7 / 8;
    } else if (gif.size() < flag_min_bytes) {
      layout.emblem = layout.emblem * 9 / 8 + 1;
    } else {
      return gif;
    }
  }
  throw std::runtime_error("flag image: " + std::string(code) + ": no emblem size gives a file between " +
                           std::to_string(flag_min_bytes) + " and " + std::to_string(flag_max_bytes) + " bytes");
}

}  // namespace concur
