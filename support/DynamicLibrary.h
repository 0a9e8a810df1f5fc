//===- DynamicLibrary.h - A library's functions, loaded with dlopen -*- C++ -*-===//
//
// A heavy library that only some commands need is not linked: registry/Curl.h (libcurl),
// support/Crypto.h (libcrypto) and oci/LibArchive.h (libarchive) are each a table of function
// pointers that a function-local static fills the first time a command needs it, so that the
// commands that never do (`ballast lint`, `ballast version`) do not map the library and its
// dependency tree. This is the loading those tables share: dlopen the soname, dlsym each
// function, and word the first failure as `what is wrong; how to fix`.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>

namespace ballast {

/// A shared library that a command can do without until it needs it.
struct LibrarySpec {
  const char *Name;       ///< "libcurl"
  const char *Soname;     ///< "libcurl.so.4"
  const char *MinVersion; ///< the oldest release with every function asked for: "7.62"
  const char *Package;    ///< the Debian package that installs Soname: "libcurl4"
};

/// Opens a library with dlopen(RTLD_NOW | RTLD_LOCAL) and resolves its functions. A library
/// that loads completely stays loaded for the life of the process (handles from it may outlive
/// any one caller); one that lacks a function is closed again.
class DynamicLibrary {
public:
  explicit DynamicLibrary(const LibrarySpec &Spec);
  DynamicLibrary(const DynamicLibrary &) = delete;
  DynamicLibrary &operator=(const DynamicLibrary &) = delete;

  /// Sets Fn to the function Symbol, or to nullptr (and records why) when it cannot be found.
  template <class Fn> void get(Fn &F, const char *Symbol) {
    F = reinterpret_cast<Fn>(symbol(Symbol));
  }
  /// Empty when the library and every function asked for were found; otherwise the first
  /// failure, `what is wrong; how to fix`, and the library is closed.
  std::string finish();

private:
  void *symbol(const char *Symbol);
  LibrarySpec Spec;
  void *Handle = nullptr;
  std::string Error;
};

} // namespace ballast
