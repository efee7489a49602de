// The concur plugin SDK: include this one header to write a strategy plugin.
#pragma once

#include "concur/batch.hpp"
#include "concur/blocking.hpp"
#include "concur/host.hpp"
#include "concur/io.hpp"
#include "concur/option.hpp"
#include "concur/outcome.hpp"
#include "concur/plugin.hpp"
#include "concur/stdlib.hpp"
#include "concur/strategy.hpp"
#include "concur/task.hpp"
#include "concur/version.hpp"
