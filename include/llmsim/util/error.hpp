// SPDX-License-Identifier: MIT
// Exception types for bad user input; the app maps them to exit code 2.
#pragma once

#include <stdexcept>
#include <string>

namespace llmsim {

/// `message` with every word (a run of non-blank characters) longer than 256 characters cut to its first 80 and
/// its length, so that an echoed runaway input (a 10,000-character name, cell, key or path) cannot flood the
/// terminal while file, key and valid values stay readable.
std::string shorten_long_words(const std::string& message);

/// Base of all llmsim errors; the message is passed through shorten_long_words.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message);
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
