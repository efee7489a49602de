// libFuzzer target: raw bytes from a client, read and answered as one flag-server connection does: Beast's parser with the server's buffer, then decide_request, request after request while the connection stays open.
#include <boost/beast/core/flat_static_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "bytes_stream.hpp"
#include "server/flag_set.hpp"
#include "server/request_decision.hpp"

namespace {

bool lower_letter(char c) { return c >= 'a' && c <= 'z'; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The flags concur serves by default; built once, as the server builds them at start-up.
  static const concur::FlagSet flags(42);
  if (size == 0) return 0;
  // The first byte says how the bytes arrive: 1 to 256 at a time.
  const std::size_t chunk = std::size_t{data[0]} + 1;
  concur::fuzz::BytesStream stream(std::span(data + 1, size - 1), chunk);

  // As HttpConnection: one buffer and one target string for the connection, a parser per request.
  boost::beast::flat_static_buffer<2 * concur::max_header_bytes> buffer;
  std::string target, scratch;
  for (;;) {
    concur::RequestParser parser(target);
    boost::beast::error_code ec;
    boost::beast::http::read(stream, buffer, parser, ec);
    const concur::RequestDecision d = concur::decide_request(parser, ec, target, scratch);
    if (d.action == concur::RequestAction::flag) {
      // The route promises two lower-case letters; the server looks them up as they are.
      if (d.code.size() != 2 || !lower_letter(d.code[0]) || !lower_letter(d.code[1])) std::abort();
      (void)flags.find(d.code);
    } else if (!d.code.empty()) {
      std::abort();
    }
    // A refusal closes the connection whatever the request asked.
    const bool closes = d.action == concur::RequestAction::close || d.action == concur::RequestAction::refuse_body ||
                        d.action == concur::RequestAction::refuse_header ||
                        d.action == concur::RequestAction::bad_request;
    if (closes && d.keep_alive) std::abort();
    if (!d.keep_alive) break;
  }
  return 0;
}
