// Reads a GIF back from memory with giflib's decoder, as a viewer would: the proof that a flag is a real image.
#pragma once

#include <gif_lib.h>

#include <cstdint>
#include <cstring>
#include <span>
#include <string>

namespace concur_server_test {

struct GifInfo {
  bool ok = false;
  std::string error;
  int width = 0;
  int height = 0;
  int images = 0;
  int colours = 0;
};

inline GifInfo read_gif(std::span<const std::uint8_t> bytes) {
  struct Cursor {
    std::span<const std::uint8_t> bytes;
    std::size_t at = 0;
  } cursor{bytes};
  const InputFunc read = [](GifFileType* gif, GifByteType* out, int n) -> int {
    auto& c = *static_cast<Cursor*>(gif->UserData);
    const std::size_t take = std::min<std::size_t>(static_cast<std::size_t>(n), c.bytes.size() - c.at);
    std::memcpy(out, c.bytes.data() + c.at, take);
    c.at += take;
    return static_cast<int>(take);
  };
  GifInfo info;
  int error = 0;
  GifFileType* gif = DGifOpen(&cursor, read, &error);
  if (!gif) {
    info.error = std::string("DGifOpen: ") + GifErrorString(error);
    return info;
  }
  if (DGifSlurp(gif) != GIF_OK) {
    info.error = std::string("DGifSlurp: ") + GifErrorString(gif->Error);
  } else {
    info.ok = true;
    info.width = gif->SWidth;
    info.height = gif->SHeight;
    info.images = gif->ImageCount;
    info.colours = gif->SColorMap ? gif->SColorMap->ColorCount : 0;
    // Every pixel decoded, and every one inside the palette.
    const SavedImage& image = gif->SavedImages[0];
    const std::size_t pixels = static_cast<std::size_t>(image.ImageDesc.Width) * static_cast<std::size_t>(image.ImageDesc.Height);
    for (std::size_t i = 0; i < pixels; ++i) {
      if (image.RasterBits[i] >= info.colours) {
        info.ok = false;
        info.error = "pixel " + std::to_string(i) + " outside the palette";
        break;
      }
    }
  }
  DGifCloseFile(gif, &error);
  return info;
}

inline GifInfo read_gif(std::string_view bytes) {
  return read_gif(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

}  // namespace concur_server_test
