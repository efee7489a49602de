#include "server/responses.hpp"

#include <stdexcept>

namespace concur {
namespace {

std::string_view reason(unsigned status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
  }
  throw std::logic_error("flag server: no reason phrase for status " + std::to_string(status));
}

std::span<const std::uint8_t> bytes_of(const std::string& s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// A small HTML page, as the original experiments' error proxy (Vaurien) sent.
std::string error_page(unsigned status) {
  const std::string title = std::to_string(status) + " " + std::string(reason(status));
  return "<!DOCTYPE html>\n<html><head><title>" + title + "</title></head>\n<body><h1>" + title +
         "</h1><p>concur flag server: injected fault</p></body></html>\n";
}

}  // namespace

std::string response_head(unsigned status, std::string_view content_type, std::size_t length, bool keep_alive,
                          std::string_view extra_headers) {
  std::string head = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason(status)) +
                     "\r\nServer: concur\r\nContent-Type: " + std::string(content_type) +
                     "\r\nContent-Length: " + std::to_string(length) + "\r\n";
  head += extra_headers;
  head += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  return head;
}

ResponseSet::ResponseSet(const FlagSet& flags) {
  flags_.reserve(flags.files().size());
  for (const FlagFile& f : flags.files()) {
    flags_.push_back({response_head(200, "image/gif", f.bytes.size(), true),
                      response_head(200, "image/gif", f.bytes.size(), false), f.bytes});
  }
  const auto make = [this](unsigned status, std::string_view type, std::string body, std::string_view extra = {}) {
    const std::string& b = bodies_.emplace_back(std::move(body));
    return PreparedResponse{response_head(status, type, b.size(), true, extra),
                            response_head(status, type, b.size(), false, extra), bytes_of(b)};
  };
  manifest_ = make(200, "application/json", flags.manifest_json());
  not_found_ = make(404, "text/plain; charset=utf-8", "404 Not Found\n");
  bad_request_ = make(400, "text/plain; charset=utf-8", "400 Bad Request\n");
  method_ = make(405, "text/plain; charset=utf-8", "405 Method Not Allowed: only GET is served\n", "Allow: GET\r\n");
  body_refused_ = make(413, "text/plain; charset=utf-8", "413 Content Too Large: requests with a body are refused\n");
  header_large_ = make(431, "text/plain; charset=utf-8", "431 Request Header Fields Too Large: 8 KiB at most\n");
  for (unsigned status = 500; status <= 503; ++status) {
    errors_.push_back(make(status, "text/html; charset=utf-8", error_page(status)));
    malformed_.push_back("HTTP/1.1 " + std::to_string(status) + " " + std::string(reason(status)) +
                         "\nContent-Type: text/html; charset=UTF-8\nConnection: close\n\n" + error_page(status));
  }
}

}  // namespace concur
