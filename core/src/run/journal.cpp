#include "run/journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace concur {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what, int error) {
  throw std::runtime_error(path.string() + ": " + what + ": " + std::generic_category().message(error));
}

void write_all(int fd, const std::string& text, const std::filesystem::path& path) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(path, "cannot write the journal", errno);
    done += static_cast<std::size_t>(n);
  }
}

void sync(int fd, const std::filesystem::path& path) {
  if (::fdatasync(fd) != 0) fail(path, "cannot sync the journal", errno);
}

}  // namespace

std::filesystem::path journal_path(const std::filesystem::path& results) {
  std::filesystem::path p = results;
  p += ".journal";
  return p;
}

Journal::Journal(const std::filesystem::path& path, const nlohmann::json& header, bool append) : path_(path) {
  const int flags = O_WRONLY | O_CLOEXEC | (append ? O_APPEND : O_CREAT | O_TRUNC);
  fd_.reset(::open(path.c_str(), flags, 0644));
  if (!fd_) fail(path, "cannot open the journal", errno);
  if (append) return;
  write_all(fd_.get(), header.dump() + '\n', path_);
  sync(fd_.get(), path_);
  // The file's own entry in its folder, so the journal is found after a crash.
  const std::filesystem::path folder = path.has_parent_path() ? path.parent_path() : ".";
  UniqueFd dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir) ::fsync(dir.get());
}

void Journal::append(const nlohmann::json& record) {
  // One write of one whole line: a reader sees a record whole or, after a
  // crash mid-write, a cut last line that it drops.
  write_all(fd_.get(), record.dump() + '\n', path_);
  sync(fd_.get(), path_);
}

void Journal::remove() noexcept {
  fd_.reset();
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

JournalContents read_journal(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot read the journal", errno);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  JournalContents contents;
  std::size_t start = 0;
  for (std::size_t line = 1; start < text.size(); ++line) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) break;  // cut short by a crash mid-write: that case was not journaled
    nlohmann::json record = nlohmann::json::parse(text.begin() + static_cast<std::ptrdiff_t>(start),
                                                  text.begin() + static_cast<std::ptrdiff_t>(end), nullptr, false);
    if (record.is_discarded()) {
      throw std::runtime_error(path.string() + ":" + std::to_string(line) + ": not a journal record");
    }
    (line == 1 ? contents.header : contents.records.emplace_back()) = std::move(record);
    start = end + 1;
  }
  if (contents.header.is_null()) throw std::runtime_error(path.string() + ": empty; expected a concur journal");
  return contents;
}

}  // namespace concur
