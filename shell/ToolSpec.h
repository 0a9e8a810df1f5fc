//===- ToolSpec.h - Which options of a tool take a value ---------*- C++ -*-===//
//
// The option grammar of the tools lint rules ask about, so that queries can tell the value of
// `-o` in `apt-get -o Dpkg::Options::=--force-confnew install x` from a package name.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Compiler.h"
#include "llvm/Support/Endian.h"

namespace ballast::shell {

/// How one command-line tool spells its options.
struct ToolSpec {
  /// The tool's name (a basename such as "apt-get").
  llvm::StringLiteral Name;
  /// The first positional argument is a subcommand ("install" in `apt-get install`).
  bool HasSubcommand = false;
  /// `-name` is one option, not a cluster of short ones (go's `-ldflags`).
  bool SingleDashLong = false;
  /// A first argument without a dash is a cluster of short options (`tar xzf a.tgz`).
  bool OldStyleFirstArg = false;
  /// Letters of short options that take a value, attached (`-ofile`) or as the next argument.
  llvm::StringLiteral ShortWithValue = "";
  /// Letters of short options whose optional value can only be attached (sed's `-i.bak`).
  llvm::StringLiteral ShortOptionalValue = "";
  /// Long options (with their dashes) that take the next argument as value when no `=` is given.
  llvm::ArrayRef<llvm::StringLiteral> LongWithValue = {};

  /// True when the short option letter C takes a value.
  bool shortTakesValue(char C) const;
  /// True when the long option Name (e.g. "--output", or "-ldflags" for single-dash tools)
  /// takes a value.
  bool longTakesValue(llvm::StringRef Name) const;
};

/// The spec of a tool by its basename; version suffixes are ignored ("pip3.11" finds "pip").
/// Returns null for tools without a spec.
const ToolSpec *findToolSpec(llvm::StringRef Basename);

/// What the shell parser needs to know of a command's basename, found by one lookup.
struct CommandLookup {
  /// As findToolSpec gives.
  const ToolSpec *Spec = nullptr;
  /// 0 for no shell; 1 for sh, bash and the like (`sh -c SCRIPT`); 2 for su and runuser
  /// (`su user -c SCRIPT`). By the exact name: "bash5" is none.
  uint8_t Shell = 0;
};
/// The spec of a command's basename and whether it is a shell that runs a `-c` script, in one
/// lookup (the parser asks both of every command).
CommandLookup lookupCommand(llvm::StringRef Basename);

/// The longest name nameKey can take.
constexpr size_t NameKeyMaxSize = 8;

/// A name of 1 to NameKeyMaxSize bytes as one number, without reading outside it: from four
/// bytes on, its first and last four (they overlap below eight); below that, its first, middle
/// and last byte. Two names of the same length have the same key only when they are equal. For
/// tables of command names asked of every command (lookupCommand's, the rule engine's).
LLVM_ATTRIBUTE_ALWAYS_INLINE uint64_t nameKey(const char *P, size_t N) {
  auto B = [P](size_t I) { return static_cast<uint64_t>(static_cast<unsigned char>(P[I])); };
  if (N >= 4) {
    uint32_t Lo = 0;
    uint32_t Hi = 0;
    std::memcpy(&Lo, P, 4);
    std::memcpy(&Hi, P + N - 4, 4);
    return llvm::support::endian::byte_swap<uint32_t, llvm::support::little>(Lo) |
           static_cast<uint64_t>(
               llvm::support::endian::byte_swap<uint32_t, llvm::support::little>(Hi))
               << 32;
  }
  return B(0) | B(N / 2) << 8 | B(N - 1) << 16;
}

/// Every known spec, for tests and documentation.
llvm::ArrayRef<ToolSpec> allToolSpecs();

} // namespace ballast::shell
