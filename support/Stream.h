//===- Stream.h - Pull-style byte streams ------------------------*- C++ -*-===//
//
// One tiny reader interface shared by the store, the registry client, archives, decompressors
// and the analyzer, so a blob flows from any source to any sink without being held in memory.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace ballast {

/// A source of bytes read front to back.
class Reader {
public:
  virtual ~Reader();
  /// Reads up to Len bytes into Buf; 0 means end of stream. Errors are final.
  virtual llvm::Expected<size_t> read(char *Buf, size_t Len) = 0;
};

/// Reads a whole stream into a string (for manifests and configs, never for layers).
llvm::Expected<std::string> readAll(Reader &R, uint64_t Limit = 64ull << 20);

/// A reader over bytes in memory (the reader keeps its own copy).
std::unique_ptr<Reader> stringReader(std::string Bytes);

/// A reader over an open file descriptor it owns (closed on destruction).
std::unique_ptr<Reader> fdReader(int Fd);

/// Opens a file for reading.
llvm::Expected<std::unique_ptr<Reader>> openFileReader(llvm::StringRef Path);

/// Copies all of R to the file descriptor Fd; returns the number of bytes copied.
llvm::Expected<uint64_t> copyToFd(Reader &R, int Fd);

} // namespace ballast
