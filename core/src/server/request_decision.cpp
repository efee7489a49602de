#include "server/request_decision.hpp"

#include "server/request_route.hpp"

namespace concur {
namespace {

namespace http = boost::beast::http;

bool is_parse_error(const boost::beast::error_code& ec) {
  return ec.category() == make_error_code(http::error::bad_target).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

// An action after which the connection closes.
RequestDecision final_action(RequestAction action) { return {action, {}, false}; }

}  // namespace

RequestDecision decide_request(const RequestParser& parser, const boost::beast::error_code& ec, std::string_view target,
                               std::string& scratch) {
  // A body over Beast's own limit (1 MB) is refused before the parser sees its header.
  if (parser.has_body() || ec == http::error::body_limit) return final_action(RequestAction::refuse_body);
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    return final_action(RequestAction::refuse_header);
  }
  if (is_parse_error(ec)) return final_action(RequestAction::bad_request);
  if (ec) return final_action(RequestAction::close);
  if (!parser.known_version()) return final_action(RequestAction::bad_request);

  const bool keep_alive = parser.keep_alive();
  if (!parser.is_get()) return {RequestAction::method_not_allowed, {}, keep_alive};
  const Route route = route_request(target, scratch);
  switch (route.kind) {
    case RouteKind::flag: return {RequestAction::flag, route.code, keep_alive};
    case RouteKind::manifest: return {RequestAction::manifest, {}, keep_alive};
    case RouteKind::stats: return {RequestAction::stats, {}, keep_alive};
    case RouteKind::not_found: return {RequestAction::not_found, {}, keep_alive};
    case RouteKind::bad_target: break;
  }
  return final_action(RequestAction::bad_request);
}

}  // namespace concur
