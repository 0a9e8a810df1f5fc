//===- Analysis.h - Image analysis: metrics, findings, attribution -*- C++ -*-===//
//
// reference -> Image -> layers scanned in parallel -> tree applied in order -> exact waste and
// dive's figures -> detectors (BL3001-BL3010) -> attribution of each layer to its history entry
// and, given the Dockerfile, to the instruction that made it, so findings land on that line.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analyzer/Dive.h"
#include "analyzer/Layer.h"
#include "analyzer/Tree.h"
#include "support/Finding.h"
#include "support/RuleInfo.h"
#include "support/SourceFile.h"

namespace ballast::analyzer {

/// One layer as reported.
struct LayerReport {
  unsigned Index = 0;
  std::string Digest; ///< blob digest
  std::string DiffId; ///< from the config
  std::string MediaType;
  int64_t CompressedBytes = 0;
  uint64_t TarBytes = 0;    ///< uncompressed tar stream
  int64_t ContentBytes = 0; ///< regular-file bytes stored (hard links once)
  uint64_t Entries = 0;
  int64_t WastedBytes = 0;  ///< bytes stored here but hidden in the final image
  int64_t RemovedBytes = 0; ///< bytes of lower layers this layer hides
  int HistoryIndex = -1;    ///< the config history entry that made it
  std::string CreatedBy;    ///< that entry's created_by ("" when the history is missing)
  std::string Comment;      ///< that entry's comment (`docker import` writes "Imported from -")
  int DockerfileLine = 0;   ///< 1-based line of the instruction, 0 when unknown
  SourceRange DockerfileRange;
};

/// A path and its size, for the largest files and folders.
struct SizedPath {
  std::string Path;
  int64_t Bytes = 0;
};

/// A path whose stored bytes are (partly) hidden: the exact counterpart of dive's list.
struct InefficientFile {
  std::string Path;
  unsigned Count = 0;      ///< copies stored at the path (hidden ones, plus the visible one)
  int64_t WastedBytes = 0; ///< hidden bytes only
};

/// How to analyze.
struct AnalyzeOptions {
  ScanOptions Scan;
  std::string ImageName;      ///< as the user wrote it, for reports
  std::string DockerfilePath; ///< map findings to this Dockerfile ("" = none)
  std::string DockerfileText;
  unsigned TopN = 10; ///< largest files and folders kept
};

/// Everything `ballast analyze` reports.
struct Analysis {
  std::string Image;
  std::vector<LayerReport> Layers;
  // Exact figures (content bytes of regular files; hard links once).
  int64_t SizeBytes = 0;  ///< bytes stored in all layers
  int64_t FinalBytes = 0; ///< bytes visible in the final image
  int64_t WastedBytes = 0;
  std::vector<int64_t> WastedByReason; ///< indexed by HideReason
  int64_t AttrOnlyBytes = 0, UnchangedCopyBytes = 0, MovedBytes = 0;
  double Efficiency = 1.0;        ///< FinalBytes / SizeBytes
  double UserWastedPercent = 0.0; ///< WastedBytes / bytes stored in layers after the first (ratio)
  std::vector<InefficientFile> Inefficient; ///< largest waste first, then by path
  DiveResult Dive;
  std::vector<SizedPath> LargestFiles, LargestDirs;
  TreeModel Tree;
  std::vector<Finding> Findings;
  /// The Dockerfile findings point into (null when none was given).
  std::shared_ptr<const SourceFile> Dockerfile;
};

/// The analyzer's rules (BL3001-BL3010); DocMarkdown is left empty (the CLI fills it from the
/// embedded docs/rules pages).
const std::vector<RuleInfo> &analyzerRules();

/// Analyzes scanned layers of Img (the scan is separate so tests can feed layers directly).
Analysis analyzeLayers(const oci::Image &Img, std::vector<LayerScan> Layers,
                       const AnalyzeOptions &Opts);

/// Streams and analyzes every layer of Img.
llvm::Expected<Analysis> analyzeImage(const oci::Image &Img, const AnalyzeOptions &Opts);

/// Human units the way the reports print them: "0 B", "512 B", "1.5 kB", "20 MB" (SI, like dive).
std::string humanBytes(int64_t Bytes);

} // namespace ballast::analyzer
