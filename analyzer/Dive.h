//===- Dive.h - dive v0.13's efficiency figures, reproduced exactly -*- C++ -*-===//
//
// For teams whose CI gates on `.dive-ci`: the numbers dive prints, computed the way
// dive/filetree/efficiency.go and dive/image/image.go compute them, quirks included. Per layer
// dive builds a tree from the tar names (whiteout names kept, opaque markers dropped), visits its
// leaves only, and charges each path every size it was seen with (a whiteout of a directory is
// charged the size of what it removed from the stacked lower layers, a file whiteout 0).
//   efficiency         = sum over paths of the smallest size / sum of all sizes
//   wasted_bytes       = sum over paths seen in two or more layers of all their sizes
//   user_wasted_percent = wasted_bytes / bytes of all layers but the first (a ratio, as dive)
// docs/analyze.md puts these next to the exact figures with a worked example.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

#include "analyzer/Layer.h"
#include "llvm/ADT/ArrayRef.h"

namespace ballast::analyzer {

/// One line of dive's "Inefficient Files" list.
struct DiveFile {
  std::string Path;        ///< "/var/lib/apt/lists/x", as dive prints it
  unsigned Count = 0;      ///< how many layers have the path (dive's References)
  int64_t WastedBytes = 0; ///< dive's CumulativeSize: every copy counted
};

/// dive's analysis result.
struct DiveResult {
  double Efficiency = 1.0;
  uint64_t WastedBytes = 0;
  double UserWastedPercent = 0;      ///< a ratio; NaN or +Inf when the user layers hold 0 bytes
  uint64_t SizeBytes = 0;            ///< sum of the tar entry sizes of every layer
  uint64_t UserSizeBytes = 0;        ///< the same without the first layer
  std::vector<DiveFile> Inefficient; ///< largest first (dive's CI report order); ties by path
};

/// Computes dive's figures from the layers' entries.
DiveResult diveEfficiency(llvm::ArrayRef<LayerScan> Layers);

} // namespace ballast::analyzer
