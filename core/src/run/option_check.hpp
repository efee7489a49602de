// The suite's `options:` checked against the options the strategies of its run declare.
#pragma once

#include "host/plugin_loader.hpp"
#include "suite/suite.hpp"

namespace concur {

// Every member of `options:` must be declared by a strategy the suite runs,
// with a value that every strategy declaring it accepts; a strategy that does
// not declare an option ignores it. The strategies a suite runs are those its
// entries name, "all" meaning every loaded plugin, unavailable ones included
// (a suite must not turn invalid on a machine without io_uring); --filter
// picks cases, not strategies, so it changes nothing here. Throws ConfigError
// naming the option's place in the suite.
void check_options(const Suite& suite, const PluginSet& plugins);

}  // namespace concur
