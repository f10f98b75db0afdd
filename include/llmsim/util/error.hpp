// SPDX-License-Identifier: MIT
// Exception types for bad user input; the app maps them to exit code 2.
#pragma once

#include <stdexcept>
#include <string>

namespace llmsim {

/// Base of all llmsim errors.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A configuration file or option is invalid. The message names the file, the key and the valid values.
class ConfigError : public Error {
 public:
  using Error::Error;
};

/// An input data file (trace, predictor table) is malformed, or the workload leaves the data's domain.
class InputError : public Error {
 public:
  using Error::Error;
};

}  // namespace llmsim
