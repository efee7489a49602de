// print_error: the one shape of every error concur prints.
#include <iostream>

#include "cli/commands.hpp"
#include "util/escape.hpp"

namespace concur::cli {

void print_error(std::string_view message) { std::cerr << "concur: " << escape_controls(message) << '\n'; }

}  // namespace concur::cli
