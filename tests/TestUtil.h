//===- TestUtil.h - Helpers shared by the cross-module tests -----*- C++ -*-===//
#pragma once

#include <filesystem>
#include <string>

namespace ballast::test {

/// The repository root.
std::filesystem::path sourceDir();
/// ../shared/corpus-external beside the repository.
std::filesystem::path externalCorpus();
/// Reads a whole file ("" when missing).
std::string slurp(const std::filesystem::path &P);
/// Writes a whole file.
void spit(const std::filesystem::path &P, const std::string &Text);
/// Runs a shell command line, returns its exit status and fills Out with stdout (+stderr when
/// MergeErr).
int run(const std::string &Cmd, std::string &Out, bool MergeErr = false);
/// A fresh empty temporary folder, removed by the caller.
std::filesystem::path tempDir(const std::string &Prefix);

} // namespace ballast::test
