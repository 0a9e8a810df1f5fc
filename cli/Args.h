//===- Args.h - Docker-style command-line flags ------------------*- C++ -*-===//
//
// `-t name:tag`, `--tag=name:tag`, `--tag name:tag`, combined short booleans (`-it`), repeatable
// flags, `--` to end flags, and "did you mean" for unknown ones. llvm::cl cannot do these.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace ballast::cli {

/// One flag a command accepts.
struct FlagSpec {
  std::string Long; ///< "format"
  char Short = 0;   ///< 'f'
  bool TakesValue = false;
  std::string Help;
  std::string ValueName = "VALUE";
};

/// The parsed command line of one command.
class Args {
public:
  /// Parses Argv (after the command name) against Specs.
  static llvm::Expected<Args> parse(llvm::ArrayRef<std::string> Argv,
                                    llvm::ArrayRef<FlagSpec> Specs);
  bool has(llvm::StringRef Long) const { return Values.count(Long.str()) != 0; }
  /// The last value given for Long.
  std::optional<std::string> get(llvm::StringRef Long) const;
  /// Every value given for Long, in order.
  std::vector<std::string> getAll(llvm::StringRef Long) const;
  /// A boolean flag: present without value, or `--x=true|false`.
  bool flag(llvm::StringRef Long) const;
  const std::vector<std::string> &positional() const { return Positional; }
  /// The positional arguments, moved out (positional() is empty afterwards).
  std::vector<std::string> takePositional() { return std::move(Positional); }

private:
  std::map<std::string, std::vector<std::string>> Values;
  std::vector<std::string> Positional;
};

/// The closest of Candidates to Word (edit distance <= 2), for "did you mean".
std::optional<std::string> closest(llvm::StringRef Word, llvm::ArrayRef<std::string> Candidates);

/// A usage block listing Specs.
std::string flagHelp(llvm::ArrayRef<FlagSpec> Specs);

} // namespace ballast::cli
