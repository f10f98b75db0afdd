// SPDX-License-Identifier: MIT
// `llmsim --list`: every plug-in family with its names, config keys and descriptions, from the registries.
#pragma once

#include <string>

namespace llmsim::app {

/// The text `llmsim --list` prints.
std::string plugin_list();

}  // namespace llmsim::app
