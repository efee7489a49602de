// What the flag server answers to one request, decided from the parser's result alone (no socket), so it can be tested and fuzzed in process.
#pragma once

#include <boost/beast/core/error.hpp>
#include <string>
#include <string_view>

#include "server/request_parser.hpp"

namespace concur {

enum class RequestAction {
  close,               // the client closed (between requests or within one), or the server is stopping
  refuse_body,         // 413, then close: the request announces a body
  refuse_header,       // 431, then close: the header block is over max_header_bytes
  bad_request,         // 400, then close: unparsable, not HTTP/1.x, or a refused target
  method_not_allowed,  // 405: anything but GET
  flag,                // GET /flags/<cc>/<cc>.gif
  manifest,            // GET /flags/manifest.json
  stats,               // GET /stats
  not_found,           // GET of any other well-formed path
};

struct RequestDecision {
  RequestAction action = RequestAction::close;
  std::string_view code;    // for `flag`: the two lower-case letters, pointing into the target or the scratch string
  bool keep_alive = false;  // whether the connection goes on after the answer; false for close and the refusals
};

// `ec` is how reading the request into `parser` ended, `target` the string
// the parser copied the request-target into, and `scratch` what
// route_request decodes %-escapes into.
RequestDecision decide_request(const RequestParser& parser, const boost::beast::error_code& ec, std::string_view target,
                               std::string& scratch);

}  // namespace concur
