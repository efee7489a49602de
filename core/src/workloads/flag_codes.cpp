#include "workloads/flag_codes.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <vector>

#include "server/country_codes.hpp"

namespace concur {
namespace {

std::string upper(std::string word) {
  for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return word;
}

bool letters(const std::string& word) {
  return std::all_of(word.begin(), word.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool is_keyword(const std::string& word) { return word == "TOP20" || word == "ALL" || word == "EVERY"; }

}  // namespace

const std::vector<std::string>& top20_codes() {
  static const std::vector<std::string> codes = {"CN", "IN", "US", "ID", "BR", "PK", "NG", "BD", "RU", "JP",
                                                 "MX", "PH", "VN", "ET", "EG", "DE", "IR", "TR", "CD", "FR"};
  return codes;
}

std::string check_code_words(const std::vector<std::string>& words) {
  if (words.empty()) return "no codes; expected top20, all, every, or codes (CN) and letters (C)";
  for (const std::string& raw : words) {
    const std::string word = upper(raw);
    if (is_keyword(word)) {
      if (words.size() > 1) return "'" + raw + "' stands alone; expected top20, all or every, or codes and letters";
      continue;
    }
    if ((word.size() != 1 && word.size() != 2) || !letters(word)) {
      return "'" + raw + "' is no code; expected A to Z or AA to ZZ (or top20, all, every)";
    }
  }
  return {};
}

std::vector<std::string> expand_codes(const std::vector<std::string>& words, std::size_t limit) {
  std::set<std::string> chosen;
  for (const std::string& raw : words) {
    const std::string word = upper(raw);
    if (word == "TOP20") {
      chosen.insert(top20_codes().begin(), top20_codes().end());
    } else if (word == "ALL") {
      chosen.insert(country_codes().begin(), country_codes().end());
    } else if (word == "EVERY" || word.size() == 1) {
      for (char a = 'A'; a <= 'Z'; ++a) {
        if (word.size() == 1 && a != word[0]) continue;
        for (char b = 'A'; b <= 'Z'; ++b) chosen.insert(std::string{a, b});
      }
    } else {
      chosen.insert(word);
    }
  }
  std::vector<std::string> codes(chosen.begin(), chosen.end());
  if (limit > 0 && codes.size() > limit) codes.resize(limit);
  return codes;
}

}  // namespace concur
