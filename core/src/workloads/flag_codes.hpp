// Flag codes: which country codes a downloads run asks for (top20, all, every, or codes and letters), as the original flags2 expanded them.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace concur {

// The 20 most populous countries, as the original experiments listed them.
const std::vector<std::string>& top20_codes();

// "" when `words` is a valid selection, else what is wrong: one of top20,
// all (the 194 country codes) or every (AA..ZZ, 676 codes) alone, or any mix
// of codes (two letters) and letters (one letter: every code AA..ZZ that
// starts with it), case-insensitive.
std::string check_code_words(const std::vector<std::string>& words);

// The codes `words` selects, upper case, sorted and without repeats, cut to
// the first `limit` (0: all of them). Call only with words check_code_words accepts.
std::vector<std::string> expand_codes(const std::vector<std::string>& words, std::size_t limit);

}  // namespace concur
