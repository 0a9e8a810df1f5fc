//===- Progress.h - Per-item progress bars or plain lines --------*- C++ -*-===//
//
// Long transfers show one bar per item (bytes, rate, ETA) when the stream is a terminal,
// plain lines at start and end otherwise, and nothing when quiet.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "llvm/ADT/StringRef.h"

namespace ballast {

/// Human-readable bytes as Docker prints them ("1.5MB", "512B", "2.3GB"; powers of 1000).
std::string humanBytes(double Bytes);

class ProgressDisplay {
public:
  enum class Mode { Auto, Tty, Plain, Quiet };
  /// Writes to Fd (stderr by default); Auto picks Tty when Fd is a terminal, else Plain.
  explicit ProgressDisplay(Mode M = Mode::Auto, int Fd = 2);
  ~ProgressDisplay();
  ProgressDisplay(const ProgressDisplay &) = delete;
  ProgressDisplay &operator=(const ProgressDisplay &) = delete;
  /// Starts an item (a blob): Label is what the user sees ("3f4a5b6c7d8e"), Total its bytes.
  void start(llvm::StringRef Id, llvm::StringRef Label, llvm::StringRef Status, int64_t Total);
  /// Bytes of the item done so far.
  void update(llvm::StringRef Id, int64_t Done);
  /// Ends an item with a final status ("Pull complete", "Already exists").
  void finish(llvm::StringRef Id, llvm::StringRef Status);
  /// A line printed above the bars (or as is in plain mode); printed even when quiet if Always.
  void line(llvm::StringRef Text, bool Always = false);
  Mode mode() const { return M; }

private:
  struct Item {
    std::string Id, Label, Status;
    int64_t Done = 0, Total = 0;
    bool Finished = false;
    std::chrono::steady_clock::time_point Start;
  };
  Item *find(llvm::StringRef Id);
  void redraw(bool Force);
  std::string render(const Item &I) const;
  void write(const std::string &S);
  Mode M;
  int Fd;
  std::mutex Mu;
  std::vector<Item> Items;
  size_t Drawn = 0; ///< lines of bars on screen
  std::chrono::steady_clock::time_point LastDraw;
};

} // namespace ballast
