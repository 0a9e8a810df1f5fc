//===- Output.h - analyze reports: text, json, html --------------*- C++ -*-===//
//
// SARIF goes through report/SarifWriter (shared with lint); these three are analyze's own:
// a text summary for terminals, a stable JSON document (schema in docs/analyze.md) and one
// self-contained HTML page with a layer chart and a sortable file table.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "analyzer/Analysis.h"
#include "llvm/Support/raw_ostream.h"

namespace ballast::analyzer {

/// The layer table (index, size, wasted, instruction), the score, wasted bytes by reason, dive's
/// figures beside them, the top inefficient files and the findings.
void writeText(llvm::raw_ostream &OS, const Analysis &A, unsigned TopFiles = 10);

/// The JSON document (keys in a fixed order; see docs/analyze.md).
void writeJson(llvm::raw_ostream &OS, const Analysis &A);

/// One HTML file, no external resources: an SVG chart of layer sizes and waste drawn by an inline
/// script from the embedded JSON, and a file table sortable by clicking its headers.
void writeHtml(llvm::raw_ostream &OS, const Analysis &A);

/// The JSON value of A (what writeJson prints), as a string.
std::string toJson(const Analysis &A, int Indent = 2);

} // namespace ballast::analyzer
